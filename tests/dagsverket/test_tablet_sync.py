"""The tablet's offline queue on the server (issue 21): in order, exactly once, with the tap time,
and every refusal coded (stale, locked, logged out, another tablet, an exclusion, a look-alike)."""

import datetime
import functools
import json

import pytest
import time_machine
from django.test import Client

from dagsverket.models import Participant, ReadinessEntry, TabletAction, Visit
from dagsverket.roles import Role
from dagsverket.selectors import board_visits
from dagsverket.tablet import SYNC_TAG_KEY
from tests.concurrency import run_at_once
from tests.factories import ExclusionFactory, ParticipantFactory, VisitFactory, reason

OSLO = datetime.timezone(datetime.timedelta(hours=1))  # March: winter time
NOW = datetime.datetime(2026, 3, 2, 8, 40, tzinfo=OSLO)  # the connection came back at 08:40
URL = "/checkin/sync/"


@pytest.fixture(autouse=True)
def _connection_back():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(client_for):
    return client_for(Role.FRONT_DESK)


def _at(hour: int, minute: int, day: int = 2) -> str:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=OSLO).isoformat()


def _tag(client) -> str:
    return client.session[SYNC_TAG_KEY]


def _send(client, actions, **extra):
    return client.post(URL, json.dumps({"actions": actions}), content_type="application/json", **extra)


def _results(response) -> list[tuple[str, str]]:
    return [(result["status"], result.get("code", "")) for result in response.json()["results"]]


def _check_in(client, person, nonce, at=None, **fields):
    return {
        "type": "check_in",
        "nonce": nonce,
        "participant": person.pk,
        "tapped_at": at or _at(8, 5),
        "session": _tag(client),
    } | fields


def _action(client, kind, nonce, at, **fields):
    return {"type": kind, "nonce": nonce, "tapped_at": at, "session": _tag(client)} | fields


def _counts():
    return (
        Visit.objects.count(),
        ReadinessEntry.objects.count(),
        Participant.objects.count(),
        TabletAction.objects.count(),
    )


def test_a_queue_is_applied_in_order_with_the_time_of_each_tap(desk, site, staff):
    ola, kari = ParticipantFactory(site=site, name="Ola"), ParticipantFactory(site=site, name="Kari")
    queue = [
        _check_in(desk, ola, "tap-ola-0001", at=_at(8, 5)),
        # The readiness and the undo name the check-in by its nonce: the tablet never knew its id.
        _action(desk, "readiness", "tap-ola-0002", _at(8, 6), visit_nonce="tap-ola-0001", status="ready"),
        _check_in(desk, kari, "tap-kari-001", at=_at(8, 7)),
        _action(desk, "undo", "tap-kari-002", _at(8, 9), visit_nonce="tap-kari-001"),
        _action(desk, "register", "tap-new-0001", _at(8, 10), name="Zakarias"),
    ]
    response = _send(desk, queue)
    assert response.status_code == 200
    assert _results(response) == [("ok", "")] * 5
    visit = Visit.objects.get(participant=ola)
    # Arrival is the tap (08:05), received when the connection came back (08:40).
    assert visit.arrived_at == datetime.datetime(2026, 3, 2, 8, 5, tzinfo=OSLO)
    assert visit.received_at == NOW
    assert visit.readiness == "ready" and visit.checked_in_by == staff[Role.FRONT_DESK]
    assert visit.readiness_history.get().recorded_at == datetime.datetime(2026, 3, 2, 8, 6, tzinfo=OSLO)
    # Kari's undo came 2 minutes after her tap (not 33 minutes after): an undo, not a correction.
    assert Visit.objects.get(participant=kari).undone_at == NOW
    newcomer = Visit.objects.get(participant__name="Zakarias")
    assert newcomer.arrived_at == datetime.datetime(2026, 3, 2, 8, 10, tzinfo=OSLO)
    assert response.json()["results"][4]["arrived_at"] == "2026-03-02T08:10:00+01:00"


def test_the_board_and_the_lottery_order_go_by_the_tap_not_by_the_arrival_of_the_queue(desk, site):
    early, late = ParticipantFactory(site=site, name="Early"), ParticipantFactory(site=site, name="Late")
    # Late checked in online at 08:40; Early's tap at 08:01 comes with the queue afterwards.
    VisitFactory(participant=late, arrived_at=NOW)
    assert _results(_send(desk, [_check_in(desk, early, "tap-early-01", at=_at(8, 1))])) == [("ok", "")]
    assert [visit.participant.name for visit in board_visits(site=site, day=NOW.date())] == ["Early", "Late"]


