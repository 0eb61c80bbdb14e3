"""Evaluators' exports: pseudonyms, coarsening, consent, k-anonymity, no identifiers, safe CSV."""

import base64
import csv
import datetime
import hashlib
import io
import itertools
import json
import os
import re
import subprocess
import sys
import zipfile

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from dagsverket.evaluation import exporters
from dagsverket.evaluation.downloads import iter_bundle, iter_export
from dagsverket.evaluation.exporters import (
    AttendanceExporter,
    PersonPeriodExporter,
    StatisticsExporter,
    coarsen_date,
    safe_text,
)
from dagsverket.evaluation.models import ExportLog
from dagsverket.evaluation.pseudonyms import pseudonym_for
from dagsverket.services import DagsverketError
from tests.factories import EvaluationProjectFactory, ParticipantFactory, SiteFactory, VisitFactory

# Whole blocks of the factory project's release grid (13 ISO weeks from Monday 5 January 2026).
START, END = datetime.date(2026, 1, 5), datetime.date(2027, 1, 3)
MARCH = datetime.date(2026, 3, 2)  # a Monday
# The same year as whole blocks of three months, for projects whose dates are months.
MONTH_START, MONTH_END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


def _year(how: str) -> dict:
    return {"start": MONTH_START, "end": MONTH_END} if how == "month" else {"start": START, "end": END}


def _people(site, count, **extra):
    return [
        ParticipantFactory(
            site=site,
            phone=f"4{i:07d}",
            national_id=f"0101901{i:04d}",
            bank_account=f"1234567{i:04d}",
            address=f"Storgata {i + 1}, 7010 Trondheim",
            emergency_contact=f"Søster Hansen {i}",
            skills="snømåking",
            restrictions="tåler ikke støv",
            **extra,
        )
        for i in range(count)
    ]


def _visit_days(people, days=10, start=MARCH):
    for day in range(days):
        for person in people:
            VisitFactory(participant=person, site=person.site, date=start + datetime.timedelta(days=day))


def appears_as_words(secret: str, text: str) -> bool:
    """Whole words only: the first name "Per" leaks if it stands alone, not inside "Person"."""
    return re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", text) is not None


def _csv(exporter) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(exporter.iter_csv()).decode())))


