"""The morning at the front desk: search as you type and one-tap check-in, on a big history.

10 000 participants at one site; the search is measured at 100 000 and at 1 000 000 past visits
(`--small`: 1 000 participants, 10 000 and 100 000 visits). Data is loaded with COPY on
PostgreSQL and large bulk inserts elsewhere, with a progress bar.
"""

import datetime
import itertools
import random
import time
import urllib.parse

from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.utils import timezone

from dagsverket.models import Participant, Site, Visit, normalise_name
from dagsverket.progress import Progress
from dagsverket.roles import Role

from . import get_ok, interleaved_medians

FIRST = [
    "Anne",
    "Åse",
    "Øyvind",
    "Ola",
    "Kari",
    "Per",
    "Jon",
    "Trond",
    "Ingrid",
    "Bjørn",
    "Siri",
    "Lars",
    "Marit",
]
LAST = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Berg",
    "Dahl",
    "Lie",
    "Haugen",
    "Bakken",
    "Strand",
]
FORM = "application/x-www-form-urlencoded"
QUERIES = ["ase", "oy", "ola h", "kar", "per o", "ing", "bj", "trond", "siri d", "lar"]


def _participants(site: Site, count: int, rng: random.Random, progress) -> list[int]:
    today = timezone.localdate()
    batch = []
    for number in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last[0]}." if number % 3 else first
        full_name = f"{first} {last}"
        batch.append(
            Participant(
                site=site,
                name=name,
                full_name=full_name,
                search_name=normalise_name(f"{name} {full_name}"),
                birth_year=rng.randint(1960, 2004),
                last_seen=today - datetime.timedelta(days=rng.randint(1, 400)),
            )
        )
        progress(number + 1, count)
    Participant.objects.bulk_create(batch, batch_size=5000)
    return list(Participant.objects.filter(site=site).order_by("pk").values_list("pk", flat=True))


