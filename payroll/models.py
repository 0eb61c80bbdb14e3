"""Payroll: wage rules and tax data kept as data, payslips, payouts and the cash box.

Paid rows are append-only. A payslip becomes paid once; after that neither it, its lines nor its
payout may be changed or deleted (the model layer refuses here; on PostgreSQL a trigger refuses too).
A mistake is corrected by a reversal (a paid payslip with the amounts negated) and a new payslip.
"""

import contextlib
import contextvars
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dagsverket.dbroles import as_retention_role
from dagsverket.models import Participant, Site

MONEY = {"max_digits": 12, "decimal_places": 2}


class PaidRowError(Exception):
    """Raised by the model layer when code tries to change or delete a paid row."""


_retention = contextvars.ContextVar("payroll_retention_deletes", default=False)


@contextlib.contextmanager
def retention_deletes():
    """The one sanctioned way to delete paid rows: records past the keeping period, removed by
    `manage.py apply_retention` inside a transaction. Updates stay refused. On PostgreSQL the
    triggers let deletes through only for the retention role, which this becomes for the block
    (dagsverket.dbroles); the application's own role cannot."""
    with as_retention_role():
        token = _retention.set(True)
        try:
            yield
        finally:
            _retention.reset(token)


def deleting_for_retention() -> bool:
    return _retention.get()


class Rounding(models.TextChoices):
    KRONE_DOWN = "krone_down", _("Whole kroner, rounded down")
    ORE_HALF_UP = "ore_half_up", _("Øre, rounded half up")


