"""The shared tablet at 08:15 (issue 16) on a 768×1024 tablet: 25 arrivals each in view without
scrolling, two people with the same short name told apart, search by phone and with a typo, the
"not yet assessed" filter, the lock from a participant page, the manager's day page, and the day's
crews printed as one PDF."""

import datetime
import subprocess

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from dagsverket.models import Participant, Visit
from dagsverket.roles import Role, sync_role_groups
from dagsverket.services import staff_pin_set
from tests.browser.conftest import TABLET_PORTRAIT, login, screenshot
from tests.factories import (
    AssignmentFactory,
    CustomerFactory,
    ParticipantFactory,
    SiteFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(db):
    sync_role_groups(Group, Permission)
    site = SiteFactory(name="Trondheim", idle_lock_minutes=5)
    desk = UserFactory(
        username="frontdesk", first_name="Frida", last_name="Front", role=Role.FRONT_DESK, site=site
    )
    UserFactory(username="manager", first_name="Mona", last_name="Leder", role=Role.MANAGER, site=site)
    staff_pin_set(user=desk, pin="2468")
    for number in range(1, 24):
        ParticipantFactory(site=site, name=f"Deltaker{number:02d}", full_name=f"Deltaker{number:02d} Test")
    ParticipantFactory(site=site, name="Bjørg", full_name="Bjørg Hansen", birth_date=None, birth_year=1971)
    ParticipantFactory(site=site, name="Bjørg", full_name="Bjørg Lie", birth_date=None, birth_year=1985)
    ParticipantFactory(site=site, name="Kåre", full_name="Kåre Sæter", phone="+4741234567")
    return site


def _newest_row_in_view(page) -> None:
    box = page.locator("#board-list .board-row.highlight").bounding_box()
    assert box is not None
    # In the viewport as the page stands: nobody has to scroll to tap "Ready".
    assert box["y"] >= 0 and box["y"] + box["height"] <= TABLET_PORTRAIT["height"], box


def _check_in(page, query: str, label: str) -> None:
    page.fill("#q", query)
    page.click(f".result-button:has-text('{label}')")
    page.wait_for_selector(f"#board-list .board-row.highlight .board-name:has-text('{label}')")


def test_the_shared_tablet_at_a_quarter_past_eight(tablet, queue, chromium_browser, live_server):
    page = tablet
    login(page, "frontdesk")
    page.goto(page.base_url + "/checkin/")
    for number in range(1, 24):
        _check_in(page, f"deltaker{number:02d}", f"Deltaker{number:02d}")
        _newest_row_in_view(page)
    assert page.evaluate("document.activeElement.id") != "q"  # the keyboard went away
    screenshot(page, "tablet-01-twenty-three-arrivals")

    # Two Bjørgs: each row says which one.
    _check_in(page, "bjørg", "Bjørg H. (1971)")
    _newest_row_in_view(page)
    page.fill("#q", "bjorg")
    page.wait_for_selector(".result-button:has-text('Bjørg L. (1985)')")
    assert page.locator(".result-button:has-text('Bjørg H. (1971)') .badge").inner_text() == "Allerede her"
    screenshot(page, "tablet-02-two-bjorgs")
    page.click(".result-button:has-text('Bjørg L. (1985)')")
    page.wait_for_selector("#board-list .board-row.highlight .board-name:has-text('Bjørg L. (1985)')")
    _newest_row_in_view(page)
    assert page.inner_text("#board-count") == "25"

    # Search by phone number and with a typo.
    page.fill("#q", "412 34 567")
    page.wait_for_selector(".result-new:has-text('412 34 567')")
    assert page.locator(".result-button:has-text('Kåre')").count() == 1
    screenshot(page, "tablet-03-search-by-phone")
    page.fill("#q", "kare seter")
    page.wait_for_selector(".result-new:has-text('kare seter')")
    assert page.locator(".result-button:has-text('Kåre')").count() == 1
    screenshot(page, "tablet-04-search-with-a-typo")
    page.fill("#q", "")

    # Not yet assessed: one is ready, the filter shows the other 24 and says so.
    page.click("#board-list li:has-text('Deltaker23') button:has-text('Klar')")
    page.wait_for_selector("#board-unassessed:has-text('24')")
    page.click("#board-filter")
    assert page.get_attribute("#board-filter", "aria-pressed") == "true"
    assert not page.locator("#board-list li:has-text('Deltaker23')").is_visible()
    screenshot(page, "tablet-05-not-yet-assessed")

    # The lock from a participant's page: the page goes, and coming back shows the lock screen.
    participant_url = f"{page.base_url}/participants/{Participant.objects.get(name='Kåre').pk}/"
    page.goto(participant_url)
    page.wait_for_selector("h1:has-text('Kåre')")
    screenshot(page, "tablet-06-participant-page")
    page.click("#idle-lock-form button")
    page.wait_for_selector("#locked-heading")
    page.go_back()
    page.wait_for_load_state("networkidle")
    assert "Sæter" not in page.content() and "41234567" not in page.content()
    page.goto(participant_url)
    page.wait_for_selector("#locked-heading")
    assert "Kåre" not in page.content() and page.locator(".mainmenu").count() == 0
    screenshot(page, "tablet-07-locked")
    page.fill("#pin", "2468")
    page.click(".pin-form button[type=submit]")
    page.wait_for_selector("#board")

    # The manager's day at a glance.
    context = chromium_browser.new_context(viewport=TABLET_PORTRAIT, has_touch=True, locale="nb-NO")
    manager = context.new_page()
    manager.base_url = live_server.url
    login(manager, "manager")
    manager.goto(manager.base_url + "/manage/")
    manager.wait_for_selector(".stats")
    assert "25" in manager.inner_text(".stats") and "/admin/" not in manager.content()
    screenshot(manager, "tablet-08-manager-day")
    context.close()

    # The day's crews as one PDF, from the front desk's view of the jobs day.
    task = TaskFactory(
        customer=CustomerFactory(site=queue, name="Borettslaget Lia"),
        date=timezone.localdate(),
        description="Snømåking Liaveien",
        address="Liaveien 12",
        starts_at=datetime.time(9, 0),
        ends_at=datetime.time(12, 0),
    )
    for visit in Visit.objects.filter(participant__name="Bjørg").order_by("participant__birth_year"):
        AssignmentFactory(visit=visit, task=task)
    page.goto(page.base_url + "/jobs/board/")
    page.wait_for_selector("[data-testid=crews-pdf]")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    screenshot(page, "tablet-09-jobs-day-with-crews-link")
    response = page.request.get(page.base_url + page.get_attribute("[data-testid=crews-pdf]", "href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.body(), capture_output=True, check=True
    ).stdout.decode()
    assert "Snømåking Liaveien" in text and "Liaveien 12" in text and "09:00–12:00" in text
    assert "Bjørg H. (1971)" in text and "Bjørg L. (1985)" in text  # the crew, told apart on paper too
