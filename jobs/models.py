"""Customers, tasks (work orders), the day's places and lottery, assignments and hours.

Models only derive values from their own row; writes go through `services.py`, reads that join go
through `selectors.py`.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dagsverket.models import Participant, Site, Visit

HOURS = Decimal("0.01")


def round_hours(value: Decimal) -> Decimal:
    """The one place hours are rounded: two decimals, half up."""
    return Decimal(value).quantize(HOURS, rounding=ROUND_HALF_UP)


def hours_between(starts_at: datetime.time, ends_at: datetime.time, break_minutes: int) -> Decimal:
    """Worked hours between two clock times on one day, minus the breaks."""
    minutes = (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)
    return round_hours(Decimal(max(minutes - (break_minutes or 0), 0)) / Decimal(60))


class Sector(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    HOUSING = "housing", _("Housing company or co-op")
    BUSINESS = "business", _("Business")
    PRIVATE = "private", _("Private person")
    NON_PROFIT = "non_profit", _("Non-profit")


class Customer(models.Model):
    """Someone the program does work for, and invoices."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="customers", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    organisation_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    invoice_address = models.TextField(_("invoice address"), blank=True)
    price_terms = models.TextField(_("price terms"), blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="customer_unique_name_per_site"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        # Used by the spreadsheet import (django-import-export cleans each row's instance).
        from dagsverket.identifiers import clean_instance_organisation_number

        clean_instance_organisation_number(self)


class Category(models.TextChoices):
    GARDEN = "garden", _("Garden and park")
    LITTER = "litter", _("Litter picking")
    SNOW = "snow", _("Snow clearing")
    MOVING = "moving", _("Moving")
    CLEARING = "clearing", _("Clearing out")
    FIREWOOD = "firewood", _("Firewood")
    RENOVATION = "renovation", _("Light renovation")
    LAUNDRY = "laundry", _("Laundry")
    CLEANING = "cleaning", _("Cleaning")
    OTHER = "other", _("Other")


class PriceKind(models.TextChoices):
    PER_HOUR = "per_hour", _("Per worker-hour")
    FIXED = "fixed", _("Fixed price")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    INVOICED = "invoiced", _("Invoiced")


class Task(models.Model):
    """A work order for one day. A repeat rule creates one task per day, linked by `series`."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("site"))
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("customer")
    )
    description = models.CharField(_("description"), max_length=300)
    address = models.CharField(_("address"), max_length=200, blank=True)
    date = models.DateField(_("date"), db_index=True)
    series = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("first task of the series"),
    )
    repeat_rule = models.CharField(_("repeat rule"), max_length=100, blank=True)
    starts_at = models.TimeField(_("starts at"), default=datetime.time(9, 0))
    ends_at = models.TimeField(_("ends at"), default=datetime.time(13, 0))
    workers_min = models.PositiveSmallIntegerField(_("workers needed (minimum)"), default=1)
    workers_max = models.PositiveSmallIntegerField(_("workers needed (maximum)"), default=3)
    work_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
        verbose_name=_("work leader"),
    )
    category = models.CharField(_("job category"), max_length=20, choices=Category.choices)
    light_duty = models.BooleanField(_("suitable for light duties"), default=False)
    needs_hms_card = models.BooleanField(_("requires HMS card"), default=False)
    needs_driving_licence = models.BooleanField(_("requires driving licence"), default=False)
    needs_skill = models.CharField(_("requires skill"), max_length=100, blank=True)
    price_kind = models.CharField(
        _("price"), max_length=10, choices=PriceKind.choices, default=PriceKind.PER_HOUR
    )
    price = models.DecimalField(_("price amount"), max_digits=12, decimal_places=2, default=Decimal("0"))
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    signed_off_at = models.DateTimeField(_("hours signed off"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["site", "date"], name="task_site_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="task_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(workers_max__gte=models.F("workers_min")) & models.Q(workers_max__gte=1),
                name="task_workers_max_at_least_min",
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="task_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.date:%d.%m.})"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    @property
    def is_cleaning_for_outside_customer(self) -> bool:
        # Every customer is an outside customer: the program's own premises are not invoiced.
        return self.category == Category.CLEANING

    @property
    def window_hours(self) -> Decimal:
        return hours_between(self.starts_at, self.ends_at, 0)


class LotteryRules(models.Model):
    """The fairness rules of a site's lottery; each can be switched on or off with its number."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="lottery_rules", verbose_name=_("site")
    )
    guarantee_enabled = models.BooleanField(_("guaranteed place after unlucky days"), default=True)
    guarantee_after_days = models.PositiveSmallIntegerField(_("unlucky days in a row"), default=2)
    weekly_cap_enabled = models.BooleanField(_("cap on worked days per week"), default=False)
    weekly_cap_days = models.PositiveSmallIntegerField(_("worked days per week at most"), default=3)
    weighting_enabled = models.BooleanField(_("weight by days since last worked"), default=True)
    weighting_max_days = models.PositiveSmallIntegerField(_("count days since last worked up to"), default=14)
    earned_guarantee_enabled = models.BooleanField(_("guaranteed place earned earlier"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lottery rules")
        verbose_name_plural = _("lottery rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(guarantee_after_days__gte=1), name="lottery_guarantee_days_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_cap_days__gte=1), name="lottery_weekly_cap_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(weighting_max_days__gte=1), name="lottery_weighting_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.site)


class DayPlan(models.Model):
    """The day's places at a site when the front desk sets a number instead of the tasks' sum."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="day_plans", verbose_name=_("site"))
    date = models.DateField(_("date"))
    places = models.PositiveSmallIntegerField(_("places"), null=True, blank=True)
    light_places = models.PositiveSmallIntegerField(_("light-duty places"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("day plan")
        verbose_name_plural = _("day plans")
        constraints = [models.UniqueConstraint(fields=["site", "date"], name="one_day_plan_per_site_day")]

    def __str__(self) -> str:
        return f"{self.site} {self.date}"


class EarnedGuarantee(models.Model):
    """A guaranteed place earned earlier (for example for an unpaid helping task), used once."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="earned_guarantees", verbose_name=_("participant")
    )
    earned_on = models.DateField(_("earned on"))
    reason = models.CharField(_("reason"), max_length=200)
    used_in = models.ForeignKey(
        "LotteryDraw",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("used in draw"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["earned_on", "pk"]
        verbose_name = _("earned guarantee")
        verbose_name_plural = _("earned guarantees")

    def __str__(self) -> str:
        return f"{self.participant} {self.earned_on}"


class LotteryDraw(models.Model):
    """One run of the day's lottery: pool, rules, seed and order are stored so it can be audited.

    A re-run keeps the earlier draw (current=False) and needs a reason.
    """

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="lottery_draws", verbose_name=_("site")
    )
    date = models.DateField(_("date"))
    seed = models.BigIntegerField(_("random seed"))
    places = models.PositiveSmallIntegerField(_("places"))
    light_places = models.PositiveSmallIntegerField(_("light-duty places"))
    rules = models.JSONField(_("rules in force"), default=dict)
    order = models.JSONField(_("resulting order"), default=list)
    ran_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    rerun_reason = models.CharField(_("reason for drawing again"), max_length=300, blank=True)
    current = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-ran_at"]
        verbose_name = _("lottery draw")
        verbose_name_plural = _("lottery draws")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "date"],
                condition=models.Q(current=True),
                name="one_current_draw_per_site_day",
            ),
        ]
        indexes = [models.Index(fields=["site", "date"], name="draw_site_date")]

    def __str__(self) -> str:
        return f"{self.site} {self.date} {self.ran_at:%H:%M}"


