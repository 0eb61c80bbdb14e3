"""The privacy attacks of issue 15, performed over HTTP with an evaluator's login: each must fail.

Each test does what an ethics committee's reviewer did against the old code (one-day and sliding
exports, overlapping and site-difference dashboards, combined breakdowns, bounds, refusal wording,
cross-export joins, income sums, the dashboard outside a project) and shows that it recovers nothing
now. The tests use only URLs, downloaded rows, the dashboard page's context and the export log, and
work out the true counts from the visits themselves, so they run unchanged on the code before issue
15 too: docs/CODEBOOK.md ("The attacks, before and after") records which of them the old code lost.
"""

import csv
import datetime
import io
import re
from collections import defaultdict

import pytest

from dagsverket.evaluation.models import ExportLog
from dagsverket.models import Visit
from dagsverket.roles import Role
from tests.dagsverket.privacy_solver import given_away
from tests.factories import EvaluationProjectFactory, ParticipantFactory, SiteFactory, VisitFactory

BLOCK1 = ("2026-01-05", "2026-04-05")
BLOCK2 = ("2026-04-06", "2026-07-05")


@pytest.fixture
def program(site, staff):
    """Two sites; at each, 3 men of 25 and 3 women of 45; visits on most days of two blocks."""
    other = SiteFactory(name="Stjørdal")
    people = []
    for where in (site, other):
        for index in range(6):
            born = datetime.date(2001, 2, 15) if index < 3 else datetime.date(1981, 2, 15)
            people.append(ParticipantFactory(site=where, birth_date=born, sex="m" if index < 3 else "f"))
    for day in range(0, 98, 2):  # the first block and the first week of the second
        date = datetime.date(2026, 1, 5) + datetime.timedelta(days=day)
        for index, person in enumerate(people):
            if (day + index) % 3:
                VisitFactory(
                    participant=person,
                    site=person.site,
                    date=date,
                    readiness="not_today" if (day + index) % 17 == 0 else "ready",
                )
    project = EvaluationProjectFactory(
        evaluators=[staff[Role.EVALUATOR]],
        date_coarsening="week",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 1, 3),
    )
    return project, site, other, people


class _Answer:
    def __init__(self, response):
        self.status_code = response.status_code
        self.context = response.context
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.text = body.decode()


def _get(client, url) -> _Answer:
    return _Answer(client.get(url))


def _rows(answer) -> list[list[str]]:
    assert answer.status_code == 200, answer.text[:500]
    return list(csv.reader(io.StringIO(answer.text)))


def _board_url(project, start, end, site=None):
    url = f"/evaluation/dashboard/?project={project.pk}&start={start}&end={end}"
    return url if site is None else f"{url}&site={site.pk}"


def _board(client, project, start, end, site=None):
    response = client.get(_board_url(project, start, end, site))
    assert response.status_code == 200
    return response.context["board"]