def _xlsx_text(data: bytes) -> str:
    """Every XML part of a workbook but its theme: the theme is the same fixed Office boilerplate
    in every workbook openpyxl writes, and names the script codes of its fonts (`script="Hans"`,
    simplified Chinese), which a fake first name Hans matched (a flaky failure, not a leak)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return " ".join(
            book.read(name).decode()
            for name in book.namelist()
            if name.endswith(".xml") and not name.startswith("xl/theme/")
        )


@pytest.fixture
def crowd(site):
    people = _people(site, 8)
    _visit_days(people)
    return people


def test_no_export_in_any_format_contains_a_name_or_an_identifier(site, crowd):
    project = EvaluationProjectFactory()
    secrets = {project.secret}
    for person in crowd:
        secrets |= {
            person.name,
            person.full_name,
            person.full_name.split()[-1],
            person.phone,
            person.national_id,
            person.bank_account,
            person.address,
            person.emergency_contact,
            person.skills,
            person.restrictions,
            str(person.birth_date),
        }
    for cls in (AttendanceExporter, PersonPeriodExporter, StatisticsExporter):
        for fmt in ("csv", "json", "xlsx"):
            exporter = cls(project=project, start=START, end=END).prepare()
            data = b"".join(iter_export(exporter, fmt))
            text = _xlsx_text(data) if fmt == "xlsx" else data.decode()
            bundle = b"".join(iter_bundle(cls(project=project, start=START, end=END).prepare(), fmt, "data"))
            with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
                text += " ".join(
                    archive.read(name).decode(errors="replace")
                    for name in archive.namelist()
                    if name != "data"
                )
            found = [secret for secret in secrets if secret and appears_as_words(secret, text)]
            assert found == [], (cls.kind, fmt, found)


def test_the_visit_export_has_one_row_per_visit_with_the_documented_columns(site, crowd):
    rows = _csv(AttendanceExporter(project=EvaluationProjectFactory(), start=START, end=END).prepare())
    assert rows[0] == [
        "pseudonym",
        "date",
        "site",
        "came",
        "fit_today",
        "lottery_outcome",
        "job_category",
        "customer_sector",
        "hours",
        "gross_pay_band",
        "tax_category",
        "payout_method",
    ]
    assert len(rows) == 1 + 8 * 10
    assert {row[2] for row in rows[1:]} == {"Trondheim"}
    assert {row[3] for row in rows[1:]} == {"1"}
    assert {row[4] for row in rows[1:]} == {"unknown"}


def test_undone_visits_are_left_out(site, crowd):
    VisitFactory(
        participant=crowd[0],
        date=datetime.date(2026, 4, 1),
        undone_at=datetime.datetime(2026, 4, 1, 9, tzinfo=datetime.UTC),
    )
    exporter = AttendanceExporter(project=EvaluationProjectFactory(), start=START, end=END).prepare()
    assert exporter.row_count == 80


def test_pseudonyms_are_stable_within_a_project_and_unrelated_between_projects(site, crowd):
    first, second = EvaluationProjectFactory(), EvaluationProjectFactory()
    once = {row[0] for row in _csv(AttendanceExporter(project=first, start=START, end=END).prepare())[1:]}
    again = {row[0] for row in _csv(AttendanceExporter(project=first, start=START, end=END).prepare())[1:]}
    other = {row[0] for row in _csv(AttendanceExporter(project=second, start=START, end=END).prepare())[1:]}
    assert once == again
    assert len(once) == 8
    assert once.isdisjoint(other)
    for person in crowd:
        code = pseudonym_for(first, person.pk)
        assert code in once
        # 12 letters of base32, keyed by the project's secret: the same hash without the key (what
        # anyone holding an ID could compute) gives another code
        assert re.fullmatch(r"[A-Z2-7]{12}", code)
        unkeyed = hashlib.sha256(f"participant:{person.pk}".encode()).digest()
        assert code != base64.b32encode(unkeyed).decode()[:12]
        assert code != pseudonym_for(second, person.pk)


def test_the_pseudonym_does_not_follow_from_the_id_alone(site):
    project = EvaluationProjectFactory()
    twin = EvaluationProjectFactory()
    twin.secret = "0" * 64
    project.secret = "1" * 64
    assert pseudonym_for(project, 1) != pseudonym_for(twin, 1)
    assert len(pseudonym_for(project, 1)) == 12


@pytest.mark.parametrize(
    ("how", "day", "expected"),
    [
        ("day", datetime.date(2026, 3, 4), "2026-03-04"),
        ("week", datetime.date(2026, 3, 4), "2026-W10"),
        ("week", datetime.date(2027, 1, 1), "2026-W53"),
        ("week", datetime.date(2024, 12, 30), "2025-W01"),
        ("month", datetime.date(2026, 3, 4), "2026-03"),
    ],
)
def test_dates_are_coarsened_as_the_project_says(how, day, expected):
    assert coarsen_date(day, how) == expected


@pytest.mark.parametrize(
    ("how", "expected"), [("day", "2026-03-02"), ("week", "2026-W10"), ("month", "2026-03")]
)
def test_the_export_coarsens_dates_the_same_way_on_every_database(site, crowd, how, expected):
    project = EvaluationProjectFactory(date_coarsening=how)
    rows = _csv(AttendanceExporter(project=project, **_year(how)).prepare())
    assert rows[1][1] == expected
    python_rows = list(
        AttendanceExporter(project=EvaluationProjectFactory(date_coarsening=how), **_year(how))
        .prepare()
        .iter_rows()
    )
    assert python_rows[1][1] == expected


def test_rows_inside_a_coarsened_week_do_not_reveal_the_order_of_days(site, crowd):
    project = EvaluationProjectFactory(date_coarsening="week")

    def week_order():
        rows = _csv(AttendanceExporter(project=project, start=START, end=END).prepare())[1:]
        return [row[0] for row in rows if row[1] == "2026-W10"]

    first, second = week_order(), week_order()
    # 8 people on 7 days: random order inside the week, so two exports do not come out alike,
    # and the rows are in neither the order of the days nor that of the pseudonyms.
    assert len(first) == 56 and sorted(first) == sorted(second)
    assert first != second


def test_a_project_that_needs_research_consent_exports_only_consenting_people(site, crowd, monkeypatch):
    consenting = {person.pk for person in crowd[:6]}
    monkeypatch.setattr(
        exporters, "research_consent_participant_ids", lambda day, name="", project=None: consenting
    )
    project = EvaluationProjectFactory(requires_research_consent=True)
    rows = _csv(AttendanceExporter(project=project, start=START, end=END).prepare())[1:]
    assert {row[0] for row in rows} == {pseudonym_for(project, pk) for pk in consenting}
    people = list(PersonPeriodExporter(project=project, start=START, end=END).prepare().iter_rows())[1:]
    assert {row[0] for row in people} == {pseudonym_for(project, pk) for pk in consenting}
    python_rows = list(AttendanceExporter(project=project, start=START, end=END).prepare().iter_rows())[1:]
    assert len(python_rows) == len(rows) == 60


def test_without_any_research_consent_a_project_that_needs_it_exports_nobody(site, crowd, monkeypatch):
    monkeypatch.setattr(
        exporters, "research_consent_participant_ids", lambda day, name="", project=None: set()
    )
    project = EvaluationProjectFactory(requires_research_consent=True)
    assert AttendanceExporter(project=project, start=START, end=END).prepare().row_count == 0


def test_a_row_level_export_of_fewer_than_five_people_is_refused_with_a_reason(site):
    _visit_days(_people(site, 4))
    with pytest.raises(DagsverketError) as error:
        AttendanceExporter(project=EvaluationProjectFactory(), start=START, end=END).prepare()
    assert error.value.code == "k_anonymity"
    # The reason, but no number: neither the people counted nor the size of a group.
    assert not re.search(r"\d", str(error.value.message))
    with pytest.raises(DagsverketError):
        PersonPeriodExporter(project=EvaluationProjectFactory(), start=START, end=END).prepare()


def test_a_site_with_fewer_than_five_people_is_merged_into_all_sites(site, crowd):
    small = SiteFactory(name="Stjørdal")
    _visit_days(_people(small, 2))
    exporter = AttendanceExporter(project=EvaluationProjectFactory(), start=START, end=END).prepare()
    rows = _csv(exporter)[1:]
    assert {row[2] for row in rows} == {"all"}
    assert exporter.sites_merged
    assert len(exporter.notes) == 1


def test_person_period_widens_age_and_sex_until_every_group_has_five(site):
    young = _people(site, 5, birth_date=datetime.date(1995, 5, 5), sex="m")
    old = _people(site, 5, birth_date=datetime.date(1970, 5, 5), sex="f")
    odd = _people(site, 1, birth_date=datetime.date(1990, 5, 5), sex="x")
    _visit_days(young + old + odd, days=5)
    exporter = PersonPeriodExporter(project=EvaluationProjectFactory(), start=START, end=END).prepare()
    assert exporter.quasi == ()
    assert "age_band" not in exporter.header() and "sex" not in exporter.header()
    assert len(exporter.notes) == 3
    exporter = PersonPeriodExporter(project=EvaluationProjectFactory(), start=START, end=END)
    odd[0].visits.all().delete()
    exporter.prepare()
    assert exporter.quasi == ("age10", "sex")
    assert exporter.header()[2:4] == ["age_band", "sex"]


def test_person_period_counts_days_and_flags_the_core_group_by_the_given_definition(site, crowd):
    exporter = PersonPeriodExporter(
        project=EvaluationProjectFactory(), start=START, end=END, core_group_days=11
    ).prepare()
    rows = list(exporter.iter_rows())
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["days_came"] == 10
    assert first["core_group"] == 0
    assert exporter.metadata()["core_group_definition"] == "days_came >= 11 in the month"
    exporter = PersonPeriodExporter(
        project=EvaluationProjectFactory(), start=START, end=END, core_group_days=4
    ).prepare()
    assert {row[-1] for row in list(exporter.iter_rows())[1:]} == {1}


def test_statistics_hide_small_cells_and_one_more_so_totals_give_nothing_away(site, crowd):
    _visit_days(
        _people(site, 3, birth_date=datetime.date(1960, 1, 1)), days=2, start=datetime.date(2026, 4, 1)
    )
    rows = list(
        StatisticsExporter(project=EvaluationProjectFactory(), start=START, end=END, by="none")
        .prepare()
        .iter_rows()
    )
    april = [row for row in rows if row[1] == "2026-04"]
    assert all(row[3] is None and row[5] == 1 for row in april)
    march = [row for row in rows if row[1] == "2026-03"]
    assert all(row[3] == 8 for row in march)


def test_formula_like_text_is_defused_in_csv_on_every_path(db):
    evil = SiteFactory(name='=HYPERLINK("http://x")')
    _visit_days(_people(evil, 6), days=1)
    project = EvaluationProjectFactory()
    copy_rows = _csv(AttendanceExporter(project=project, start=START, end=END).prepare())
    python_rows = list(AttendanceExporter(project=project, start=START, end=END).prepare().iter_rows())
    assert copy_rows[1][2] == '\'=HYPERLINK("http://x")'
    assert python_rows[1][2] == '\'=HYPERLINK("http://x")'
    stats = list(StatisticsExporter(project=project, start=START, end=END).prepare().iter_rows())
    assert stats[1][0].startswith("'=")
    for value in ("+1", "-cmd", "@SUM(A1)", "\tx", "\rx"):
        assert safe_text(value) == "'" + value
    assert safe_text("Trondheim") == "Trondheim"


def test_the_copy_path_and_the_python_path_give_the_same_rows(site, crowd):
    project = EvaluationProjectFactory(date_coarsening="week")
    copy_rows = _csv(AttendanceExporter(project=project, start=START, end=END).prepare())
    python_rows = [
        ["" if value is None else str(value) for value in row]
        for row in AttendanceExporter(project=project, start=START, end=END).prepare().iter_rows()
    ]
    # The same rows (in random order inside a day and site).
    assert copy_rows[0] == python_rows[0] and sorted(copy_rows[1:]) == sorted(python_rows[1:])


def test_a_period_outside_the_project_is_refused(site, crowd):
    with pytest.raises(DagsverketError) as error:
        AttendanceExporter(
            project=EvaluationProjectFactory(), start=datetime.date(2025, 1, 1), end=END
        ).prepare()
    assert error.value.code == "outside_project"
    with pytest.raises(DagsverketError) as error:
        AttendanceExporter(project=EvaluationProjectFactory(), start=END, end=START).prepare()
    assert error.value.code == "bad_period"


def test_the_json_export_carries_metadata_and_rows(site, crowd):
    exporter = AttendanceExporter(project=EvaluationProjectFactory(), start=START, end=END).prepare()
    document = json.loads(b"".join(iter_export(exporter, "json")))
    assert document["metadata"]["rows"] == 80
    assert len(document["rows"]) == 80
    assert document["columns"][0] == "pseudonym"


def test_the_command_writes_the_file_logs_the_export_and_shows_progress(site, crowd, tmp_path, staff):
    from dagsverket.roles import Role

    project = EvaluationProjectFactory()
    out, err = tmp_path / "visits.csv", io.StringIO()
    call_command(
        "export_attendance",
        project=project.pk,
        start="2026-01-05",
        end="2027-01-03",
        format="csv",
        output=str(out),
        user=staff[Role.EVALUATOR].username,
        stderr=err,
    )
    lines = out.read_text().splitlines()
    assert len(lines) == 81
    entry = ExportLog.objects.get()
    assert (entry.user, entry.project, entry.kind, entry.row_count) == (
        staff[Role.EVALUATOR],
        project,
        "attendance",
        80,
    )
    assert entry.parameters["start"] == "2026-01-05"
    assert entry.finished_at is not None
    assert "80 rows" in err.getvalue()


def test_the_command_can_bundle_the_codebook(site, crowd, tmp_path):
    out = tmp_path / "visits.zip"
    call_command(
        "export_attendance",
        project=EvaluationProjectFactory().pk,
        start="2026-01-05",
        end="2027-01-03",
        format="xlsx",
        output=str(out),
        codebook=True,
        no_progress=True,
        stderr=io.StringIO(),
    )
    with zipfile.ZipFile(out) as bundle:
        assert set(bundle.namelist()) == {"attendance.xlsx", "metadata.json", "CODEBOOK.md"}
        assert "pseudonym" in bundle.read("CODEBOOK.md").decode()


# Run as `manage.py` runs a command (system checks included), in a process of its own; the
# database has no tables, so the command fails as soon as it reads: what it imported by then stays.
_LOADED_BY_THE_COMMAND = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dagsverket.settings")
from django.core.management import execute_from_command_line
try:
    execute_from_command_line(
        ["manage.py", "export_attendance", "--project", "1", "--start", "2026-01-05",
         "--end", "2027-01-03", "--output", os.devnull, "--no-progress"]
    )
except BaseException:
    pass
print(" ".join(name for name in ("dagsverket.urls", "weasyprint") if name in sys.modules))
"""


