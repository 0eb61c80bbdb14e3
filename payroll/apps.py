from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "payroll"
    verbose_name = _("Payroll")

    def ready(self):
        from dagsverket import glance

        from . import glance as figures

        glance.register(figures.day_figures)
