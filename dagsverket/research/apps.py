from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "dagsverket.research"
    label = "research"
    verbose_name = _("Research trial")

    def ready(self):
        from dagsverket import extensions

        from . import selectors

        extensions.register_health_scope(selectors.trial_people)
