"""The shared tablet's lock (issue 16): it holds for the whole session, the PIN cannot be guessed,
and unlocking gives the front-desk screens only."""

import pytest
from django.test import Client

from dagsverket.models import ActivityLog, Participant
from dagsverket.roles import Role
from dagsverket.services import staff_pin_set
from tests.factories import ParticipantFactory, UserFactory, VisitFactory
from tests.test_role_matrix import MATRIX, _url, shared_world, world  # noqa: F401 - fixtures

HTMX = {"HTTP_HX_REQUEST": "true"}
LOCKED = "/checkin/locked/"
# What a locked tablet may still do: show the lock screen (and unlock there) and log out. The offline
# queue's sync answers a locked session itself: every action refused as "locked" (test_tablet_sync).
OPEN_WHILE_LOCKED = {"checkin_locked", "logout", "checkin_sync"}


def _locked_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    assert client.post("/checkin/lock/").status_code == 302
    return client


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.MANAGER])
def test_a_locked_session_gets_the_lock_screen_on_every_url_of_the_role_matrix(world, role):  # noqa: F811
    client = _locked_client(world["staff"][role])
    person = Participant.objects.get()
    written = ActivityLog.objects.count()
    answered = []
    for name, (method, _allowed, _anonymous) in MATRIX.items():
        if name in OPEN_WHILE_LOCKED:
            continue
        url = _url(name, world)
        response = getattr(client, method)(url, {"name": "Overwritten"})
        if response.status_code != 302 or response.url != LOCKED:
            answered.append(f"{method} {url}: {response.status_code}")
        htmx = getattr(client, method)(url, **HTMX)
        if htmx.get("HX-Redirect") != LOCKED:
            answered.append(f"htmx {method} {url}: {htmx.status_code}")
    assert answered == []
    person.refresh_from_db()
    assert person.name != "Overwritten"
    assert ActivityLog.objects.count() == written


def test_the_lock_screen_shows_no_menu_and_no_participant_data(client_for, staff, site):
    VisitFactory(participant=ParticipantFactory(site=site, name="Hemmelig"))
    client = _locked_client(staff[Role.MANAGER])
    body = client.get(LOCKED).content.decode()
    assert "Hemmelig" not in body
    assert "mainmenu" not in body and "/participants/" not in body and "/payroll/" not in body
    assert 'action="/logout/"' in body


def test_every_page_of_a_front_desk_session_runs_the_idle_timer(client_for, site):
    site.idle_lock_minutes = 3
    site.save()
    desk = client_for(Role.FRONT_DESK)
    person = ParticipantFactory(site=site)
    for url in ("/checkin/", f"/participants/{person.pk}/", "/attendance/", "/jobs/lottery/"):
        body = desk.get(url).content.decode()
        assert 'data-idle-lock-minutes="3"' in body, url
        assert 'id="idle-lock-form"' in body and "js/app.js" in body
    # Someone who cannot use the tablet has no tablet lock.
    assert "data-idle-lock-minutes" not in client_for(Role.PAYROLL).get("/payroll/").content.decode()


def test_every_page_for_a_logged_in_user_says_no_store(client_for, site):
    desk = client_for(Role.FRONT_DESK)
    person = ParticipantFactory(site=site)
    for url in ("/checkin/", f"/participants/{person.pk}/", "/attendance/", LOCKED):
        assert "no-store" in desk.get(url)["Cache-Control"], url
    assert "no-store" in desk.get("/checkin/search/?q=a", **HTMX)["Cache-Control"]


# --- unlocking: PIN limits, the password, who may unlock, what a PIN opens ---


def _unlock(client, user, **data):
    return client.post(LOCKED, {"user": user.pk, **data})


def _log(action, **data):
    return ActivityLog.objects.filter(action=action, **{f"data__{k}": v for k, v in data.items()})