def _visits(site: Site, ids: list[int], start: int, stop: int, label: str) -> None:
    """Visits number start..stop: person k % n on the (1 + k // n)-th day back, so all are unique."""
    progress = Progress(label)
    today = timezone.localdate()
    people = len(ids)
    chunk = 100_000
    if connection.vendor == "postgresql":
        # Generated inside the server (no client round trips per row). The rows are consistent by
        # construction, so the bench skips the per-row foreign-key triggers while loading.
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            # Building an index once after the load is much cheaper than keeping it up to date row by
            # row: drop the plain indexes (not those behind constraints) and create them again after.
            cursor.execute(
                """
                SELECT indexname, indexdef FROM pg_indexes
                WHERE tablename = 'dagsverket_visit'
                  AND indexname NOT IN (SELECT conname FROM pg_constraint)
                """
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            for begin in range(start, stop, chunk):
                end = min(stop, begin + chunk)
                cursor.execute(
                    """
                    INSERT INTO dagsverket_visit
                        (participant_id, site_id, date, arrived_at, readiness, undo_reason)
                    SELECT people.ids[k %% %(n)s + 1], %(site)s, %(today)s::date - (1 + k / %(n)s)::int,
                           ((%(today)s::date - (1 + k / %(n)s)::int) + time '07:00'
                            + (k %% 60) * interval '1 minute') AT TIME ZONE 'UTC',
                           'ready', ''
                    FROM generate_series(%(begin)s, %(end)s) AS k,
                         (SELECT array_agg(id ORDER BY id) AS ids FROM dagsverket_participant
                          WHERE site_id = %(site)s) AS people
                    """,
                    {"n": people, "site": site.pk, "today": today, "begin": begin, "end": end - 1},
                )
                progress(end - start, stop - start)
            cursor.execute("SET session_replication_role = DEFAULT")
            for _name, definition in indexes:
                cursor.execute(definition)
            # Settle the new rows now, so autovacuum does not run during the measurement: the
            # people too, as autovacuum would have settled them at a site that has had them for
            # years (an index-only scan reads the table for pages not yet marked all-visible).
            cursor.execute("VACUUM ANALYZE dagsverket_visit")
            cursor.execute("VACUUM ANALYZE dagsverket_participant")
        return
    for begin in range(start, stop, chunk):
        rows = []
        for k in range(begin, min(stop, begin + chunk)):
            day = today - datetime.timedelta(days=1 + k // people)
            arrived = datetime.datetime.combine(day, datetime.time(7, k % 60), tzinfo=datetime.UTC)
            rows.append(
                Visit(
                    participant_id=ids[k % people], site=site, date=day, arrived_at=arrived, readiness="ready"
                )
            )
        Visit.objects.bulk_create(rows, batch_size=10_000)
        progress(min(stop, begin + chunk) - start, stop - start)


def figures(context):
    people, early, late = (1_000, 10_000, 100_000) if context.small else (10_000, 100_000, 1_000_000)
    people, early, late = getattr(context, "checkin_sizes", None) or (people, early, late)
    rng = random.Random(3)
    site = Site.objects.create(name="Bench")
    user = User.objects.create(username="bench-desk")
    user.groups.add(Group.objects.get(name=Role.FRONT_DESK.value))
    site.staff.add(user)
    started = time.perf_counter()
    ids = _participants(site, people, rng, Progress("participants"))
    _visits(site, ids, 0, early, f"visits 0-{early}")
    build_seconds = time.perf_counter() - started

    client = Client()
    client.force_login(user)
    queries = itertools.cycle(QUERIES)
    headers = {"HTTP_HX_REQUEST": "true"}

    def search():
        response = client.get("/checkin/search/", {"q": next(queries)}, **headers)
        if response.status_code != 200 or b"result-button" not in response.content:
            raise AssertionError(f"search answered {response.status_code}")

    anonymous = get_ok(Client(), "/__bench__/empty/")
    staff = get_ok(client, "/__bench__/empty-staff/")

    def in_turns_with_the_baselines(**more):
        # In turns, so that ratios do not drift with the machine: the anonymous empty view (the
        # issue's baseline) and the same empty view behind what every front-desk request pays first
        # (session, user, sites and permissions).
        return interleaved_medians({"empty": anonymous, "staff": staff, "search": search, **more}, repeat=100)

    search_early = in_turns_with_the_baselines()["search"]
    started = time.perf_counter()
    _visits(site, ids, early, late, f"visits {early}-{late}")
    build_seconds += time.perf_counter() - started
    # The same mix as at 100 000 visits, so that the growth compares like with like.
    search_grown = in_turns_with_the_baselines()["search"]

    to_check_in = iter(ids)

    def check_in():
        pk = next(to_check_in)
        # Form-encoded, as htmx sends it (the test client's default is a multipart body).
        body = urllib.parse.urlencode({"participant": pk, "nonce": f"bench-{pk}"})
        response = client.post("/checkin/in/", body, content_type=FORM, **headers)
        if response.status_code != 200:
            raise AssertionError(f"check-in answered {response.status_code}")

    medians = in_turns_with_the_baselines(post=check_in)
    search_late, post, empty, staff_baseline = (
        medians["search"],
        medians["post"],
        medians["empty"],
        medians["staff"],
    )
    yield "checkin_build_s", round(build_seconds, 1)
    yield "checkin_empty_view_ms", round(empty, 3)
    yield "checkin_search_ms", round(search_late, 3)
    yield "checkin_search_ratio", round(search_late / empty, 2)
    yield "checkin_post_ms", round(post, 3)
    yield "checkin_post_ratio", round(post / empty, 2)
    yield "checkin_growth", round(search_grown / search_early, 2)
    yield "empty_staff_view_ms", round(staff_baseline, 3)
    # What being logged in costs (session, user, sites, permissions), against the anonymous empty
    # view measured in the same turns (target ≤ 3).
    yield "empty_staff_view_ratio", round(staff_baseline / empty, 2)
    yield "checkin_search_staff_ratio", round(search_late / staff_baseline, 2)
    yield "checkin_post_staff_ratio", round(post / staff_baseline, 2)
