"""The evaluation area's pages: who may open them, what they answer, and what they log."""

import datetime
import re
import subprocess

import pytest
import time_machine
from django.conf import settings
from django.http import StreamingHttpResponse

from dagsverket.evaluation.models import EvaluationProject, ExportLog
from dagsverket.roles import Role
from tests.dagsverket.test_evaluation_exports import appears_as_words
from tests.factories import EvaluationProjectFactory, ParticipantFactory, SiteFactory, VisitFactory

MARCH = datetime.date(2026, 3, 2)
QUERY = "start=2026-01-05&end=2027-01-03&format=csv"
EXPORT_URLS = ["/exports/attendance/", "/exports/person-period/", "/exports/statistics/"]


@pytest.fixture
def data(site, staff):
    people = [ParticipantFactory(site=site, phone=f"9{i:07d}") for i in range(7)]
    for day in range(20):
        for person in people[: 5 + day % 3]:
            VisitFactory(participant=person, date=MARCH + datetime.timedelta(days=day))
    project = EvaluationProjectFactory(evaluators=[staff[Role.EVALUATOR]])
    return project, people


@pytest.mark.parametrize("url", EXPORT_URLS)
def test_a_named_evaluator_downloads_a_streamed_export_and_it_is_logged(client_for, data, staff, url):
    project, _people = data
    response = client_for(Role.EVALUATOR).get(f"{url}?project={project.pk}&{QUERY}")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    entry = ExportLog.objects.get()
    assert entry.user == staff[Role.EVALUATOR]
    assert entry.project == project
    assert entry.parameters["start"] == "2026-01-05" and entry.parameters["format"] == "csv"
    assert entry.row_count == len(body.strip().splitlines()) - 1
    assert entry.finished_at is not None


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_every_format_downloads_with_and_without_the_codebook(client_for, data, fmt):
    project, _people = data
    for codebook in ("", "&codebook=1"):
        response = client_for(Role.MANAGER).get(
            f"/exports/attendance/?project={project.pk}&start=2026-01-05&end=2027-01-03&format={fmt}{codebook}"
        )
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert content.startswith(b"PK") == (fmt == "xlsx" or bool(codebook))


@pytest.mark.parametrize("url", EXPORT_URLS)
@pytest.mark.parametrize(
    "query",
    [
        "project=x&" + QUERY,
        "start=2026-01-05&end=2027-01-03&format=csv",
        "start=2026-13-01&end=2027-01-03&format=csv&project={pk}",
        "start=2026-12-01&end=2026-01-31&format=csv&project={pk}",
        "start=2025-01-01&end=2026-01-31&format=csv&project={pk}",
        "start=2026-01-05&end=2027-01-03&format=exe&project={pk}",
    ],
)
def test_bad_export_parameters_get_400_and_nothing_is_logged(client_for, data, url, query):
    project, _people = data
    response = client_for(Role.EVALUATOR).get(f"{url}?{query.format(pk=project.pk)}")
    assert response.status_code == 400
    assert ExportLog.objects.count() == 0


def test_too_few_people_is_refused_with_the_reason_on_the_page(client_for, staff):
    project = EvaluationProjectFactory(evaluators=[staff[Role.EVALUATOR]])
    VisitFactory(participant=ParticipantFactory(site=SiteFactory(name="Liten")), date=MARCH)
    response = client_for(Role.EVALUATOR).get(f"/exports/attendance/?project={project.pk}&{QUERY}")
    assert response.status_code == 400
    # Attack 6: the refusal used to say "only 1 people"; it gives the reason and no number now.
    (message,) = response.context["form"].non_field_errors()
    assert not re.search(r"\d", message)
    # And it is logged like an export: who, when, what, for which project, refused.
    entry = ExportLog.objects.get()
    assert (entry.user, entry.project, entry.kind) == (staff[Role.EVALUATOR], project, "attendance")
    assert entry.parameters["refused"] == "k_anonymity" and entry.row_count is None