def test_five_wrong_pins_lock_a_staff_members_pin_until_their_password_unlocks(staff, settings):
    desk = staff[Role.FRONT_DESK]
    staff_pin_set(user=desk, pin="2468")
    tablet = _locked_client(desk)
    for _ in range(settings.TABLET_PIN_TRIES_PER_STAFF):
        assert _unlock(tablet, desk, pin="1111").status_code == 400
    response = _unlock(tablet, desk, pin="2468")  # the right PIN, too late
    assert response.status_code == 400
    assert "PIN-koden er sperret" in response.content.decode()
    assert 'name="pin"' not in response.content.decode()  # the password form comes first
    assert _log("tablet_unlock_failed", method="pin", reason="wrong").count() == 5
    assert _log("tablet_pin_locked_out", scope="staff").count() == 1
    assert _log("tablet_unlock_failed", reason="locked_out").count() == 1
    # A new tablet session does not help: the limit is the staff member's.
    assert _unlock(_locked_client(desk), desk, pin="2468").status_code == 400
    assert _unlock(tablet, desk, password="wrong").status_code == 400
    assert _log("tablet_unlock_failed", method="password").count() == 1
    assert _unlock(tablet, desk, password="demo").status_code == 302
    assert _log("tablet_unlock", method="password").count() == 1
    # After the password the PIN works again.
    tablet.post("/checkin/lock/")
    assert _unlock(tablet, desk, pin="2468").status_code == 302
    assert _log("tablet_unlock", method="pin").count() == 1


def test_ten_wrong_pins_in_one_tablet_session_lock_its_pin_pad(staff, site, settings):
    desks = [staff[Role.FRONT_DESK], staff[Role.MANAGER], UserFactory(role=Role.FRONT_DESK, site=site)]
    for member in desks:
        staff_pin_set(user=member, pin="2468")
    tablet = _locked_client(desks[0])
    for number in range(settings.TABLET_PIN_TRIES_PER_SESSION):  # under each person's own limit
        assert _unlock(tablet, desks[number % 3], pin="1111").status_code == 400
    response = _unlock(tablet, desks[2], pin="2468")
    assert response.status_code == 400
    assert "PIN-tastaturet er sperret" in response.content.decode()
    assert _log("tablet_pin_locked_out", scope="session").count() == 1
    assert _log("tablet_unlock_failed", reason="session_locked_out").count() == 1
    assert _unlock(tablet, desks[2], password="demo").status_code == 302


def test_only_front_desk_staff_of_this_site_may_unlock(staff, site, other_site):
    payroll = staff[Role.PAYROLL]
    elsewhere = UserFactory(role=Role.FRONT_DESK, site=other_site)
    for member in (payroll, elsewhere):
        staff_pin_set(user=member, pin="2468")
    tablet = _locked_client(staff[Role.FRONT_DESK])
    body = tablet.get(LOCKED).content.decode()
    assert payroll.get_full_name() not in body and elsewhere.get_full_name() not in body
    for member in (payroll, elsewhere):
        assert _unlock(tablet, member, pin="2468").status_code == 400
        assert _unlock(tablet, member, password="demo").status_code == 400
    assert tablet.get("/participants/").url == LOCKED
    assert _log("tablet_unlock_failed").count() == 4 and not _log("tablet_unlock").exists()


def test_a_manager_who_unlocks_with_a_pin_gets_the_front_desk_screens_only(staff, site):
    manager = staff[Role.MANAGER]
    staff_pin_set(user=manager, pin="1357")
    tablet = _locked_client(staff[Role.FRONT_DESK])
    response = _unlock(tablet, manager, pin="1357")
    assert response.status_code == 302
    board = tablet.get("/checkin/")
    assert board.status_code == 200 and board.context["user"] == manager
    assert tablet.get("/participants/").status_code == 200
    for url in ("/manage/", "/payroll/", "/manage/reasons/", "/evaluation/", "/jobs/customers/"):
        assert tablet.get(url).status_code == 403, url
    assert tablet.get("/").url == "/checkin/"
    assert "/manage/" not in board.content.decode() and "/payroll/" not in board.content.decode()
    # Their password opens the rest.
    tablet.post("/checkin/lock/")
    assert _unlock(tablet, manager, password="demo").status_code == 302
    assert tablet.get("/manage/").status_code == 200
