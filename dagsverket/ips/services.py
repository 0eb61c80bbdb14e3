"""Writes of the IPS log. Every write goes through a function here and is logged.

A repeated form (double tap, back button, a second tablet) carries the same nonce and gets the row
the first one made: the caseload entry (or the site, for contacts without one) is locked with
`select_for_update()` first, so the second request waits, then finds the nonce.
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dagsverket.identifiers import clean_organisation_number
from dagsverket.models import Participant, Site
from dagsverket.money import money
from dagsverket.services import DagsverketError, log_action

from .fidelity import ITEM_COUNT, SCORE_MAX, SCORE_MIN, fidelity_total
from .models import (
    CareerProfile,
    CaseloadEndReason,
    CaseloadEntry,
    EmployerContact,
    FidelityReview,
    FidelityScore,
    JobEndReason,
    JobStart,
    JobType,
)
from .selectors import specialists_for


class IpsError(DagsverketError):
    """A rule of the IPS log was broken; `message` is translated, `field` names the form field."""


def _nonce(value: str | None) -> str | None:
    return (value or "").strip()[:64] or None


def _not_in_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise IpsError(_("This date is in the future."), code="future", field=field)


def _clean_employer(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise IpsError(_("Name the employer."), code="employer_required", field="employer_name")
    return name[:200]


def _check_specialist(site: Site, specialist) -> None:
    if specialist is None or not specialists_for(site).filter(pk=specialist.pk).exists():
        raise IpsError(
            _("Choose an employment specialist who works at this site."),
            code="specialist",
            field="specialist",
        )


# --- caseload ---------------------------------------------------------------------------------------


def caseload_entry_create(
    *, site: Site, participant: Participant, specialist, started_on: datetime.date, by
) -> CaseloadEntry:
    """Put a participant of `site` on a specialist's IPS caseload from the referral date."""
    if participant.site_id != site.pk or participant.merged_into_id:
        raise IpsError(_("Choose a participant at this site."), code="participant", field="participant")
    _check_specialist(site, specialist)
    _not_in_future(started_on, "started_on")
    try:
        with transaction.atomic():
            Participant.objects.select_for_update().get(pk=participant.pk)
            if CaseloadEntry.objects.filter(participant=participant, ended_on__isnull=True).exists():
                raise IpsError(
                    _("This person is already on an IPS caseload."), code="already_open", field="participant"
                )
            entry = CaseloadEntry.objects.create(
                site=site,
                participant=participant,
                specialist=specialist,
                started_on=started_on,
                created_by=by,
            )
            log_action(actor=by, action="ips_entry_create", obj=entry, site=site, specialist=specialist.pk)
    except IntegrityError:
        raise IpsError(
            _("This person is already on an IPS caseload."), code="already_open", field="participant"
        ) from None
    return entry


def caseload_entry_end(*, entry: CaseloadEntry, ended_on: datetime.date, reason: str, by) -> CaseloadEntry:
    """Take a person off the caseload with a reason; the entry and its history are kept."""
    if reason not in CaseloadEndReason.values:
        raise IpsError(_("Choose a reason."), code="reason", field="end_reason")
    _not_in_future(ended_on, "ended_on")
    with transaction.atomic():
        entry = CaseloadEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.ended_on is not None:
            raise IpsError(_("This person has already left IPS."), code="already_ended")
        if ended_on < entry.started_on:
            raise IpsError(
                _("The end cannot be before the IPS start."), code="end_before_start", field="ended_on"
            )
        # The end would leave records after it that the log refuses for new ones (#18).
        if EmployerContact.objects.filter(entry=entry, date__gt=ended_on).exists():
            raise IpsError(
                _("Employer contacts for this person are recorded after this date."),
                code="contacts_after_end",
                field="ended_on",
            )
        if JobStart.objects.filter(entry=entry, started_on__gt=ended_on).exists():
            raise IpsError(
                _("A job for this person starts after this date."), code="jobs_after_end", field="ended_on"
            )
        entry.ended_on, entry.end_reason = ended_on, reason
        entry.save(update_fields=["ended_on", "end_reason"])
        log_action(actor=by, action="ips_entry_end", obj=entry, site=entry.site, reason=reason)
    return entry


PROFILE_FIELDS = ("work_history", "preferences", "goals", "strengths", "barriers")


def career_profile_save(*, entry: CaseloadEntry, by, **fields: str) -> CareerProfile:
    """Create or update the person's career profile (the log records that it changed, not the text)."""
    with transaction.atomic():
        CaseloadEntry.objects.select_for_update().get(pk=entry.pk)
        profile, _created = CareerProfile.objects.get_or_create(entry=entry)
        for name in PROFILE_FIELDS:
            setattr(profile, name, (fields.get(name) or "").strip()[:5000])
        profile.updated_at, profile.updated_by = timezone.now(), by
        profile.save()
        log_action(actor=by, action="ips_profile_save", obj=entry, site=entry.site)
    return profile


# --- employer contacts and jobs ---------------------------------------------------------------------


