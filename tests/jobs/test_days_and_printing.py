"""Previous and next day on every page that shows a day, bad dates (400), and the printed crews."""

import datetime
import subprocess

import pytest
import time_machine
from django.urls import reverse

from dagsverket.roles import Role
from tests.factories import (
    AssignmentFactory,
    CustomerFactory,
    ParticipantFactory,
    TaskFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 18)  # a Wednesday
YESTERDAY, TOMORROW = "2026-11-17", "2026-11-19"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 11, 18, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


# (role, URL name, whether the page links the next day after today)
DAY_PAGES = [
    (Role.WORK_LEADER, "jobs:today", True),
    (Role.FRONT_DESK, "jobs:board", True),
    (Role.FRONT_DESK, "jobs:lottery", True),
    (Role.FRONT_DESK, "checkin_day", False),  # nobody has arrived tomorrow yet
]


@pytest.mark.parametrize(("role", "name", "links_tomorrow"), DAY_PAGES)
def test_each_day_page_links_the_previous_and_the_next_day(client_for, role, name, links_tomorrow):
    body = client_for(role).get(reverse(name)).content.decode()
    assert f'href="{reverse(name)}?day={YESTERDAY}"' in body
    assert (f'href="{reverse(name)}?day={TOMORROW}"' in body) is links_tomorrow


