"""Payroll downloads: exporter classes whose `iter_rows()` yield the header, then one row per person,
and the one way they become CSV or XLSX (the monthly report and the year summary).

Amounts stay Decimal in the rows: the CSV writes them with decimal commas, the XLSX as numbers. Text
cells go through `safe_text` (a name that starts like a formula is read as text by spreadsheets).
Always in Norwegian, whatever the language of the person who downloads.
"""

import csv
from collections.abc import Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from dagsverket.models import Site
from dagsverket.spreadsheets import RowExporter, safe_text, xlsx_stream

from .engine import money
from .reports import filing_for, monthly_report, row_from_data, year_summary

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PayrollExporter(RowExporter):
    """Payroll's downloads (`dagsverket.spreadsheets.RowExporter`): `iter_rows()` yields the header
    and then the rows; `filename` without its extension."""

    filename = "export"
    sheet_name = "data"

    def iter_rows(self) -> Iterator[list]:
        raise NotImplementedError

    def guarded_rows(self) -> Iterator[list]:
        with translation.override("nb"):
            for row in self.iter_rows():
                yield [safe_text(cell) for cell in row]


class MonthlyReportExporter(PayrollExporter):
    """The month's a-melding basis for the site's employer, as filed if the month is reported."""

    sheet_name = "a-melding"

    def __init__(self, *, site: Site, year: int, month: int):
        self.site, self.year, self.month = site, year, month
        self.filename = f"a-melding-{year}-{month:02d}"

    def iter_rows(self) -> Iterator[list]:
        filing = filing_for(site=self.site, year=self.year, month=self.month)
        if filing is not None:
            rows = [row_from_data(row) for row in filing.rows]
        else:
            rows, _settings = monthly_report(site=self.site, year=self.year, month=self.month)
        yield [
            _("Name"),
            _("National ID number"),
            _("Gross pay"),
            _("Holiday pay"),
            _("Tax withheld"),
            _("Contribution base"),
            _("Exempt from the contribution"),
            _("Earlier pay this year now liable (correction)"),
            _("Employer's contribution"),
            _("Paid so far this year"),
            _("Need not be reported (NOK 1 000 a year or less, no tax)"),
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
                row.contribution_correction_base,
                row.contribution,
                row.year_total,
                _("yes") if row.below_threshold else _("no"),
            ]


class YearSummaryExporter(PayrollExporter):
    """The year summary as on its page: per person at the employer, by payment date."""

    sheet_name = "year"

    def __init__(self, *, site: Site, year: int):
        self.site, self.year = site, year
        self.filename = f"arsoversikt-{year}"

    def iter_rows(self) -> Iterator[list]:
        yield [
            _("Name"),
            _("Full name"),
            _("Days paid"),
            _("Gross"),
            _("Holiday pay"),
            _("Tax withheld"),
            _("Net pay"),
        ]
        for row in year_summary(site=self.site, year=self.year):
            yield [
                row["participant__name"],
                row["participant__full_name"],
                row["days"],
                *(money(row[key] or 0) for key in ("gross", "holiday", "tax", "net")),
            ]


class _Echo:
    def write(self, value):
        return value


def _csv_cell(cell):
    return str(cell).replace(".", ",") if isinstance(cell, Decimal) else cell


def iter_csv(exporter: PayrollExporter) -> Iterator[str]:
    """A UTF-8 byte order mark first (or Excel garbles æ, ø, å), `;`-separated, decimal commas."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    for row in exporter.guarded_rows():
        yield writer.writerow([_csv_cell(cell) for cell in row])


def download_response(exporter: PayrollExporter, fmt: str) -> StreamingHttpResponse:
    """The exporter's rows streamed as `csv` or `xlsx`, as an attachment."""
    if fmt == "xlsx":
        response = StreamingHttpResponse(
            xlsx_stream(exporter.guarded_rows(), sheet_name=exporter.sheet_name), content_type=XLSX
        )
    else:
        response = StreamingHttpResponse(iter_csv(exporter), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}.{fmt}"'
    return response
