"""A morning on a landscape tablet: people have checked in, the front desk draws, the work leader
assigns with two taps and signs off the hours."""

import pytest
from django.utils import timezone

from dagsverket.roles import Role
from jobs.models import Assignment, LotteryDraw, Outcome, Task
from jobs.selectors import payable_work
from tests.browser.conftest import TABLET_LANDSCAPE, assert_touch_targets, login, screenshot
from tests.factories import CustomerFactory, ParticipantFactory, TaskFactory, VisitFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_morning_runs_from_check_in_through_lottery_and_assignment_to_sign_off(tablet, staff, site):
    today = timezone.localdate()
    customer = CustomerFactory(site=site, name="Lia borettslag")
    garden = TaskFactory(customer=customer, date=today, description="Raking i bakgården", workers_max=2)
    litter = TaskFactory(
        customer=customer, date=today, description="Søppelplukking", workers_max=1, light_duty=True
    )
    # Check-in (its own screen is built elsewhere): five people came and are ready.
    visits = [
        VisitFactory(participant=ParticipantFactory(site=site), date=today, readiness="ready")
        for _ in range(5)
    ]
    tablet.set_viewport_size(TABLET_LANDSCAPE)

    login(tablet, Role.FRONT_DESK.value)
    tablet.goto(tablet.base_url + "/jobs/lottery/")
    assert tablet.locator("[data-testid=places]").inner_text() == "3"
    assert_touch_targets(tablet)
    tablet.click("[data-testid=draw]")
    tablet.wait_for_load_state("networkidle")
    draw = LotteryDraw.objects.get()
    assert draw.entries.filter(outcome=Outcome.DRAWN).count() == 3
    assert tablet.locator("text=Ikke trukket").count() >= 2
    screenshot(tablet, "jobs-lottery-1280")
    tablet.click("text=Logg ut")

    login(tablet, Role.WORK_LEADER.value)
    assert tablet.url.endswith("/jobs/")
    drawn = list(draw.entries.filter(outcome=Outcome.DRAWN).select_related("participant"))
    for entry, task in zip(drawn, [garden, garden, litter]):
        with tablet.expect_navigation():
            tablet.click(f"[data-testid=person-{entry.participant_id}]")
        tablet.click(f"[data-testid=task-{task.pk}] button.button-primary", timeout=20_000)
        tablet.wait_for_load_state("networkidle")
    assert Assignment.objects.filter(removed_at__isnull=True).count() == 3
    assert "0 ledige plasser" in tablet.locator(f"[data-testid=task-{garden.pk}]").inner_text()
    width = tablet.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET_LANDSCAPE["width"]
    assert_touch_targets(tablet)
    screenshot(tablet, "jobs-board-1280")

    tablet.click(f"[data-testid=task-{garden.pk}] >> text=Timer og godkjenning")
    first = Assignment.objects.filter(task=garden).order_by("pk").first()
    tablet.fill(f"#id_a{first.pk}-ends_at", "12:30")
    tablet.click(f"[data-testid=hours-{first.pk}] button")
    tablet.wait_for_load_state("networkidle")
    tablet.click("text=Godkjenn dagens timer")
    tablet.wait_for_load_state("networkidle")
    tablet.click("[data-testid=confirm-sign-off]")  # the hours once more, then sign off
    tablet.wait_for_load_state("networkidle")
    assert "Timene er godkjent" in tablet.content()
    screenshot(tablet, "jobs-hours-1280")
    garden.refresh_from_db()
    assert garden.is_signed_off and garden.status == "done"
    hours = {w.assignment_id: w.hours for w in payable_work(site=site, day=today)}
    assert str(hours[first.pk]) == "3.50"
    assert Task.objects.get(pk=litter.pk).signed_off_at is None
    assert len(visits) == 5
