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
    path("statistics/", views.statistics, name="statistics"),
    path("studies/<int:pk>/balance/", views.study_balance, name="study_balance"),
    path("studies/<int:pk>/extend/", views.study_extend, name="study_extend"),
    path("studies/<int:pk>/value-set/", views.study_value_set, name="study_value_set"),
    path("studies/<int:pk>/allocation-list/", views.study_allocation_list, name="study_allocation_list"),
    path("studies/<int:pk>/consort/", views.study_consort, name="study_consort"),
    path("studies/<int:pk>/consort.svg", views.study_consort_svg, name="study_consort_svg"),
    path("studies/<int:pk>/consort.csv", views.study_consort_csv, name="study_consort_csv"),
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
    path("enrolments/<int:pk>/status/", views.enrolment_status, name="enrolment_status"),
    path("enrolments/<int:pk>/history/", views.enrolment_history_view, name="enrolment_history"),
    path(
        "enrolments/<int:pk>/waves/<int:wave_id>/close/",
        views.enrolment_wave_close,
        name="enrolment_wave_close",
    ),
    path("responses/<int:pk>/correct/", views.response_correct_view, name="response_correct"),
    path("follow-ups/<int:pk>/correct/", views.follow_up_correct_view, name="follow_up_correct"),
    path("sessions/<int:pk>/", views.session_attendance, name="session"),
]
