"""URLs of the evaluation area, included twice from the root: under evaluation/ and exports/."""

from django.urls import path

from . import views

evaluation_urlpatterns = [
    path("", views.evaluation_home, name="evaluation_home"),
    path("projects/new/", views.project_create, name="evaluation_project_create"),
    path("dashboard/", views.dashboard, name="evaluation_dashboard"),
    path("report.pdf", views.report_pdf, name="evaluation_report"),
]

export_urlpatterns = [
    path("attendance/", views.export_attendance, name="export_attendance"),
    path("person-period/", views.export_person_period, name="export_person_period"),
    path("statistics/", views.export_statistics, name="export_statistics"),
]
