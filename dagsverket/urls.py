"""Root URLs of the project."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .evaluation import urls as evaluation_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("site/", views.select_site, name="select_site"),
    path("manage/", views.manage_today, name="manage_today"),
    path("evaluation/", include(evaluation_urls.evaluation_urlpatterns)),
    path("exports/", include(evaluation_urls.export_urlpatterns)),
    path("checkin/", include("dagsverket.checkin_urls")),
    path("referrals/", include("dagsverket.referral_urls")),
    path("jobs/", include("jobs.urls")),
    path("payroll/", include("payroll.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
