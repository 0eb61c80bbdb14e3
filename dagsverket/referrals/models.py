"""Agencies, consent and referrals: the program as a bridge to NAV, health services, housing and more.

Loaded by the dagsverket app's `import_models` (`dagsverket/apps.py`), and labelled `dagsverket`:
the tables, migrations and content types stay those they were created under. Writes go through
`services.py`, reads that join through `selectors.py`; models only derive values from their own row.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..models import LocalisedLabelMixin, Participant, Site


class AgencyType(models.TextChoices):
    NAV = "nav", _("NAV office")
    GP = "gp", _("GP (regular doctor)")
    EMERGENCY = "emergency", _("Emergency clinic")
    LAR = "lar", _("Medication-assisted treatment (LAR)")
    MUNICIPAL = "municipal", _("Municipal substance and mental health service")
    HOUSING = "housing", _("Housing office")
    DEBT = "debt", _("Debt advice")
    IPS = "ips", _("IPS job specialist")
    SPECIALIST = "specialist", _("Specialist treatment")
    NON_PROFIT = "non_profit", _("Non-profit organisation")


class Agency(models.Model):
    """Another service a participant can be referred to; the catalogue is kept by managers."""

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=AgencyType.choices)
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("site"),
        help_text=_("Empty: used at every site."),
    )
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    on_the_system = models.BooleanField(
        _("uses Dagsverket"),
        default=False,
        help_text=_("Agencies that do not use Dagsverket get a referral letter as PDF."),
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        app_label = "dagsverket"
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["name", "type"], name="agency_unique_name_type"),
        ]

    def __str__(self) -> str:
        return self.name


class ConsentPurpose(models.TextChoices):
    SHARING = "sharing", _("Sharing information with other agencies")
    EVALUATION = "evaluation", _("Taking part in an evaluation")
    RESEARCH = "research", _("Taking part in a research project")


class ConsentMethod(models.TextChoices):
    SPOKEN = "spoken", _("Spoken")
    PAPER = "paper", _("Signed on paper")
    TABLET = "tablet", _("Signed on the tablet")


class Consent(models.Model):
    """What a participant agreed to, for how long, and how; withdrawal is recorded, never deleted."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="consents", verbose_name=_("participant")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="consents", verbose_name=_("named agencies")
    )
    # Agency types (AgencyType values) covered as a whole, for example "any NAV office".
    agency_types = models.JSONField(_("agency types"), default=list, blank=True)
    project = models.CharField(
        _("evaluation or research project"),
        max_length=200,
        blank=True,
        help_text=_("For evaluation or research."),
    )
    # The project the consent is for, by key: the name above is what the participant was told; a
    # research export counts the consent only for this project (or when no project is named).
    evaluation_project = models.ForeignKey(
        "dagsverket.EvaluationProject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("registered project"),
    )
    share_contact_details = models.BooleanField(_("may share phone and address"), default=False)
    share_attendance = models.BooleanField(_("may share attendance at the program"), default=False)
    share_reason = models.BooleanField(_("may share the reason for the referral"), default=True)
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until and including"))
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("withdrawal recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        app_label = "dagsverket"
        ordering = ["-given_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("given_on")), name="consent_valid_after_given"
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]
        indexes = [models.Index(fields=["purpose", "given_on", "valid_until"], name="consent_validity")]

    def __str__(self) -> str:
        return f"{self.participant} {self.get_purpose_display()} {self.given_on}"

    def is_valid_on(self, day: datetime.date) -> bool:
        """Valid from the day it was given until its end; a withdrawal takes effect the same day."""
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return False
        return self.given_on <= day <= self.valid_until

    def agency_type_labels(self) -> list[str]:
        labels = dict(AgencyType.choices)
        return [str(labels.get(value, value)) for value in self.agency_types]


class ReferralReason(LocalisedLabelMixin):
    """A coded reason for a referral, kept by managers; keeps health-related free text short."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        app_label = "dagsverket"
        ordering = ["sort_order", "code"]
        verbose_name = _("referral reason")
        verbose_name_plural = _("referral reasons")


class ReferralArea(models.TextChoices):
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    TREATMENT = "treatment", _("Treatment")
    WORK = "work", _("Work")
    MONEY = "money", _("Money")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ReferralOutcome(models.TextChoices):
    HELPED = "helped", _("Helped")
    NOT_HELPED = "not_helped", _("Not helped")
    WITHDREW = "withdrew", _("Participant withdrew")
    UNREACHABLE = "unreachable", _("Could not be reached")
    OTHER = "other", _("Other")


OPEN_STATUSES = [ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACCEPTED]
SENT_OR_LATER = [
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.DECLINED,
    ReferralStatus.COMPLETED,
]


class Referral(models.Model):
    """A participant referred to an agency; its history is kept in `ReferralEvent`."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("participant")
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("site"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("agency")
    )
    area = models.CharField(_("area"), max_length=20, choices=ReferralArea.choices)
    reason = models.ForeignKey(
        ReferralReason, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("reason")
    )
    text = models.CharField(_("short text"), max_length=300, blank=True)
    shares_information = models.BooleanField(
        _("shares information with the agency"),
        default=True,
        help_text=_("Off when the participant only gets contact details and goes there alone."),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("staff member"),
    )
    date = models.DateField(_("date"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("consent used"),
    )
    override_reason = models.CharField(_("reason for sending without consent"), max_length=300, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    override_reviewed_at = models.DateTimeField(_("override reviewed"), null=True, blank=True)
    override_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReferralOutcome.choices, blank=True)
    outcome_note = models.CharField(_("note on the outcome"), max_length=300, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        app_label = "dagsverket"
        ordering = ["-date", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values), name="referral_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="referral_declined_needs_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | ~models.Q(outcome=""),
                name="referral_completed_needs_outcome",
            ),
            # Information is never shared without a consent or a recorded override.
            models.CheckConstraint(
                condition=~models.Q(status__in=SENT_OR_LATER)
                | models.Q(shares_information=False)
                | models.Q(consent__isnull=False)
                | ~models.Q(override_reason=""),
                name="referral_shared_needs_consent_or_override",
            ),
        ]
        indexes = [models.Index(fields=["site", "status", "follow_up_on"], name="referral_follow_up")]

    def __str__(self) -> str:
        return f"{self.participant} → {self.agency} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def was_overridden(self) -> bool:
        return bool(self.override_reason)


class ReferralEvent(models.Model):
    """One change of a referral, appended and never edited: who, when, from which state to which."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReferralStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        app_label = "dagsverket"
        ordering = ["at", "pk"]
        verbose_name = _("referral change")
        verbose_name_plural = _("referral history")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.from_status}→{self.to_status}"


__all__ = [
    "Agency",
    "AgencyType",
    "Consent",
    "ConsentMethod",
    "ConsentPurpose",
    "Referral",
    "ReferralArea",
    "ReferralEvent",
    "ReferralOutcome",
    "ReferralReason",
    "ReferralStatus",
]
