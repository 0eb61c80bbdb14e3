from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IpsConfig(AppConfig):
    name = "dagsverket.ips"
    label = "ips"
    verbose_name = _("IPS job-specialist log")

    def ready(self):
        from . import subject_access  # noqa: F401  (registers the IPS sections of the export)
