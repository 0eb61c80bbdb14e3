"""Pseudonymised exports for evaluators: classes whose `iter_rows()` yield rows, header first.

Nothing here reads a name, national ID, phone number, bank account, address or free text: the SQL
selects only the columns listed by the column providers, and every text value that a person typed
(a site name) is guarded against spreadsheet formula injection.

The visit-level export has two paths that give the same bytes: on PostgreSQL the CSV goes out
through `COPY (SELECT …) TO STDOUT` with formatting done in SQL (about three times the cost of a bare
COPY); elsewhere, and for XLSX and JSON, a chunked cursor feeds Python formatters.
"""

import csv
import datetime
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Participant, Visit, age_on
from ..money import money
from ..services import DagsverketError
from ..spreadsheets import RowExporter, safe_text
from .anonymity import (
    K_ANONYMITY,
    joined_profiles_for_project,
    refuse_small,
    sites_in_project,
    smallest_group,
)
from .coarsening import age_band, coarsen_date
from .consent import research_consent_participant_ids
from .models import DateCoarsening, EvaluationProject
from .pseudonyms import pseudonyms_ensure

CHUNK_ROWS = 2000
ALL_SITES = "all"


def _postgres_safe(expression: str) -> str:
    return f"CASE WHEN {expression} ~ E'^[-=+@\\t\\r]' THEN '''' || {expression} ELSE {expression} END"


@dataclass(frozen=True)
class Column:
    """One exported column: its name, its SQL for each path, and how a raw value is formatted."""

    name: str
    postgres: str  # COPY path: formatted text
    generic: str  # chunked-cursor path: the raw value
    format: Callable[[Any], Any] | None = None


class ColumnProvider:
    """Adds columns to the visit-level export with LEFT JOINs on the visit `v`, never a query per row."""

    def columns(self, exporter: "AttendanceExporter") -> list[Column]:
        raise NotImplementedError

    def joins(self, exporter: "AttendanceExporter") -> list[str]:
        return []


class CoreVisitColumns(ColumnProvider):
    def columns(self, exporter):
        how = exporter.project.date_coarsening
        postgres_date = {
            DateCoarsening.DAY: "to_char(v.date, 'YYYY-MM-DD')",
            DateCoarsening.WEEK: "to_char(v.date, 'IYYY-\"W\"IW')",
            DateCoarsening.MONTH: "to_char(v.date, 'YYYY-MM')",
        }[how]
        if exporter.sites_merged:
            site = Column("site", f"'{ALL_SITES}'", f"'{ALL_SITES}'")
        else:
            site = Column("site", _postgres_safe("s.name"), "s.name", safe_text)
        return [
            Column("pseudonym", "p.code", "p.code"),
            Column("date", postgres_date, "v.date", lambda value: coarsen_date(value, how)),
            site,
            Column("came", "'1'", "'1'"),
            Column("fit_today", "v.readiness", "v.readiness"),
        ]

    def joins(self, exporter):
        return [
            "JOIN dagsverket_site s ON s.id = v.site_id",
            "JOIN dagsverket_projectpseudonym p ON p.participant_id = v.participant_id"
            f" AND p.project_id = {int(exporter.project.pk)}",
        ]


def income_band(gross) -> str:
    """Gross pay in a month, in the bands of the codebook."""
    for limit, band in ((0, "0"), (999, "1-999"), (2999, "1000-2999"), (5999, "3000-5999")):
        if gross <= limit:
            return band
    return "6000-"


VISIT_PAY_BANDS = ((0, "0"), (499, "1-499"), (999, "500-999"))
VISIT_PAY_TOP = "1000-"


def visit_pay_band(gross) -> str:
    """A day's gross pay in the bands of the codebook."""
    for limit, band in VISIT_PAY_BANDS:
        if gross <= limit:
            return band
    return VISIT_PAY_TOP


def tax_category(tax) -> str:
    return "withheld" if tax > 0 else "none"


