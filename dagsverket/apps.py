from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DagsverketConfig(AppConfig):
    name = "dagsverket"
    verbose_name = _("Daily work")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import history  # noqa: F401  (connects the history actor signal)
        from .middleware import session_refreshed_at_login
        from .tablet import new_sync_tag_at_login

        user_logged_in.connect(session_refreshed_at_login, dispatch_uid="dagsverket_session_refresh")
        user_logged_in.connect(new_sync_tag_at_login, dispatch_uid="dagsverket_sync_tag")
