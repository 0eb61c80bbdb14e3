"""The check-in tablet: search, one-tap check-in, newcomers, readiness, undo, the PIN lock."""

import datetime
import functools

import pytest
import time_machine
from django.test import Client

from dagsverket.models import ActivityLog, Participant, ReadinessEntry, Visit
from dagsverket.roles import Role
from dagsverket.selectors import participant_search
from dagsverket.services import (
    DagsverketError,
    participant_check_in,
    staff_pin_set,
    visit_set_readiness,
    visit_undo,
)
from tests.concurrency import run_at_once
from tests.factories import ExclusionFactory, ParticipantFactory, VisitFactory, reason

MORNING = datetime.datetime(2026, 3, 2, 8, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(client_for):
    return client_for(Role.FRONT_DESK)


# --- search ---


def test_search_ignores_accents_and_norwegian_letters(site):
    aase = ParticipantFactory(site=site, name="Åse", full_name="Åse Berg")
    oyvind = ParticipantFactory(site=site, name="Øyvind", full_name="Øyvind Lie")
    assert participant_search(site=site, query="ase") == [aase]
    assert participant_search(site=site, query="oy") == [oyvind]
    assert participant_search(site=site, query="ØYV") == [oyvind]


def test_search_finds_nicknames_and_surnames_and_puts_recent_people_first(site):
    old = ParticipantFactory(
        site=site, name="Per", full_name="Per Olsen", last_seen=datetime.date(2025, 1, 1)
    )
    recent = ParticipantFactory(
        site=site, name="Per", full_name="Per Hansen", last_seen=datetime.date(2026, 3, 1)
    )
    nick = ParticipantFactory(site=site, name="Jon", full_name="Jon Berg", nickname="Perry")
    never = ParticipantFactory(site=site, name="Kasper", full_name="Kasper Lie")  # "per" inside a word
    results = participant_search(site=site, query="per")
    assert results[:2] == [recent, old]
    assert nick in results and never not in results
    assert participant_search(site=site, query="hansen") == [recent]


def test_search_only_shows_people_of_the_current_site(site, other_site):
    ParticipantFactory(site=other_site, name="Åse")
    assert participant_search(site=site, query="ase") == []


def test_the_search_request_answers_with_results_and_a_register_button(desk, site):
    ParticipantFactory(site=site, name="Åse")
    response = desk.get("/checkin/search/", {"q": "ase"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Åse" in body and 'name="name" value="ase"' in body


# --- check-in ---


def test_one_tap_checks_a_person_in_with_time_and_staff_member(desk, site, staff):
    person = ParticipantFactory(site=site)
    response = desk.post("/checkin/in/", {"participant": person.pk, "nonce": "abc-1"}, **HTMX)
    assert response.status_code == 200
    visit = Visit.objects.get()
    assert visit.participant == person and visit.checked_in_by == staff[Role.FRONT_DESK]
    assert visit.arrived_at == MORNING and visit.date == datetime.date(2026, 3, 2)
    assert "er sjekket inn (08:05)" in response.content.decode()
    person.refresh_from_db()
    assert person.last_seen == datetime.date(2026, 3, 2)


def test_a_double_tap_or_second_tablet_shows_the_existing_visit(desk, client_for, site):
    person = ParticipantFactory(site=site)
    desk.post("/checkin/in/", {"participant": person.pk, "nonce": "n1"}, **HTMX)
    desk.post("/checkin/in/", {"participant": person.pk, "nonce": "n1"}, **HTMX)
    response = client_for(Role.MANAGER).post(
        "/checkin/in/", {"participant": person.pk, "nonce": "n2"}, **HTMX
    )
    assert Visit.objects.count() == 1
    assert "var allerede sjekket inn kl. 08:05" in response.content.decode()


def test_checking_in_someone_of_another_site_or_nonsense_is_refused(desk, other_site):
    person = ParticipantFactory(site=other_site)
    assert desk.post("/checkin/in/", {"participant": person.pk}, **HTMX).status_code == 400
    assert desk.post("/checkin/in/", {"participant": "x"}).status_code == 400
    # Ids no database column holds (the person is read by a query written out, not the ORM's, which
    # would have answered "nobody" for them itself).
    for beyond in (2**63, -(2**63) - 1, 10**30):
        assert desk.post("/checkin/in/", {"participant": beyond}, **HTMX).status_code == 400
    assert not Visit.objects.exists()


def test_an_excluded_person_is_recorded_as_come_but_cannot_be_put_to_work(desk, site):
    person = ParticipantFactory(site=site)
    ExclusionFactory(participant=person, ends_on=datetime.date(2026, 3, 20))
    response = desk.post("/checkin/in/", {"participant": person.pk}, **HTMX)
    assert "Utestengt til 20.03.2026: kan ikke settes i arbeid" in response.content.decode()
    assert "Utestengt til 20.3." in response.content.decode()
    visit = Visit.objects.get()
    with pytest.raises(DagsverketError) as error:
        visit_set_readiness(visit=visit, status="ready", by=None)
    assert error.value.code == "excluded"
    # The same date as the check-in's answer says it (once "20. mars 2026" here, beside
    # "20.03.2026" there, in one list of the offline queue's conflicts).
    assert "Utestengt til 20.03.2026: kan ikke settes i arbeid" in error.value.message
    visit_set_readiness(visit=visit, status="not_today", reason=reason(), by=None)


def test_register_and_check_in_a_newcomer_in_one_step(desk, site):
    response = desk.post("/checkin/new/", {"name": "Ola", "nonce": "new-1"}, **HTMX)
    assert response.status_code == 200
    assert Participant.objects.get().name == "Ola"
    assert Visit.objects.get().participant.name == "Ola"


def test_a_newcomer_similar_to_someone_known_is_asked_about_first(desk, site):
    ParticipantFactory(site=site, name="Åse", full_name="Åse Berg")
    response = desk.post("/checkin/new/", {"name": "ase"}, **HTMX)
    assert (
        "Is this the same person" in response.content.decode() or "samme person" in response.content.decode()
    )
    assert Participant.objects.count() == 1
    desk.post("/checkin/new/", {"name": "ase", "confirm_new": "1"}, **HTMX)
    assert Participant.objects.count() == 2 and Visit.objects.count() == 1


def test_registering_without_a_name_is_refused(desk):
    assert desk.post("/checkin/new/", {"name": "  "}, **HTMX).status_code == 400
    assert not Participant.objects.exists()


# --- undo ---


def test_undo_within_ten_minutes_keeps_the_visit_marked_and_logged(desk, site, _morning):
    visit = VisitFactory(participant=ParticipantFactory(site=site), arrived_at=MORNING)
    _morning.shift(datetime.timedelta(minutes=9))
    assert desk.post(f"/checkin/visit/{visit.pk}/undo/", **HTMX).status_code == 200
    visit.refresh_from_db()
    assert visit.undone_at is not None
    assert ActivityLog.objects.filter(action="undo_check_in").exists()
    # the person can be checked in again the same day
    participant_check_in(participant=visit.participant, site=site, by=None)
    assert Visit.objects.filter(undone_at__isnull=True).count() == 1


def test_after_ten_minutes_undo_is_a_correction_that_needs_a_reason(desk, site, _morning):
    visit = VisitFactory(participant=ParticipantFactory(site=site), arrived_at=MORNING)
    _morning.shift(datetime.timedelta(minutes=11))
    assert desk.post(f"/checkin/visit/{visit.pk}/undo/", **HTMX).status_code == 400
    visit.refresh_from_db()
    assert visit.undone_at is None
    desk.post(f"/checkin/visit/{visit.pk}/undo/", {"reason": "Wrong person"}, **HTMX)
    visit.refresh_from_db()
    assert visit.undo_reason == "Wrong person"
    assert ActivityLog.objects.filter(action="correct_check_in").exists()
    with pytest.raises(DagsverketError):
        visit_undo(visit=visit, by=None, reason="again")


# --- readiness ---


def test_readiness_in_one_tap_and_not_today_with_a_coded_reason_keeps_history(desk, site):
    visit = VisitFactory(participant=ParticipantFactory(site=site))
    assert desk.post(f"/checkin/visit/{visit.pk}/readiness/", {"choice": "ready"}, **HTMX).status_code == 200
    unwell = reason("readiness", "unwell")
    desk.post(f"/checkin/visit/{visit.pk}/readiness/", {"choice": f"not_today:{unwell.pk}"}, **HTMX)
    visit.refresh_from_db()
    assert (visit.readiness, visit.readiness_reason) == ("not_today", unwell)
    assert list(ReadinessEntry.objects.filter(visit=visit).values_list("status", flat=True)) == [
        "ready",
        "not_today",
    ]


def test_not_today_without_a_reason_or_a_bad_choice_is_refused(desk, site):
    visit = VisitFactory(participant=ParticipantFactory(site=site))
    assert (
        desk.post(f"/checkin/visit/{visit.pk}/readiness/", {"choice": "not_today"}, **HTMX).status_code == 400
    )
    assert desk.post(f"/checkin/visit/{visit.pk}/readiness/", {"choice": "drunk"}, **HTMX).status_code == 400
    excl = reason("exclusion", "other")
    assert (
        desk.post(
            f"/checkin/visit/{visit.pk}/readiness/", {"choice": f"not_today:{excl.pk}"}, **HTMX
        ).status_code
        == 400
    )
    assert not ReadinessEntry.objects.exists()


def test_notes_and_checks_are_kept_only_where_the_site_switches_them_on(site):
    visit = VisitFactory(participant=ParticipantFactory(site=site))
    visit_set_readiness(visit=visit, status="ready", by=None, note="secret", safety_briefing=True)
    entry = ReadinessEntry.objects.get()
    assert entry.note == "" and entry.safety_briefing is None
    site.readiness_notes = site.readiness_checks = True
    site.save()
    visit.site.refresh_from_db()
    visit_set_readiness(visit=visit, status="light", by=None, note="knee", safety_briefing=True)
    entry = ReadinessEntry.objects.latest("pk")
    assert entry.note == "knee" and entry.safety_briefing is True


def test_reading_readiness_notes_is_logged_and_hidden_from_work_leaders(client_for, site):
    from dagsverket.models import AccessLog

    site.readiness_notes = True
    site.save()
    visit = VisitFactory(participant=ParticipantFactory(site=site))
    visit.site.refresh_from_db()
    visit_set_readiness(visit=visit, status="light", by=None, note="sore knee")
    leader = client_for(Role.WORK_LEADER).get(f"/participants/{visit.participant_id}/")
    assert "sore knee" not in leader.content.decode()
    desk = client_for(Role.FRONT_DESK).get(f"/participants/{visit.participant_id}/")
    assert "sore knee" in desk.content.decode()
    assert AccessLog.objects.filter(what="readiness_notes").count() == 1


# --- the board ---


def test_the_board_shows_the_lottery_outcome_and_the_task(desk, site):
    from jobs.models import Outcome
    from tests.factories import AssignmentFactory, LotteryDrawFactory, LotteryEntryFactory

    drawn = VisitFactory(participant=ParticipantFactory(site=site, name="Drawn"), arrived_at=MORNING)
    unlucky = VisitFactory(participant=ParticipantFactory(site=site, name="Unlucky"), arrived_at=MORNING)
    draw = LotteryDrawFactory(site=site, date=drawn.date)
    LotteryEntryFactory(draw=draw, visit=drawn, outcome=Outcome.DRAWN)
    LotteryEntryFactory(draw=draw, visit=unlucky, outcome=Outcome.NOT_DRAWN)
    AssignmentFactory(
        visit=drawn, task__customer__site=site, task__date=drawn.date, task__description="Vedhogst"
    )
    body = desk.get("/checkin/").content.decode()
    drawn_row = body[body.index(f'id="visit-{drawn.pk}"') :][:3000]
    unlucky_row = body[body.index(f'id="visit-{unlucky.pk}"') :][:3000]
    assert "Trukket" in drawn_row and "Vedhogst" in drawn_row
    assert "Ikke trukket" in unlucky_row


def test_the_board_lists_todays_arrivals_newest_first_in_a_fixed_number_of_queries(
    desk, site, django_assert_num_queries
):
    for minute in (30, 10, 20):
        VisitFactory(
            participant=ParticipantFactory(site=site, name=f"P{minute}"),
            arrived_at=MORNING.replace(minute=minute),
        )
    VisitFactory(participant=ParticipantFactory(site=site, name="Yesterday"), date=datetime.date(2026, 3, 1))
    desk.get("/checkin/")  # warm the session
    # session with user, sites, permissions, board version, visits, exclusions, lottery entries, tasks,
    # reasons, names not unique at the site
    with django_assert_num_queries(8):
        response = desk.get("/checkin/")
    body = response.content.decode()
    assert body.index("P30") < body.index("P20") < body.index("P10")
    assert 'id="board-unassessed">3<' in body
    assert "Yesterday" not in body
    ParticipantFactory(site=site)
    VisitFactory(participant=ParticipantFactory(site=site), arrived_at=MORNING.replace(minute=40))
    with django_assert_num_queries(8):
        desk.get("/checkin/")


def test_a_new_check_in_answers_with_only_its_row_in_a_fixed_number_of_queries(
    desk, site, django_assert_num_queries
):
    early = ParticipantFactory(site=site, name="Early")
    desk.post("/checkin/in/", {"participant": early.pk, "nonce": "early"}, **HTMX)
    # session with user, sites, permissions, participant (with its exclusion, whether its name is
    # shared at the site and the readiness reasons for the buttons), the four rows written (visit,
    # its history, last seen, activity log: with BEGIN and COMMIT around them on SQLite, in one
    # statement on PostgreSQL): however many have arrived before (it was 12: the exclusion and the
    # site's shared names were read apart, and then 4 and 9, with the reasons apart)
    from django.db import connection

    for number in range(2):
        person = ParticipantFactory(site=site, name=f"Late{number}")
        with django_assert_num_queries(3 if connection.vendor == "postgresql" else 8):
            response = desk.post("/checkin/in/", {"participant": person.pk, "nonce": f"late{number}"}, **HTMX)
        VisitFactory.create_batch(5, site=site)
    body = response.content.decode()
    assert response["HX-Retarget"] == "#board-list" and response["HX-Reswap"] == "afterbegin"
    assert body.count('class="board-row') == 1 and "Late1" in body and "Early" not in body
    # The confirmation replaces the board's message line, out of band.
    assert 'id="board-flash"' in body and 'hx-swap-oob="true"' in body and "Late1 er sjekket inn" in body
    assert f"/checkin/visit/{Visit.objects.get(participant__name='Late1').pk}/readiness/" in body


def test_an_open_board_is_replaced_only_when_something_happened_at_the_site(
    desk, client_for, site, other_site, django_assert_num_queries
):
    person = ParticipantFactory(site=site, name="Kari")
    board = desk.get("/checkin/").content.decode()
    version = board.split("?v=", 1)[1].split('"', 1)[0]
    poll = {"v": version}
    assert desk.get("/checkin/", poll, **HTMX).status_code == 204
    # Something at another site changes nothing here.
    participant_check_in(participant=ParticipantFactory(site=other_site), site=other_site, by=None)
    assert desk.get("/checkin/", poll, **HTMX).status_code == 204
    # A second tablet checks Kari in: the next poll brings the board with her on it and a new version.
    client_for(Role.MANAGER).post("/checkin/in/", {"participant": person.pk, "nonce": "k"}, **HTMX)
    # The version is read once: the same queries as opening the board.
    with django_assert_num_queries(8):
        response = desk.get("/checkin/", poll, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="board"' in body and "Kari" in body and f"?v={version}" not in body
    new_version = body.split("?v=", 1)[1].split('"', 1)[0]
    assert desk.get("/checkin/", {"v": new_version}, **HTMX).status_code == 204
    # Nonsense versions get the board, never an error.
    assert desk.get("/checkin/", {"v": "x"}, **HTMX).status_code == 200


# --- PIN switch and idle lock ---


def test_the_board_passes_the_sites_idle_time_to_the_lock_script(desk, site):
    site.idle_lock_minutes = 3
    site.save()
    body = desk.get("/checkin/").content.decode()
    assert 'data-idle-lock-minutes="3"' in body and "js/checkin.js" in body
    assert "<script>" not in body


def test_a_locked_tablet_shows_no_personal_data_until_a_pin_is_given(desk, client_for, staff, site):
    VisitFactory(participant=ParticipantFactory(site=site, name="Hemmelig"))
    staff_pin_set(user=staff[Role.FRONT_DESK], pin="2468")
    staff_pin_set(user=staff[Role.MANAGER], pin="1357")
    assert desk.post("/checkin/lock/").status_code == 302
    for url in ("/checkin/", "/checkin/search/?q=hem"):
        response = desk.get(url, follow=True)
        assert "Hemmelig" not in response.content.decode()
        assert response.redirect_chain[-1][0] == "/checkin/locked/"
    assert desk.get("/checkin/search/?q=hem", **HTMX)["HX-Redirect"] == "/checkin/locked/"
    wrong = desk.post("/checkin/locked/", {"user": staff[Role.MANAGER].pk, "pin": "2468"})
    assert wrong.status_code == 400
    assert desk.post("/checkin/locked/", {"user": "x", "pin": "2468"}).status_code == 400
    # the manager switches user with their own PIN, no password
    response = desk.post("/checkin/locked/", {"user": staff[Role.MANAGER].pk, "pin": "1357"}, follow=True)
    assert "Hemmelig" in response.content.decode()
    assert response.context["user"] == staff[Role.MANAGER]


def test_a_pin_must_have_four_to_six_digits(desk, staff):
    assert desk.post("/checkin/pin/", {"pin": "12a4"}).status_code == 400
    assert desk.post("/checkin/pin/", {"pin": "123"}).status_code == 400
    assert desk.post("/checkin/pin/", {"pin": "1234"}).status_code == 302
    assert staff[Role.FRONT_DESK].pin.pin_hash != "1234"


# --- access ---


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/checkin/"),
        ("get", "/checkin/search/?q=a"),
        ("post", "/checkin/in/"),
        ("post", "/checkin/new/"),
        ("post", "/checkin/visit/1/readiness/"),
        ("post", "/checkin/visit/1/undo/"),
        ("post", "/checkin/lock/"),
    ],
)
def test_checkin_screens_need_login_and_the_front_desk_role(client_for, method, url):
    assert getattr(client_for(None), method)(url).status_code == 302
    assert getattr(client_for(Role.PAYROLL), method)(url).status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/checkin/"),
        ("post", "/checkin/search/"),
        ("get", "/checkin/in/"),
        ("get", "/checkin/new/"),
        ("get", "/checkin/lock/"),
    ],
)
def test_checkin_screens_reject_the_wrong_method(desk, method, url):
    assert getattr(desk, method)(url).status_code == 405