def test_an_evaluator_not_named_on_the_project_gets_404(client_for, data):
    other = EvaluationProjectFactory()
    response = client_for(Role.EVALUATOR).get(f"/exports/attendance/?project={other.pk}&{QUERY}")
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.WORK_LEADER, Role.PAYROLL])
@pytest.mark.parametrize(
    "url",
    [
        *EXPORT_URLS,
        "/evaluation/",
        "/evaluation/dashboard/",
        "/evaluation/report.pdf",
        "/evaluation/projects/new/",
    ],
)
def test_roles_without_the_export_permission_get_403(client_for, data, role, url):
    assert client_for(role).get(url).status_code == 403


@pytest.mark.parametrize(
    "url", [*EXPORT_URLS, "/evaluation/", "/evaluation/dashboard/", "/evaluation/report.pdf"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client_for, url):
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize(
    "url", [*EXPORT_URLS, "/evaluation/", "/evaluation/dashboard/", "/evaluation/report.pdf"]
)
def test_the_pages_reject_post(client_for, url):
    assert client_for(Role.MANAGER).post(url).status_code == 405


@pytest.mark.parametrize("url", ["/checkin/", "/jobs/", "/payroll/", "/manage/", "/evaluation/projects/new/"])
def test_the_evaluator_reaches_nothing_outside_the_evaluation_area(client_for, url):
    assert client_for(Role.EVALUATOR).get(url).status_code == 403


def test_the_evaluator_cannot_use_the_admin(client_for):
    response = client_for(Role.EVALUATOR).get("/admin/dagsverket/participant/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_the_evaluator_start_page_lists_only_their_projects_and_no_names(client_for, data):
    project, people = data
    EvaluationProjectFactory(name="Hemmelig prosjekt")
    page = client_for(Role.EVALUATOR).get("/evaluation/").content.decode()
    assert project.name in page
    assert "Hemmelig prosjekt" not in page
    # A fake first name that is also a word of the interface ("Per" in "Per person og måned") is
    # not a leak: only the other names are looked for as words; full names always.
    interface = (settings.BASE_DIR / "locale" / "nb" / "LC_MESSAGES" / "django.po").read_text(
        encoding="utf-8"
    )
    for person in people:
        if not appears_as_words(person.name, interface):
            assert not appears_as_words(person.name, page)
        assert person.full_name not in page


def test_a_manager_registers_a_project(client_for, staff):
    response = client_for(Role.MANAGER).post(
        "/evaluation/projects/new/",
        {
            "name": "NTNU-evaluering",
            "purpose": "Virker dagsverket?",
            "approval_reference": "REK 2026/77",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "requires_research_consent": "on",
            "date_coarsening": "month",
            "evaluators": [staff[Role.EVALUATOR].pk],
        },
    )
    assert response.status_code == 302
    project = EvaluationProject.objects.get()
    assert project.requires_research_consent and project.date_coarsening == "month"
    assert list(project.evaluators.all()) == [staff[Role.EVALUATOR]]
    assert len(project.secret) == 64


def test_a_project_without_approval_or_with_a_backwards_period_is_not_registered(client_for):
    for data in (
        {"approval_reference": "  ", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        {"approval_reference": "REK 1", "starts_on": "2026-12-01", "ends_on": "2026-01-01"},
    ):
        response = client_for(Role.MANAGER).post(
            "/evaluation/projects/new/", {"name": "X", "purpose": "Y", "date_coarsening": "week", **data}
        )
        assert response.status_code == 400
    assert EvaluationProject.objects.count() == 0


def test_an_evaluator_cannot_register_a_project(client_for):
    assert client_for(Role.EVALUATOR).post("/evaluation/projects/new/", {"name": "X"}).status_code == 403
    assert EvaluationProject.objects.count() == 0


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC))
def test_the_dashboard_shows_managers_counts_and_evaluators_suppressed_counts(
    client_for, data, site, django_assert_num_queries
):
    _project, people = data
    for person in people[:2]:
        VisitFactory(participant=person, date=datetime.date(2026, 4, 1))
    url = f"/evaluation/dashboard/?site={site.pk}&start=2026-01-01&end=2026-05-31"
    manager = client_for(Role.MANAGER)
    with django_assert_num_queries(11):
        page = manager.get(url)
    assert page.status_code == 200
    assert page.context["board"].totals == {"visits": 121, "participants": 7}
    assert "<svg" in page.content.decode()
    evaluator = client_for(Role.EVALUATOR)
    # An evaluator sees a project's dashboard only, on the project's grid.
    assert evaluator.get(url).status_code == 400
    assert evaluator.get(f"{url}&project={_project.pk}").status_code == 400
    block = f"/evaluation/dashboard/?project={_project.pk}&site={site.pk}&start=2026-01-05&end=2026-04-05"
    page = evaluator.get(block)
    assert page.status_code == 200
    evaluator_board = page.context["board"]
    assert evaluator_board.suppressed
    weeks = dict(evaluator_board.series[0].points)
    assert len(weeks) == 13 and weeks["2026-W10"] == 41
    # Week 14 has the two visits of 1 April: hidden, and another week with it.
    assert weeks["2026-W14"] is None
    assert sum(value is None for value in weeks.values()) >= 2
    assert "&lt;5" not in page.content.decode()
    entry = ExportLog.objects.get()
    assert (entry.kind, entry.project, entry.parameters["start"]) == ("dashboard", _project, "2026-01-05")


def test_the_dashboard_rejects_a_backwards_period(client_for):
    assert (
        client_for(Role.MANAGER).get("/evaluation/dashboard/?start=2026-05-01&end=2026-01-01").status_code
        == 400
    )


@pytest.mark.parametrize(("lang", "title"), [("nb", "Evalueringsrapport"), ("en", "Evaluation report")])
def test_the_report_is_a_pdf_in_the_chosen_language(client_for, data, tmp_path, lang, title):
    project, _people = data
    response = client_for(Role.EVALUATOR).get(
        f"/evaluation/report.pdf?project={project.pk}&start=2026-01-05&end=2026-07-05&lang={lang}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert title in text
    entry = ExportLog.objects.get()
    assert (entry.kind, entry.project, entry.parameters["lang"]) == ("report_pdf", project, lang)


def test_the_dashboard_shows_unmet_demand_hours_wages_and_referrals(client_for, site, staff):
    from decimal import Decimal

    from tests.factories import (
        AgencyFactory,
        AssignmentFactory,
        LotteryDrawFactory,
        LotteryEntryFactory,
        ReferralFactory,
    )

    people = [ParticipantFactory(site=site) for _ in range(6)]
    draw = LotteryDrawFactory(site=site, date=MARCH)
    for index, person in enumerate(people):
        visit = VisitFactory(participant=person, date=MARCH)
        LotteryEntryFactory(
            draw=draw, visit=visit, participant=person, outcome="drawn" if index < 3 else "not_drawn"
        )
        if index < 3:
            AssignmentFactory(visit=visit, hours=Decimal("3.50"))
    nav = AgencyFactory(type="nav")
    for person in people:
        ReferralFactory(
            participant=person,
            agency=nav,
            date=MARCH,
            status="completed",
            outcome="helped",
            shares_information=False,
        )
    url = f"/evaluation/dashboard/?site={site.pk}&start=2026-01-01&end=2026-06-30"
    board = client_for(Role.MANAGER).get(url).context["board"]
    series = {s.key: dict(s.points) for s in board.series}
    assert series["not_drawn_month"]["2026-03"] == 3
    assert series["hours_month"]["2026-03"] == 10  # 10.5 hours, drawn rounded to whole hours
    assert board.referrals["rows"][0][1][0] == 6
    project = EvaluationProjectFactory(evaluators=[staff[Role.EVALUATOR]])
    evaluator = (
        client_for(Role.EVALUATOR)
        .get(f"/evaluation/dashboard/?project={project.pk}&site={site.pk}&start=2026-01-05&end=2026-04-05")
        .context["board"]
    )
    hidden = {s.key: dict(s.points) for s in evaluator.series}
    assert hidden["not_drawn_unit"]["2026-W10"] is None
    assert hidden["hours_unit"]["2026-W10"] is None  # three people worked: too few to show their hours
    # Six referrals, all "helped": the zeros beside them are small cells too, so the six would follow
    # from the row's total; hidden with them.
    assert evaluator.referrals["rows"][0][1][0] is None


def _plain_urls(patterns, prefix=""):
    from django.urls import URLPattern, URLResolver

    for pattern in patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(pattern, URLResolver):
            yield from _plain_urls(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + route


def test_every_page_outside_the_evaluation_area_refuses_the_evaluator(client_for):
    from django.urls import get_resolver

    allowed = ("/evaluation/", "/exports/", "/login/", "/logout/", "/i18n/", "/admin/", "/__bench__/")
    urls = sorted({url for url in _plain_urls(get_resolver().url_patterns) if url != "/"})
    checked = [url for url in urls if not url.startswith(allowed)]
    assert len(checked) > 5
    client = client_for(Role.EVALUATOR)
    opened = {url: client.get(url).status_code for url in checked}
    assert {url: status for url, status in opened.items() if status not in (403, 405)} == {}


def test_a_second_big_export_while_the_first_still_streams_gets_429_and_nothing_is_logged(
    client_for, data, settings, staff
):
    from django.utils.translation import gettext

    settings.EVALUATION_BIG_EXPORT_ROWS = 10  # the visit export has over a hundred rows
    settings.EVALUATION_BIG_EXPORTS_PER_USER = 1
    settings.EVALUATION_BIG_EXPORTS_AT_ONCE = 2
    project, _people = data
    client = client_for(Role.EVALUATOR)
    url = f"/exports/attendance/?project={project.pk}&{QUERY}"
    first = client.get(url)
    assert first.status_code == 200  # streaming: not read yet, so still running
    second = client.get(url)
    assert second.status_code == 429 and second["Retry-After"] == "60"
    (message,) = second.context["form"].non_field_errors()
    assert message == gettext(
        "Too many big exports are running right now. Try again when they have finished."
    )
    assert ExportLog.objects.count() == 1
    # Once the first has gone out, the next big one may start.
    b"".join(first.streaming_content)
    assert client.get(url).status_code == 200


def test_big_exports_at_once_are_limited_for_everyone_together(client_for, data, settings, site):
    from django.test import Client

    from tests.factories import UserFactory

    settings.EVALUATION_BIG_EXPORT_ROWS = 10
    settings.EVALUATION_BIG_EXPORTS_PER_USER = 1
    settings.EVALUATION_BIG_EXPORTS_AT_ONCE = 1
    project, _people = data
    colleague = UserFactory(username="evaluator2", role=Role.EVALUATOR, site=site)
    project.evaluators.add(colleague)
    other = Client()
    other.force_login(colleague)
    url = f"/exports/attendance/?project={project.pk}&{QUERY}"
    assert client_for(Role.EVALUATOR).get(url).status_code == 200
    assert other.get(url).status_code == 429


def test_a_broken_off_big_export_frees_its_slot_after_the_time_out(client_for, data, settings):
    settings.EVALUATION_BIG_EXPORT_ROWS = 10
    settings.EVALUATION_BIG_EXPORT_SLOT_MINUTES = 15
    project, _people = data
    client = client_for(Role.EVALUATOR)
    url = f"/exports/attendance/?project={project.pk}&{QUERY}"
    start = datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert client.get(url).status_code == 200  # never read to the end: the browser went away
        assert client.get(url).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert client.get(url).status_code == 200


def test_the_dashboards_totals_are_written_the_norwegian_way():
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    board = SimpleNamespace(totals={"visits": 1332, "participants": 30})
    with translation.override("nb"):
        html = render_to_string("dagsverket/evaluation/_figures.html", {"board": board})
    assert '<span class="stat-value">1\xa0332</span>' in html  # a no-break space groups thousands
    with translation.override("en"):
        assert "1,332" in render_to_string("dagsverket/evaluation/_figures.html", {"board": board})
