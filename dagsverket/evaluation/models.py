"""Evaluation projects, their per-project pseudonyms, and the log of every export.

The evaluation package is an app of its own (`dagsverket.evaluation`, label `evaluation`), but its
models keep the `dagsverket` label they were created under: their tables, migrations and content
types stay where they are, and no data moves.
"""

import functools
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DateCoarsening(models.TextChoices):
    DAY = "day", _("Exact date")
    WEEK = "week", _("ISO week")
    MONTH = "month", _("Month")


class EvaluationProject(models.Model):
    """An approved evaluation or research project that evaluators export data for."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    purpose = models.TextField(_("purpose"))
    approval_reference = models.CharField(
        _("approval reference"),
        max_length=200,
        help_text=_("Ethics committee (REK) or data-protection officer reference."),
    )
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period until and including"))
    requires_research_consent = models.BooleanField(_("row-level data needs research consent"), default=True)
    date_coarsening = models.CharField(
        _("dates in exports"), max_length=10, choices=DateCoarsening.choices, default=DateCoarsening.WEEK
    )
    # The release grid: exports and dashboards cover whole blocks of this many months (in ISO weeks
    # when dates are weeks or days), counted from the project's start, so two allowed periods
    # never differ by less than a whole block (no differencing of one day or one week).
    release_months = models.PositiveSmallIntegerField(
        _("shortest release (months)"),
        default=3,
        help_text=_(
            "Exports and dashboards cover whole blocks of this length, aligned to the project's start."
        ),
    )
    # Ages are counted on one day for the whole project, never on a day a request chooses
    # (a sliding day would show when a pseudonym has a birthday).
    age_reference_on = models.DateField(
        _("ages counted on"), null=True, blank=True, help_text=_("Empty: the project's first day.")
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="evaluation_projects", blank=True, verbose_name=_("evaluators")
    )
    # The key of the project's pseudonyms: never shown, never exported. A partial of the standard
    # library's function, not a helper of ours, so the migration that made the field imports nothing
    # of this package.
    secret = models.CharField(max_length=64, default=functools.partial(secrets.token_hex, 32), editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        app_label = "dagsverket"
        ordering = ["-starts_on", "name"]
        verbose_name = _("evaluation project")
        verbose_name_plural = _("evaluation projects")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="evaluation_project_period"
            ),
            models.CheckConstraint(
                condition=models.Q(release_months__gte=1), name="evaluation_project_release_months"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def age_reference_date(self):
        return self.age_reference_on or self.starts_on


class ProjectPseudonym(models.Model):
    """The pseudonym of one participant in one project, kept so SQL exports can join it."""

    project = models.ForeignKey(EvaluationProject, on_delete=models.CASCADE, related_name="pseudonyms")
    participant = models.ForeignKey("dagsverket.Participant", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=20)

    class Meta:
        app_label = "dagsverket"
        constraints = [
            models.UniqueConstraint(fields=["project", "participant"], name="one_pseudonym_per_project"),
            models.UniqueConstraint(fields=["project", "code"], name="pseudonym_code_unique_in_project"),
        ]

    def __str__(self) -> str:
        return self.code


class ExportLog(models.Model):
    """Who exported what, for which project, when, and how many rows (append-only)."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    project = models.ForeignKey(
        EvaluationProject, on_delete=models.PROTECT, related_name="exports", verbose_name=_("project")
    )
    kind = models.CharField(_("export"), max_length=40)
    parameters = models.JSONField(_("parameters"), default=dict)
    row_count = models.PositiveIntegerField(_("rows"), null=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        app_label = "dagsverket"
        ordering = ["-at"]
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.project_id}"
