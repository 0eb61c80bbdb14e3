"""Retention: what `manage.py apply_retention` does to people no longer seen, and what it keeps.

- A participant whose last visit (or registration, without visits) is older than
  RETENTION_INACTIVE_DAYS is *anonymised*: the name becomes "Anonymisert <number>", every other
  identifying or free-text field is cleared, and so are the same fields in their history rows.
  Visits, lottery entries and assignments stay (statistics, and evaluation pseudonyms, which are
  keyed on the record's number, stay the same).
- Not while an open referral (draft, sent, accepted), a consent still valid today or an exclusion
  still running needs the person: they are kept as they are and counted.
- Anonymised people's time sheets keep their hours and dates but not the words written about them
  (reasons on hours corrections and earned guarantees).
- Not while payroll records that must be kept still name them (payslips and tax cards of the last
  PAYROLL_RETENTION_YEARS full years plus this year): those people are *minimised* instead (contact
  details, skills, restrictions and free-text notes cleared; name, birth date, national ID and bank
  account kept for the payroll records) and anonymised on the first run after those records go.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, Exists, Max, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from ..dbroles import as_retention_role
from ..history import acting
from ..models import Exclusion, Participant, ReadinessEntry, Visit
from ..referrals.models import OPEN_STATUSES, Consent, Referral, ReferralEvent

PLACEHOLDER = "Anonymisert"
# Cleared when anonymising (the name gets the placeholder; birth year and sex stay for age bands).
ANONYMISED_TEXT = [
    "full_name",
    "nickname",
    "phone",
    "national_id",
    "bank_account",
    "address",
    "emergency_contact",
    "languages",
    "skills",
    "restrictions",
    "hms_card_number",
]
ANONYMISED_DATES = ["birth_date", "hms_card_expires"]
# Cleared when payroll records still need the person's identity.
MINIMISED_TEXT = [
    "nickname",
    "phone",
    "address",
    "emergency_contact",
    "languages",
    "skills",
    "restrictions",
    "hms_card_number",
]
MINIMISED_DATES = ["hms_card_expires"]
REFERRAL_CLEARED = ["text", "outcome_note"]
IPS_PROFILE_CLEARED = ["work_history", "preferences", "goals", "strengths", "barriers"]
REFERRAL_REPLACED = ["decline_reason", "override_reason"]  # required by constraints when set


def inactive_before(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=settings.RETENTION_INACTIVE_DAYS)


def _inactive(today: datetime.date):
    cutoff = inactive_before(today)
    registered_before = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return (
        Participant.objects.filter(anonymised_at__isnull=True)
        .annotate(last_visit=Max("visits__date"))
        .filter(Q(last_visit__lt=cutoff) | Q(last_visit__isnull=True, created_at__lt=registered_before))
    )


def _needed_elsewhere(today: datetime.date) -> Q:
    open_referral = Exists(Referral.objects.filter(participant=OuterRef("pk"), status__in=OPEN_STATUSES))
    valid_consent = Exists(
        Consent.objects.filter(
            participant=OuterRef("pk"), given_on__lte=today, valid_until__gte=today
        ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
    )
    running_exclusion = Exists(
        Exclusion.objects.filter(participant=OuterRef("pk"), ends_on__gte=today, lifted_at__isnull=True)
    )
    from dagsverket.ips.models import CaseloadEntry
    from dagsverket.research.models import Enrolment, EnrolmentStatus

    open_ips = Exists(CaseloadEntry.objects.filter(participant=OuterRef("pk"), ended_on__isnull=True))
    # A trial follows its people for 18 months whether they come or not: kept until the study's
    # project period ends.
    in_study = Exists(
        Enrolment.objects.filter(
            participant=OuterRef("pk"), is_live=True, study__project__ends_on__gte=today
        ).exclude(status=EnrolmentStatus.NOT_ELIGIBLE)
    )
    return Q(open_referral) | Q(valid_consent) | Q(running_exclusion) | Q(open_ips) | Q(in_study)


def _payroll_keeps(today: datetime.date) -> Q:
    from payroll.models import Payslip, TaxCard
    from payroll.retention import first_kept_year

    year = first_kept_year(today)
    return Q(
        Exists(Payslip.objects.filter(participant=OuterRef("pk"), date__gte=datetime.date(year, 1, 1)))
    ) | Q(Exists(TaxCard.objects.filter(participant=OuterRef("pk"), year__gte=year)))


def _has_something_to_minimise() -> Q:
    text = Q()
    for name in MINIMISED_TEXT:
        text |= ~Q(**{name: ""})
    for name in MINIMISED_DATES:
        text |= Q(**{f"{name}__isnull": False})
    notes = Exists(ReadinessEntry.objects.filter(visit__participant=OuterRef("pk")).exclude(note=""))
    undo = Exists(Visit.objects.filter(participant=OuterRef("pk")).exclude(undo_reason=""))
    return text | Q(notes) | Q(undo)


@dataclass
class ParticipantPlan:
    anonymise: list[int]
    minimise: list[int]
    kept_needed: int

    def counts(self) -> dict[str, int]:
        everyone = self.anonymise + self.minimise
        return {
            "participants_anonymised": len(self.anonymise),
            "participants_minimised_kept_for_payroll": len(self.minimise),
            "participants_kept_open_referral_consent_or_exclusion": self.kept_needed,
            "visits_kept_without_identity": Visit.objects.filter(participant_id__in=self.anonymise).count(),
            "readiness_notes_cleared": ReadinessEntry.objects.filter(visit__participant_id__in=everyone)
            .exclude(note="")
            .count(),
        }


def participant_plan(today: datetime.date) -> ParticipantPlan:
    inactive = _inactive(today)
    needed = _needed_elsewhere(today)
    payroll = _payroll_keeps(today)
    free = inactive.exclude(needed)
    return ParticipantPlan(
        anonymise=list(free.exclude(payroll).order_by("pk").values_list("pk", flat=True)),
        minimise=list(
            free.filter(payroll)
            .filter(_has_something_to_minimise())
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        kept_needed=inactive.filter(needed).count(),
    )


def _clear_related(ids: list[int], *, referrals: bool) -> None:
    """Free text about the people in `ids`, in the live rows and in their history rows."""
    ReadinessEntry.objects.filter(visit__participant_id__in=ids).exclude(note="").update(note="")
    Visit.objects.filter(participant_id__in=ids).exclude(undo_reason="").update(undo_reason="")
    visit_ids = Visit.objects.filter(participant_id__in=ids).values("pk")
    ReadinessEntry.history.filter(visit_id__in=visit_ids).exclude(note="").update(note="")
    Visit.history.filter(participant_id__in=ids).exclude(undo_reason="").update(undo_reason="")
    _clear_ips(ids)
    if not referrals:
        return
    _clear_time_sheets(ids)
    for manager in (Referral.objects, Referral.history):
        rows = manager.filter(participant_id__in=ids)
        rows.update(**dict.fromkeys(REFERRAL_CLEARED, ""))
        for name in REFERRAL_REPLACED:
            rows.exclude(**{name: ""}).update(**{name: PLACEHOLDER})
    ReferralEvent.objects.filter(referral__participant_id__in=ids).exclude(note="").update(note="")


def _clear_time_sheets(ids: list[int]) -> None:
    """The reasons written on hours corrections and earned guarantees, for people anonymised. Their
    payroll records (5 years) are gone by then, and with them the time sheets' 3.5 years; the hours
    and dates stay for the statistics and the invoice history, the words about the person go."""
    from jobs.models import EarnedGuarantee, HoursCorrection

    # Corrections keep no history of their own: each is already an append-only record.
    HoursCorrection.objects.filter(assignment__participant_id__in=ids).exclude(reason=PLACEHOLDER).update(
        reason=PLACEHOLDER
    )
    for manager in (EarnedGuarantee.objects, EarnedGuarantee.history):
        manager.filter(participant_id__in=ids).exclude(reason=PLACEHOLDER).update(reason=PLACEHOLDER)


def _clear_ips(ids: list[int]) -> None:
    """The job-specialist log's free text: career profiles and employer-contact notes (and their
    history). Dates, employers and hours stay: they are what the IPS figures are computed from."""
    from dagsverket.ips.models import CareerProfile, EmployerContact

    for manager in (CareerProfile.objects, CareerProfile.history):
        manager.filter(entry__participant_id__in=ids).update(**dict.fromkeys(IPS_PROFILE_CLEARED, ""))
    for manager in (EmployerContact.objects, EmployerContact.history):
        manager.filter(entry__participant_id__in=ids).exclude(notes="").update(notes="")


def participants_apply(
    plan: ParticipantPlan, *, now: datetime.datetime, progress: Callable[[int, int], None] | None = None
) -> None:
    """Anonymise and minimise as planned. Call inside `transaction.atomic()`."""
    total, done = len(plan.anonymise) + len(plan.minimise), 0
    # The retention role: the append-only logs (hours corrections, referral events) let it clear text.
    with as_retention_role(), acting(reason="retention"):
        for ids, text, dates, anonymise in (
            (plan.anonymise, ANONYMISED_TEXT, ANONYMISED_DATES, True),
            (plan.minimise, MINIMISED_TEXT, MINIMISED_DATES, False),
        ):
            for person in Participant.objects.filter(pk__in=ids).iterator(chunk_size=500):
                for name in text:
                    setattr(person, name, "")
                for name in dates:
                    setattr(person, name, None)
                if anonymise:
                    person.name = f"{PLACEHOLDER} {person.pk}"
                    person.anonymised_at = now
                person.save()  # a history row: "changed by retention"
                done += 1
                if progress:
                    progress(done, total)
            # The audit trail must not keep what was removed: the same fields in every history row.
            history = Participant.history.filter(id__in=ids)
            values = {**dict.fromkeys(text, ""), **dict.fromkeys(dates, None)}
            if anonymise:
                values["name"] = Concat(Value(f"{PLACEHOLDER} "), Cast("id", CharField()))
            history.update(**values)
            _clear_related(ids, referrals=anonymise)


# --- The logs (issue #17): kept LOG_RETENTION_DAYS, and no free text about anonymised people ------

LOG_FREE_TEXT = ("reason", "note", "explanation", "text", "outcome_note", "comment")


def logs_before(today: datetime.date) -> datetime.datetime:
    cutoff = today - datetime.timedelta(days=settings.LOG_RETENTION_DAYS)
    return timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))


def _objects_about(ids: list[int]) -> Q:
    """Activity log rows about these people: their record and the rows that belong to them."""
    from dagsverket.ips.models import CaseloadEntry
    from jobs.models import Assignment

    owned = {
        "dagsverket.participant": ids,
        "dagsverket.visit": Visit.objects.filter(participant_id__in=ids).values_list("pk", flat=True),
        "dagsverket.exclusion": Exclusion.objects.filter(participant_id__in=ids).values_list("pk", flat=True),
        "dagsverket.referral": Referral.objects.filter(participant_id__in=ids).values_list("pk", flat=True),
        "ips.caseloadentry": CaseloadEntry.objects.filter(participant_id__in=ids).values_list(
            "pk", flat=True
        ),
        "jobs.assignment": Assignment.objects.filter(participant_id__in=ids).values_list("pk", flat=True),
    }
    query = Q(pk__in=[])
    for label, pks in owned.items():
        query |= Q(object_type=label, object_id__in=[str(pk) for pk in pks])
    return query


def logs_counts(today: datetime.date) -> dict[str, int]:
    from ..models import AccessLog, ActivityLog, TabletAction

    before = logs_before(today)
    return {
        "activity_log_entries_past_keeping": ActivityLog.objects.filter(at__lt=before).count(),
        "access_log_entries_past_keeping": AccessLog.objects.filter(at__lt=before).count(),
        "tablet_actions_past_keeping": TabletAction.objects.filter(received_at__lt=before).count(),
    }


def logs_apply(*, today: datetime.date) -> None:
    """Remove log entries past LOG_RETENTION_DAYS, and the free text that log entries still hold
    about anonymised people (an undo reason, an ended caseload's reason). Through the retention
    role: the logs are append-only for everyone else. Call inside `transaction.atomic()`."""
    from ..models import AccessLog, ActivityLog, TabletAction

    before = logs_before(today)
    anonymised = list(Participant.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True))
    with as_retention_role():
        ActivityLog.objects.filter(at__lt=before).delete()
        AccessLog.objects.filter(at__lt=before).delete()
        TabletAction.objects.filter(received_at__lt=before).delete()  # the offline queue's record
        if not anonymised:
            return
        for entry in ActivityLog.objects.filter(_objects_about(anonymised)).only("pk", "data").iterator():
            cleared = {
                key: PLACEHOLDER if key in LOG_FREE_TEXT and value not in ("", PLACEHOLDER) else value
                for key, value in entry.data.items()
            }
            if cleared != entry.data:
                ActivityLog.objects.filter(pk=entry.pk).update(data=cleared)
