"""A randomised trial: studies, arms, the concealed allocation lists, enrolments, questionnaires,
follow-up waves with outcomes, and the course arm's sessions.

Concealment: allocation rows (AllocationSlot) and the list seeds are read by services only; no
view, template or admin page lists them. A row is tied to an enrolment once, at reveal, and from
then on neither Django (save/delete) nor, on PostgreSQL, the database (a trigger) lets it change.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ResearchError(Exception):
    """A rule of the trial was broken; `message` is translated, `code` is for code and tests."""

    def __init__(self, message, *, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class StratificationFactor(models.TextChoices):
    SITE = "site", _("Site")
    SEX = "sex", _("Sex")
    AGE_BAND = "age_band", _("Age band")


class Study(models.Model):
    """A trial with ethics approval; its pseudonyms, evaluators and export log are those of its
    evaluation project, so research exports follow the same rules as the evaluation exports."""

    history = HistoricalRecords()

    name = models.CharField(_("name"), max_length=200, unique=True)
    ethics_reference = models.CharField(_("ethics approval reference"), max_length=200)
    project = models.OneToOneField(
        "dagsverket.EvaluationProject",
        on_delete=models.PROTECT,
        related_name="study",
        verbose_name=_("evaluation project"),
    )
    sites = models.ManyToManyField(
        "dagsverket.Site", related_name="studies", verbose_name=_("recruiting sites")
    )
    stratification = models.JSONField(_("stratification factors"), default=list)
    # Age bands start at these ages: [18, 35, 50] gives 18-34, 35-49, 50 and over.
    age_band_starts = models.JSONField(_("age bands start at"), default=list)
    # Block sizes are these multiples of the sum of the arms' ratios, chosen at random per block.
    block_multiples = models.JSONField(_("block size multiples"), default=list)
    slots_per_stratum = models.PositiveSmallIntegerField(_("allocations per stratum"), default=120)
    # Blocks smaller than this are refused: at 1:1 a block of 2 lets anyone who has seen the first
    # allocation of a block guess the second.
    min_block_size = models.PositiveSmallIntegerField(_("smallest block size"), default=4)
    # The period of the ethics approval: the trial's research consent runs to its end, whatever
    # the evaluation project's dates.
    approved_from = models.DateField(_("approved from"), null=True, blank=True)
    approved_until = models.DateField(_("approved until and including"), null=True, blank=True)
    # Instruments (codes) whose missing items this study has chosen to prorate, as its protocol
    # documents; every other instrument scores as missing when an item is missing.
    prorated_instruments = models.JSONField(_("instruments with prorated missing items"), default=list)
    eq5d_value_set = models.ForeignKey(
        "ValueSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="studies",
        verbose_name=_("EQ-5D-5L value set"),
    )
    min_age = models.PositiveSmallIntegerField(_("youngest age"), default=18)
    max_age = models.PositiveSmallIntegerField(_("oldest age"), default=65)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("study")
        verbose_name_plural = _("studies")

    def __str__(self) -> str:
        return self.name

    @property
    def is_started(self) -> bool:
        return self.started_at is not None

    @property
    def consent_until(self):
        """The last day of the trial's research consent: the end of the approved period."""
        return self.approved_until or self.project.ends_on