class Outcome(models.TextChoices):
    DRAWN = "drawn", _("Drawn")
    NOT_DRAWN = "not_drawn", _("Not drawn")
    WAITING = "waiting", _("On the waiting list")
    FROM_WAITING = "from_waiting", _("Got a place from the waiting list")
    NOT_ELIGIBLE = "not_eligible", _("Not in the draw")
    NO_DRAW = "no_draw", _("Place without a draw")


# The outcomes that hold a place: a person with one of these may be put on a task.
ASSIGNABLE_OUTCOMES = frozenset({Outcome.DRAWN, Outcome.FROM_WAITING, Outcome.NO_DRAW})


class LotteryEntry(models.Model):
    """One visit in a draw: why the person was (not) eligible, their numbers, and the outcome.

    Entries of the current draw are the visit's recorded outcome (unmet demand for the evaluation).
    """

    draw = models.ForeignKey(LotteryDraw, on_delete=models.PROTECT, related_name="entries")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="lottery_entries")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="lottery_entries")
    light_duty = models.BooleanField(default=False)
    unlucky_days = models.PositiveSmallIntegerField(default=0)
    worked_this_week = models.PositiveSmallIntegerField(default=0)
    days_since_worked = models.PositiveIntegerField(null=True, blank=True)
    guaranteed = models.CharField(max_length=20, blank=True)  # "", "unlucky_days" or "earned"
    weight = models.FloatField(default=1.0)
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.CharField(max_length=40, blank=True)  # why not eligible, as a code
    waiting_position = models.PositiveSmallIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["draw", "position", "waiting_position", "pk"]
        verbose_name = _("lottery entry")
        verbose_name_plural = _("lottery entries")
        constraints = [models.UniqueConstraint(fields=["draw", "visit"], name="one_entry_per_visit_and_draw")]

    def __str__(self) -> str:
        return f"{self.participant} {self.outcome}"


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        """The assignments that stand: a removed or moved one is kept for its history only."""
        return self.filter(removed_at__isnull=True)


