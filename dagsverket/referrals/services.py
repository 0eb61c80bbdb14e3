"""Writes for agencies, consent and referrals (the reads are in `selectors.py`).

Every write goes through a function here, raises `DagsverketError` when a rule is broken and leaves
the database unchanged in that case. Every state change of a referral appends a `ReferralEvent`.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Participant, Site
from ..services import DagsverketError, log_action
from .models import (
    Agency,
    AgencyType,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Referral,
    ReferralArea,
    ReferralEvent,
    ReferralOutcome,
    ReferralReason,
    ReferralStatus,
)
from .selectors import consent_covering

S = ReferralStatus
# Which states a referral may move to from each state; the others are invalid transitions.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SENT, S.CANCELLED},
    S.SENT: {S.ACCEPTED, S.DECLINED, S.COMPLETED, S.CANCELLED},
    S.ACCEPTED: {S.COMPLETED, S.CANCELLED},
    S.DECLINED: set(),
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}


# --- agencies -------------------------------------------------------------------------------------


def agency_save(*, by, agency: Agency | None = None, **fields) -> Agency:
    """Create an agency, or change one, in the catalogue."""
    if fields.get("type") not in AgencyType.values:
        raise DagsverketError(_("Choose the type of agency."), code="agency_type", field="type")
    if not (fields.get("name") or "").strip():
        raise DagsverketError(_("Give the agency a name."), code="agency_name", field="name")
    with transaction.atomic():
        duplicate = Agency.objects.filter(name=fields["name"].strip(), type=fields["type"])
        if agency is not None:
            duplicate = duplicate.exclude(pk=agency.pk)
        if duplicate.exists():
            raise DagsverketError(
                _("An agency of this type with this name exists already."), code="agency_exists", field="name"
            )
        created = agency is None
        agency = agency or Agency()
        for name, value in fields.items():
            setattr(agency, name, value.strip() if isinstance(value, str) else value)
        agency.save()
        log_action(actor=by, action="agency_created" if created else "agency_changed", obj=agency)
    return agency


# --- consent --------------------------------------------------------------------------------------


def consent_record(
    *,
    participant: Participant,
    purpose: str,
    given_on: datetime.date,
    valid_until: datetime.date,
    method: str,
    by,
    agencies=(),
    agency_types=(),
    project: str = "",
    share_contact_details: bool = False,
    share_attendance: bool = False,
    share_reason: bool = True,
) -> Consent:
    """Record a consent the participant gave (spoken, on paper or on the tablet)."""
    agencies = list(agencies)
    agency_types = sorted(set(agency_types))
    if purpose not in ConsentPurpose.values:
        raise DagsverketError(_("Choose what the consent is for."), code="consent_purpose", field="purpose")
    if method not in ConsentMethod.values:
        raise DagsverketError(_("Choose how the consent was given."), code="consent_method", field="method")
    if valid_until < given_on:
        raise DagsverketError(
            _("The consent cannot end before it was given."), code="consent_dates", field="valid_until"
        )
    if given_on > timezone.localdate():
        raise DagsverketError(
            _("A consent cannot be given in the future."), code="consent_future", field="given_on"
        )
    if unknown := set(agency_types) - set(AgencyType.values):
        raise DagsverketError(
            _("Unknown agency type: %(types)s.") % {"types": ", ".join(sorted(unknown))},
            code="consent_agency_type",
            field="agency_types",
        )
    if purpose == ConsentPurpose.SHARING and not agencies and not agency_types:
        raise DagsverketError(
            _("Name the agencies or agency types the information may be shared with."),
            code="consent_scope",
            field="agencies",
        )
    if purpose != ConsentPurpose.SHARING and not project.strip():
        raise DagsverketError(
            _("Name the evaluation or research project."), code="consent_project", field="project"
        )
    # The name links the consent to the registered project it names (by key from here on). The
    # project model is the evaluation app's: reached through the relation the consent declares, so
    # the core does not import the app.
    projects = Consent._meta.get_field("evaluation_project").related_model.objects
    named = projects.filter(name__iexact=project.strip()).first() if project.strip() else None
    with transaction.atomic():
        consent = Consent.objects.create(
            participant=participant,
            purpose=purpose,
            agency_types=agency_types,
            project=project.strip(),
            evaluation_project=named,
            share_contact_details=share_contact_details,
            share_attendance=share_attendance,
            share_reason=share_reason,
            given_on=given_on,
            valid_until=valid_until,
            method=method,
            recorded_by=by,
        )
        if agencies:
            consent.agencies.set(agencies)
        log_action(actor=by, action="consent_recorded", obj=consent, site=participant.site, purpose=purpose)
    return consent


def consent_withdraw(*, consent: Consent, by, on: datetime.date | None = None) -> Consent:
    """Record that the participant withdrew a consent; sharing stops from that day. Never deleted."""
    on = on or timezone.localdate()
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_on is not None:
            raise DagsverketError(_("This consent has already been withdrawn."), code="consent_withdrawn")
        consent.withdrawn_on = max(on, consent.given_on)
        consent.withdrawn_by = by
        consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
        log_action(actor=by, action="consent_withdrawn", obj=consent, withdrawn_on=consent.withdrawn_on)
    return consent


# --- referrals ------------------------------------------------------------------------------------


def referral_create(
    *,
    participant: Participant,
    agency: Agency,
    area: str,
    by,
    site: Site | None = None,
    reason: ReferralReason | None = None,
    text: str = "",
    follow_up_on: datetime.date | None = None,
    shares_information: bool = True,
) -> Referral:
    """Write down a referral as a draft; it is shared with nobody until it is sent."""
    today = timezone.localdate()
    if area not in ReferralArea.values:
        raise DagsverketError(_("Choose the area of the referral."), code="referral_area", field="area")
    if not agency.active:
        raise DagsverketError(_("This agency is no longer in use."), code="agency_inactive", field="agency")
    if follow_up_on is not None and follow_up_on < today:
        raise DagsverketError(
            _("The follow-up date cannot be in the past."), code="follow_up_past", field="follow_up_on"
        )
    with transaction.atomic():
        referral = Referral.objects.create(
            participant=participant,
            site=site or participant.site,
            agency=agency,
            area=area,
            reason=reason,
            text=text.strip(),
            follow_up_on=follow_up_on,
            shares_information=shares_information,
            staff=by,
            date=today,
        )
        ReferralEvent.objects.create(referral=referral, by=by, from_status="", to_status=S.DRAFT)
        log_action(actor=by, action="referral_created", obj=referral, site=referral.site)
    return referral


def _check_transition(current: str, to: str) -> None:
    if to not in TRANSITIONS[current]:
        raise DagsverketError(
            _("A referral that is %(current)s cannot be %(target)s.")
            % {"current": S(current).label.lower(), "target": S(to).label.lower()},
            code="invalid_transition",
        )


def _transition(*, referral: Referral, to: str, by, note: str = "", **changes) -> Referral:
    """Move a locked referral to state `to`, apply `changes`, and append the event."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        _check_transition(locked.status, to)
        from_status = locked.status
        locked.status = to
        for name, value in changes.items():
            setattr(locked, name, value)
        if to in (S.DECLINED, S.COMPLETED, S.CANCELLED):
            locked.closed_on = timezone.localdate()
        locked.save()
        ReferralEvent.objects.create(
            referral=locked, by=by, from_status=from_status, to_status=to, note=note[:300]
        )
        log_action(actor=by, action=f"referral_{to}", obj=locked, site=locked.site)
    return locked