class Arm(models.Model):
    history = HistoricalRecords()
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="arms")
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    ratio = models.PositiveSmallIntegerField(_("allocation ratio"), default=1)
    has_course = models.BooleanField(_("has course sessions"), default=False)
    # Receipt of the intervention is read from the IPS log (a caseload entry) for this arm (#18).
    delivers_ips = models.BooleanField(_("delivers IPS"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["study", "order", "pk"]
        verbose_name = _("arm")
        verbose_name_plural = _("arms")
        constraints = [
            models.UniqueConstraint(fields=["study", "code"], name="research_arm_code_unique"),
            models.CheckConstraint(condition=models.Q(ratio__gte=1), name="research_arm_ratio_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class EligibilityCriterion(models.Model):
    history = HistoricalRecords()
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="criteria")
    text = models.CharField(_("criterion"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["study", "order", "pk"]
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")

    def __str__(self) -> str:
        return self.text


class AllocationList(models.Model):
    """The seeded list of a study: one live list (made when the study starts) and one development
    list for practice enrolments. The seed never leaves the database."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="allocation_lists")
    is_live = models.BooleanField()
    seed = models.BigIntegerField()
    parameters = models.JSONField(default=dict)  # arms, ratios, strata and block multiples used
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "is_live"], name="research_one_list_of_each_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.study_id} {'live' if self.is_live else 'development'}"


class AllocationSlot(models.Model):
    """One position of a stratum's list. Concealed until an enrolment takes it; then frozen."""

    allocation_list = models.ForeignKey(AllocationList, on_delete=models.PROTECT, related_name="slots")
    stratum = models.CharField(max_length=200)
    sequence = models.PositiveIntegerField()
    block = models.PositiveIntegerField()
    block_size = models.PositiveSmallIntegerField()
    arm = models.ForeignKey(Arm, on_delete=models.PROTECT, related_name="+")
    enrolment = models.OneToOneField(
        "Enrolment", on_delete=models.PROTECT, null=True, blank=True, related_name="allocation"
    )
    revealed_at = models.DateTimeField(null=True, blank=True)
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["allocation_list", "stratum", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation_list", "stratum", "sequence"], name="research_slot_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(enrolment__isnull=True, revealed_at__isnull=True)
                | models.Q(enrolment__isnull=False, revealed_at__isnull=False),
                name="research_slot_revealed_with_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stratum} #{self.sequence}"

    FROZEN_FIELDS = ("allocation_list_id", "stratum", "sequence", "block", "block_size", "arm_id")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                AllocationSlot.objects.filter(pk=self.pk).values(*self.FROZEN_FIELDS, "revealed_at").first()
            )
            if stored is not None and (
                stored.pop("revealed_at") is not None
                or any(getattr(self, name) != value for name, value in stored.items())
            ):
                raise ResearchError(_("An allocation is never changed."), code="allocation_frozen")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ResearchError(_("An allocation is never changed."), code="allocation_frozen")


SEX_CHOICES = [("f", _("Female")), ("m", _("Male")), ("x", _("Other or not stated"))]


class EnrolmentStatus(models.TextChoices):
    SCREENING = "screening", _("Screening")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    LOCKED = "locked", _("Locked, not yet allocated")
    ALLOCATED = "allocated", _("Allocated")


class TrialStatus(models.TextChoices):
    """Where a randomised person stands; every randomised person stays in the analysis."""

    ON_STUDY = "on_study", _("On study")
    WITHDREW_INTERVENTION = "withdrew_intervention", _("Withdrew from the intervention, stays in follow-up")
    WITHDREW_CONSENT = "withdrew_consent", _("Withdrew consent")
    LOST = "lost_to_follow_up", _("Lost to follow-up")
    DIED = "died", _("Died")


# No data is collected after these; the due list leaves them out.
ENDED_STATUSES = {TrialStatus.WITHDREW_CONSENT, TrialStatus.LOST, TrialStatus.DIED}


class Enrolment(models.Model):
    """A participant screened for a study. Locked (baseline frozen) before the allocation is revealed."""

    history = HistoricalRecords()

    study = models.ForeignKey(
        Study, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("study")
    )
    participant = models.ForeignKey(
        "dagsverket.Participant",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("participant"),
    )
    is_live = models.BooleanField(_("live"), help_text=_("Practice enrolments use the development list."))
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.SCREENING
    )
    site = models.ForeignKey(
        "dagsverket.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    eligibility = models.JSONField(_("eligibility answers"), default=dict)
    consent = models.ForeignKey(
        "dagsverket.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("research consent"),
    )
    # Baseline data that decides the stratum; frozen at lock.
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    age = models.PositiveSmallIntegerField(_("age at baseline"), null=True, blank=True)
    stratum = models.CharField(_("stratum"), max_length=200, blank=True)
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="research_enrolments",
        verbose_name=_("responsible staff"),
    )
    screened_at = models.DateTimeField(_("screened"), default=timezone.now)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # After randomisation: the trial status, from which day, why, and (for a withdrawal of
    # consent) whether the data collected so far may be kept, as the consent form says.
    trial_status = models.CharField(
        _("trial status"), max_length=30, choices=TrialStatus.choices, default=TrialStatus.ON_STUDY
    )
    trial_status_on = models.DateField(_("status from"), null=True, blank=True)
    trial_status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    data_may_be_kept = models.BooleanField(_("data collected so far may be kept"), null=True, blank=True)

    class Meta:
        ordering = ["-screened_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["study", "participant", "is_live"], name="research_one_enrolment_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study} · {self.participant_id}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def get_sex_display(self) -> str:
        return dict(SEX_CHOICES).get(self.sex, self.sex)


class ScoringMethod(models.TextChoices):
    SUM = "sum", _("Sum of items")
    MEAN = "mean", _("Mean of items")
    NONE = "none", _("Scores entered directly")
    WHOQOL = "whoqol_domains", _("WHOQOL-BREF domain scores")


class MissingRule(models.TextChoices):
    PRORATE = "prorate", _("Prorate up to the allowed number of missing items")
    INVALID = "invalid", _("Any missing item makes the score invalid")


class Instrument(models.Model):
    """A questionnaire as data: items, answer options, scoring and cut-offs. Licensed instruments
    (score_only) carry no item texts: their scores are entered as numbers."""

    history = HistoricalRecords()

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source and licence"), max_length=300, blank=True)
    score_only = models.BooleanField(_("scores only"), default=False)
    scoring = models.CharField(_("scoring"), max_length=20, choices=ScoringMethod.choices)
    missing_rule = models.CharField(_("missing items"), max_length=10, choices=MissingRule.choices)
    max_missing = models.PositiveSmallIntegerField(_("most missing items"), default=0)
    score_decimals = models.PositiveSmallIntegerField(_("decimals of the score"), default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    history = HistoricalRecords()
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.SlugField(_("code"), max_length=30)
    text = models.TextField(_("text"), blank=True)
    # For score-only instruments: the range a score may take.
    min_value = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_value = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="research_item_number_unique"),
            models.UniqueConstraint(fields=["instrument", "code"], name="research_item_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.number}"


class AnswerOption(models.Model):
    history = HistoricalRecords()
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="options")
    value = models.SmallIntegerField(_("score"))
    label = models.CharField(_("label"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["item", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "value"], name="research_option_value_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class ScoreBand(models.Model):
    """An interpretation of a total: a zone or a cut-off, possibly for one sex only."""

    history = HistoricalRecords()

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bands")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    lower = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    lower_inclusive = models.BooleanField(default=True)
    upper = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["instrument", "order"]

    def __str__(self) -> str:
        return self.label


class WaveKind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("Questionnaires and outcomes")
    REGISTRY = "registry", _("Registry follow-up")


class Wave(models.Model):
    """A follow-up time point of a study, in months after baseline, with its window."""

    history = HistoricalRecords()

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="waves")
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    months = models.PositiveSmallIntegerField(_("months after baseline"))
    window_days = models.PositiveSmallIntegerField(_("window, days either side"), default=30)
    kind = models.CharField(
        _("kind"), max_length=20, choices=WaveKind.choices, default=WaveKind.QUESTIONNAIRE
    )
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="+", verbose_name=_("instruments")
    )

    class Meta:
        ordering = ["study", "months"]
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        constraints = [
            models.UniqueConstraint(fields=["study", "code"], name="research_wave_code_unique"),
            models.UniqueConstraint(fields=["study", "months"], name="research_wave_months_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Response(models.Model):
    """One instrument answered by one enrolment in one wave; the score is computed at save."""

    history = HistoricalRecords()

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="responses")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="responses")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    answered_on = models.DateField(_("answered on"))
    answers = models.JSONField(default=dict)  # item code -> value, None when missing
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    valid = models.BooleanField(default=False)
    missing = models.PositiveSmallIntegerField(default=0)
    bands = models.JSONField(default=list)
    # The sum of the answered items before any proration, and sub-scores (WHOQOL-BREF domains).
    raw_sum = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    subscores = models.JSONField(default=dict)
    # Protocol deviations (codes of DEVIATIONS) with the reason given when the data was recorded.
    deviations = models.JSONField(default=list)
    deviation_reason = models.CharField(_("reason for the deviation"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["enrolment", "wave", "instrument"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "wave", "instrument"], name="research_one_response_per_wave"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.wave_id} {self.enrolment_id}"

    @property
    def shown_score(self) -> str:
        """The score with the instrument's own decimals (`10`, `1.90`); empty when invalid."""
        if self.score is None:
            return ""
        return str(self.score.quantize(Decimal(1).scaleb(-self.instrument.score_decimals)))


class EmploymentStatus(models.TextChoices):
    NONE = "none", _("Not working")
    ORDINARY = "ordinary", _("Ordinary paid work")
    SUPPORTED = "supported", _("Paid work with support")
    SHELTERED = "sheltered", _("Sheltered or low-threshold work")
    EDUCATION = "education", _("In education")


class Benefit(models.TextChoices):
    NONE = "none", _("No benefits")
    AAP = "aap", _("Work assessment allowance (AAP)")
    DISABILITY = "disability", _("Disability benefit")
    SOCIAL = "social", _("Social assistance")
    UNEMPLOYMENT = "unemployment", _("Unemployment benefit")
    QUALIFICATION = "qualification", _("Qualification benefit")
    OTHER = "other", _("Other benefit")


class FollowUp(models.Model):
    """The outcomes of one wave for one enrolment: work, income, benefits, health-service contacts."""

    history = HistoricalRecords()

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="follow_ups")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="follow_ups")
    done_on = models.DateField(_("done on"))
    employment_status = models.CharField(
        _("employment status"), max_length=20, choices=EmploymentStatus.choices
    )
    hours_worked = models.DecimalField(
        _("hours worked, last 30 days"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    income = models.DecimalField(
        _("work income, last 30 days"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    benefits = models.JSONField(_("benefits"), default=list)
    gp_contacts = models.PositiveSmallIntegerField(_("GP contacts, last 6 months"), null=True, blank=True)
    specialist_contacts = models.PositiveSmallIntegerField(
        _("specialist health-service contacts, last 6 months"), null=True, blank=True
    )
    emergency_contacts = models.PositiveSmallIntegerField(
        _("emergency or inpatient admissions, last 6 months"), null=True, blank=True
    )
    deviations = models.JSONField(default=list)
    deviation_reason = models.CharField(_("reason for the deviation"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["enrolment", "wave"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "wave"], name="research_one_follow_up_per_wave"),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id} {self.enrolment_id}"


class CourseSession(models.Model):
    """A session of the course arm (for example three days of three hours)."""

    history = HistoricalRecords()

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="sessions")
    arm = models.ForeignKey(Arm, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("arm"))
    site = models.ForeignKey(
        "dagsverket.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=3)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["arm", "site", "starts_at"], name="research_one_session_at_a_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SessionAttendance(models.Model):
    history = HistoricalRecords()
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attendance")
    attended = models.BooleanField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="research_one_attendance_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.enrolment_id}"


class Deviation(models.TextChoices):
    """Protocol deviations flagged on a questionnaire or a wave's outcomes."""

    BEFORE_WINDOW = "before_window", _("Before the wave's window")
    AFTER_WINDOW = "after_window", _("After the wave's window")
    AFTER_ALLOCATION = "after_allocation", _("Baseline data after the allocation")


class Correction(models.Model):
    """One corrected value of a questionnaire or a wave's outcomes: old and new value, why, who.
    Append-only: a correction of a correction is a new row."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="corrections")
    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    field = models.CharField(_("value"), max_length=60)
    old_value = models.JSONField(_("old value"), null=True)
    new_value = models.JSONField(_("new value"), null=True)
    reason = models.CharField(_("reason"), max_length=300)
    corrected_at = models.DateTimeField(_("corrected"), default=timezone.now)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["corrected_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response__isnull=True, follow_up__isnull=False)
                | models.Q(response__isnull=False, follow_up__isnull=True),
                name="research_correction_of_one_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.field}"


class WaveClosure(models.Model):
    """A wave that will not happen for one person, closed as missed with a reason."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="closed_waves")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "wave"], name="research_close_a_wave_once"),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id} {self.enrolment_id}"


class AllocationExtension(models.Model):
    """Positions added to one stratum of a list by the trial statistician, from a new seed.

    The row is written first, in the same transaction as its positions, and names the sequence
    range it adds: a database guard on inserts into a list in use can allow exactly the rows an
    extension names (see docs/RESEARCH.md)."""

    allocation_list = models.ForeignKey(AllocationList, on_delete=models.PROTECT, related_name="extensions")
    stratum = models.CharField(max_length=200)
    seed = models.BigIntegerField()
    first_sequence = models.PositiveIntegerField()
    last_sequence = models.PositiveIntegerField()
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation_list", "stratum", "first_sequence"], name="research_extension_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stratum} {self.first_sequence}-{self.last_sequence}"


EQ5D5L_DIMENSIONS = ["mobility", "selfcare", "activities", "pain", "anxiety"]


class ValueSet(models.Model):
    """An EQ-5D-5L value set loaded as data (`manage.py load_eq5d_value_set`): none is bundled, as
    EuroQol licenses them. The additive model: index = 1 − constant (for any state other than
    11111) − the decrement of each dimension's level. Value sets with interaction terms do not fit."""

    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=100)
    country = models.CharField(_("country"), max_length=100)
    source = models.CharField(_("source"), max_length=500)
    constant = models.DecimalField(_("constant"), max_digits=6, decimal_places=4, default=Decimal("0"))
    # {"mobility": ["0", "0.058", ...], ...}: the decrement of levels 1-5 per dimension, as text.
    decrements = models.JSONField(_("decrements per dimension and level"))
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    class Meta:
        verbose_name = _("EQ-5D-5L value set")
        verbose_name_plural = _("EQ-5D-5L value sets")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="research_valueset_name_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version}, {self.country})"

    def index(self, levels: dict[str, int | None]) -> Decimal | None:
        """The index of a health state given as {dimension: level}; None when a level is missing."""
        if any(levels.get(dimension) not in (1, 2, 3, 4, 5) for dimension in EQ5D5L_DIMENSIONS):
            return None
        value = Decimal(1)
        if any(levels[dimension] > 1 for dimension in EQ5D5L_DIMENSIONS):
            value -= self.constant
        for dimension in EQ5D5L_DIMENSIONS:
            value -= Decimal(self.decrements[dimension][levels[dimension] - 1])
        return value.quantize(Decimal("0.001"))