def test_the_command_loads_neither_the_urls_nor_weasyprint(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    loaded = subprocess.run(
        [sys.executable, "-c", _LOADED_BY_THE_COMMAND],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split() == []


def test_loading_the_urls_does_not_load_weasyprint():
    script = (
        "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dagsverket.settings'); "
        "import django; django.setup(); import dagsverket.urls; "
        "print('weasyprint' in sys.modules, 'dagsverket.pdf' in sys.modules)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    # The renderer's module is loaded with the views that make PDFs; WeasyPrint only with a PDF.
    assert loaded.stdout.split() == ["False", "True"]


def test_the_k_check_joins_what_every_registered_export_publishes_once_each(monkeypatch):
    from dagsverket.evaluation import anonymity

    monkeypatch.setattr(anonymity, "_joined_profiles", [])

    def trial(project, participant_ids):
        return {1: ("course",), 2: ("ips",)}

    def survey(project, participant_ids):
        return {2: ("yes",), 3: ("no",)}

    for function in (trial, survey, trial):
        anonymity.register_joined_profiles(function)
    # One tuple per export, so ("a",) + () is never taken for () + ("a",); person 4 is in neither.
    assert anonymity.joined_profiles_for_project(None, [1, 2, 3, 4]) == {
        1: (("course",), ()),
        2: (("ips",), ("yes",)),
        3: ((), ("no",)),
    }


def test_research_consent_counts_when_in_force_and_for_this_project_or_none(site, crowd):
    from dagsverket.evaluation.consent import research_consent_participant_ids
    from tests.factories import ConsentFactory

    day = datetime.date(2026, 5, 1)
    research = {"purpose": "research", "given_on": datetime.date(2026, 1, 1)}
    ConsentFactory(participant=crowd[0], **research)
    ntnu = EvaluationProjectFactory(name="NTNU-evaluering")
    other = EvaluationProjectFactory(name="Et annet prosjekt")
    ConsentFactory(participant=crowd[1], project="NTNU-evaluering", evaluation_project=ntnu, **research)
    ConsentFactory(participant=crowd[2], project="Et annet prosjekt", evaluation_project=other, **research)
    # By key, not by name: a consent for another project that happens to carry this name's text.
    ConsentFactory(participant=crowd[6], project="NTNU-evaluering", evaluation_project=other, **research)
    ConsentFactory(participant=crowd[3], withdrawn_on=datetime.date(2026, 4, 1), **research)
    ConsentFactory(participant=crowd[4], purpose="sharing", given_on=datetime.date(2026, 1, 1))
    ConsentFactory(participant=crowd[5], purpose="research", given_on=datetime.date(2026, 6, 1))
    assert research_consent_participant_ids(day, project=ntnu) == {crowd[0].pk, crowd[1].pk}


@time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC))
def test_the_export_keeps_only_people_with_research_consent_recorded_in_the_referrals_module(site, crowd):
    from tests.factories import ConsentFactory

    project = EvaluationProjectFactory(requires_research_consent=True, name="NTNU-evaluering")
    for person in crowd[:5]:
        ConsentFactory(participant=person, purpose="research", given_on=datetime.date(2026, 1, 1))
    rows = _csv(AttendanceExporter(project=project, start=START, end=END).prepare())[1:]
    assert {row[0] for row in rows} == {pseudonym_for(project, person.pk) for person in crowd[:5]}


@pytest.fixture
def worked_day(site, crowd, staff):
    """crowd[0] drawn, worked 3.5 h on a garden task for a housing co-op and was paid in cash on 2 March;
    crowd[1] was not drawn that day."""
    from decimal import Decimal

    from dagsverket.models import Visit
    from dagsverket.roles import Role
    from payroll.engine import hourly_line
    from payroll.services import payout_confirm, payslip_prepare
    from tests.factories import AssignmentFactory, LotteryDrawFactory, LotteryEntryFactory, WageRateFactory

    visits = {v.participant_id: v for v in Visit.objects.filter(date=MARCH)}
    draw = LotteryDrawFactory(site=site, date=MARCH)
    LotteryEntryFactory(draw=draw, visit=visits[crowd[0].pk], participant=crowd[0], outcome="drawn")
    LotteryEntryFactory(draw=draw, visit=visits[crowd[1].pk], participant=crowd[1], outcome="not_drawn")
    AssignmentFactory(visit=visits[crowd[0].pk], task__customer__sector="housing", task__category="garden")
    WageRateFactory(site=site)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 13, tzinfo=datetime.UTC)):
        slip = payslip_prepare(
            site=site,
            participant=crowd[0],
            day=MARCH,
            lines=[hourly_line("Hagearbeid", Decimal("3.5"), Decimal("150"))],
        )
        payout_confirm(payslip=slip, method="cash", nonce="n-1", by=staff[Role.PAYROLL])
    slip.refresh_from_db()
    return slip


