from django.urls import path

from . import views

app_name = "ips"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("caseload/new/", views.caseload_new, name="caseload_new"),
    path("caseload/<int:pk>/", views.caseload_detail, name="caseload_detail"),
    path("caseload/<int:pk>/end/", views.caseload_end, name="caseload_end"),
    path("caseload/<int:pk>/profile/", views.caseload_profile, name="caseload_profile"),
    path("caseload/<int:pk>/jobs/new/", views.caseload_job_new, name="caseload_job_new"),
    path("participants/<int:participant_id>/", views.participant, name="participant"),
    path("jobs/<int:pk>/count/", views.job_count, name="job_count"),
    path("jobs/<int:pk>/end/", views.job_end, name="job_end"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("fidelity/", views.fidelity_list, name="fidelity_list"),
    path("fidelity/new/", views.fidelity_new, name="fidelity_new"),
    path("fidelity/<int:pk>/", views.fidelity_detail, name="fidelity_detail"),
    path("report/", views.report, name="report"),
    path("report/pdf/", views.report_pdf, name="report_pdf"),
]
