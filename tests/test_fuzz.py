"""Hostile input to every endpoint as every role: never a server error, nothing written on refusal.

Short form in CI (FUZZ_EXAMPLES per URL, default 25); the long form is documented in
docs/SECURITY.md (`FUZZ_EXAMPLES=500 make test PYTEST_ARGS="tests/test_fuzz.py -s"`).
"""

import datetime
import os
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagsverket.roles import Role
from tests.factories import CaseloadEntryFactory, JobStartFactory, ParticipantFactory, VisitFactory
from tests.urlwalk import all_routes

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
ROUTES = all_routes()
# Logs that a refused request may legitimately write (a read is logged, a failed login is counted).
# Logs, and the sessions (each fresh client's login writes one; they were Django's own table before).
LOG_TABLES = {"dagsverket_accesslog", "dagsverket_activitylog", "dagsverket_session"}
REQUESTS_TRIED = {"count": 0}

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "x" * 10_000,
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "'; DROP TABLE dagsverket_visit; --",
            "\u202eevil\u202c",
            "\x00\x01\x1f",
            "a\x00b",
            "x" * 256,
            "32768",
            "2147483648",
            "9223372036854775808",
            "😀👍🏽",
            '=HYPERLINK("http://x")',
            "-1",
            "0",
            "99999999999999999999999",
            "1e308",
            "NaN",
            "-0.001",
            "2026-02-30",
            "31.12.2026",
            "25:99",
            "true",
            "null",
            "[]",
            "{}",
        ]
    ),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)).map(str),
)
ROLES = [None, *Role]


def _field_names(client: Client, path: str) -> list[str]:
    """The form field names a GET of the page offers, so the fuzzer posts to real fields."""
    response = client.get(path)
    # A download (a streamed CSV) has no form to read.
    page = b"" if response.streaming else response.content
    names = set(re.findall(r'name="([A-Za-z0-9_\-\[\]]+)"', page.decode(errors="replace")))
    names.discard("csrfmiddlewaretoken")
    return sorted(names) or ["name", "q", "date", "amount"]


def _path_for(route, draw) -> str | None:
    kwargs = {}
    for key, converter in route.converters:
        if converter == "IntConverter":
            kwargs[key] = draw(st.one_of(st.integers(0, 60), st.integers(0, 2**62)))
        elif converter == "DateConverter" or "date" in key:
            kwargs[key] = draw(st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 1, 1))).isoformat()
        else:
            kwargs[key] = draw(
                st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=20)
            )
    try:
        return reverse(route.name, kwargs=kwargs)
    except Exception:
        return None


def _counted_tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.app_label in {"dagsverket", "jobs", "payroll", "ips", "research"}
            and model._meta.db_table not in LOG_TABLES
        }
    )


COUNTED_TABLES = _counted_tables()


def _row_counts() -> dict[str, int]:
    """Rows in every table of the project's apps, in one query.

    One COUNT per table was about 80 queries before and after each of some 3 000 requests, most of
    the suite's time. The rows are counted in the table itself, not through a model's default
    manager, so a write that a manager would hide still shows.
    """
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in COUNTED_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(COUNTED_TABLES, cursor.fetchone(), strict=True))


class World:
    """Some data to aim at, and a fresh client per request (a fuzzed logout must not stick)."""

    def __init__(self, staff):
        self.staff = staff

    def client(self, role) -> Client:
        client = Client(raise_request_exception=False)
        if role is not None:
            client.force_login(self.staff[role])
        return client


@pytest.fixture
def world(request, staff, site):
    people = ParticipantFactory.create_batch(3, site=site)
    VisitFactory(participant=people[0])
    JobStartFactory(entry=CaseloadEntryFactory(participant=people[1], specialist=staff[Role.STUDY]))
    route = getattr(request.node, "callspec", None) and request.node.callspec.params.get("route")
    if route is not None and route.name.startswith("research:"):
        from tests.research.conftest import research_world

        research_world(staff, site, people[1])  # a started study with an allocated enrolment
    return World(staff)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_no_request_to_any_endpoint_gives_a_server_error(world, route):
    fields_cache = {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(data=st.data())
    def check(data):
        role = data.draw(st.sampled_from(ROLES))
        client = world.client(role)
        path = _path_for(route, data.draw)
        if path is None:
            return
        if path not in fields_cache:
            fields_cache[path] = _field_names(world.client(Role.MANAGER), path)
        names = fields_cache[path]
        payload = {
            name: data.draw(HOSTILE_TEXT)
            for name in data.draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True))
        }
        method = data.draw(st.sampled_from(["get", "post", "post", "put", "delete"]))
        before = _row_counts()
        if method == "get":
            response = client.get(path, payload)
        elif method == "post":
            response = client.post(path, payload, HTTP_HX_REQUEST=data.draw(st.sampled_from(["", "true"])))
        else:
            response = getattr(client, method)(path)
        REQUESTS_TRIED["count"] += 1
        assert response.status_code < 500, (
            f"{method.upper()} {path} as {role}: {response.status_code} {payload!r}"
        )
        if response.status_code in {400, 401, 403, 404, 405}:
            assert _row_counts() == before, (
                f"{method.upper()} {path} as {role} wrote data but answered {response.status_code}"
            )

    check()


# What no column can hold: a NUL byte (PostgreSQL text), just past a small, an ordinary and a big
# integer column, and a string just past the longest CharField (255).
BEYOND_THE_COLUMNS = ["a\x00b", "32768", "2147483648", "9223372036854775808", "x" * 256]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_form_refuses_what_the_database_cannot_hold_with_a_message(world, route):
    """Every field of every form at once, as the manager (who reaches most forms): no server
    error, and nothing written when the answer is a refusal."""
    kwargs = {key: 1 if converter == "IntConverter" else "2026-03-02" for key, converter in route.converters}
    try:
        path = reverse(route.name, kwargs=kwargs)
    except Exception:
        return
    names = _field_names(world.client(Role.MANAGER), path)
    for value in BEYOND_THE_COLUMNS:
        before = _row_counts()
        for method in ("get", "post"):
            response = getattr(world.client(Role.MANAGER), method)(path, dict.fromkeys(names, value))
            REQUESTS_TRIED["count"] += 1
            assert response.status_code < 500, (
                f"{method.upper()} {path}: {response.status_code} {value[:20]!r}"
            )
            if response.status_code >= 400:
                assert _row_counts() == before, f"{method.upper()} {path} wrote data but answered an error"


def test_report_how_many_requests_were_tried(capsys):
    # Runs after the parametrised test in file order; the figure goes into docs/SECURITY.md and is
    # printed past pytest's capture so CI logs show it.
    with capsys.disabled():
        print(f"\nfuzz: {REQUESTS_TRIED['count']} requests over {len(ROUTES)} URL patterns")