def test_a_queue_sent_twice_is_applied_once(desk, site):
    ola = ParticipantFactory(site=site)
    queue = [
        _check_in(desk, ola, "tap-ola-0001"),
        _action(desk, "readiness", "tap-ola-0002", _at(8, 6), visit_nonce="tap-ola-0001", status="ready"),
        _action(desk, "register", "tap-new-0001", _at(8, 10), name="Zakarias"),
    ]
    assert _results(_send(desk, queue)) == [("ok", "")] * 3
    before = _counts()  # 2 visits, 1 readiness entry, 2 people, 3 actions
    assert before == (2, 1, 2, 3)
    again = _send(desk, queue).json()["results"]
    assert [(result["status"], result["first_status"]) for result in again] == [("duplicate", "ok")] * 3
    assert _counts() == before


def test_a_check_in_whose_online_request_got_through_is_a_duplicate_not_a_second_visit(desk, site):
    ola = ParticipantFactory(site=site)
    # The tap's request reached the server, but its answer was lost: the tablet queued the same nonce.
    assert desk.post("/checkin/in/", {"participant": ola.pk, "nonce": "tap-ola-0001"}).status_code == 302
    assert _results(_send(desk, [_check_in(desk, ola, "tap-ola-0001")])) == [("duplicate", "")]
    assert Visit.objects.filter(participant=ola).count() == 1


def test_a_person_another_tablet_checked_in_is_refused_and_the_time_told(desk, site):
    ola = ParticipantFactory(site=site)
    VisitFactory(
        participant=ola, nonce="other-tablet-1", arrived_at=datetime.datetime(2026, 3, 2, 8, 2, tzinfo=OSLO)
    )
    queue = [
        _check_in(desk, ola, "tap-ola-0001"),
        _action(desk, "undo", "tap-ola-0002", _at(8, 6), visit_nonce="tap-ola-0001"),
    ]
    results = _send(desk, queue).json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("refused", "already_checked_in"),
        ("refused", "check_in_refused"),  # the other tablet's visit is not this one's to undo
    ]
    assert "08:02" in results[0]["message"]
    assert Visit.objects.get(participant=ola).undone_at is None


def test_actions_from_an_earlier_day_or_from_the_future_are_refused(desk, site):
    ola, kari, per = (ParticipantFactory(site=site) for _ in range(3))
    queue = [
        _check_in(desk, ola, "tap-ola-0001", at=_at(23, 59, day=1)),  # yesterday, 23:59 in Oslo
        _check_in(desk, kari, "tap-kari-001", at=_at(8, 45)),  # 5 minutes ahead of the server
        _check_in(desk, per, "tap-per-0001", at=_at(8, 41)),  # 1 minute ahead: within the skew
    ]
    assert _results(_send(desk, queue)) == [("refused", "stale"), ("refused", "future"), ("ok", "")]
    assert list(Visit.objects.values_list("participant", flat=True)) == [per.pk]
    # Counted as now: an arrival is never after the server received it.
    assert Visit.objects.get().arrived_at == NOW


def test_yesterday_in_oslo_is_refused_even_when_it_is_today_in_utc(desk, site):
    ola = ParticipantFactory(site=site)
    # 23:30 UTC on 1 March is 00:30 on 2 March in Oslo: today, accepted.
    action = _check_in(desk, ola, "tap-ola-0001", at="2026-03-01T23:30:00+00:00")
    assert _results(_send(desk, [action])) == [("ok", "")]
    # 22:30 UTC on 1 March is 23:30 on 1 March in Oslo: yesterday, although the date in UTC is the same.
    kari = ParticipantFactory(site=site)
    action = _check_in(desk, kari, "tap-kari-001", at="2026-03-01T22:30:00+00:00")
    assert _results(_send(desk, [action])) == [("refused", "stale")]


def test_a_locked_session_gets_every_action_refused_and_nothing_applied(desk, site):
    ola = ParticipantFactory(site=site)
    queue = [_check_in(desk, ola, "tap-ola-0001")]
    assert desk.post("/checkin/lock/").status_code == 302
    response = _send(desk, queue)
    assert response.status_code == 423
    assert _results(response) == [("refused", "locked")]
    assert _counts() == (0, 0, 1, 0)


def test_a_logged_out_tablet_gets_every_action_refused_and_nothing_applied(desk, site):
    ola = ParticipantFactory(site=site)
    queue = [_check_in(desk, ola, "tap-ola-0001")]
    desk.post("/logout/")
    response = _send(desk, queue)
    assert response.status_code == 401
    assert _results(response) == [("refused", "logged_out")]
    assert _counts() == (0, 0, 1, 0)


