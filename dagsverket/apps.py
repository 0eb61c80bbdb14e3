from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DagsverketConfig(AppConfig):
    name = "dagsverket"
    verbose_name = _("Daily work")

    def ready(self):
        from . import history  # noqa: F401  (connects the history actor signal)