# --- concurrency (PostgreSQL) ---


@pytest.mark.django_db(transaction=True)
def test_two_tablets_with_twenty_simultaneous_taps_give_exactly_one_visit(on_postgres, site, staff):
    person = ParticipantFactory(site=site)
    tablets = [Client(), Client()]
    tablets[0].force_login(staff[Role.FRONT_DESK])
    tablets[1].force_login(staff[Role.MANAGER])
    statuses = []

    def tap(client, number):
        data = {"participant": person.pk, "nonce": f"tap-{number % 3}"}
        statuses.append(client.post("/checkin/in/", data, **HTMX).status_code)

    run_at_once([functools.partial(tap, tablets[number % 2], number) for number in range(40)])
    assert statuses == [200] * 40
    assert Visit.objects.filter(participant=person).count() == 1


def test_ids_above_a_thousand_are_never_written_with_a_thousand_separator(desk, site):
    person = ParticipantFactory(site=site, name="Åse", id=12345)
    body = desk.get("/checkin/search/", {"q": "ase"}, **HTMX).content.decode()
    assert 'value="12345"' in body and "-12345" in body
    VisitFactory(participant=person, id=23456)
    assert "/checkin/visit/23456/readiness/" in desk.get("/checkin/").content.decode()


def test_without_htmx_a_check_in_redirects_to_the_board_with_the_confirmation(desk, site):
    person = ParticipantFactory(site=site, name="Åse")
    ExclusionFactory(participant=person, ends_on=datetime.date(2026, 3, 20))
    response = desk.post("/checkin/in/", {"participant": person.pk}, follow=True)
    assert response.redirect_chain[0] == ("/checkin/", 302)
    body = response.content.decode()
    assert "Åse er sjekket inn (08:05)" in body and "Utestengt til 20.03.2026" in body
