from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DagsverketConfig(AppConfig):
    name = "dagsverket"
    verbose_name = _("Daily work")

    def import_models(self):
        # The referrals package's models belong to this app (label `dagsverket`, the tables they
        # were created under). Load them with the core's own models, before any app's ready(),
        # migration or admin needs them, so the core's models module does not import them.
        super().import_models()
        from .referrals import models  # noqa: F401

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import extensions, history  # noqa: F401  (history connects the history actor signal)
        from .middleware import session_refreshed_at_login
        from .referrals import services as referral_services
        from .referrals import subject_access  # noqa: F401  (registers the referral sections of the export)
        from .tablet import new_sync_tag_at_login

        # The referrals package plugs into the core as the apps above it do, so the core's
        # services and export never import it.
        extensions.participant_merging.connect(
            referral_services.participant_merging_move_referrals, dispatch_uid="referrals_merge"
        )
        user_logged_in.connect(session_refreshed_at_login, dispatch_uid="dagsverket_session_refresh")
        user_logged_in.connect(new_sync_tag_at_login, dispatch_uid="dagsverket_sync_tag")