def referral_send(
    *, referral: Referral, by, override_reason: str = "", can_override: bool = False
) -> Referral:
    """Send a referral. Sharing information needs a consent in force today that covers the agency;
    without one only a manager may send, with a reason, and the override is listed for review."""
    today = timezone.localdate()
    override_reason = override_reason.strip()
    with transaction.atomic():
        # Lock the referral, then the consent, so a withdrawal recorded at the same moment
        # (consent_withdraw locks the consent too) is either seen here or waits for this send.
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("agency", "participant")
            .get(pk=referral.pk)
        )
        consent = None
        changes: dict = {"sent_on": today}
        if referral.shares_information:
            consent = consent_covering(participant=referral.participant, agency=referral.agency, day=today)
            if consent is not None:
                consent = Consent.objects.select_for_update().get(pk=consent.pk)
                if not consent.is_valid_on(today):
                    consent = None
            if consent is None:
                if not override_reason:
                    raise DagsverketError(
                        _(
                            "There is no consent in force today that lets us share information with "
                            "%(agency)s. Record the participant's consent first."
                        )
                        % {"agency": referral.agency.name},
                        code="no_consent",
                    )
                if not can_override:
                    raise DagsverketError(
                        _("Only a manager can send a referral without consent."),
                        code="override_not_allowed",
                        field="override_reason",
                    )
                changes.update(override_reason=override_reason, overridden_by=by)
            changes["consent"] = consent
        note = override_reason if consent is None and referral.shares_information else ""
        return _transition(referral=referral, to=S.SENT, by=by, note=note, **changes)