def _money(value: Any) -> str:
    """Hours and kroner with two decimals, the same text on every database."""
    return str(money(value))


def _period_literals(exporter: "Exporter") -> tuple[str, str]:
    # ISO dates from date objects only: safe to write into the SQL text.
    return f"'{exporter.start.isoformat()}'", f"'{exporter.end.isoformat()}'"


NOT_DRAWN_OUTCOMES = ("not_drawn", "waiting")


class JobsVisitColumns(ColumnProvider):
    """Lottery outcome, job category, customer sector and hours from the jobs app: two LEFT JOINs
    on subqueries grouped by visit, so the export stays one query however many rows it has."""

    def columns(self, exporter):
        return [
            Column("lottery_outcome", "lo.outcome", "lo.outcome"),
            Column("job_category", "wk.category", "wk.category"),
            Column("customer_sector", "wk.sector", "wk.sector"),
            Column("hours", "wk.hours", "wk.hours", _money),
        ]

    def joins(self, exporter):
        from jobs.models import Assignment, Customer, LotteryDraw, LotteryEntry, Task

        start, end = _period_literals(exporter)
        # The current draw's entry is the visit's outcome; several tasks in a day (a move) add their
        # hours, and the first category and sector in code order stand for the day.
        return [
            # Table names come from the models and dates from date objects: nothing a user typed.
            f"LEFT JOIN (SELECT e.visit_id, MIN(e.outcome) AS outcome FROM {LotteryEntry._meta.db_table} e"  # noqa: S608
            f" JOIN {LotteryDraw._meta.db_table} d ON d.id = e.draw_id"
            f" WHERE d.current AND d.date >= {start} AND d.date <= {end} GROUP BY e.visit_id) lo"
            " ON lo.visit_id = v.id",
            "LEFT JOIN (SELECT a.visit_id, SUM(a.hours) AS hours, MIN(t.category) AS category,"  # noqa: S608
            f" MIN(c.sector) AS sector FROM {Assignment._meta.db_table} a"
            f" JOIN {Task._meta.db_table} t ON t.id = a.task_id"
            f" LEFT JOIN {Customer._meta.db_table} c ON c.id = t.customer_id"
            f" WHERE a.removed_at IS NULL AND a.date >= {start} AND a.date <= {end} GROUP BY a.visit_id) wk"
            " ON wk.visit_id = v.id",
        ]


class PayrollVisitColumns(ColumnProvider):
    """Gross pay, tax withheld and payout method of the day's paid payslips (reversals included, so
    a reversed day adds up to 0), one LEFT JOIN on a subquery grouped by site, person and day."""

    def columns(self, exporter):
        # Bands and a category, never amounts: the amounts of a month's visits would add up to a
        # person's exact income, and the share withheld would show their tax card.
        band_sql = " ".join(f"WHEN pay.gross <= {limit} THEN '{band}'" for limit, band in VISIT_PAY_BANDS)
        band = f"CASE WHEN pay.gross IS NULL THEN NULL {band_sql} ELSE '{VISIT_PAY_TOP}' END"
        tax = "CASE WHEN pay.tax IS NULL THEN NULL WHEN pay.tax > 0 THEN 'withheld' ELSE 'none' END"
        return [
            Column("gross_pay_band", band, "pay.gross", visit_pay_band),
            Column("tax_category", tax, "pay.tax", tax_category),
            Column("payout_method", "pay.method", "pay.method"),
        ]

    def joins(self, exporter):
        from payroll.models import Payout, Payslip

        start, end = _period_literals(exporter)
        return [
            "LEFT JOIN (SELECT ps.site_id, ps.participant_id, ps.date, SUM(ps.gross) AS gross,"  # noqa: S608
            f" SUM(ps.tax) AS tax, MAX(po.method) AS method FROM {Payslip._meta.db_table} ps"
            f" LEFT JOIN {Payout._meta.db_table} po ON po.payslip_id = ps.id"
            f" WHERE ps.paid_at IS NOT NULL AND ps.date >= {start} AND ps.date <= {end}"
            " GROUP BY ps.site_id, ps.participant_id, ps.date) pay"
            " ON pay.participant_id = v.participant_id AND pay.site_id = v.site_id"
            " AND pay.date = v.date",
        ]


