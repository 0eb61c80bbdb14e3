"""Reads of the evaluation area."""

from django.db.models import QuerySet

from ..access import has_perm
from .models import EvaluationProject


def projects_for_user(user) -> QuerySet:
    """Managers see every project; an evaluator only those they are named on."""
    projects = EvaluationProject.objects.all()
    if user.is_superuser or has_perm(user, "manage_site"):
        return projects
    return projects.filter(evaluators=user)