def test_the_visit_export_carries_lottery_work_and_pay_on_every_path(site, crowd, worked_day):
    project = EvaluationProjectFactory()
    copy_rows = _csv(AttendanceExporter(project=project, start=START, end=END).prepare())
    header = copy_rows[0]
    python_rows = [
        ["" if value is None else str(value) for value in row]
        for row in AttendanceExporter(project=project, start=START, end=END).prepare().iter_rows()
    ]
    # The same rows (in random order inside a day and site).
    assert copy_rows[0] == python_rows[0] and sorted(copy_rows[1:]) == sorted(python_rows[1:])
    by_person = {
        row[0]: dict(zip(header, row, strict=True)) for row in copy_rows[1:] if row[1] == "2026-03-02"
    }
    worker = by_person[pseudonym_for(project, crowd[0].pk)]
    assert worker["lottery_outcome"] == "drawn"
    assert (worker["job_category"], worker["customer_sector"], worker["hours"]) == (
        "garden",
        "housing",
        "3.50",
    )
    # A band and a category, never the amounts (attack: the month's amounts add up to the income).
    assert worked_day.gross > 0 and worked_day.gross <= 999
    assert worker["gross_pay_band"] == ("1-499" if worked_day.gross <= 499 else "500-999")
    assert worker["tax_category"] == ("withheld" if worked_day.tax > 0 else "none")
    assert str(worked_day.gross) not in " ".join(copy_rows[1][9:11])
    assert worker["payout_method"] == "cash"
    unlucky = by_person[pseudonym_for(project, crowd[1].pk)]
    assert unlucky["lottery_outcome"] == "not_drawn"
    assert unlucky["hours"] == unlucky["gross_pay_band"] == unlucky["payout_method"] == ""
    assert len(copy_rows) == 81


def test_person_period_counts_work_not_drawn_hours_and_income_band(site, crowd, worked_day):
    project = EvaluationProjectFactory()
    rows = list(PersonPeriodExporter(project=project, start=START, end=END).prepare().iter_rows())
    header = rows[0]
    by_person = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    worker = by_person[pseudonym_for(project, crowd[0].pk)]
    assert (worker["days_worked"], worker["hours"], worker["days_not_drawn"]) == (1, "3.50", 0)
    assert worker["income_band"] == "1-999"
    unlucky = by_person[pseudonym_for(project, crowd[1].pk)]
    assert (unlucky["days_worked"], unlucky["days_not_drawn"], unlucky["income_band"]) == (0, 1, "0")


def test_two_allowed_periods_never_differ_by_less_than_a_whole_block(db):
    from dagsverket.evaluation.grid import release_blocks

    project = EvaluationProjectFactory(date_coarsening="week")
    blocks = release_blocks(project)
    assert [(b - a).days + 1 for a, b in blocks] == [91] * 4
    assert all(
        later[0] == earlier[1] + datetime.timedelta(days=1) for earlier, later in itertools.pairwise(blocks)
    )