def test_an_action_tapped_in_a_session_that_has_ended_is_refused(desk, site):
    ola = ParticipantFactory(site=site)
    action = _check_in(desk, ola, "tap-ola-0001")
    action["session"] = "a-session-that-was-logged-out"
    assert _results(_send(desk, [action])) == [("refused", "session_ended")]
    assert not Visit.objects.exists()


def test_another_user_unlocking_ends_the_session_for_the_queue(desk, site, staff):
    ola = ParticipantFactory(site=site)
    action = _check_in(desk, ola, "tap-ola-0001")
    desk.force_login(staff[Role.MANAGER])  # what an unlock by another staff member's PIN does
    assert _results(_send(desk, [action])) == [("refused", "session_ended")]


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "check_in", "participant": "1"},
        {"type": "check_in", "participant": 1, "tapped_at": "08:05"},  # no date, no time zone
        {"type": "check_in", "participant": 1, "tapped_at": "2026-03-02T08:05:00"},  # no time zone
        {"type": "fly", "participant": 1},
        {"type": "readiness", "status": "ready"},  # which visit?
        {"type": "readiness", "visit": 1, "status": "tired"},
        {"type": "register", "name": "Ola\x00"},
        {"type": "register", "name": "   "},
        {"type": "check_in", "participant": 1, "nonce": "short"},
        {"type": "check_in", "participant": 1, "nonce": "tap-ola-0001"},  # the first action's nonce again
    ],
)
def test_bad_input_answers_400_and_applies_nothing_not_even_the_good_actions(desk, site, bad):
    ola = ParticipantFactory(site=site)
    good = _check_in(desk, ola, "tap-ola-0001")
    response = _send(
        desk, [good, {"nonce": "tap-bad-0001", "tapped_at": _at(8, 6), "session": _tag(desk)} | bad]
    )
    assert response.status_code == 400
    assert response.json()["index"] == 1 and response.json()["error"]
    assert _counts() == (0, 0, 1, 0)


@pytest.mark.parametrize("body", ["not json", "[]", '{"actions": {}}', '{"actions": "x"}', "\udcff"])
def test_a_body_that_is_not_a_queue_answers_400(desk, site, body):
    response = desk.post(URL, body.encode("utf-8", "surrogateescape"), content_type="application/json")
    assert response.status_code == 400
    assert not TabletAction.objects.exists()


def test_the_sync_is_csrf_protected(staff, site):
    tablet = Client(enforce_csrf_checks=True)
    tablet.force_login(staff[Role.FRONT_DESK])
    ola = ParticipantFactory(site=site)
    response = _send(tablet, [_check_in(tablet, ola, "tap-ola-0001")])
    assert response.status_code == 403
    assert not Visit.objects.exists()


def test_the_sync_refuses_a_role_without_the_check_in_and_the_get_method(client_for, desk, site):
    assert client_for(Role.PAYROLL).post(URL, "{}", content_type="application/json").status_code == 403
    assert desk.get(URL).status_code == 405


def test_an_exclusion_made_while_the_tablet_was_offline_is_told_and_refuses_ready(desk, site):
    ola = ParticipantFactory(site=site)
    ExclusionFactory(
        participant=ola, ends_on=datetime.date(2026, 3, 20), reason=reason("exclusion", "violence")
    )
    queue = [
        _check_in(desk, ola, "tap-ola-0001"),
        _action(desk, "readiness", "tap-ola-0002", _at(8, 6), visit_nonce="tap-ola-0001", status="ready"),
    ]
    results = _send(desk, queue).json()["results"]
    # The visit is recorded (the person came) with the exclusion told; "ready" is refused.
    assert [(r["status"], r["code"]) for r in results] == [("ok", "excluded"), ("refused", "excluded")]
    assert "20.03.2026" in results[0]["message"]
    assert Visit.objects.get().readiness == "unknown"
    # Sent again (the answer was lost): the same answers, the date told again.
    again = _send(desk, queue).json()["results"]
    assert [(r["status"], r["code"], r["first_status"]) for r in again] == [
        ("duplicate", "excluded", "ok"),
        ("duplicate", "excluded", "refused"),
    ]
    assert all("20.03.2026" in r["message"] for r in again)