def employer_contact_create(
    *,
    site: Site,
    specialist,
    date: datetime.date,
    employer_name: str,
    organisation_number: str = "",
    face_to_face: bool,
    notes: str = "",
    entry: CaseloadEntry | None = None,
    nonce: str | None = None,
    by,
) -> tuple[EmployerContact, bool]:
    """Record an employer contact. Returns (contact, created); a repeated nonce returns the first."""
    nonce = _nonce(nonce)
    employer_name = _clean_employer(employer_name)
    organisation_number = clean_organisation_number(organisation_number, IpsError)
    _check_specialist(site, specialist)
    _not_in_future(date, "date")
    if entry is not None:
        if entry.site_id != site.pk:
            raise IpsError(_("Choose a person on this site's caseload."), code="entry", field="entry")
        if date < entry.started_on:
            raise IpsError(
                _("A contact for this person cannot be before their IPS start."),
                code="before_start",
                field="date",
            )
        if entry.ended_on is not None and date > entry.ended_on:
            raise IpsError(
                _("A contact for this person cannot be after they left IPS."), code="after_end", field="date"
            )
    try:
        with transaction.atomic():
            # The row that serialises repeats: the person's entry, or the site for general contacts.
            if entry is not None:
                CaseloadEntry.objects.select_for_update().get(pk=entry.pk)
            else:
                # NO KEY: serialises these repeats without holding up other work at the site
                # (rows that only point at the site take a key-share lock on it).
                Site.objects.select_for_update(no_key=True).get(pk=site.pk)
            if nonce and (existing := EmployerContact.objects.filter(nonce=nonce).first()):
                return existing, False
            contact = EmployerContact.objects.create(
                site=site,
                specialist=specialist,
                entry=entry,
                date=date,
                employer_name=employer_name,
                organisation_number=organisation_number,
                face_to_face=bool(face_to_face),
                notes=(notes or "").strip()[:300],
                nonce=nonce,
            )
            log_action(actor=by, action="ips_contact_create", obj=contact, site=site)
    except IntegrityError:
        existing = EmployerContact.objects.filter(nonce=nonce).first() if nonce else None
        if existing is None:
            raise
        return existing, False
    return contact, True


def job_start_create(
    *,
    entry: CaseloadEntry,
    employer_name: str,
    started_on: datetime.date,
    hours_per_week: Decimal,
    hourly_wage: Decimal,
    job_type: str = JobType.COMPETITIVE,
    organisation_number: str = "",
    four_paid_hours_on: datetime.date | None = None,
    nonce: str | None = None,
    by,
) -> tuple[JobStart, bool]:
    """Record a job. It counts as a job start once `four_paid_hours_on` is set. Returns (job, created);
    a repeated nonce, or the same employer and start date again, returns the first."""
    nonce = _nonce(nonce)
    employer_name = _clean_employer(employer_name)
    organisation_number = clean_organisation_number(organisation_number, IpsError)
    if job_type not in JobType.values:
        raise IpsError(_("Choose a job type."), code="job_type", field="job_type")
    if hours_per_week is None or not Decimal("0") < hours_per_week <= Decimal("80"):
        raise IpsError(_("Hours per week go from above 0 to 80."), code="hours", field="hours_per_week")
    if hourly_wage is None or not Decimal("0") < hourly_wage < Decimal("10000"):
        raise IpsError(_("Give the hourly wage in NOK."), code="wage", field="hourly_wage")
    _not_in_future(started_on, "started_on")
    if started_on < entry.started_on:
        raise IpsError(
            _("A job for this person cannot start before their IPS start."),
            code="before_start",
            field="started_on",
        )
    if entry.ended_on is not None and started_on > entry.ended_on:
        raise IpsError(
            _("A job for this person cannot start after they left IPS."), code="after_end", field="started_on"
        )
    if four_paid_hours_on is not None:
        _check_counted_on(started_on, four_paid_hours_on)
    try:
        with transaction.atomic():
            locked = CaseloadEntry.objects.select_for_update().get(pk=entry.pk)
            if nonce and (existing := JobStart.objects.filter(nonce=nonce).first()):
                return existing, False
            if existing := JobStart.objects.filter(
                entry=locked, employer_name=employer_name, started_on=started_on
            ).first():
                return existing, False
            job = JobStart.objects.create(
                entry=locked,
                employer_name=employer_name,
                organisation_number=organisation_number,
                started_on=started_on,
                hours_per_week=money(hours_per_week),
                hourly_wage=money(hourly_wage),
                job_type=job_type,
                four_paid_hours_on=four_paid_hours_on,
                nonce=nonce,
                created_by=by,
            )
            log_action(actor=by, action="ips_job_create", obj=job, site=locked.site)
    except IntegrityError:
        existing = JobStart.objects.filter(nonce=nonce).first() if nonce else None
        existing = (
            existing
            or JobStart.objects.filter(
                entry=entry, employer_name=employer_name, started_on=started_on
            ).first()
        )
        if existing is None:
            raise
        return existing, False
    return job, True