def referral_accept(*, referral: Referral, by) -> Referral:
    return _transition(referral=referral, to=S.ACCEPTED, by=by)


def referral_decline(*, referral: Referral, by, reason: str) -> Referral:
    """The agency said no; the reason is required."""
    reason = reason.strip()
    if not reason:
        raise DagsverketError(
            _("Say why the agency declined."), code="decline_reason", field="decline_reason"
        )
    return _transition(referral=referral, to=S.DECLINED, by=by, note=reason, decline_reason=reason)


def referral_complete(*, referral: Referral, by, outcome: str, note: str = "") -> Referral:
    """Close a referral with its outcome (helped, not helped, withdrew, unreachable, other)."""
    if outcome not in ReferralOutcome.values:
        raise DagsverketError(_("Choose the outcome."), code="outcome", field="outcome")
    note = note.strip()
    return _transition(
        referral=referral, to=S.COMPLETED, by=by, note=note, outcome=outcome, outcome_note=note
    )


def referral_cancel(*, referral: Referral, by, note: str = "") -> Referral:
    return _transition(referral=referral, to=S.CANCELLED, by=by, note=note.strip())


def referral_set_follow_up(*, referral: Referral, by, follow_up_on: datetime.date | None) -> Referral:
    """Move the follow-up date of an open referral."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if not locked.is_open:
            raise DagsverketError(_("This referral is closed."), code="referral_closed")
        if follow_up_on is not None and follow_up_on < timezone.localdate():
            raise DagsverketError(
                _("The follow-up date cannot be in the past."), code="follow_up_past", field="follow_up_on"
            )
        locked.follow_up_on = follow_up_on
        locked.save(update_fields=["follow_up_on"])
        ReferralEvent.objects.create(
            referral=locked,
            by=by,
            from_status=locked.status,
            to_status=locked.status,
            note=f"follow-up {follow_up_on or '-'}",
        )
    return locked


def referral_override_review(*, referral: Referral, by) -> Referral:
    """A manager marks a referral sent without consent as reviewed."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if not locked.was_overridden:
            raise DagsverketError(_("This referral was sent with consent."), code="not_overridden")
        if locked.override_reviewed_at is not None:
            raise DagsverketError(_("This override has already been reviewed."), code="already_reviewed")
        locked.override_reviewed_at = timezone.now()
        locked.override_reviewed_by = by
        locked.save(update_fields=["override_reviewed_at", "override_reviewed_by"])
        log_action(actor=by, action="referral_override_reviewed", obj=locked, site=locked.site)
    return locked


# --- a merge of two participant records -----------------------------------------------------------


def participant_merging_move_referrals(*, keep: Participant, duplicate: Participant, **_signal) -> None:
    """A merge of two participant records (connected to `participant_merging` in the dagsverket
    app's `ready()`): the duplicate's consents and referrals move to the kept record."""
    for model in (Consent, Referral):
        for row in model.objects.filter(participant=duplicate):
            row.participant = keep
            row.save(update_fields=["participant"])  # one history row per record moved
