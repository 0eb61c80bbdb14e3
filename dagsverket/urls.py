"""Root URLs of the project."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .evaluation import urls as evaluation_urls
from .views import history as history_views
from .views import home as views
from .views import participants as participant_views
from .views import reasons as reason_views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("site/", views.select_site, name="select_site"),
    path("manage/", views.manage_today, name="manage_today"),
    path("manage/reasons/", reason_views.reason_list, name="reason_list"),
    path("manage/reasons/new/", reason_views.reason_edit, name="reason_new"),
    path("manage/reasons/<int:pk>/", reason_views.reason_edit, name="reason_edit"),
    path("evaluation/", include(evaluation_urls.evaluation_urlpatterns)),
    path("exports/", include(evaluation_urls.export_urlpatterns)),
    path("checkin/", include("dagsverket.checkin_urls")),
    path("participants/", participant_views.participant_list, name="participant_list"),
    path("participants/new/", participant_views.participant_new, name="participant_new"),
    path("participants/import/", participant_views.participant_import, name="participant_import"),
    path("participants/<int:pk>/", participant_views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", participant_views.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/exclude/", participant_views.participant_exclude, name="participant_exclude"),
    path(
        "participants/<int:pk>/exclusions/<int:exclusion_pk>/lift/",
        participant_views.participant_lift_exclusion,
        name="participant_lift_exclusion",
    ),
    path("participants/<int:pk>/merge/", participant_views.participant_merge_view, name="participant_merge"),
    path(
        "history/<str:app_label>/<str:model>/<int:pk>/",
        history_views.record_history,
        name="record_history",
    ),
    path("attendance/", participant_views.attendance, name="attendance"),
    path("referrals/", include("dagsverket.referrals.urls")),
    path("jobs/", include("jobs.urls")),
    path("payroll/", include("payroll.urls")),
    path("ips/", include("dagsverket.ips.urls")),
    path("research/", include("dagsverket.research.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
