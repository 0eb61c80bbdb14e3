"""Reads of the payroll app that join tables or sum over them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from dagsverket.models import Participant, Site

from .engine import NO_CARD, Card, money
from .models import (
    CashBox,
    Payout,
    PayoutMethod,
    Payslip,
    PayslipLine,
    Repayment,
    SitePayrollSettings,
    TaxCard,
    WageRate,
    YearSettings,
)

ZERO = Decimal("0")


def wage_rate_for(*, site: Site, day: datetime.date) -> WageRate | None:
    return WageRate.objects.filter(site=site, valid_from__lte=day).order_by("-valid_from").first()


def year_settings_for(year: int) -> YearSettings | None:
    return YearSettings.objects.filter(year=year).first()


def site_settings_for(site: Site) -> SitePayrollSettings:
    settings, _created = SitePayrollSettings.objects.get_or_create(site=site)
    return settings


def site_settings_or_default(site: Site) -> SitePayrollSettings:
    """The site's pay settings, or the defaults (unsaved) if nobody has set them: a read that writes
    nothing, one query."""
    return SitePayrollSettings.objects.filter(site=site).first() or SitePayrollSettings(site=site)


@dataclass(frozen=True)
class Employer:
    """The employer for payroll: an organisation number, with every site that has it.

    Year-to-date pay, frikort used, the NOK 1 000 reporting rule, the charity limits and the
    monthly report belong to the employer, not the site. A site without an organisation number is
    an employer of its own. The charity exemption holds only if every site of the employer has it
    (`wage_rate_set` keeps them the same)."""

    organisation_number: str
    name: str
    site_ids: tuple[int, ...]
    charity_exempt: bool

    @property
    def key(self) -> str:
        """What reported months are filed under: the organisation number, or the lone site."""
        return self.organisation_number or f"site-{self.site_ids[0]}"


def employer_of(site: Site) -> Employer:
    if site.organisation_number:
        sites = list(Site.objects.filter(organisation_number=site.organisation_number).order_by("pk"))
    else:
        sites = [site]
    ids = tuple(s.pk for s in sites)
    exempt_sites = SitePayrollSettings.objects.filter(site_id__in=ids, charity_exempt=True).count()
    return Employer(
        organisation_number=site.organisation_number,
        name=site.employer_name or site.name,
        site_ids=ids,
        charity_exempt=exempt_sites == len(ids),
    )


def tax_cards_for(*, participant_ids, year: int, employer: Employer) -> dict[int, TaxCard]:
    """{participant id: the latest tax card entered for the year at the employer}; people without
    one are left out (50 % withholding). One query for any number of people."""
    cards: dict[int, TaxCard] = {}
    for card in TaxCard.objects.filter(
        participant_id__in=participant_ids, year=year, employer=employer.key
    ).order_by("-entered_at", "-pk"):
        cards.setdefault(card.participant_id, card)
    return cards


def card_of(tax_card: TaxCard | None) -> Card:
    if tax_card is None:
        return NO_CARD
    return Card(tax_card.kind, tax_card.frikort_amount, tax_card.percentage)


def paid_in_year(
    *, participant: Participant, year: int, employer: Employer, exclude_pk: int | None = None
) -> dict[str, Decimal]:
    """Sums over the participant's payslips paid at the employer in the year (reversals included, so
    corrections net out). Holiday-pay basis too, for the 6 G cap. By the payment's year in Oslo time
    (kontantprinsippet), not the work date's."""
    return paid_in_year_by_participant(
        participant_ids=[participant.pk], year=year, employer=employer, exclude_pk=exclude_pk
    )[participant.pk]


PAID_SUMS = ("taxable", "tax", "gross", "holiday_basis")


def paid_in_year_by_participant(
    *, participant_ids, year: int, employer: Employer, exclude_pk: int | None = None
) -> dict[int, dict[str, Decimal]]:
    """`paid_in_year` for each of `participant_ids` (zeros for someone paid nothing): one query."""
    slips = Payslip.objects.filter(
        participant_id__in=participant_ids, site_id__in=employer.site_ids, paid_at__year=year
    )
    if exclude_pk:
        slips = slips.exclude(pk=exclude_pk)
    rows = (
        slips.order_by()
        .values("participant_id")
        .annotate(
            taxable=Sum("taxable"), tax=Sum("tax"), gross=Sum("gross"), holiday_basis=Sum("holiday_pay_basis")
        )
    )
    paid = {pk: dict.fromkeys(PAID_SUMS, money(ZERO)) for pk in participant_ids}
    for row in rows:
        paid[row["participant_id"]] = {key: money(row[key] or ZERO) for key in PAID_SUMS}
    return paid