def test_a_newcomer_who_matches_an_existing_person_is_refused_with_the_candidates(desk, site):
    existing = ParticipantFactory(site=site, name="Kåre", full_name="Kåre Sæter")
    action = _action(desk, "register", "tap-new-0001", _at(8, 10), name="Kåre")
    result = _send(desk, [action]).json()["results"][0]
    assert (result["status"], result["code"]) == ("refused", "matches_existing")
    assert result["similar"] == [{"id": existing.pk, "name": "Kåre"}]
    assert Participant.objects.count() == 1 and not Visit.objects.exists()
    # The front desk decides it is someone else: registered, with the tap time of the decision.
    action = action | {"nonce": "tap-new-0002", "confirm_new": True, "tapped_at": _at(8, 41)}
    assert _results(_send(desk, [action])) == [("ok", "")]
    assert Participant.objects.filter(name="Kåre").count() == 2


def test_a_late_undo_from_the_queue_needs_a_reason_counted_from_the_tap(desk, site):
    ola = ParticipantFactory(site=site)
    visit = VisitFactory(participant=ola, arrived_at=datetime.datetime(2026, 3, 2, 8, 5, tzinfo=OSLO))
    late = _action(desk, "undo", "tap-undo-001", _at(8, 30), visit=visit.pk)
    assert _results(_send(desk, [late])) == [("refused", "reason_needed")]
    visit.refresh_from_db()
    assert visit.undone_at is None
    with_reason = late | {"nonce": "tap-undo-002", "reason": "wrong person"}
    assert _results(_send(desk, [with_reason])) == [("ok", "")]


def test_a_visit_of_another_site_is_not_found(desk, site, other_site):
    elsewhere = VisitFactory(participant=ParticipantFactory(site=other_site))
    action = _action(desk, "undo", "tap-undo-001", _at(8, 30), visit=elsewhere.pk)
    assert _results(_send(desk, [action])) == [("refused", "not_found")]
    person = ParticipantFactory(site=other_site)
    assert _results(_send(desk, [_check_in(desk, person, "tap-other-01")])) == [("refused", "not_found")]


def test_the_participant_page_shows_when_a_queued_check_in_was_received(client_for, desk, site):
    ola = ParticipantFactory(site=site)
    _send(desk, [_check_in(desk, ola, "tap-ola-0001", at=_at(8, 5))])
    body = client_for(Role.MANAGER).get(f"/participants/{ola.pk}/").content.decode()
    assert "08:05" in body and "mottatt 08:40" in body


# --- two tablets at once (PostgreSQL) ---


@pytest.mark.django_db(transaction=True)
def test_two_tablets_offline_with_the_same_person_give_one_visit_and_the_second_is_told(
    on_postgres, site, staff
):
    ola = ParticipantFactory(site=site)
    tablets = [Client(), Client()]
    tablets[0].force_login(staff[Role.FRONT_DESK])
    tablets[1].force_login(staff[Role.MANAGER])
    answers = []

    def sync(number):
        tablet = tablets[number % 2]
        # Each tablet sends its queue five times (retries): one nonce per tablet.
        action = _check_in(tablet, ola, f"tablet-{number % 2}-ola", at=_at(8, 5 + number % 2))
        answers.append(_results(_send(tablet, [action]))[0])

    run_at_once([functools.partial(sync, number) for number in range(10)])
    assert Visit.objects.filter(participant=ola).count() == 1
    # One tablet's first try made the visit and its repeats are duplicates; the other tablet's first
    # try is told the person was checked in already, and its repeats repeat that answer.
    assert sorted(answers) == sorted(
        [("ok", "")]
        + [("duplicate", "")] * 4
        + [("refused", "already_checked_in")]
        + [("duplicate", "already_checked_in")] * 4
    )


def test_not_today_from_the_queue_keeps_its_reason_and_is_refused_without_one(desk, site):
    ola = ParticipantFactory(site=site)
    unwell = reason("readiness", "unwell")
    queue = [
        _check_in(desk, ola, "tap-ola-0001"),
        _action(desk, "readiness", "tap-ola-0002", _at(8, 6), visit_nonce="tap-ola-0001", status="not_today"),
        _action(
            desk,
            "readiness",
            "tap-ola-0003",
            _at(8, 7),
            visit_nonce="tap-ola-0001",
            status="not_today",
            reason=unwell.pk,
        ),
    ]
    assert _results(_send(desk, queue)) == [("ok", ""), ("refused", "reason_needed"), ("ok", "")]
    visit = Visit.objects.get()
    assert (visit.readiness, visit.readiness_reason) == ("not_today", unwell)
    assert visit.readiness_history.count() == 1