def _unit(day: datetime.date, like: str) -> str:
    """The label of `day` in the unit of a published label: a day, an ISO week or a month."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", like):
        return day.isoformat()
    if "-W" in like:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day:%Y-%m}"


def _age_band(born: datetime.date, on: datetime.date) -> str:
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return "-19" if age < 20 else "60-" if age >= 60 else f"{age // 10 * 10}-{age // 10 * 10 + 9}"


def _visits(start: str, end: str):
    return list(
        Visit.objects.filter(date__gte=start, date__lte=end, undone_at__isnull=True).select_related(
            "participant", "site"
        )
    )


@pytest.mark.parametrize("kind", ["attendance", "person-period", "statistics"])
def test_one_day_sliding_and_growing_periods_are_refused_and_only_whole_blocks_pass(
    client_for, program, kind
):
    project, *_rest = program
    client = client_for(Role.EVALUATOR)
    base = f"/exports/{kind}/?project={project.pk}&format=csv"
    for start, end in [
        ("2026-03-03", "2026-03-03"),  # one day
        ("2026-01-06", "2026-04-05"),  # the start slid by a day
        ("2026-01-05", "2026-04-06"),  # the period grew by a day
        ("2026-01-05", "2026-04-12"),  # ... or by a week
    ]:
        assert _get(client, f"{base}&start={start}&end={end}").status_code == 400, (start, end)
    assert _get(client, f"{base}&start={BLOCK1[0]}&end={BLOCK1[1]}").status_code == 200
    assert _get(client, f"{base}&start={BLOCK1[0]}&end={BLOCK2[1]}").status_code == 200
    # The same grid on the dashboard.
    assert client.get(_board_url(project, "2026-03-03", "2026-03-03")).status_code == 400


def test_a_sliding_start_no_longer_reveals_a_birthday(client_for, program, site):
    project, *_rest = program
    # Six people turn 20 on 15 February 2026: an age computed at the export's start moved them from
    # one band to the next on the day the start passed their birthday (the first digits of the ID).
    for index in range(6):
        person = ParticipantFactory(
            site=site, birth_date=datetime.date(2006, 2, 15), sex="m" if index % 2 else "f"
        )
        for day in range(0, 49, 3):
            VisitFactory(
                participant=person, site=site, date=datetime.date(2026, 2, 16) + datetime.timedelta(day)
            )
    client = client_for(Role.EVALUATOR)
    seen = {}
    starts = [datetime.date(2026, 2, 10) + datetime.timedelta(days) for days in range(11)]
    for start, end in [*((f"{day}", BLOCK1[1]) for day in starts), BLOCK1, (BLOCK1[0], BLOCK2[1])]:
        url = f"/exports/statistics/?project={project.pk}&format=csv&by=age&start={start}&end={end}"
        answer = _get(client, url)
        if answer.status_code == 200:
            seen[(start, end)] = frozenset(row[2] for row in _rows(answer)[1:]) - {"total", "all"}
    # Every period asked for holds the six's visits. Whatever the evaluator may download shows them in
    # the same band: no start date moves anyone.
    assert len(set(seen.values())) == 1, seen


def test_a_period_and_the_same_period_minus_a_day_do_not_give_that_day(client_for, program):
    project, *_rest = program
    client = client_for(Role.EVALUATOR)
    long = client.get(_board_url(project, *BLOCK1))
    short = client.get(_board_url(project, BLOCK1[0], "2026-04-04"))
    last_day = len(_visits(BLOCK1[1], BLOCK1[1]))
    assert last_day > 0
    if short.status_code == 200:
        for one, two in zip(long.context["board"].series, short.context["board"].series, strict=True):
            if one.key.startswith("visits") and one.total is not None and two.total is not None:
                assert one.total - two.total != last_day, one.key


def test_overlapping_dashboards_give_nothing_that_the_blocks_do_not(client_for, program):
    project, *_rest = program
    client = client_for(Role.EVALUATOR)
    first = _board(client, project, *BLOCK1)
    second = _board(client, project, *BLOCK2)
    both = _board(client, project, BLOCK1[0], BLOCK2[1])
    for one, two, whole in zip(first.series, second.series, both.series, strict=True):
        # The cells of the long period are those of its blocks, hidden the same way.
        assert dict(whole.points) == {**dict(one.points), **dict(two.points)}, whole.key
        # Its total is published only when it is the sum of the blocks' published totals.
        if whole.total is not None:
            assert one.total is not None and two.total is not None
            assert whole.total == one.total + two.total


def test_all_sites_minus_one_site_solves_no_hidden_cell(client_for, program):
    project, site, other, _people = program
    # Three more people at the second site in January: its days reach 5 and are shown while the
    # first site's stay under 5, so all sites minus the second gave the first site's hidden days.
    for _index in range(3):
        person = ParticipantFactory(site=other, birth_date=datetime.date(1981, 2, 15), sex="f")
        for day in range(0, 27, 2):
            VisitFactory(
                participant=person, site=other, date=datetime.date(2026, 1, 5) + datetime.timedelta(day)
            )
    client = client_for(Role.EVALUATOR)
    boards = {
        "all": _board(client, project, *BLOCK1),
        "a": _board(client, project, *BLOCK1, site=site),
        "b": _board(client, project, *BLOCK1, site=other),
    }
    visits = _visits(*BLOCK1)
    for index, series in enumerate(boards["all"].series):
        # Visits and "not fit today" (health data) add up over sites and units; unique people do not.
        if not series.key.startswith(("visits", "not_fit")) or not series.points:
            continue
        published, equations = {}, []
        for name, board in boards.items():
            for label, value in board.series[index].points:
                published[(name, label)] = value
            published[(name, "total")] = board.series[index].total
        labels = [label for label, _value in series.points]
        for label in [*labels, "total"]:
            equations.append((("all", label), [("a", label), ("b", label)]))
        for name in boards:
            equations.append(((name, "total"), [(name, label) for label in labels]))
        counted = [v for v in visits if series.key.startswith("visits") or v.readiness == "not_today"]
        truth = defaultdict(int)
        for visit in counted:
            where = "a" if visit.site_id == site.pk else "b"
            for name in ("all", where):
                truth[(name, _unit(visit.date, labels[0]))] += 1
                truth[(name, "total")] += 1
        truth = {key: truth.get(key, 0) for key in published}
        # The attacker does not know the truth; the solver uses it only to try values near it first.
        floor = 1 if 0 in published.values() else 0
        away = given_away(published, equations, truth, cap=max(truth.values()) + 5, floor=floor)
        assert away == set(), series.key


def test_the_week_table_minus_the_daily_chart_is_impossible_there_is_no_daily_chart(client_for, program):
    project, *_rest = program
    board = _board(client_for(Role.EVALUATOR), project, *BLOCK1)
    labels = {label for series in board.series for label, _value in series.points}
    assert labels and all("-W" in label for label in labels)


def test_combined_breakdowns_solve_no_hidden_cell(client_for, program):
    project, site, *_rest = program
    # Beside the 3 men of 25 and 3 women of 45, at the first site in February: 4 more men of 25,
    # 2 women of 25, 6 men of 45 and 5 more women of 45. One table at a time, the old rule hid the
    # 2 women of 25 and the 6 men of 45 in the age x sex table, and showed the age table's 9 people
    # of 20-29: 9 - 7 = 2.
    for count, born, sex in ((4, 2001, "m"), (2, 2001, "f"), (6, 1981, "m"), (5, 1981, "f")):
        for _index in range(count):
            person = ParticipantFactory(site=site, birth_date=datetime.date(born, 2, 15), sex=sex)
            for day in range(0, 21, 4):
                VisitFactory(
                    participant=person, site=site, date=datetime.date(2026, 2, 2) + datetime.timedelta(day)
                )
    client = client_for(Role.EVALUATOR)
    published = {}
    for by in ("none", "age", "sex", "age_sex"):
        url = (
            f"/exports/statistics/?project={project.pk}&format=csv&by={by}&start={BLOCK1[0]}&end={BLOCK1[1]}"
        )
        for site_name, period, group, participants, visits, _hidden in _rows(_get(client, url))[1:]:
            group = "all" if group in ("total", "all") else group
            for measure, value in (("people", participants), ("visits", visits)):
                published[(measure, site_name, period, group)] = int(value) if value else None
    hidden_periods = sorted({key[2] for key, value in published.items() if value is None})
    assert hidden_periods
    # The truth, from the visits: ages as both codes band them in this block (24 and 44).
    people, counts = defaultdict(set), defaultdict(int)
    like = hidden_periods[0]
    for visit in _visits(*BLOCK1):
        band = _age_band(visit.participant.birth_date, datetime.date(2026, 1, 5))
        sex = visit.participant.sex
        for site_name in ("all", visit.site.name):
            for group in ("all", band, sex, f"{band}/{sex}"):
                key = (site_name, _unit(visit.date, like), group)
                people[key].add(visit.participant_id)
                counts[key] += 1
    floor = 1 if 0 in published.values() else 0
    for period in hidden_periods[:3]:
        cells = {key: value for key, value in published.items() if key[2] == period}
        truth = {}
        for measure, site_name, _period, group in cells:
            key = (site_name, period, group)
            truth[(measure, site_name, _period, group)] = (
                len(people[key]) if measure == "people" else counts[key]
            )
        site_names = {key[1] for key in cells}
        equations = []
        for measure in ("people", "visits"):
            for site_name in site_names:
                for margin, parts in (
                    ("all", ["20-29", "40-49"]),
                    ("all", ["f", "m"]),
                    ("20-29", ["20-29/f", "20-29/m"]),
                    ("40-49", ["40-49/f", "40-49/m"]),
                    ("f", ["20-29/f", "40-49/f"]),
                    ("m", ["20-29/m", "40-49/m"]),
                ):
                    total = (measure, site_name, period, margin)
                    pieces = [(measure, site_name, period, part) for part in parts]
                    if total in cells and all(piece in cells for piece in pieces):
                        equations.append((total, pieces))
            if measure == "visits" and "all" in site_names:
                for group in ("all", "20-29", "40-49", "f", "m", "20-29/f", "20-29/m", "40-49/f", "40-49/m"):
                    pieces = [(measure, name, period, group) for name in site_names - {"all"}]
                    if (measure, "all", period, group) in cells and all(piece in cells for piece in pieces):
                        equations.append(((measure, "all", period, group), pieces))
        assert given_away(cells, equations, truth, cap=max(truth.values()) + 5, floor=floor) == set(), period


def test_no_zero_and_no_less_than_five_is_ever_shown_to_an_evaluator(client_for, program):
    project, *_rest = program
    client = client_for(Role.EVALUATOR)
    url = f"/exports/statistics/?project={project.pk}&format=csv&by=age_sex&start={BLOCK1[0]}&end={BLOCK1[1]}"
    values = [value for row in _rows(_get(client, url))[1:] for value in row[3:5]]
    assert "0" not in values and "" in values
    page = client.get(_board_url(project, *BLOCK1))
    board = page.context["board"]
    assert all(value != 0 for series in board.series for _label, value in series.points)
    assert "&lt;5" not in page.content.decode() and "<5" not in page.content.decode()


def test_joining_the_visit_and_person_period_exports_gives_no_group_under_five(client_for, program):
    project, *_rest = program
    client = client_for(Role.EVALUATOR)
    period = f"project={project.pk}&format=csv&start={BLOCK1[0]}&end={BLOCK1[1]}"
    visits = _rows(_get(client, f"/exports/attendance/?{period}"))
    persons = _rows(_get(client, f"/exports/person-period/?{period}"))
    where, code = visits[0].index("site"), visits[0].index("pseudonym")
    sites: dict = defaultdict(set)
    for row in visits[1:]:
        sites[row[code]].add(row[where])
    header = persons[0]
    quasi = [index for index, name in enumerate(header) if name in ("age_band", "sex")]
    profile = {row[0]: tuple(row[index] for index in quasi) for row in persons[1:]}
    # Old code: each export alone had groups of 6, the join (site, age band, sex) groups of 3.
    joined = [(frozenset(sites.get(code, ())), profile.get(code, ())) for code in set(sites) | set(profile)]
    groups = {key: joined.count(key) for key in set(joined)}
    assert min(groups.values()) >= 5, groups


def test_visit_level_pay_cannot_be_summed_into_an_income(client_for, program):
    project, *_rest = program
    rows = _rows(
        _get(
            client_for(Role.EVALUATOR),
            f"/exports/attendance/?project={project.pk}&format=csv&start={BLOCK1[0]}&end={BLOCK1[1]}",
        )
    )
    # Kroner at visit level summed per pseudonym and month gave each person's income and tax.
    assert "gross_pay" not in rows[0] and "tax_withheld" not in rows[0]
    assert {"gross_pay_band", "tax_category"} <= set(rows[0])


def test_a_refusal_tells_no_count_and_is_logged(client_for, staff):
    project = EvaluationProjectFactory(
        evaluators=[staff[Role.EVALUATOR]],
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 1, 3),
    )
    for index in range(3):
        person = ParticipantFactory(site=SiteFactory(name=f"Liten {index}"))
        VisitFactory(participant=person, site=person.site, date=datetime.date(2026, 3, 2))
    answer = _get(
        client_for(Role.EVALUATOR),
        f"/exports/attendance/?project={project.pk}&format=csv&start={BLOCK1[0]}&end={BLOCK1[1]}",
    )
    assert answer.status_code == 400
    (message,) = answer.context["form"].non_field_errors()
    assert not re.search(r"\d", message), message  # "only 3 people would be in this export"
    assert ExportLog.objects.filter(project=project).exists()


def test_the_dashboard_and_its_pdf_need_a_project_of_the_evaluator_and_are_logged(client_for, program):
    project, *_rest = program
    client = client_for(Role.EVALUATOR)
    stranger = EvaluationProjectFactory(starts_on=project.starts_on, ends_on=project.ends_on)
    period = f"start={BLOCK1[0]}&end={BLOCK1[1]}"
    # On a project the evaluator is not on: no figures. Without a project: the figures of one of
    # theirs (on its grid), logged, or none at all.
    for url in (f"/evaluation/dashboard/?{period}", f"/evaluation/report.pdf?{period}"):
        assert client.get(f"{url}&project={stranger.pk}").status_code in (400, 404), url
        before = ExportLog.objects.filter(project=project).count()
        if client.get(url).status_code == 200:
            assert ExportLog.objects.filter(project=project).count() == before + 1, url
    assert not ExportLog.objects.filter(project=stranger).exists()
    before = ExportLog.objects.filter(project=project).count()
    assert client.get(f"/evaluation/dashboard/?project={project.pk}&{period}").status_code == 200
    assert client.get(f"/evaluation/report.pdf?project={project.pk}&{period}").status_code == 200
    assert ExportLog.objects.filter(project=project).count() == before + 2
