"""The check-in written in one statement on PostgreSQL (`services._check_in_in_one_statement`) writes
the rows the ORM writes: the visit, its history row, the person's last visit and the activity log
entry. Each test taps two people, one each way, and compares what was written, ids and clock times
aside."""

import datetime

import pytest
import time_machine

from dagsverket import services
from dagsverket.history import acting
from dagsverket.models import ActivityLog, Participant, Visit
from dagsverket.roles import Role
from tests.factories import ParticipantFactory

MORNING = datetime.datetime(2026, 3, 2, 8, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
# Apart by nature: ids, clock times, the person and the tap's nonce (each checked on its own).
APART = {
    "id",
    "arrived_at",
    "received_at",
    "at",
    "history_id",
    "history_date",
    "object_id",
    "participant_id",
    "nonce",
}


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False):
        yield


def _written(person) -> dict:
    visit = Visit.objects.get(participant=person)
    history = list(Visit.history.filter(id=visit.pk).values())
    log = list(ActivityLog.objects.filter(object_type="dagsverket.visit", object_id=str(visit.pk)).values())
    person.refresh_from_db()
    rows = {
        "visit": Visit.objects.filter(pk=visit.pk).values().get(),
        "history": history,
        "log": log,
    }
    assert rows["visit"]["participant_id"] == person.pk
    assert all(row["participant_id"] == person.pk for row in history)
    assert all(row["object_id"] == str(visit.pk) for row in log)
    assert all(row["nonce"] == rows["visit"]["nonce"] for row in history)
    comparable = {
        "visit": {key: value for key, value in rows["visit"].items() if key not in APART},
        "history": [{key: value for key, value in row.items() if key not in APART} for row in history],
        "log": [{key: value for key, value in row.items() if key not in APART} for row in log],
        "last_seen": person.last_seen,
    }
    return comparable


def _each_way(monkeypatch, tap) -> tuple[dict, dict]:
    """`tap(person)` for one person through the ORM and for another in one statement."""
    by_orm, in_one = ParticipantFactory(name="Anna"), ParticipantFactory(name="Berit")
    site = by_orm.site
    for person, one_statement in ((by_orm, False), (in_one, True)):
        Participant.objects.filter(pk=person.pk).update(site=site, last_seen=datetime.date(2026, 2, 1))
        person.refresh_from_db()
        monkeypatch.setattr(
            services, "checks_in_in_one_statement", lambda one_statement=one_statement: one_statement
        )
        tap(person)
    return _written(by_orm), _written(in_one)


def test_a_tap_writes_the_same_rows_either_way(on_postgres, monkeypatch, staff, client_for):
    client = client_for(Role.FRONT_DESK)
    desk = staff[Role.FRONT_DESK]

    def tap(person):
        desk.sites.add(person.site)
        response = client.post(
            "/checkin/in/", {"participant": person.pk, "nonce": f"n-{person.pk}"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200

    by_orm, in_one = _each_way(monkeypatch, tap)
    assert in_one == by_orm
    # What the two agree on, by hand: the desk checked in, the request's user on the history row,
    # a "+" row, the log entry naming the desk and the site, and the last visit moved to today.
    assert by_orm["visit"]["checked_in_by_id"] == desk.pk
    assert [visit.nonce for visit in Visit.objects.order_by("pk")] == [
        f"n-{pk}" for pk in Visit.objects.order_by("pk").values_list("participant_id", flat=True)
    ]
    assert [(row["history_type"], row["history_user_id"]) for row in by_orm["history"]] == [("+", desk.pk)]
    assert [(row["action"], row["actor_id"], row["data"]) for row in by_orm["log"]] == [
        ("check_in", desk.pk, {})
    ]
    assert by_orm["last_seen"] == datetime.date(2026, 3, 2)


def test_outside_a_request_the_history_names_whom_acting_names(on_postgres, monkeypatch, staff):
    desk = staff[Role.FRONT_DESK]

    def tap(person):
        with acting(user=desk, reason="Sent from the tablet's offline queue"):
            visit, created = services.participant_check_in(
                participant=person,
                site=person.site,
                by=None,
                tapped_at=MORNING - datetime.timedelta(minutes=20),
            )
        assert created and visit.pk is not None
        assert visit.arrived_at == MORNING - datetime.timedelta(minutes=20)

    by_orm, in_one = _each_way(monkeypatch, tap)
    assert in_one == by_orm
    assert [(row["history_user_id"], row["history_change_reason"]) for row in by_orm["history"]] == [
        (desk.pk, "Sent from the tablet's offline queue")
    ]
    assert by_orm["visit"]["checked_in_by_id"] is None and by_orm["log"][0]["actor_id"] is None


def test_a_repeat_in_one_statement_writes_nothing_and_answers_the_first_visit(on_postgres, staff):
    person = ParticipantFactory()
    desk = staff[Role.FRONT_DESK]
    first, created = services.participant_check_in(participant=person, site=person.site, by=desk, nonce="a")
    assert created
    for nonce in ("a", "b", None):  # the same tap again, a second tablet, no nonce
        again, created = services.participant_check_in(
            participant=person, site=person.site, by=desk, nonce=nonce
        )
        assert (again.pk, created) == (first.pk, False)
    assert Visit.objects.count() == 1
    assert Visit.history.count() == 1
    assert ActivityLog.objects.filter(action="check_in").count() == 1
