"""The leader's lottery page and the board: one set of place numbers, who draws, controls."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from dagsverket.roles import Role
from jobs.models import DayPlan
from jobs.services import lottery_draw
from tests.factories import AssignmentFactory, CustomerFactory, ParticipantFactory, TaskFactory, VisitFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 11, 18, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _stat(body: str, testid: str) -> int:
    return int(re.search(rf'data-testid="{testid}">(\d+)<', body).group(1))


@pytest.fixture
def morning(site):
    """Tasks with room for 10 + 7 = 17 people; 15 places set by hand; 20 ready, 2 on a task,
    1 not yet assessed."""
    customer = CustomerFactory(site=site)
    snow = TaskFactory(customer=customer, date=DAY, workers_max=10)
    TaskFactory(customer=customer, date=DAY, workers_max=7)
    DayPlan.objects.create(site=site, date=DAY, places=15)
    visits = [
        VisitFactory(participant=ParticipantFactory(site=site), date=DAY, readiness="ready")
        for _ in range(20)
    ]
    VisitFactory(participant=ParticipantFactory(site=site), date=DAY)  # not yet assessed
    for visit in visits[:2]:
        AssignmentFactory(visit=visit, task=snow)
    return visits


def test_the_board_never_shows_more_places_left_than_places(client_for, morning):
    body = client_for(Role.WORK_LEADER).get(reverse("jobs:today")).content.decode()
    # Before: "15 places" next to "17 free places on tasks" (10 - 2 + 7 = 15 on the tasks, in fact).
    # Now: 15 places; 2 on a task; 15 - 2 = 13 left; the tasks' 17 only in the note that explains it.
    assert _stat(body, "places") == 15
    assert _stat(body, "assigned") == 2
    assert _stat(body, "places-left") == 13
    note = re.search(r'data-testid="places-note">([^<]+)<', body).group(1)
    assert "17" in note and "15" in note
    assert "ledige plasser på oppdrag" not in body


def test_the_lottery_page_shows_the_same_places_and_who_is_in_the_draw(client_for, morning):
    body = client_for(Role.WORK_LEADER).get(reverse("jobs:lottery")).content.decode()
    assert _stat(body, "places") == 15
    assert _stat(body, "pool") == 20  # 20 ready; the 21st is not assessed and not in the draw
    assert "1 til er ikke klar eller ikke vurdert ennå." in body
    assert "Resepsjonen og ledere trekker" in body
    assert "Du ser resultatet her" in body  # a work leader does not draw
    assert 'data-testid="draw"' not in body


def test_the_front_desk_gets_controls_that_look_like_buttons(client_for, morning):
    body = client_for(Role.FRONT_DESK).get(reverse("jobs:lottery")).content.decode()
    assert re.search(r'<summary class="button button-secondary" data-testid="places-control">', body)
    assert re.search(r'<summary class="button button-secondary" data-testid="guarantee-control">', body)
    assert "summen av dagens oppdragsplasser (17)" in body


def test_a_draw_for_other_places_than_now_says_so(client_for, site, staff, morning):
    lottery_draw(site=site, day=DAY, by=staff[Role.FRONT_DESK])
    page = client_for(Role.FRONT_DESK).get(reverse("jobs:lottery")).content.decode()
    assert 'data-testid="drawn-places"' not in page  # drawn for the 15 places that still hold
    DayPlan.objects.filter(site=site, date=DAY).update(places=None)  # back to the tasks' 17
    page = client_for(Role.FRONT_DESK).get(reverse("jobs:lottery")).content.decode()
    assert _stat(page, "places") == 17
    notice = re.search(r'data-testid="drawn-places">([^<]+)<', page).group(1)
    assert "15 plasser" in notice


def test_the_managers_day_shows_the_days_places_not_the_sites_default(client_for, morning):
    body = client_for(Role.MANAGER).get(reverse("manage_today")).content.decode()
    # The site's default is 18 (the factory); the lottery draws 15 today.
    assert "plasser per dag" not in body
    assert re.search(r'<span class="stat-value">15</span><span class="stat-label">plasser i dag', body)
