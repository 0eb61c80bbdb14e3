from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.follow_up_list, name="follow_up"),
    path("overrides/", views.override_list, name="overrides"),
    path("overrides/<int:pk>/reviewed/", views.override_review, name="override_review"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/new/", views.agency_edit, name="agency_new"),
    path("agencies/<int:pk>/", views.agency_edit, name="agency_edit"),
    path("participant/<int:participant_id>/", views.participant_page, name="participant"),
    path("participant/<int:participant_id>/access/", views.participant_access_log, name="access_log"),
    path("participant/<int:participant_id>/consent/", views.consent_new, name="consent_new"),
    path("participant/<int:participant_id>/new/", views.referral_new, name="new"),
    path(
        "participant/<int:participant_id>/export.<str:fmt>",
        views.subject_access_export,
        name="subject_access_export",
    ),
    path("consent/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/send/", views.referral_send, name="send"),
    path("<int:pk>/letter.pdf", views.referral_letter, name="letter"),
    path("<int:pk>/<str:action>/", views.referral_change, name="change"),
]
