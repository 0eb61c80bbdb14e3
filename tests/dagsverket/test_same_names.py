"""People with the same short name are told apart wherever they are listed (issue 16, item 6)."""

import datetime
import re

import pytest
import time_machine

from dagsverket.roles import Role
from dagsverket.templatetags.people import told_apart
from tests.factories import CustomerFactory, ParticipantFactory, TaskFactory, VisitFactory

MORNING = datetime.datetime(2026, 3, 2, 8, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.mark.parametrize(
    ("name", "full_name", "year", "expected"),
    [
        ("Bjørg", "Bjørg Hansen", 1971, "Bjørg H. (1971)"),
        ("Bjørg", "Bjørg", 1971, "Bjørg (1971)"),
        ("Bjørg", "", None, "Bjørg #7"),
        ("Per", "Per Olsen", 1980, "Per"),  # unique: as it is
    ],
)
def test_a_name_that_is_not_unique_gets_the_surname_initial_and_birth_year(name, full_name, year, expected):
    assert told_apart(name=name, full_name=full_name, birth_year=year, pk=7, duplicates={"bjørg"}) == expected


def test_the_board_and_the_search_tell_two_bjorgs_apart(client_for, site, other_site):
    hansen = ParticipantFactory(
        site=site, name="Bjørg", full_name="Bjørg Hansen", birth_date=None, birth_year=1971
    )
    ParticipantFactory(site=site, name="bjørg", full_name="Bjørg Lie", birth_date=None, birth_year=1985)
    ParticipantFactory(site=other_site, name="Kari")
    ParticipantFactory(site=site, name="Kari", full_name="Kari Berg")  # unique at this site
    VisitFactory(participant=hansen)
    desk = client_for(Role.FRONT_DESK)
    board = desk.get("/checkin/").content.decode()
    assert "Bjørg H. (1971)" in board
    results = desk.get("/checkin/search/", {"q": "bjorg"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Bjørg H. (1971)" in results and "bjørg L. (1985)" in results
    assert "Kari B." not in desk.get("/checkin/search/", {"q": "kari"}).content.decode()


def test_the_leaders_list_and_the_lottery_tell_them_apart(client_for, site):
    for surname in ("Hansen", "Lie"):
        VisitFactory(
            participant=ParticipantFactory(
                site=site, name="Bjørg", full_name=f"Bjørg {surname}", birth_date=None
            ),
            readiness="ready",
        )
    for role, url in ((Role.WORK_LEADER, "/jobs/"), (Role.FRONT_DESK, "/jobs/lottery/")):
        body = client_for(role).get(url).content.decode()
        assert "Bjørg H." in body and "Bjørg L." in body, url


def test_the_drawn_lottery_tells_them_apart_in_its_table_and_in_the_guarantee_list(client_for, site):
    TaskFactory(customer=CustomerFactory(site=site), workers_max=1)
    for surname in ("Hansen", "Lie"):
        VisitFactory(
            participant=ParticipantFactory(
                site=site, name="Bjørg", full_name=f"Bjørg {surname}", birth_date=None, birth_year=1971
            ),
            readiness="ready",
        )
    page = client_for(Role.FRONT_DESK).post("/jobs/lottery/draw/", follow=True).content.decode()
    rows = re.findall(r'<tr data-testid="entry-\d+">(.*?)</tr>', page)
    assert sorted(re.search(r"Bjørg \w\. \(1971\)", row).group() for row in rows) == [
        "Bjørg H. (1971)",
        "Bjørg L. (1971)",
    ]
    assert re.findall(r'<option value="\d+">([^<]*)</option>', page) == ["Bjørg H. (1971)", "Bjørg L. (1971)"]


def test_the_leaders_lottery_page_says_who_draws(client_for, site):
    # the page explains who draws to everyone; a work leader, who cannot draw, is also told that
    # the page only shows the result, and the front desk, who draws, is not
    leader = client_for(Role.WORK_LEADER).get("/jobs/lottery/").content.decode()
    front_desk = client_for(Role.FRONT_DESK).get("/jobs/lottery/").content.decode()
    assert "Resepsjonen og ledere trekker" in leader and "Resepsjonen og ledere trekker" in front_desk
    assert "Du ser resultatet her; resepsjonen eller en leder trekker." in leader
    assert "Du ser resultatet her" not in front_desk