def _check_counted_on(started_on: datetime.date, day: datetime.date) -> None:
    _not_in_future(day, "four_paid_hours_on")
    if day < started_on:
        raise IpsError(
            _("4 paid hours cannot be reached before the job starts."),
            code="counted_before_start",
            field="four_paid_hours_on",
        )


def job_start_count(*, job: JobStart, four_paid_hours_on: datetime.date, by) -> JobStart:
    """Record the day the person had worked 4 paid hours: from then on the job counts."""
    _check_counted_on(job.started_on, four_paid_hours_on)
    with transaction.atomic():
        job = JobStart.objects.select_for_update(of=("self",)).select_related("entry__site").get(pk=job.pk)
        if job.four_paid_hours_on is not None:
            raise IpsError(_("This job already counts as a job start."), code="already_counted")
        if job.ended_on is not None and four_paid_hours_on > job.ended_on:
            raise IpsError(
                _("4 paid hours cannot be reached after the job ended."),
                code="counted_after_end",
                field="four_paid_hours_on",
            )
        job.four_paid_hours_on = four_paid_hours_on
        job.save(update_fields=["four_paid_hours_on"])
        log_action(actor=by, action="ips_job_count", obj=job, site=job.entry.site, day=four_paid_hours_on)
    return job


def job_end(*, job: JobStart, ended_on: datetime.date, reason: str, by) -> JobStart:
    """Record the last day in the job and why it ended."""
    if reason not in JobEndReason.values:
        raise IpsError(_("Choose a reason."), code="reason", field="end_reason")
    _not_in_future(ended_on, "ended_on")
    with transaction.atomic():
        job = JobStart.objects.select_for_update(of=("self",)).select_related("entry__site").get(pk=job.pk)
        if job.ended_on is not None:
            raise IpsError(_("This job has already ended."), code="already_ended")
        if ended_on < job.started_on:
            raise IpsError(_("A job cannot end before it starts."), code="end_before_start", field="ended_on")
        if job.four_paid_hours_on is not None and ended_on < job.four_paid_hours_on:
            raise IpsError(
                _("A job cannot end before the day it counted (4 paid hours)."),
                code="end_before_counted",
                field="ended_on",
            )
        job.ended_on, job.end_reason = ended_on, reason
        job.save(update_fields=["ended_on", "end_reason"])
        log_action(actor=by, action="ips_job_end", obj=job, site=job.entry.site, reason=reason)
    return job


# --- fidelity ---------------------------------------------------------------------------------------


def fidelity_review_create(
    *,
    site: Site,
    reviewed_on: datetime.date,
    reviewers: str,
    scores: dict[int, int],
    notes: str = "",
    nonce: str | None = None,
    by,
) -> tuple[FidelityReview, bool]:
    """Store a fidelity review with all 25 item scores. Returns (review, created)."""
    nonce = _nonce(nonce)
    reviewers = " ".join((reviewers or "").split())[:300]
    if not reviewers:
        raise IpsError(_("Name the reviewers."), code="reviewers", field="reviewers")
    _not_in_future(reviewed_on, "reviewed_on")
    if sorted(scores) != list(range(1, ITEM_COUNT + 1)) or any(
        not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX for score in scores.values()
    ):
        raise IpsError(_("Score every one of the 25 items from 1 to 5."), code="scores")
    total = fidelity_total(scores)
    try:
        with transaction.atomic():
            Site.objects.select_for_update(no_key=True).get(pk=site.pk)  # as for contacts above
            if nonce and (existing := FidelityReview.objects.filter(nonce=nonce).first()):
                return existing, False
            review = FidelityReview.objects.create(
                site=site,
                reviewed_on=reviewed_on,
                reviewers=reviewers,
                notes=(notes or "").strip()[:5000],
                total=total,
                nonce=nonce,
                created_by=by,
            )
            FidelityScore.objects.bulk_create(
                FidelityScore(review=review, item=item, score=score) for item, score in sorted(scores.items())
            )
            log_action(actor=by, action="ips_fidelity_review", obj=review, site=site, total=total)
    except IntegrityError:
        existing = FidelityReview.objects.filter(nonce=nonce).first() if nonce else None
        if existing is None:
            raise
        return existing, False
    return review, True


def participant_merging_move_caseload(*, keep, duplicate, **_signal) -> None:
    """A merge of two participant records (connected to `participant_merging` in `ready()`): two
    open caseload entries are refused (a specialist ends one first); otherwise the entries move."""
    if (
        CaseloadEntry.objects.filter(participant=keep, ended_on__isnull=True).exists()
        and CaseloadEntry.objects.filter(participant=duplicate, ended_on__isnull=True).exists()
    ):
        raise DagsverketError(
            _("Both records are on an IPS caseload: end one of them before merging."), code="two_open_ips"
        )
    for row in CaseloadEntry.objects.filter(participant=duplicate):
        row.participant = keep
        row.save(update_fields=["participant"])  # one history row per record moved