def jobs_person_months(exporter: "Exporter", participant_ids: list[int]) -> dict:
    """Days worked, hours and days not drawn per person and month: two grouped queries."""
    from jobs.models import Assignment, LotteryEntry

    found: dict = defaultdict(dict)
    worked = (
        Assignment.objects.active()
        .filter(date__gte=exporter.start, date__lte=exporter.end, participant_id__in=participant_ids)
        .annotate(month=TruncMonth("date"))
        .values("participant_id", "month")
        .annotate(days=Count("date", distinct=True), hours=Sum("hours"))
        .order_by()
    )
    for row in worked:
        found[(row["participant_id"], f"{row['month']:%Y-%m}")].update(
            days_worked=row["days"], hours=_money(row["hours"] or 0)
        )
    not_drawn = (
        LotteryEntry.objects.filter(
            draw__current=True,
            draw__date__gte=exporter.start,
            draw__date__lte=exporter.end,
            participant_id__in=participant_ids,
            outcome__in=NOT_DRAWN_OUTCOMES,
        )
        .annotate(month=TruncMonth("draw__date"))
        .values("participant_id", "month")
        .annotate(days=Count("draw__date", distinct=True))
        .order_by()
    )
    for row in not_drawn:
        found[(row["participant_id"], f"{row['month']:%Y-%m}")]["days_not_drawn"] = row["days"]
    return found


def payroll_person_months(exporter: "Exporter", participant_ids: list[int]) -> dict:
    """Gross pay per person and month (paid payslips, reversals included): one grouped query."""
    from payroll.models import Payslip

    rows = (
        Payslip.objects.filter(
            paid_at__isnull=False,
            date__gte=exporter.start,
            date__lte=exporter.end,
            participant_id__in=participant_ids,
        )
        .annotate(month=TruncMonth("date"))
        .values("participant_id", "month")
        .annotate(gross=Sum("gross"))
        .order_by()
    )
    return {(row["participant_id"], f"{row['month']:%Y-%m}"): {"gross": row["gross"]} for row in rows}


# Each takes (exporter, participant IDs) and returns {(participant_id, "YYYY-MM"): {measure: value}}
# in a fixed number of queries.
PERSON_PERIOD_MEASURES: list[Callable] = [jobs_person_months, payroll_person_months]


VISIT_COLUMN_PROVIDERS: list[ColumnProvider] = [CoreVisitColumns(), JobsVisitColumns(), PayrollVisitColumns()]


