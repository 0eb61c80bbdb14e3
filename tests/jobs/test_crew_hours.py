"""Hours for a crew in one go, with exceptions per person, and the confirmation before sign-off."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from dagsverket.models import ActivityLog
from dagsverket.roles import Role
from jobs.models import Assignment
from tests.factories import AssignmentFactory, CustomerFactory, ParticipantFactory, TaskFactory, VisitFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 11, 18, 14, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def crew(site):
    """Three people on a 09:00-13:00 task (30 minutes' break: 3.50 hours each)."""
    task = TaskFactory(customer=CustomerFactory(site=site), date=DAY, description="Snømåking")
    people = []
    for name in ["Åsmund", "Gunnhild", "Ragnar"]:
        visit = VisitFactory(
            participant=ParticipantFactory(site=site, name=name), date=DAY, readiness="ready"
        )
        people.append(AssignmentFactory(visit=visit, task=task))
    return task, people


def _post(client, task, same, exceptions=None):
    data = {"crew-starts_at": same[0], "crew-ends_at": same[1], "crew-break_minutes": same[2]}
    for assignment, (start, end, breaks) in (exceptions or {}).items():
        prefix = f"x{assignment.pk}"
        data |= {f"{prefix}-differs": "on", f"{prefix}-starts_at": start, f"{prefix}-ends_at": end}
        data[f"{prefix}-break_minutes"] = breaks
    return client.post(reverse("jobs:task_crew_hours", args=[task.pk]), data)


def _hours(people):
    return [str(Assignment.objects.get(pk=a.pk).hours) for a in people]


def test_the_whole_crew_gets_the_same_hours_and_one_person_other_hours(client_for, crew):
    task, people = crew
    response = _post(
        client_for(Role.WORK_LEADER), task, ("08:00", "14:00", "30"), {people[1]: ("10:00", "14:00", "0")}
    )
    assert response.status_code == 302
    # 08:00-14:00 less 30 minutes = 5.50; Gunnhild 10:00-14:00 without a break = 4.00
    assert _hours(people) == ["5.50", "4.00", "5.50"]
    assert ActivityLog.objects.filter(action="hours_set").count() == 3


def test_an_unticked_exception_with_times_counts_for_nothing(client_for, crew):
    task, people = crew
    client = client_for(Role.WORK_LEADER)
    data = {"crew-starts_at": "09:00", "crew-ends_at": "12:00", "crew-break_minutes": "0"}
    data |= {f"x{people[0].pk}-starts_at": "07:00", f"x{people[0].pk}-ends_at": "15:00"}
    assert client.post(reverse("jobs:task_crew_hours", args=[task.pk]), data).status_code == 302
    assert _hours(people) == ["3.00", "3.00", "3.00"]  # 09:00-12:00, no break


def test_bad_input_is_a_400_and_nothing_is_written(client_for, crew):
    task, people = crew
    client = client_for(Role.WORK_LEADER)
    before = _hours(people)
    assert _post(client, task, ("13:00", "09:00", "0")).status_code == 400  # the end before the start
    missing = _post(client, task, ("09:00", "12:00", "0"), {people[2]: ("10:00", "", "0")})
    assert missing.status_code == 400 and "påkrevet" in missing.content.decode()
    assert _post(client, task, ("kl 9", "", "-5")).status_code == 400
    assert _hours(people) == before and not ActivityLog.objects.filter(action="hours_set").exists()


def test_an_error_for_one_person_writes_no_one_and_names_the_person(client_for, site, crew):
    task, people = crew
    # Ragnar also works 12:00-15:00 on another task: 09:00-13:00 here overlaps it.
    other = TaskFactory(
        customer=task.customer, date=DAY, starts_at=datetime.time(12), ends_at=datetime.time(15)
    )
    AssignmentFactory(visit=people[2].visit, task=other)
    response = _post(client_for(Role.WORK_LEADER), task, ("09:00", "13:00", "15"))
    assert response.status_code == 400
    assert "Ragnar: " in response.content.decode()
    assert _hours(people) == ["3.50", "3.50", "3.50"]  # as the factory made them


def test_crew_hours_are_for_work_leaders_and_managers_only(client_for, crew):
    task, people = crew
    assert _post(client_for(Role.FRONT_DESK), task, ("09:00", "12:00", "0")).status_code == 403
    assert _post(client_for(None), task, ("09:00", "12:00", "0")).status_code == 302
    assert (
        client_for(Role.WORK_LEADER).get(reverse("jobs:task_crew_hours", args=[task.pk])).status_code == 405
    )
    assert _hours(people) == ["3.50", "3.50", "3.50"]


def test_signing_off_asks_first_with_the_hours_and_their_total(client_for, crew):
    task, people = crew
    client = client_for(Role.WORK_LEADER)
    url = reverse("jobs:task_sign_off", args=[task.pk])
    page = client.post(url)
    assert page.status_code == 200
    body = page.content.decode()
    # 3 x 3.50 = 10.50 (shown as 10,50)
    assert 'data-testid="sign-off-total">10,50<' in body and "Ja, godkjenn timene" in body
    task.refresh_from_db()
    assert not task.is_signed_off
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    task.refresh_from_db()
    assert task.is_signed_off
    # Signed off: no crew hours any more, only corrections
    assert _post(client, task, ("09:00", "12:00", "0")).status_code == 400
    assert _hours(people) == ["3.50", "3.50", "3.50"]


def test_the_hours_page_offers_the_crew_form_until_sign_off(client_for, crew):
    task, people = crew
    client = client_for(Role.WORK_LEADER)
    body = client.get(reverse("jobs:task_hours", args=[task.pk])).content.decode()
    assert 'data-testid="crew-hours"' in body and f'name="x{people[0].pk}-differs"' in body
    client.post(reverse("jobs:task_sign_off", args=[task.pk]), {"confirm": "yes"})
    body = client.get(reverse("jobs:task_hours", args=[task.pk])).content.decode()
    assert 'data-testid="crew-hours"' not in body
