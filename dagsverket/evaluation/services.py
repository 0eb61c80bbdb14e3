"""Writes of the evaluation area: projects and the export log."""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..services import DagsverketError, log_action
from .models import DateCoarsening, EvaluationProject, ExportLog


def evaluation_project_create(
    *,
    by,
    name: str,
    purpose: str,
    approval_reference: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    requires_research_consent: bool,
    date_coarsening: str,
    release_months: int = 3,
    age_reference_on: datetime.date | None = None,
    evaluators=(),
) -> EvaluationProject:
    """Register an approved evaluation or research project; it gets its own pseudonym key."""
    if not approval_reference.strip():
        raise DagsverketError(
            _("An approval reference (ethics committee or data-protection officer) is required."),
            code="no_approval",
            field="approval_reference",
        )
    if ends_on < starts_on:
        raise DagsverketError(_("The period ends before it starts."), code="bad_period", field="ends_on")
    if date_coarsening not in DateCoarsening.values:
        raise DagsverketError(_("Unknown date coarsening."), code="bad_coarsening", field="date_coarsening")
    if release_months < 1:
        raise DagsverketError(
            _("A release covers at least one month."), code="bad_release", field="release_months"
        )
    if EvaluationProject.objects.filter(name=name).exists():
        raise DagsverketError(_("A project with this name exists."), code="duplicate", field="name")
    with transaction.atomic():
        project = EvaluationProject.objects.create(
            name=name,
            purpose=purpose,
            approval_reference=approval_reference,
            starts_on=starts_on,
            ends_on=ends_on,
            requires_research_consent=requires_research_consent,
            date_coarsening=date_coarsening,
            release_months=release_months,
            age_reference_on=age_reference_on,
            created_by=by,
        )
        project.evaluators.set(evaluators)
        # Consents already recorded under this name now name the project by key.
        from ..referrals.models import Consent

        Consent.objects.filter(evaluation_project__isnull=True, project__iexact=name.strip()).update(
            evaluation_project=project
        )
        log_action(actor=by, action="evaluation_project_create", obj=project, name=name)
    return project


def export_log_record(
    *, user, project: EvaluationProject, kind: str, parameters: dict, row_count: int
) -> ExportLog:
    """Append who exported what, for which project and how many rows, before the first byte goes out.

    A big export (`EVALUATION_BIG_EXPORT_ROWS` rows or more) is refused with code `busy` while the
    same user already has `EVALUATION_BIG_EXPORTS_PER_USER` running, or everyone together
    `EVALUATION_BIG_EXPORTS_AT_ONCE`: each streams in constant memory, but on two cores a few at
    once would starve every other page."""
    user = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        if row_count is not None and row_count >= settings.EVALUATION_BIG_EXPORT_ROWS:
            _check_big_export_slots(user)
        return ExportLog.objects.create(
            user=user,
            project=project,
            kind=kind,
            parameters=parameters,
            row_count=row_count,
            at=timezone.now(),
        )


# Any constant: the key of the transaction-level advisory lock that serialises the slot check.
BIG_EXPORT_LOCK = 0x0D465E


def _check_big_export_slots(user) -> None:
    if connection.vendor == "postgresql":
        # Two requests checking at the same moment must not both see a free slot. Held to the end of
        # this short transaction only, and the only lock it takes (see the lock order).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [BIG_EXPORT_LOCK])
    # Running: started, not finished, not older than the slot's time-out. A download broken off
    # never finishes; it holds its slot until the time-out.
    since = timezone.now() - datetime.timedelta(minutes=settings.EVALUATION_BIG_EXPORT_SLOT_MINUTES)
    running = ExportLog.objects.filter(
        finished_at__isnull=True, at__gte=since, row_count__gte=settings.EVALUATION_BIG_EXPORT_ROWS
    ).aggregate(everyone=Count("pk"), mine=Count("pk", filter=Q(user=user)))
    if (user is not None and running["mine"] >= settings.EVALUATION_BIG_EXPORTS_PER_USER) or running[
        "everyone"
    ] >= settings.EVALUATION_BIG_EXPORTS_AT_ONCE:
        raise DagsverketError(
            _("Too many big exports are running right now. Try again when they have finished."),
            code="busy",
        )


def export_log_finish(*, entry: ExportLog) -> None:
    ExportLog.objects.filter(pk=entry.pk).update(finished_at=timezone.now())