class Assignment(models.Model):
    """A participant working on a task on its day, with hours. A move ends one and starts another."""

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("task")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("participant")
    )
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="assignments")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("start"))
    ends_at = models.TimeField(_("end"))
    break_minutes = models.PositiveSmallIntegerField(_("breaks (minutes)"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moved_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="moved_from"
    )

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "participant"],
                condition=models.Q(removed_at__isnull=True),
                name="one_active_assignment_per_task_and_person",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="assignment_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["participant", "date"], name="assignment_person_date")]

    def __str__(self) -> str:
        return f"{self.participant} · {self.task}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    def computed_hours(self) -> Decimal:
        return hours_between(self.starts_at, self.ends_at, self.break_minutes)


class HoursCorrection(models.Model):
    """A change to signed-off hours, with its reason; the assignment keeps the corrected values."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="corrections")
    old_starts_at = models.TimeField()
    old_ends_at = models.TimeField()
    old_break_minutes = models.PositiveSmallIntegerField()
    old_hours = models.DecimalField(max_digits=5, decimal_places=2)
    new_starts_at = models.TimeField(_("start"))
    new_ends_at = models.TimeField(_("end"))
    new_break_minutes = models.PositiveSmallIntegerField(_("breaks (minutes)"))
    new_hours = models.DecimalField(max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    corrected_at = models.DateTimeField(default=timezone.now)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["corrected_at", "pk"]
        verbose_name = _("hours correction")
        verbose_name_plural = _("hours corrections")

    def __str__(self) -> str:
        return f"{self.assignment}: {self.old_hours} → {self.new_hours}"

    @property
    def hours_delta(self) -> Decimal:
        return self.new_hours - self.old_hours


class TaskChange(models.Model):
    """A change to an invoiced task, with the reason it was allowed."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="changes")
    reason = models.CharField(_("reason"), max_length=300)
    changes = models.JSONField(default=dict)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task}: {self.reason}"
