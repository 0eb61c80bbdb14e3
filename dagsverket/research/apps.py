from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "dagsverket.research"
    label = "research"
    verbose_name = _("Research trial")

    def ready(self):
        from dagsverket import extensions
        from dagsverket.evaluation import anonymity

        from . import exports, selectors

        extensions.register_health_scope(selectors.trial_people)
        # The trial's exports share the project's pseudonyms: k must hold over them joined.
        anonymity.register_joined_profiles(exports.study_profiles_for_project)