class YearSettings(models.Model):
    """Figures that change by law each year: the frikort limit, the employer's contribution, holiday
    pay and how withholding is rounded. A year without a row is not paid (no guessing)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    frikort_limit = models.DecimalField(_("frikort limit"), **MONEY)
    employer_contribution_rate = models.DecimalField(
        _("employer's contribution rate (%)"), max_digits=5, decimal_places=2, default=Decimal("14.10")
    )
    charity_exemption_per_employee = models.DecimalField(
        _("charity exemption per employee"), default=Decimal("80000"), **MONEY
    )
    charity_exemption_total = models.DecimalField(
        _("charity exemption per year in total"), default=Decimal("800000"), **MONEY
    )
    reporting_threshold = models.DecimalField(
        _("reporting threshold per person and year"), default=Decimal("1000"), **MONEY
    )
    withholding_rounding = models.CharField(
        _("rounding of percentage withholding"),
        max_length=12,
        choices=Rounding.choices,
        default=Rounding.KRONE_DOWN,
        help_text=_("verify: whole kroner rounded down is common practice; no source confirmed it."),
    )
    holiday_pay_rate = models.DecimalField(
        _("holiday pay rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.20"),
        help_text=_("Holiday Act § 10 (2)."),
    )
    holiday_pay_extra_rate = models.DecimalField(
        _("extra holiday pay for older workers (percentage points)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.30"),
        help_text=_("Holiday Act § 10 (3) with § 5 (2)."),
    )
    holiday_pay_extra_from_age = models.PositiveSmallIntegerField(
        _("extra holiday pay on pay earned in the year the worker turns"),
        default=59,
        help_text=_("59: the year before the holiday year in which the worker turns 60."),
    )
    basic_amount = models.DecimalField(
        _("basic amount (G) on 31 December"),
        null=True,
        blank=True,
        help_text=_("The extra holiday pay is not paid on the part of the year's basis above 6 G."),
        **MONEY,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("year settings")
        verbose_name_plural = _("year settings")

    def __str__(self) -> str:
        return str(self.year)

    def holiday_rules(self):
        from .engine import HolidayPayRules

        return HolidayPayRules(
            rate=self.holiday_pay_rate,
            extra_rate=self.holiday_pay_extra_rate,
            extra_from_age=self.holiday_pay_extra_from_age,
            basic_amount=self.basic_amount,
        )


class SitePayrollSettings(models.Model):
    """Per-site pay settings."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="payroll_settings")
    holiday_pay_with_wage = models.BooleanField(_("pay holiday pay out with the day's wage"), default=True)
    charity_exempt = models.BooleanField(
        _("charity exempt from the employer's contribution up to the limits"), default=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site pay settings")
        verbose_name_plural = _("site pay settings")

    def __str__(self) -> str:
        return str(self.site)


class WageRate(models.Model):
    """The pay at a site from a date on: per hour, or a fixed amount per day worked."""

    class Kind(models.TextChoices):
        HOURLY = "hourly", _("Per hour")
        DAILY = "daily", _("Fixed day rate")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="wage_rates", verbose_name=_("site")
    )
    valid_from = models.DateField(_("valid from"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HOURLY)
    amount = models.DecimalField(_("amount"), **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "-valid_from"]
        verbose_name = _("wage rate")
        verbose_name_plural = _("wage rates")
        constraints = [
            models.UniqueConstraint(fields=["site", "valid_from"], name="one_wage_rate_per_site_and_date"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="wage_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.valid_from}: {self.amount} ({self.get_kind_display()})"


class TaxCard(models.Model):
    """A participant's tax data for one year at one employer (organisation number), as entered by
    Payroll from the tax card they got. Two organisation numbers are two employers, each with the
    card (and the frikort amount) the person allotted to it."""

    class Kind(models.TextChoices):
        FRIKORT = "frikort", _("Tax-free card (frikort)")
        PERCENTAGE = "percentage", _("Percentage tax card")
        NONE = "none", _("No tax card (50 % withholding)")

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="tax_cards", verbose_name=_("participant")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    employer = models.CharField(
        _("employer (organisation number)"),
        max_length=20,
        default="",
        help_text=_("The card applies at the sites with this organisation number only."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    frikort_amount = models.DecimalField(
        _("frikort amount allotted to this employer"), null=True, blank=True, **MONEY
    )
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a frikort: the rate above its amount; empty means 50 %."),
    )
    main_employer = models.BooleanField(
        _("the program is the main employer"),
        default=False,
        help_text=_(
            "The main employer withholds by the card's table, which is not supported yet: such a card "
            "is not paid. A secondary employer withholds the card's percentage."
        ),
    )
    source = models.CharField(_("source"), max_length=100, help_text=_("For example: Skatteetaten, letter"))
    received_on = models.DateField(_("received on"))
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["participant", "-year", "-entered_at"]
        verbose_name = _("tax card")
        verbose_name_plural = _("tax cards")
        get_latest_by = "entered_at"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="frikort") | models.Q(frikort_amount__isnull=False),
                name="frikort_needs_an_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="percentage") | models.Q(percentage__isnull=False),
                name="percentage_card_needs_a_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(percentage__isnull=True)
                | models.Q(percentage__gte=0, percentage__lte=100),
                name="tax_percentage_between_0_and_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.year} {self.employer} {self.get_kind_display()}"


class PayoutMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK = "bank", _("Bank transfer")
    CARD = "card", _("Prepaid card")


class PaidRowQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self._paid_rows().exists():
            raise PaidRowError("paid rows are never updated")
        return super().update(**kwargs)

    def delete(self):
        if not deleting_for_retention() and self._paid_rows().exists():
            raise PaidRowError("paid rows are never deleted")
        return super().delete()


class PayslipQuerySet(PaidRowQuerySet):
    def _paid_rows(self):
        return self.filter(paid_at__isnull=False)


class Payslip(models.Model):
    """One participant's pay for one day at one site; a draft until paid, then frozen."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Payslip")
        REVERSAL = "reversal", _("Reversal")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="payslips", verbose_name=_("site"))
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="payslips", verbose_name=_("participant")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    gross = models.DecimalField(_("gross pay"), **MONEY)
    holiday_pay_rate = models.DecimalField(_("holiday pay rate (%)"), max_digits=5, decimal_places=2)
    holiday_pay_basis = models.DecimalField(_("holiday pay basis"), **MONEY)
    holiday_pay = models.DecimalField(_("holiday pay paid out"), **MONEY)
    holiday_pay_accrued = models.DecimalField(_("holiday pay accrued"), default=Decimal("0"), **MONEY)
    taxable = models.DecimalField(_("taxable pay"), **MONEY)
    tax_card_kind = models.CharField(_("tax card"), max_length=12, choices=TaxCard.Kind.choices)
    tax_percentage = models.DecimalField(_("tax percentage"), max_digits=5, decimal_places=2)
    frikort_amount = models.DecimalField(_("frikort amount"), null=True, blank=True, **MONEY)
    frikort_left_before = models.DecimalField(_("frikort left before"), null=True, blank=True, **MONEY)
    tax_free_part = models.DecimalField(_("tax-free part"), default=Decimal("0"), **MONEY)
    tax_basis = models.DecimalField(_("basis for withholding"), **MONEY)
    tax = models.DecimalField(_("tax withheld"), **MONEY)
    net = models.DecimalField(_("net pay"), **MONEY)
    previously_paid = models.DecimalField(_("already paid for this day"), default=Decimal("0"), **MONEY)
    amount_due = models.DecimalField(_("to pay"), **MONEY)
    ytd_gross = models.DecimalField(_("gross so far this year"), **MONEY)
    ytd_tax = models.DecimalField(_("tax so far this year"), **MONEY)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    reason = models.CharField(_("reason for correction"), max_length=300, blank=True)

    objects = PayslipQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "participant__name", "pk"]
        verbose_name = _("payslip")
        verbose_name_plural = _("payslips")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "participant", "date"],
                condition=models.Q(paid_at__isnull=True),
                name="one_draft_payslip_per_person_and_day",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="regular") | models.Q(reverses__isnull=False, paid_at__isnull=False),
                name="reversal_is_paid_and_points_to_original",
            ),
            models.CheckConstraint(
                condition=models.Q(reverses__isnull=True) & models.Q(corrects__isnull=True)
                | ~models.Q(reason=""),
                name="correction_needs_a_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "date"], name="payslip_site_date"),
            models.Index(fields=["participant", "date"], name="payslip_participant_date"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.date:%Y-%m-%d} {self.net}"

    def save(self, *args, **kwargs):
        # A paid row is frozen: only the step from draft to paid (or creating it paid) is a write.
        if self.pk and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("paid_at", flat=True).first()
            if stored is not None:
                raise PaidRowError("a paid payslip is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if deleting_for_retention():
            return super().delete(*args, **kwargs)
        if self.paid_at is not None or type(self).objects.filter(pk=self.pk, paid_at__isnull=False).exists():
            raise PaidRowError("a paid payslip is never deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def holiday_pay_total(self) -> Decimal:
        return self.holiday_pay + self.holiday_pay_accrued

    @property
    def frikort_left_after(self) -> Decimal | None:
        if self.frikort_left_before is None:
            return None
        return max(self.frikort_left_before - self.tax_free_part, Decimal("0"))


class PayslipLineQuerySet(PaidRowQuerySet):
    def _paid_rows(self):
        return self.filter(payslip__paid_at__isnull=False)


class PayslipLine(models.Model):
    """One task's hours, rate and amount on a payslip (or the day rate)."""

    payslip = models.ForeignKey(Payslip, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("description"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("rate"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    source = models.CharField(max_length=60, blank=True, help_text="reference to the work it pays for")

    objects = PayslipLineQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["payslip", "pk"]
        verbose_name = _("payslip line")
        verbose_name_plural = _("payslip lines")

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"

    def save(self, *args, **kwargs):
        if Payslip.objects.filter(pk=self.payslip_id, paid_at__isnull=False).exists():
            raise PaidRowError("lines of a paid payslip are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if (
            not deleting_for_retention()
            and Payslip.objects.filter(pk=self.payslip_id, paid_at__isnull=False).exists()
        ):
            raise PaidRowError("lines of a paid payslip are never deleted")
        return super().delete(*args, **kwargs)


class PayoutQuerySet(PaidRowQuerySet):
    def _paid_rows(self):
        return self


class WrittenOnce(models.Model):
    """A row written once and never changed or deleted (only by retention, past the keeping period)."""

    written_once = "row"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PaidRowError(f"a {self.written_once} is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if deleting_for_retention():
            return super().delete(*args, **kwargs)
        raise PaidRowError(f"a {self.written_once} is never deleted")


class Payout(WrittenOnce):
    """The hand-over of a payslip's amount; one per payslip, written once."""

    payslip = models.OneToOneField(Payslip, on_delete=models.PROTECT, related_name="payout")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="payouts")
    date = models.DateField(_("date"))
    method = models.CharField(_("payout method"), max_length=10, choices=PayoutMethod.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    bank_account = models.CharField(_("bank account"), max_length=11, blank=True)
    nonce = models.CharField(max_length=64, unique=True)
    paid_at = models.DateTimeField(_("paid"), default=timezone.now)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PayoutQuerySet.as_manager()
    written_once = "payout"

    history = HistoricalRecords()

    class Meta:
        ordering = ["paid_at"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(method="bank") | ~models.Q(bank_account=""),
                name="bank_payout_needs_an_account",
            ),
        ]
        indexes = [models.Index(fields=["site", "date", "method"], name="payout_site_date_method")]

    def __str__(self) -> str:
        return f"{self.payslip} {self.get_method_display()} {self.amount}"


class CashBox(models.Model):
    """The cash at a site on one day: the float in the morning, what was counted at closing."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="cash_boxes")
    date = models.DateField(_("date"))
    opening_float = models.DecimalField(_("opening float"), default=Decimal("0"), **MONEY)
    counted_closing = models.DecimalField(_("counted at closing"), null=True, blank=True, **MONEY)
    expected_closing = models.DecimalField(_("expected at closing"), null=True, blank=True, **MONEY)
    difference = models.DecimalField(_("difference"), null=True, blank=True, **MONEY)
    explanation = models.CharField(_("explanation of the difference"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("cash box")
        verbose_name_plural = _("cash boxes")
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="one_cash_box_per_site_and_day"),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True)
                | models.Q(witnessed_by__isnull=False) & ~models.Q(witnessed_by=models.F("closed_by")),
                name="cash_box_closed_by_two_people",
            ),
            models.CheckConstraint(
                condition=models.Q(difference__isnull=True)
                | models.Q(difference=0)
                | ~models.Q(explanation=""),
                name="cash_box_difference_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.date:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CashMovement(models.Model):
    """Cash put in or taken out for another reason than a payout (positive in, negative out)."""

    cash_box = models.ForeignKey(CashBox, on_delete=models.PROTECT, related_name="movements")
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["at"]
        verbose_name = _("cash movement")
        verbose_name_plural = _("cash movements")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="cash_movement_not_zero"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="cash_movement_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.reason}"


class MonthFiling(models.Model):
    """A month marked as reported (the a-melding filed) for one employer: its figures are kept as
    they were filed and never change; later changes go as corrections into the next open month."""

    employer = models.CharField(_("employer (organisation number)"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    rows = models.JSONField(_("figures as filed"))
    filed_at = models.DateTimeField(_("reported"), default=timezone.now)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["employer", "year", "month"]
        verbose_name = _("reported month")
        verbose_name_plural = _("reported months")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "year", "month"], name="one_filing_per_employer_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="filing_month_1_to_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.year}-{self.month:02d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PaidRowError("a reported month is never changed")
        super().save(*args, **kwargs)


class Repayment(WrittenOnce):
    """Money a worker paid back that was paid out but not owed: on a reversal "not owed", or on a
    correction whose amount to pay was negative and was not settled in cash at the payout. Written
    once; the payout it answers is never edited. A cash repayment goes into the day's cash box."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash into the cash box")
        BANK = "bank", _("Bank transfer to the program")

    payslip = models.ForeignKey(
        Payslip, on_delete=models.CASCADE, related_name="repayments", verbose_name=_("payslip")
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="repayments")
    date = models.DateField(_("date received"))
    method = models.CharField(_("how it was paid back"), max_length=10, choices=Method.choices)
    amount = models.DecimalField(_("amount paid back"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    nonce = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(_("recorded"), default=timezone.now)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PayoutQuerySet.as_manager()  # every row is written once, like a payout
    written_once = "repayment"

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="repayment_positive"),
        ]
        indexes = [models.Index(fields=["site", "date", "method"], name="repayment_site_date_method")]

    def __str__(self) -> str:
        return f"{self.payslip} {self.get_method_display()} {self.amount}"
