from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DagsverketConfig(AppConfig):
    name = "dagsverket"
    verbose_name = _("Daily work")
