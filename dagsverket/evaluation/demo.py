"""Demo data for the evaluation area: one approved project with the demo evaluator on it."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from .models import EvaluationProject


def seed(context) -> None:
    today = timezone.localdate()
    project, _created = EvaluationProject.objects.get_or_create(
        name="NTNU-evaluering av Dagsverket",
        defaults={
            "purpose": "Følgeevaluering: oppmøte, arbeid og inntekt over tid (fiktivt demoprosjekt).",
            "approval_reference": "REK midt 2026/12345 (fiktiv)",
            "starts_on": today - datetime.timedelta(days=2 * 365),
            "ends_on": today + datetime.timedelta(days=365),
            "requires_research_consent": False,
            "date_coarsening": "week",
        },
    )
    project.evaluators.add(*User.objects.filter(groups__name="evaluator"))
    context.stdout.write(f"Evaluation project: {project.name} (ID {project.pk})")
