from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "payroll"
    verbose_name = _("Payroll")

    def ready(self):
        from dagsverket import extensions, glance

        from . import glance as figures
        from . import selectors

        glance.register(figures.day_figures)
        extensions.register_attendance_columns(selectors.attendance_columns)
