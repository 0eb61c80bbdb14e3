from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """The evaluators' exports and statistics. An app of its own so the core never imports it; its
    models keep the `dagsverket` label (see models.py)."""

    name = "dagsverket.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")
