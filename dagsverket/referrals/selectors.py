"""Reads for consent and referrals: which consents are in force, which one covers an agency, the
follow-up list and the overrides to review. Writes are in `services.py`."""

import datetime

from django.db.models import F, Q, QuerySet

from ..models import Participant, Site
from .models import OPEN_STATUSES, Agency, Consent, ConsentPurpose, Referral

# --- consent --------------------------------------------------------------------------------------


def valid_consents(*, purpose: str, day: datetime.date) -> QuerySet[Consent]:
    """Consents for `purpose` that are in force on `day` (given, not ended, not withdrawn)."""
    return Consent.objects.filter(purpose=purpose, given_on__lte=day, valid_until__gte=day).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
    )


def participants_with_valid_consent(purpose: str, day: datetime.date) -> QuerySet[Participant]:
    """Participants holding a consent for `purpose` in force on `day`; for evaluation and research."""
    return Participant.objects.filter(
        pk__in=valid_consents(purpose=purpose, day=day).values("participant_id")
    ).order_by("pk")


def consent_covering(*, participant: Participant, agency: Agency, day: datetime.date) -> Consent | None:
    """The newest sharing consent in force on `day` that names `agency` or its type; two queries."""
    candidates = (
        valid_consents(purpose=ConsentPurpose.SHARING, day=day)
        .filter(participant=participant)
        .prefetch_related("agencies")
        .order_by("-given_on", "-pk")
    )
    for consent in candidates:
        if agency.type in consent.agency_types or any(a.pk == agency.pk for a in consent.agencies.all()):
            return consent
    return None


# --- referrals ------------------------------------------------------------------------------------


def referrals_due(*, site: Site, day: datetime.date, staff=None) -> QuerySet[Referral]:
    """Open referrals at `site` whose follow-up date is `day` or earlier, oldest first."""
    referrals = Referral.objects.filter(site=site, status__in=OPEN_STATUSES, follow_up_on__lte=day)
    if staff is not None:
        referrals = referrals.filter(staff=staff)
    return referrals.select_related("participant", "agency", "staff").order_by("follow_up_on", "pk")


def overrides_for_review(*, site: Site) -> QuerySet[Referral]:
    """Referrals sent without a covering consent at `site`, not yet reviewed first."""
    return (
        Referral.objects.filter(site=site)
        .exclude(override_reason="")
        .select_related("participant", "agency", "overridden_by", "override_reviewed_by")
        # PostgreSQL puts NULL last in ascending order, SQLite first: say which, so the unreviewed lead.
        .order_by(F("override_reviewed_at").asc(nulls_first=True), "-sent_on", "-pk")
    )
