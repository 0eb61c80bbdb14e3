"""The IPS job-specialist log: caseload entries, career profiles, employer contacts, job starts and
ends, and fidelity reviews. Writes go through `services.py`; the figures are in `metrics.py`."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dagsverket.models import Participant, Site

from . import metrics
from .fidelity import ITEM_COUNT, ITEM_TITLES, SCORE_MAX, SCORE_MIN, fidelity_band


class CaseloadEndReason(models.TextChoices):
    WORKING = "working", _("Working without further support")
    DECLINED = "declined", _("No longer wants IPS")
    MOVED = "moved", _("Moved or transferred")
    TREATMENT = "treatment", _("Left treatment")
    OTHER = "other", _("Other")


class CaseloadEntry(models.Model):
    """One participant on one specialist's IPS caseload, from the referral until they leave."""

    history = HistoricalRecords()

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="ips_entries", verbose_name=_("participant")
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ips_caseload",
        verbose_name=_("employment specialist"),
    )
    started_on = models.DateField(_("IPS start (referral)"))
    ended_on = models.DateField(_("left IPS"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=CaseloadEndReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("caseload entry")
        verbose_name_plural = _("caseload entries")
        constraints = [
            # A double submit, or two specialists at once, cannot put one person on IPS twice.
            models.UniqueConstraint(
                fields=["participant"], condition=Q(ended_on__isnull=True), name="ips_one_open_entry"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="ips_entry_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""), name="ips_entry_end_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["site", "specialist", "ended_on"], name="ips_entry_caseload")]

    def __str__(self) -> str:
        return f"{self.participant} ({self.started_on:%d.%m.%Y})"


class CareerProfile(models.Model):
    """What the person has done, wants and needs. Free text: personal, for health-data roles only."""

    history = HistoricalRecords()

    entry = models.OneToOneField(CaseloadEntry, on_delete=models.CASCADE, related_name="profile")
    work_history = models.TextField(_("work history"), blank=True)
    preferences = models.TextField(_("job preferences"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    barriers = models.TextField(_("barriers and support needed"), blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("career profile")
        verbose_name_plural = _("career profiles")

    def __str__(self) -> str:
        return str(self.entry)


class EmployerContact(models.Model):
    """A specialist's contact with an employer, usually on behalf of one person on the caseload."""

    history = HistoricalRecords()

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ips_contacts",
        verbose_name=_("employment specialist"),
    )
    entry = models.ForeignKey(
        CaseloadEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("on behalf of"),
    )
    date = models.DateField(_("date"))
    employer_name = models.CharField(_("employer"), max_length=200)
    organisation_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    face_to_face = models.BooleanField(_("face to face"), default=True)
    notes = models.CharField(_("purpose and notes"), max_length=300, blank=True)
    nonce = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("employer contact")
        verbose_name_plural = _("employer contacts")
        indexes = [models.Index(fields=["site", "specialist", "date"], name="ips_contact_period")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.employer_name}"


class JobType(models.TextChoices):
    COMPETITIVE = "competitive", _("Competitive (ordinary work, ordinary pay)")
    OTHER = "other", _("Other (sheltered, trial or subsidised)")


class JobEndReason(models.TextChoices):
    QUIT = "quit", _("Quit")
    FIRED = "fired", _("Fired")
    TEMPORARY = "temporary", _("Temporary job ended")
    OTHER = "other", _("Other")


class JobStart(models.Model):
    """A job the person got. It counts as a job start from `four_paid_hours_on`, the day 4 paid hours
    had been worked; until then it is recorded but left out of every figure."""

    history = HistoricalRecords()

    entry = models.ForeignKey(
        CaseloadEntry, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("caseload entry")
    )
    employer_name = models.CharField(_("employer"), max_length=200)
    organisation_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    started_on = models.DateField(_("start date"))
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )
    hourly_wage = models.DecimalField(
        _("hourly wage (NOK)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    job_type = models.CharField(
        _("job type"), max_length=20, choices=JobType.choices, default=JobType.COMPETITIVE
    )
    four_paid_hours_on = models.DateField(
        _("4 paid hours reached on"),
        null=True,
        blank=True,
        help_text=_(
            "The job counts as a job start from this day. Leave empty until 4 paid hours are worked."
        ),
    )
    ended_on = models.DateField(_("last day in the job"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason the job ended"), max_length=20, choices=JobEndReason.choices, blank=True
    )
    nonce = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("job start")
        verbose_name_plural = _("job starts")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "employer_name", "started_on"], name="ips_one_job_per_employer_and_start"
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0) & Q(hours_per_week__lte=80), name="ips_job_hours_in_range"
            ),
            models.CheckConstraint(condition=Q(hourly_wage__gte=0), name="ips_job_wage_not_negative"),
            models.CheckConstraint(
                condition=Q(four_paid_hours_on__isnull=True)
                | Q(four_paid_hours_on__gte=models.F("started_on")),
                name="ips_job_counted_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="ips_job_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""), name="ips_job_end_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_name} {self.started_on:%d.%m.%Y}"

    @property
    def counts(self) -> bool:
        return self.four_paid_hours_on is not None

    def as_metric(self) -> metrics.Job:
        return metrics.Job(self.started_on, self.four_paid_hours_on, self.ended_on)


class FidelityReview(models.Model):
    """An IPS-25 fidelity review of a site's employment service: 25 item scores, a total and a band."""

    history = HistoricalRecords()

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    reviewed_on = models.DateField(_("review date"))
    reviewers = models.CharField(_("reviewers"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    total = models.PositiveSmallIntegerField(_("total score"))
    nonce = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("fidelity review")
        verbose_name_plural = _("fidelity reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=ITEM_COUNT * SCORE_MIN) & Q(total__lte=ITEM_COUNT * SCORE_MAX),
                name="ips_review_total_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.reviewed_on:%d.%m.%Y}"

    @property
    def band(self):
        return fidelity_band(self.total)


class FidelityScore(models.Model):
    history = HistoricalRecords()
    review = models.ForeignKey(FidelityReview, on_delete=models.CASCADE, related_name="scores")
    item = models.PositiveSmallIntegerField(_("item"))
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["item"]
        verbose_name = _("fidelity item score")
        verbose_name_plural = _("fidelity item scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="ips_one_score_per_item"),
            models.CheckConstraint(condition=Q(item__gte=1) & Q(item__lte=ITEM_COUNT), name="ips_item_known"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX), name="ips_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.score}"

    @property
    def title(self):
        return ITEM_TITLES.get(self.item, "")
