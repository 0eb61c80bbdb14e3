from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Jobs")

    def ready(self):
        from dagsverket import extensions, glance

        from . import glance as figures
        from . import selectors, services

        glance.register(figures.day_figures)
        extensions.lottery_pool_changed.connect(
            services.lottery_pool_changed_update_waiting_list, dispatch_uid="jobs_waiting_list"
        )
        extensions.participant_merging.connect(
            services.participant_merging_move_jobs, dispatch_uid="jobs_merge"
        )
        extensions.register_visit_outcomes(selectors.visit_outcomes)
        extensions.register_attendance_columns(selectors.attendance_columns)