@pytest.mark.parametrize(("role", "name", "links_tomorrow"), DAY_PAGES)
def test_each_day_page_shows_another_day_with_a_way_back_to_today(client_for, role, name, links_tomorrow):
    response = client_for(role).get(reverse(name), {"day": "2026-11-10"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "10. november 2026" in body
    assert f'href="{reverse(name)}?day=2026-11-09"' in body
    assert f'href="{reverse(name)}?day=2026-11-11"' in body
    assert f'href="{reverse(name)}?day=2026-11-18"' in body  # "Today"


@pytest.mark.parametrize(("role", "name", "links_tomorrow"), DAY_PAGES)
def test_a_bad_date_is_a_400_with_a_message_on_every_day_page(client_for, role, name, links_tomorrow):
    response = client_for(role).get(reverse(name), {"day": "2026-02-30"})
    assert response.status_code == 400
    assert "gyldig dato" in response.content.decode()


def test_no_bad_date_is_a_500(client_for):
    client = client_for(Role.FRONT_DESK)
    # 0001-01-01 has no day before it and 9999-12-31 none after: a pager's date arithmetic overflows
    for bad in ["tomorrow", "0001-01-01", "9999-12-31", "1999-12-31", "18.11.2026"]:
        response = client.get(reverse("jobs:lottery"), {"day": bad})
        assert response.status_code == 400, bad
        assert "gyldig dato" in response.content.decode()
    # A NUL byte is refused before any view (RefuseUnstorableInputMiddleware)
    assert client.get(reverse("jobs:lottery"), {"day": "2026-11-18\x00"}).status_code == 400


def test_the_payroll_day_links_its_neighbours_through_the_same_pager(client_for):
    body = client_for(Role.PAYROLL).get(reverse("payroll:day", kwargs={"day": DAY})).content.decode()
    assert 'data-testid="day-pager"' in body
    assert f'href="/payroll/{YESTERDAY}/"' in body and f'href="/payroll/{TOMORROW}/"' in body
    cash = client_for(Role.PAYROLL).get(reverse("payroll:cash_box", kwargs={"day": DAY})).content.decode()
    assert f'href="/payroll/{YESTERDAY}/cash/"' in cash and 'name="go" value="cash"' in cash


@pytest.mark.parametrize("path", ["/payroll/0001-01-01/", "/payroll/9999-12-31/", "/payroll/2026-02-30/"])
def test_a_payroll_day_past_the_calendar_is_no_page_rather_than_a_crash(client_for, path):
    # Before: 0001-01-01 has no day before it and the pager raised OverflowError (500).
    assert client_for(Role.PAYROLL).get(path).status_code == 404


def test_another_day_on_the_jobs_board_is_read_only(client_for, site):
    visit = VisitFactory(
        participant=ParticipantFactory(site=site), date=datetime.date(2026, 11, 17), readiness="ready"
    )
    task = TaskFactory(customer=CustomerFactory(site=site), date=visit.date)
    AssignmentFactory(visit=visit, task=task)
    body = client_for(Role.WORK_LEADER).get(reverse("jobs:today"), {"day": YESTERDAY}).content.decode()
    assert task.description in body and visit.participant.name in body
    assert reverse("jobs:assign") not in body and "/remove/" not in body


def test_the_board_of_a_day_lists_who_came_in_arrival_order(client_for, site):
    day = datetime.date(2026, 11, 17)
    early = VisitFactory(participant=ParticipantFactory(site=site, name="Åse"), date=day, readiness="ready")
    late = VisitFactory(participant=ParticipantFactory(site=site, name="Birger"), date=day)
    late.arrived_at = early.arrived_at + datetime.timedelta(minutes=20)
    late.save()
    VisitFactory(participant=ParticipantFactory(site=site, name="Cecilie"))  # today: not on the 17th
    body = client_for(Role.FRONT_DESK).get(reverse("checkin_day"), {"day": YESTERDAY}).content.decode()
    assert body.index("Åse") < body.index("Birger")
    assert "Cecilie" not in body
    # 2 arrivals, 1 of them ready
    assert "2 oppmøter" in body and "1 klar for arbeid" in body
    assert "08:15" in body and "08:35" in body


def test_the_check_in_board_links_yesterday_and_the_list_to_print(client_for):
    body = client_for(Role.FRONT_DESK).get(reverse("checkin")).content.decode()
    assert f'href="{reverse("checkin_day")}?day={YESTERDAY}"' in body
    assert f'href="{reverse("checkin_day")}"' in body


# --- the crews PDF ------------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def crews(site, staff):
    customer = CustomerFactory(site=site, name="Borettslaget Lia", contact_phone="73 00 00 00")
    leader = staff[Role.WORK_LEADER]
    leader.first_name, leader.last_name = "Kari", "Leder"
    leader.save()
    snow = TaskFactory(
        customer=customer,
        date=DAY,
        description="Snømåking",
        address="Liaveien 12",
        starts_at=datetime.time(9, 0),
        ends_at=datetime.time(12, 30),
        work_leader=leader,
    )
    garden = TaskFactory(customer=customer, date=DAY, description="Løvraking", address="Parkgata 3")
    TaskFactory(customer=customer, date=datetime.date(2026, 11, 19), description="Neste dag")
    for name, task in [("Åsmund", snow), ("Gunnhild", snow), ("Ragnar", garden)]:
        visit = VisitFactory(
            participant=ParticipantFactory(site=site, name=name), date=DAY, readiness="ready"
        )
        AssignmentFactory(visit=visit, task=task)
    return snow, garden


def test_the_crews_pdf_has_a_page_per_task_with_names_addresses_and_times(client_for, crews):
    response = client_for(Role.WORK_LEADER).get(reverse("jobs:crews_pdf"), {"day": "2026-11-18"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    pages = text.split("\f")
    assert len([page for page in pages if page.strip()]) == 2  # Snømåking and Løvraking, not the 19th
    snow, garden = pages[0], pages[1]
    assert "Snømåking" in snow and "Liaveien 12" in snow and "09:00–12:30" in snow
    assert "Åsmund" in snow and "Gunnhild" in snow and "Ragnar" not in snow
    assert "Kari Leder" in snow and "Borettslaget Lia" in snow and "73 00 00 00" in snow
    assert "Løvraking" in garden and "Parkgata 3" in garden and "Ragnar" in garden
    assert "Neste dag" not in text


def test_the_front_desk_prints_the_crews_too_and_a_bad_day_is_a_400(client_for, crews):
    assert client_for(Role.FRONT_DESK).get(reverse("jobs:crews_pdf")).status_code == 200
    assert client_for(Role.FRONT_DESK).get(reverse("jobs:crews_pdf"), {"day": "18.11"}).status_code == 400


def test_the_crews_pdf_is_refused_to_payroll_and_anonymous(client_for, crews):
    assert client_for(Role.PAYROLL).get(reverse("jobs:crews_pdf")).status_code == 403
    assert client_for(None).get(reverse("jobs:crews_pdf")).status_code == 302
    assert client_for(Role.WORK_LEADER).post(reverse("jobs:crews_pdf")).status_code == 405


def test_the_board_links_the_crews_pdf_of_its_day(client_for, crews):
    body = client_for(Role.WORK_LEADER).get(reverse("jobs:today")).content.decode()
    assert f"{reverse('jobs:crews_pdf')}?day=2026-11-18" in body
