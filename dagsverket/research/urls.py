"""URLs of the research area, under research/."""

from django.urls import path

from . import exports, views

app_name = "research"

urlpatterns = [
    path("", views.home, name="home"),
    path("due/", views.due, name="due"),
    path("instruments/", views.instruments, name="instruments"),
    path("studies/new/", views.study_new, name="study_new"),
    path("studies/<int:pk>/", views.study_detail, name="study_detail"),
    path("studies/<int:pk>/start/", views.study_start_view, name="study_start"),
    path("studies/<int:pk>/balance/", views.study_balance, name="study_balance"),
    path("studies/<int:pk>/enrol/", views.enrol, name="study_enrol"),
    path("studies/<int:pk>/sessions/", views.sessions, name="sessions"),
    path("studies/<int:pk>/export/", exports.export_view, name="study_export"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<int:pk>/lock/", views.enrolment_lock_view, name="enrolment_lock"),
    path("enrolments/<int:pk>/reveal/", views.enrolment_reveal, name="enrolment_reveal"),
    path(
        "enrolments/<int:pk>/waves/<int:wave_id>/instruments/<int:instrument_id>/",
        views.response_new,
        name="enrolment_response",
    ),
    path("enrolments/<int:pk>/waves/<int:wave_id>/follow-up/", views.follow_up, name="enrolment_follow_up"),
    path("sessions/<int:pk>/", views.session_attendance, name="session"),
]
