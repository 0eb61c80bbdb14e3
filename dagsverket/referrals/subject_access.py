"""The referrals package's part of the subject-access export: consents, referrals and their
history, and who has read the person's health-related data. Registered from the dagsverket app's
`ready()`, after the core's own sections (the export keeps its order: the access log follows the
referrals, and the apps' sections follow it)."""

from django.utils.translation import gettext_lazy as _

from ..models import AccessLog, Participant
from ..subject_access import Section, _model_section, subject_access_section
from .models import Consent, Referral, ReferralEvent


@subject_access_section
def consents_section(participant: Participant) -> Section:
    return _model_section(
        "consents",
        _("Consents"),
        Consent.objects.filter(participant=participant)
        .prefetch_related("agencies")
        .order_by("given_on", "pk"),
        [
            "purpose",
            "covers",
            "project",
            "share_reason",
            "share_contact_details",
            "share_attendance",
            "given_on",
            "valid_until",
            "withdrawn_on",
            "method",
            "recorded_by",
        ],
        extra={
            "covers": (
                _("covers"),
                lambda c: [a.name for a in c.agencies.all()] + c.agency_type_labels(),
            )
        },
    )


@subject_access_section
def referrals_section(participant: Participant) -> Section:
    return _model_section(
        "referrals",
        _("Referrals"),
        Referral.objects.filter(participant=participant)
        .select_related("agency", "reason", "staff")
        .order_by("date", "pk"),
        [
            "date",
            "agency",
            "area",
            "reason",
            "text",
            "status",
            "sent_on",
            "follow_up_on",
            "override_reason",
            "decline_reason",
            "outcome",
            "outcome_note",
            "closed_on",
            "staff",
        ],
    )


@subject_access_section
def referral_history_section(participant: Participant) -> Section:
    return _model_section(
        "referral_history",
        _("Referral history"),
        ReferralEvent.objects.filter(referral__participant=participant)
        .select_related("referral__agency", "by")
        .order_by("at", "pk"),
        ["at", "referral", "from_status", "to_status", "note", "by"],
        extra={"referral": (_("referral"), lambda e: f"#{e.referral_id} {e.referral.agency.name}")},
    )


@subject_access_section
def access_log_section(participant: Participant) -> Section:
    return _model_section(
        "access_log",
        _("Who has read health-related data or the national ID"),
        AccessLog.objects.filter(participant=participant).select_related("user").order_by("at", "pk"),
        ["at", "user", "what"],
    )
