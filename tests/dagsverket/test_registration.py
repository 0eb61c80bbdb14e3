"""Register and check in (issue 16): one transaction keyed by the nonce, scoped to the site."""

import datetime
import functools

import pytest
import time_machine
from django.test import Client

from dagsverket.models import ActivityLog, Participant, Visit
from dagsverket.roles import Role
from tests.concurrency import run_at_once
from tests.factories import ParticipantFactory, VisitFactory

MORNING = datetime.datetime(2026, 3, 2, 8, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def desk(client_for):
    return client_for(Role.FRONT_DESK)


def test_a_repeated_registration_returns_the_first_person_and_visit(desk, site):
    first = desk.post("/checkin/new/", {"name": "Ola", "nonce": "new-1"}, **HTMX)
    again = desk.post("/checkin/new/", {"name": "Ola", "nonce": "new-1"}, **HTMX)
    assert first.status_code == again.status_code == 200
    assert Participant.objects.count() == 1 and Visit.objects.count() == 1
    assert "Ola var allerede sjekket inn kl. 08:05" in again.content.decode()


def test_two_taps_on_register_as_new_give_one_new_person(desk, site):
    ParticipantFactory(site=site, name="Åse", full_name="Åse Berg")
    for _ in range(2):
        desk.post("/checkin/new/", {"name": "Åse", "confirm_new": "1", "nonce": "q-new"}, **HTMX)
    assert Participant.objects.count() == 2 and Visit.objects.count() == 1


def test_a_failure_after_the_person_is_written_leaves_nothing_behind(desk, site, monkeypatch):
    import dagsverket.services

    def broken(**kwargs):
        raise RuntimeError("the check-in failed")

    monkeypatch.setattr(dagsverket.services, "participant_check_in", broken)
    desk.raise_request_exception = False
    response = desk.post("/checkin/new/", {"name": "Ola", "nonce": "new-1"}, **HTMX)
    assert response.status_code == 500
    assert not Participant.objects.exists() and not Visit.objects.exists()
    assert not ActivityLog.objects.filter(action="participant_register").exists()


# --- the nonce belongs to the site (item 4) ---


def test_a_nonce_used_at_another_site_names_nobody_there(desk, site, other_site):
    VisitFactory(participant=ParticipantFactory(site=other_site, name="Annensted"), nonce="known-1")
    mine = ParticipantFactory(site=site, name="Bjørg")
    response = desk.post("/checkin/in/", {"participant": mine.pk, "nonce": "known-1"}, **HTMX)
    assert response.status_code == 200
    assert "Annensted" not in response.content.decode()
    assert Visit.objects.filter(participant=mine).exists()
    response = desk.post("/checkin/new/", {"name": "Karin", "nonce": "known-1"}, **HTMX)
    assert "Annensted" not in response.content.decode()


def test_a_repeated_nonce_at_the_same_site_still_answers_with_its_visit(desk, site):
    person = ParticipantFactory(site=site, name="Bjørg")
    desk.post("/checkin/in/", {"participant": person.pk, "nonce": "n1"}, **HTMX)
    desk.post("/checkin/in/", {"participant": person.pk, "nonce": "n1"}, **HTMX)
    assert Visit.objects.count() == 1


# --- concurrency (PostgreSQL) ---


@pytest.mark.django_db(transaction=True)
def test_two_tablets_with_ten_simultaneous_registrations_give_one_person_and_one_visit(
    on_postgres, site, staff
):
    tablets = [Client(), Client()]
    tablets[0].force_login(staff[Role.FRONT_DESK])
    tablets[1].force_login(staff[Role.MANAGER])
    statuses = []

    def tap(number):
        # Each tablet shows its own form (its own nonce) and is tapped ten times.
        data = {"name": "Kåre Sæter", "nonce": f"tablet-{number % 2}-new"}
        statuses.append(tablets[number % 2].post("/checkin/new/", data, **HTMX).status_code)

    run_at_once([functools.partial(tap, number) for number in range(20)])
    assert statuses == [200] * 20
    assert Participant.objects.count() == 1
    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_register_as_new_taps_give_one_new_person(on_postgres, site, staff):
    ParticipantFactory(site=site, name="Åse")
    tablets = [Client(), Client()]
    tablets[0].force_login(staff[Role.FRONT_DESK])
    tablets[1].force_login(staff[Role.FRONT_DESK])
    statuses = []

    def tap(number):
        data = {"name": "Åse", "confirm_new": "1", "nonce": "question-1-new"}
        statuses.append(tablets[number % 2].post("/checkin/new/", data, **HTMX).status_code)

    run_at_once([functools.partial(tap, number) for number in range(20)])
    assert statuses == [200] * 20
    assert Participant.objects.count() == 2 and Visit.objects.count() == 1


# --- bad registrations (item 8) ---


def test_a_name_of_only_digits_or_one_letter_is_asked_about_first(desk, site):
    for odd in ("1234", "K"):
        response = desk.post("/checkin/new/", {"name": odd, "nonce": f"odd-{odd}"}, **HTMX)
        assert "bare sifre eller én bokstav" in response.content.decode()
        assert response["HX-Retarget"] == "#search-results"
    assert not Participant.objects.exists()
    desk.post("/checkin/new/", {"name": "K", "confirm_new": "1", "nonce": "odd-K-yes"}, **HTMX)
    assert Participant.objects.get().name == "K" and Visit.objects.count() == 1


def test_the_registration_form_asks_about_a_name_of_only_digits(client_for, site):
    client = client_for(Role.FRONT_DESK)
    response = client.post("/participants/new/", {"name": "42"})
    assert response.status_code == 200 and "bare sifre" in response.content.decode()
    assert not Participant.objects.exists()
    assert client.post("/participants/new/", {"name": "42", "confirm_new": "True"}).status_code == 302


def test_a_phone_number_is_validated_and_stored_normalised(client_for, site):
    client = client_for(Role.FRONT_DESK)
    assert client.post("/participants/new/", {"name": "Kari", "phone": "12"}).status_code == 400
    assert not Participant.objects.exists()
    assert client.post("/participants/new/", {"name": "Kari", "phone": "412 34 567"}).status_code == 302
    assert Participant.objects.get().phone == "+4741234567"


@pytest.mark.parametrize(
    "birth", [{"birth_year": "1899"}, {"birth_year": "2027"}, {"birth_date": "1850-01-01"}]
)
def test_a_birth_year_before_1900_or_in_the_future_is_refused(client_for, site, birth):
    response = client_for(Role.MANAGER).post("/participants/new/", {"name": "Kari", **birth})
    assert response.status_code == 400
    assert not Participant.objects.exists()