class Exporter(RowExporter):
    """The evaluation's exports: `prepare()` checks and counts, `iter_rows()` yields the header and
    then rows (`dagsverket.spreadsheets.RowExporter`)."""

    kind = ""
    row_count = 0

    def __init__(
        self, *, project: EvaluationProject, start: datetime.date, end: datetime.date, progress=None
    ):
        self.project = project
        self.start = start
        self.end = end
        self.progress = progress
        self.notes: list[str] = []

    def check_period(self) -> None:
        from .grid import blocks_for_period

        if self.start > self.end:
            raise DagsverketError(_("The period ends before it starts."), code="bad_period", field="end")
        if self.start >= self.project.starts_on and self.end <= self.project.ends_on:
            # Only whole blocks of the project's release grid (see grid.py).
            blocks_for_period(self.project, self.start, self.end)
        if self.start < self.project.starts_on or self.end > self.project.ends_on:
            raise DagsverketError(
                _("The period must lie inside the project's approved period (%(start)s to %(end)s).")
                % {"start": self.project.starts_on, "end": self.project.ends_on},
                code="outside_project",
                field="start",
            )

    def parameters(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def metadata(self) -> dict:
        return {
            "export": self.kind,
            "project": self.project.name,
            "approval_reference": self.project.approval_reference,
            "parameters": self.parameters(),
            "date_coarsening": self.project.date_coarsening,
            "research_consent_required": self.project.requires_research_consent,
            "k_anonymity": K_ANONYMITY,
            "notes": self.notes,
            "rows": self.row_count,
            "generated": timezone.localtime().isoformat(timespec="seconds"),
            "codebook": "docs/CODEBOOK.md",
        }

    def header(self) -> list[str]:
        raise NotImplementedError

    def iter_rows(self) -> Iterator[list]:
        raise NotImplementedError

    def iter_csv(self) -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        done = 0
        for index, row in enumerate(self.iter_rows()):
            writer.writerow(["" if value is None else value for value in row])
            if index % CHUNK_ROWS == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
                done = index
                self._report(done)
        yield buffer.getvalue().encode()
        self._report(self.row_count, final=True)

    def _report(self, done: int, final: bool = False) -> None:
        if self.progress is not None:
            self.progress(self.row_count if final else min(done, self.row_count), self.row_count)

    def _consented(self) -> set[int] | None:
        if not self.project.requires_research_consent:
            return None
        return research_consent_participant_ids(timezone.localdate(), self.project.name, project=self.project)


class AttendanceExporter(Exporter):
    """One row per visit: pseudonym, coarsened date, site, came, fit today, then jobs and pay."""

    kind = "attendance"

    def __init__(self, *, project, start, end, site=None, progress=None, providers=None):
        super().__init__(project=project, start=start, end=end, progress=progress)
        self.site = site
        self.providers = providers if providers is not None else VISIT_COLUMN_PROVIDERS
        self.sites_merged = False
        self.consented: set[int] | None = None

    def parameters(self) -> dict:
        return {**super().parameters(), "site": self.site.pk if self.site else None}

    def visits(self):
        visits = Visit.objects.active().filter(date__gte=self.start, date__lte=self.end)
        if self.site is not None:
            visits = visits.filter(site=self.site)
        if self.consented is not None:
            visits = visits.filter(participant_id__in=self.consented)
        return visits.order_by()

    def prepare(self) -> "AttendanceExporter":
        self.check_period()
        self.consented = self._consented()
        if self.consented is not None:
            self.notes.append(_("Only participants with valid research consent are included."))
        # One pass over the visits: per site and person, how many visits.
        pairs = list(
            self.visits().values_list("site_id", "participant_id").annotate(visits=Count("id")).order_by()
        )
        people_per_site: dict[int, int] = defaultdict(int)
        for site_id, _participant_id, _visits in pairs:
            people_per_site[site_id] += 1
        participant_ids = sorted({participant_id for _site_id, participant_id, _visits in pairs})
        people = len(participant_ids)
        if 0 < people < K_ANONYMITY:
            raise refuse_small()
        # k over the union with the trial's columns (anonymity.py): each person's sites in this
        # export, joined with what the trial export publishes about them.
        trial = joined_profiles_for_project(self.project, participant_ids)
        sites_of: dict[int, set] = defaultdict(set)
        for site_id, participant_id, _visits in pairs:
            sites_of[participant_id].add(site_id)
        with_sites = [(frozenset(sites_of[pid]), trial.get(pid, ())) for pid in participant_ids]
        if people and smallest_group(with_sites) < K_ANONYMITY:
            if smallest_group(trial.get(pid, ()) for pid in participant_ids) < K_ANONYMITY:
                raise refuse_small()
            self.sites_merged = True
            self.notes.append(
                _("Fewer than %(k)s people shared their sites in the period, so all sites are shown as one.")
                % {"k": K_ANONYMITY}
            )
        pseudonyms_ensure(project=self.project, participant_ids=participant_ids)
        self.row_count = sum(visits for _site_id, _participant_id, visits in pairs)
        return self

    def columns(self) -> list[Column]:
        return [column for provider in self.providers for column in provider.columns(self)]

    def header(self) -> list[str]:
        return [column.name for column in self.columns()]

    def sql(self, *, postgres: bool, formatted: bool = True, bare: bool = False) -> tuple[str, list]:
        """The export's SELECT: `formatted` in SQL for COPY, else raw values for Python formatters.

        `bare=True` gives the same columns unformatted and unsorted (the bench baseline).
        """
        columns = self.columns()
        if postgres and formatted and not bare:
            select = ", ".join(column.postgres for column in columns)
        else:
            select = ", ".join(column.generic for column in columns)
        joins = " ".join(join for provider in self.providers for join in provider.joins(self))
        where = ["v.undone_at IS NULL", "v.date >= %s", "v.date <= %s"]
        params: list = [self.start, self.end]
        if self.site is not None:
            where.append("v.site_id = %s")
            params.append(self.site.pk)
        if self.consented is not None:
            if postgres:
                where.append("v.participant_id = ANY(%s)")
                params.append(sorted(self.consented))
            else:
                where.append("v.participant_id IN (SELECT value FROM json_each(%s))")
                params.append(json.dumps(sorted(self.consented)))
        order = self._order(postgres)
        # Only column expressions written in this module go into the text; values are parameters.
        sql = f"SELECT {select} FROM dagsverket_visit v {joins} WHERE {' AND '.join(where)}"  # noqa: S608
        if not bare:
            sql += f" ORDER BY {order}"
        return sql, params

    def _order(self, postgres: bool) -> str:
        # Sorting on the coarsened date keeps the order of days inside a week or month hidden.
        # On PostgreSQL the keys are integers and the pseudonym compares bytewise (it is ASCII):
        # a locale-aware text sort of a million rows costs several times as much.
        how = self.project.date_coarsening
        if how == DateCoarsening.DAY:
            period = "v.date"
        elif postgres:
            # 1900-01-01 was a Monday: whole weeks since then are ISO weeks.
            period = (
                "(v.date - DATE '1900-01-01') / 7"
                if how == DateCoarsening.WEEK
                else "(EXTRACT(YEAR FROM v.date)::int * 12 + EXTRACT(MONTH FROM v.date)::int)"
            )
        elif how == DateCoarsening.WEEK:
            period = "date(v.date, 'weekday 0', '-6 days')"
        else:
            period = "substr(v.date, 1, 7)"
        site = "" if self.sites_merged else "v.site_id, "
        # Inside a unit (and site) the rows come in random order on every database: neither the
        # order of days nor the database's IDs show through, and a float sorts faster than text.
        return f"{period}, {site}random()"

    def iter_rows(self) -> Iterator[list]:
        columns = self.columns()
        yield [column.name for column in columns]
        formats = [column.format for column in columns]
        sql, params = self.sql(postgres=connection.vendor == "postgresql", formatted=False)
        done = 0
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(CHUNK_ROWS):
                for raw in chunk:
                    yield [
                        fmt(value) if fmt and value is not None else value for fmt, value in zip(formats, raw)
                    ]
                done += len(chunk)
                self._report(done)
        self._report(self.row_count, final=True)

    def iter_csv(self) -> Iterator[bytes]:
        if connection.vendor != "postgresql":
            yield from super().iter_csv()
            return
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(self.header())
        yield buffer.getvalue().encode()
        sql, params = self.sql(postgres=True)
        copy_sql = f"COPY ({connection.ops.compose_sql(sql, params)}) TO STDOUT WITH (FORMAT csv)"
        done = 0
        with connection.cursor() as cursor:
            # Sorting a million rows on disk costs more than the rest of the export: give the
            # server's sort room in memory (server memory; the client still streams).
            cursor.execute("SET work_mem = '256MB'")
            try:
                with cursor.cursor.copy(copy_sql) as copy:
                    for data in copy:
                        chunk = bytes(data)
                        done += chunk.count(b"\n")
                        self._report(done)
                        yield chunk
            finally:
                cursor.execute("RESET work_mem")
        self._report(self.row_count, final=True)


class PersonPeriodExporter(Exporter):
    """Per pseudonym and month: days came, worked, not drawn, not fit, hours, income band, core group."""

    kind = "person_period"
    # The last level publishes no age band and no sex: it adds nothing to a join, so it is always allowed.
    AGE_LEVELS = [("age10", "sex"), ("age20", "sex"), ("sex",), ()]

    def __init__(self, *, project, start, end, core_group_days: int = 4, progress=None):
        super().__init__(project=project, start=start, end=end, progress=progress)
        self.core_group_days = core_group_days
        self.quasi: tuple = ()
        self.consented = None
        self.rows: list = []

    def parameters(self) -> dict:
        return {**super().parameters(), "core_group_days": self.core_group_days}

    def metadata(self) -> dict:
        return {
            **super().metadata(),
            "core_group_definition": f"days_came >= {self.core_group_days} in the month",
            "quasi_identifiers": list(self.quasi),
        }

    def header(self) -> list[str]:
        names = ["pseudonym", "month"]
        if "age10" in self.quasi or "age20" in self.quasi:
            names.append("age_band")
        if "sex" in self.quasi:
            names.append("sex")
        return [
            *names,
            "days_came",
            "days_worked",
            "days_not_drawn",
            "days_not_fit",
            "hours",
            "income_band",
            "core_group",
        ]

    def prepare(self) -> "PersonPeriodExporter":
        self.check_period()
        if self.core_group_days < 1:
            raise DagsverketError(_("The core-group definition needs at least 1 day."), code="bad_core_group")
        self.consented = self._consented()
        visits = Visit.objects.active().filter(date__gte=self.start, date__lte=self.end)
        if self.consented is not None:
            visits = visits.filter(participant_id__in=self.consented)
            self.notes.append(_("Only participants with valid research consent are included."))
        grouped = (
            visits.annotate(month=TruncMonth("date"))
            .values("participant_id", "month")
            .annotate(
                days_came=Count("date", distinct=True),
                days_not_fit=Count("id", filter=Q(readiness="not_today")),
            )
            .order_by()
        )
        people = {
            pk: (birth_date, birth_year, sex)
            for pk, birth_date, birth_year, sex in Participant.objects.filter(
                pk__in=visits.values("participant_id")
            ).values_list("pk", "birth_date", "birth_year", "sex")
        }
        if 0 < len(people) < K_ANONYMITY:
            raise refuse_small()
        # Ages on the project's one reference day, never on a day the request chooses.
        reference = self.project.age_reference_date
        traits = {
            pk: {
                "age10": age_band(age_on(birth_date, birth_year, reference), 10),
                "age20": age_band(age_on(birth_date, birth_year, reference), 20),
                "sex": sex or "x",
            }
            for pk, (birth_date, birth_year, sex) in people.items()
        }
        # k over the union: age band and sex together with every site the visit export can show
        # for the person and the trial's columns (anonymity.py).
        sites = sites_in_project(self.project, list(people))
        trial = joined_profiles_for_project(self.project, list(people))
        for level in self.AGE_LEVELS:
            profiles = [
                (tuple(trait[name] for name in level), sites.get(pk, frozenset()), trial.get(pk, ()))
                for pk, trait in traits.items()
            ]
            if not level or not profiles or smallest_group(profiles) >= K_ANONYMITY:
                self.quasi = level
                break
            self.notes.append(
                _("Fewer than %(k)s people shared %(what)s, so the export was coarsened.")
                % {"k": K_ANONYMITY, "what": " + ".join(level)}
            )
        pseudonyms_ensure(project=self.project, participant_ids=list(people))
        codes = dict(
            self.project.pseudonyms.filter(participant_id__in=list(people)).values_list(
                "participant_id", "code"
            )
        )
        extra: dict = defaultdict(dict)
        for measure in PERSON_PERIOD_MEASURES:
            for key, values in measure(self, list(people)).items():
                extra[key].update(values)
        rows = []
        for item in grouped:
            pid = item["participant_id"]
            month = item["month"]
            trait = traits[pid]
            quasi = []
            if "age10" in self.quasi or "age20" in self.quasi:
                quasi.append(trait["age10" if "age10" in self.quasi else "age20"])
            if "sex" in self.quasi:
                quasi.append(trait["sex"])
            month_text = f"{month:%Y-%m}"
            more = extra.get((pid, month_text), {})
            gross = more.get("gross")
            rows.append(
                [
                    codes[pid],
                    month_text,
                    *quasi,
                    item["days_came"],
                    more.get("days_worked", 0),
                    more.get("days_not_drawn", 0),
                    item["days_not_fit"],
                    more.get("hours", "0.00"),
                    income_band(gross or 0),
                    1 if item["days_came"] >= self.core_group_days else 0,
                ]
            )
        # Rows sorted by pseudonym: the order of database IDs must not show through.
        rows.sort(key=lambda row: (row[0], row[1]))
        self.rows = rows
        self.row_count = len(rows)
        return self

    def iter_rows(self) -> Iterator[list]:
        yield self.header()
        for index, row in enumerate(self.rows):
            yield row
            self._report(index)
        self._report(self.row_count, final=True)


class StatisticsExporter(Exporter):
    """Counts per site and month, optionally by age band and/or sex, with small cells suppressed."""

    kind = "statistics"
    BREAKDOWNS = {"none": (), "age": ("age",), "sex": ("sex",), "age_sex": ("age", "sex")}

    def __init__(self, *, project, start, end, by: str = "none", progress=None):
        super().__init__(project=project, start=start, end=end, progress=progress)
        if by not in self.BREAKDOWNS:
            raise DagsverketError(_("Unknown breakdown."), code="bad_breakdown", field="by")
        self.by = by
        self.rows: list = []

    def parameters(self) -> dict:
        return {**super().parameters(), "by": self.by}

    def header(self) -> list[str]:
        return ["site", "period", "group", "participants", "visits", "suppressed"]

    def prepare(self) -> "StatisticsExporter":
        """Cells of the period's releases (release.py): every breakdown of a block is suppressed
        together with the others and with the dashboard's figures, so no combination solves a cell."""
        from .release import ALL, releases_for_period

        self.check_period()
        self.notes.append(
            _(
                "Counts under %(k)s (zero included) are hidden, and further cells so that no hidden "
                "count follows from any figure of the same release; hidden cells are empty."
            )
            % {"k": K_ANONYMITY}
        )
        rows = []
        for release in releases_for_period(self.project, self.start, self.end):
            age_sex = [
                f"age_sex:{age[4:]}/{sex[4:]}" for age in release.age_groups for sex in release.sex_groups
            ]
            groups = {
                "none": [],
                "age": release.age_groups,
                "sex": release.sex_groups,
                "age_sex": age_sex,
            }[self.by]
            sites = sorted(release.sites, key=lambda pk: release.site_names.get(pk, ""))
            for site_key in [*sites, ALL]:
                name = ALL_SITES if site_key == ALL else safe_text(release.site_names.get(site_key, ""))
                for label in release.units:
                    for group in [*groups, ALL]:
                        people = release.shown(("people", site_key, label, group))
                        visits = release.shown(("visits", site_key, label, group))
                        if group == ALL:
                            shown_group = "all" if self.by == "none" else "total"
                        else:
                            shown_group = group.partition(":")[2]
                        hidden = people is None or visits is None
                        rows.append(
                            [
                                name,
                                label,
                                shown_group,
                                None if hidden else people,
                                None if hidden else visits,
                                1 if hidden else 0,
                            ]
                        )
        self.rows = rows
        self.row_count = len(rows)
        return self

    def iter_rows(self) -> Iterator[list]:
        yield self.header()
        yield from self.rows
        self._report(self.row_count, final=True)


EXPORTERS = {
    "attendance": AttendanceExporter,
    "person_period": PersonPeriodExporter,
    "statistics": StatisticsExporter,
}
