from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IpsConfig(AppConfig):
    name = "dagsverket.ips"
    label = "ips"
    verbose_name = _("IPS job-specialist log")

    def ready(self):
        from dagsverket import extensions

        from . import (
            selectors,
            services,
            subject_access,  # noqa: F401  (registers the IPS sections of the export)
        )

        extensions.participant_merging.connect(
            services.participant_merging_move_caseload, dispatch_uid="ips_merge"
        )
        extensions.register_health_scope(selectors.caseload_people)