def day_payslips(*, site: Site, day: datetime.date):
    """The day's payslips at a site, with what the day's pay screen and the PDF show."""
    return (
        Payslip.objects.filter(site=site, date=day)
        .select_related("participant", "payout", "reversed_by")
        .prefetch_related("lines")
        .order_by("participant__name", "pk")
    )


def line_hours_by_payslip(payslip_ids) -> dict[int, list[Decimal | None]]:
    """{payslip id: the hours of each of its lines, in the lines' order}: one query for a list,
    and lighter than a prefetch of the lines (no model and no queryset per payslip)."""
    hours: dict[int, list[Decimal | None]] = {pk: [] for pk in payslip_ids}
    # By pk alone: the lines' default ordering (by payslip) would join the payslips and people.
    for payslip_id, line_hours in (
        PayslipLine.objects.filter(payslip_id__in=payslip_ids)
        .order_by("pk")
        .values_list("payslip_id", "hours")
    ):
        hours[payslip_id].append(line_hours)
    return hours


def attendance_columns(visits) -> dict[int, dict]:
    """The attendance log's pay column per visit (registered in `ready()`): the gross pay paid for
    that person, site and day. One query for a page."""
    pay = {
        (row["participant_id"], row["site_id"], row["date"]): row["total"]
        for row in Payslip.objects.filter(
            participant_id__in={visit.participant_id for visit in visits},
            date__in={visit.date for visit in visits},
            paid_at__isnull=False,
        )
        .values("participant_id", "site_id", "date")
        .annotate(total=Sum("gross"))
    }
    return {
        visit.pk: {"gross": pay.get((visit.participant_id, visit.site_id, visit.date))} for visit in visits
    }


def repayment_owed(slip: Payslip, *, corrected: bool | None = None) -> Decimal:
    """What the worker owes back on a paid payslip (0 if nothing):

    - a reversal "not owed" (no correction of the payslip it reverses): the net the worker kept for
      the day, that is the reversed payslip's net (a correction's net is the day's total);
    - a paid correction whose amount to pay was negative, paid by bank or card: that amount. Settled
      in cash at the payout, the cash box already holds it (the payout's amount is negative).

    `corrected`: whether the payslip a reversal reverses has a correction, when the caller knows.
    """
    if not slip.is_paid:
        return ZERO
    if slip.kind == Payslip.Kind.REVERSAL:
        if corrected is None:
            corrected = Payslip.objects.filter(corrects_id=slip.reverses_id).exists()
        if corrected:
            return ZERO
        return max(-slip.net, ZERO)
    if slip.amount_due < 0:
        payout = getattr(slip, "payout", None)
        if payout is not None and payout.method != "cash":
            return -slip.amount_due
    return ZERO


def repayment_outstanding(
    slip: Payslip, *, corrected: bool | None = None, repayments: list[Repayment] | None = None
) -> Decimal:
    """What is still owed back after the repayments recorded (prefetch `repayments` for a list, or
    pass the payslip's `repayments` read already)."""
    owed = repayment_owed(slip, corrected=corrected)
    if owed == ZERO:
        return ZERO
    if repayments is None:
        repayments = slip.repayments.all()
    return money(owed - sum((repayment.amount for repayment in repayments), ZERO))


# The cash box ---------------------------------------------------------------------------------------


def cash_payouts_total(*, site: Site, day: datetime.date) -> Decimal:
    total = Payout.objects.filter(site=site, date=day, method=PayoutMethod.CASH).aggregate(
        total=Sum("amount")
    )["total"]
    return total or ZERO


def cash_repayments_total(*, site: Site, day: datetime.date) -> Decimal:
    total = Repayment.objects.filter(site=site, date=day, method=Repayment.Method.CASH).aggregate(
        total=Sum("amount")
    )["total"]
    return total or ZERO


def cash_expected(box: CashBox) -> Decimal:
    """What the day's cash box should hold: the float, the movements and the cash repayments in,
    the cash payouts out."""
    moved = box.movements.aggregate(total=Sum("amount"))["total"] or ZERO
    paid_back = cash_repayments_total(site=box.site, day=box.date)
    return box.opening_float + moved + paid_back - cash_payouts_total(site=box.site, day=box.date)
