"""The monthly report (what goes into the a-melding) and the year-end summary, per participant."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from dagsverket.models import Site

from .engine import HUNDRED, money
from .models import Payslip, YearSettings
from .selectors import site_settings_for, year_settings_for

ZERO = Decimal("0")


def due_date(year: int, month: int) -> datetime.date:
    """The a-melding for a month is due the 5th of the month after."""
    return datetime.date(year + month // 12, month % 12 + 1, 5)


@dataclass
class ReportRow:
    participant_id: int
    name: str
    national_id: str
    gross: Decimal
    holiday_pay: Decimal
    tax: Decimal
    contribution_base: Decimal
    contribution_exempt: Decimal
    contribution: Decimal
    year_total: Decimal
    year_tax: Decimal
    below_threshold: bool


def _sums(slips):
    return slips.values("participant_id").annotate(
        gross=Sum("gross"),
        holiday=Sum("holiday_pay"),
        tax=Sum("tax"),
        taxable=Sum("taxable"),
        slips=Count("pk"),
    )


def _m(value) -> Decimal:
    # SQLite sums decimals through floats; every sum goes back to øre here.
    return money(value or ZERO)


def monthly_report(*, site: Site, year: int, month: int) -> tuple[list[ReportRow], YearSettings | None]:
    """One row per participant paid in the month (paid payslips and reversals, by payment date)."""
    settings = year_settings_for(year)
    rate = settings.employer_contribution_rate if settings else Decimal("14.1")
    threshold = settings.reporting_threshold if settings else Decimal("1000")
    paid = Payslip.objects.filter(site=site, paid_at__isnull=False, date__year=year)
    month_rows = {
        row["participant_id"]: row
        for row in _sums(paid.filter(date__month=month)).values(
            "participant_id",
            "gross",
            "holiday",
            "tax",
            "taxable",
            "participant__name",
            "participant__national_id",
        )
    }
    year_rows = {row["participant_id"]: row for row in _sums(paid.filter(date__month__lte=month))}
    before_rows = {row["participant_id"]: row for row in _sums(paid.filter(date__month__lt=month))}
    exempt = site_settings_for(site).charity_exempt and settings is not None
    if exempt:
        used_before = sum(
            min(_m(row["taxable"]), settings.charity_exemption_per_employee) for row in before_rows.values()
        )
        total_left = max(settings.charity_exemption_total - used_before, ZERO)
    rows = []
    for pid, row in sorted(month_rows.items(), key=lambda item: item[1]["participant__name"]):
        base = _m(row["taxable"])
        exempt_part = ZERO
        if exempt:
            before = _m((before_rows.get(pid) or {}).get("taxable"))
            person_left = max(settings.charity_exemption_per_employee - before, ZERO)
            exempt_part = max(min(base, person_left, total_left), ZERO)
            total_left -= exempt_part
        year_row = year_rows[pid]
        year_total, year_tax = _m(year_row["taxable"]), _m(year_row["tax"])
        rows.append(
            ReportRow(
                participant_id=pid,
                name=row["participant__name"],
                national_id=row["participant__national_id"],
                gross=_m(row["gross"]),
                holiday_pay=_m(row["holiday"]),
                tax=_m(row["tax"]),
                contribution_base=base,
                contribution_exempt=money(exempt_part),
                contribution=money((base - exempt_part) * rate / HUNDRED),
                year_total=year_total,
                year_tax=year_tax,
                below_threshold=year_total <= threshold and year_tax == 0,
            )
        )
    return rows, settings


def year_summary(*, site: Site, year: int):
    """Per participant for the whole year: gross, holiday pay, tax, net, days paid."""
    return (
        Payslip.objects.filter(site=site, paid_at__isnull=False, date__year=year)
        .values("participant_id", "participant__name", "participant__full_name", "participant__birth_year")
        .annotate(
            gross=Sum("gross"),
            holiday=Sum("holiday_pay"),
            taxable=Sum("taxable"),
            tax=Sum("tax"),
            net=Sum("net"),
            days=Count("date", filter=Q(kind=Payslip.Kind.REGULAR), distinct=True),
        )
        .order_by("participant__name")
    )


class MonthlyReportExporter:
    """Rows of the monthly report for CSV: the header first, then one row per participant."""

    def __init__(self, *, site: Site, year: int, month: int):
        self.site, self.year, self.month = site, year, month

    def iterate_list(self):
        rows, _settings = monthly_report(site=self.site, year=self.year, month=self.month)
        yield [
            str(_("Name")),
            str(_("National ID number")),
            str(_("Gross pay")),
            str(_("Holiday pay")),
            str(_("Tax withheld")),
            str(_("Contribution base")),
            str(_("Exempt from the contribution")),
            str(_("Employer's contribution")),
            str(_("Paid so far this year")),
            str(_("Need not be reported (NOK 1 000 a year or less, no tax)")),
        ]
        for row in rows:
            yield [
                row.name,
                row.national_id,
                row.gross,
                row.holiday_pay,
                row.tax,
                row.contribution_base,
                row.contribution_exempt,
                row.contribution,
                row.year_total,
                str(_("yes")) if row.below_threshold else str(_("no")),
            ]
