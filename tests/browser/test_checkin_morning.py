"""A whole morning at the front desk on a 768×1024 tablet: search, check in, register a newcomer,
readiness, undo, and the idle lock."""

import pytest
from django.contrib.auth.models import Group, Permission

from dagsverket.models import Participant, Visit
from dagsverket.roles import Role, sync_role_groups
from dagsverket.services import staff_pin_set
from tests.browser.conftest import assert_touch_targets, login, screenshot
from tests.factories import ParticipantFactory, SiteFactory, UserFactory, reason

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def morning(db):
    sync_role_groups(Group, Permission)
    site = SiteFactory(name="Trondheim", idle_lock_minutes=5)
    desk = UserFactory(
        username="frontdesk", first_name="Frida", last_name="Front", role=Role.FRONT_DESK, site=site
    )
    staff_pin_set(user=desk, pin="2468")
    for name, full in [
        ("Åse", "Åse Berg"),
        ("Øyvind", "Øyvind Lie"),
        ("Ola", "Ola Hansen"),
        ("Kari", "Kari Dahl"),
    ]:
        ParticipantFactory(site=site, name=name, full_name=full)
    for code in ("unwell", "intoxicated", "no-work-clothes", "appointment", "chose-not-to-work"):
        reason("readiness", code)
    return site


def test_a_whole_morning_at_the_front_desk(tablet, morning):
    page = tablet
    login(page, "frontdesk")
    page.goto(page.base_url + "/checkin/")
    page.wait_for_selector("#q")
    screenshot(page, "checkin-01-empty")

    # search as you type, accent-insensitive, then one tap
    page.fill("#q", "ase")
    page.wait_for_selector(".result-button:has-text('Åse')")
    screenshot(page, "checkin-02-search")
    assert_touch_targets(page)
    page.click(".result-button:has-text('Åse')")
    page.wait_for_selector(".flash:has-text('Åse')")
    assert page.input_value("#q") == ""
    # Only the new row came back: the count follows and "nobody has arrived yet" is gone.
    assert page.inner_text("#board-count") == "1"
    assert page.locator("#board-list .empty").count() == 0
    screenshot(page, "checkin-03-checked-in")

    page.fill("#q", "oy")
    page.click(".result-button:has-text('Øyvind')")
    page.wait_for_selector("#board .board-name:has-text('Øyvind')")
    assert page.inner_text("#board-count") == "2"
    assert page.locator("#board-list .highlight .board-name").all_inner_texts() == ["Øyvind"]

    # a newcomer, registered and checked in from the same box
    page.fill("#q", "Nils Nykommer")
    page.wait_for_selector(".result-new")
    page.click(".result-new")
    page.wait_for_selector("#board .board-name:has-text('Nils Nykommer')")
    assert page.input_value("#q") == ""
    screenshot(page, "checkin-04-newcomer")

    # someone like a known person is asked about first
    page.fill("#q", "Kari Ny")
    page.wait_for_selector(".result-new")
    page.click(".result-new")
    page.wait_for_selector(".notice")
    screenshot(page, "checkin-04b-same-person")
    page.click(".result-button:has-text('Kari')")
    page.wait_for_selector("#board .board-name:has-text('Kari')")
    assert Participant.objects.filter(name="Nils Nykommer").exists()

    # readiness: ready in one tap, not today with a coded reason in two
    page.click("#board li:has-text('Åse') button:has-text('Klar')")
    page.wait_for_selector(".flash:has-text('Åse')")
    page.click("#board li:has-text('Øyvind') summary")
    screenshot(page, "checkin-05-reasons")
    page.click("#board li:has-text('Øyvind') .reason-buttons button:has-text('Uvel eller syk')")
    page.wait_for_selector("#board li:has-text('Øyvind') .readiness-not_today")
    screenshot(page, "checkin-06-readiness")

    # undo the newcomer's check-in
    page.click("#board li:has-text('Nils Nykommer') .undo-form button")
    page.wait_for_selector(".flash:has-text('Nils Nykommer')")
    assert page.locator("#board .board-name:has-text('Nils Nykommer')").count() == 0
    screenshot(page, "checkin-07-undone")
    assert Visit.objects.filter(undone_at__isnull=True).count() == 3

    # the lock hides everything personal; the PIN opens it again
    page.click("#lock-form button")
    page.wait_for_selector("#pin")
    assert "Åse" not in page.content()
    screenshot(page, "checkin-08-locked")
    page.fill("#pin", "2468")
    page.click(".pin-form button[type=submit]")
    page.wait_for_selector("#board .board-name:has-text('Åse')")

    # the attendance log and a participant's page
    page.goto(page.base_url + "/attendance/")
    page.wait_for_selector("table.table")
    assert page.locator("table.table tbody tr").count() == 4
    screenshot(page, "checkin-09-attendance")
    page.click("table.table a:has-text('Øyvind')")
    page.wait_for_selector("h1:has-text('Øyvind')")
    assert "Uvel eller syk" in page.content()
    screenshot(page, "checkin-10-participant")


def _two_tablets(chromium_browser, live_server, site):
    UserFactory(username="second", role=Role.FRONT_DESK, site=site)
    tablets = []
    for username in ("frontdesk", "second"):
        context = chromium_browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
        page = context.new_page()
        page.base_url = live_server.url
        login(page, username)
        page.goto(page.base_url + "/checkin/")
        tablets.append(page)
    return tablets


def _check_in(page, name):
    page.fill("#q", name.lower()[:3])
    page.click(f".result-button:has-text('{name}')")
    page.wait_for_selector(f"#board .board-name:has-text('{name}')")


def test_a_second_tablets_arrivals_show_up_without_a_tap(chromium_browser, live_server, morning, settings):
    settings.CHECKIN_POLL_SECONDS = 1
    first, second = _two_tablets(chromium_browser, live_server, morning)
    _check_in(second, "Ola")
    # The first tablet was not touched: its board asks, sees that something happened, and shows Ola.
    first.wait_for_selector("#board .board-name:has-text('Ola')", timeout=10_000)
    assert first.inner_text("#board-count") == "1"
    for page in (first, second):
        page.context.close()


def test_the_board_is_not_replaced_while_someone_is_choosing_a_reason(
    chromium_browser, live_server, morning, settings
):
    settings.CHECKIN_POLL_SECONDS = 1
    first, second = _two_tablets(chromium_browser, live_server, morning)
    _check_in(first, "Kari")
    first.click("#board li:has-text('Kari') summary")  # the reasons for "not today" open
    _check_in(second, "Ola")
    first.wait_for_timeout(6_000)  # several polls, well past the few seconds after a touch
    assert first.locator("#board li:has-text('Kari') details[open]").count() == 1
    assert first.locator("#board .board-name:has-text('Ola')").count() == 0
    first.click("#board li:has-text('Kari') summary")  # closed again without choosing
    first.wait_for_selector("#board .board-name:has-text('Ola')", timeout=10_000)
    for page in (first, second):
        page.context.close()


def test_the_board_works_in_landscape_too(chromium_browser, live_server, morning):
    from tests.browser.conftest import TABLET_LANDSCAPE

    context = chromium_browser.new_context(viewport=TABLET_LANDSCAPE, has_touch=True, locale="nb-NO")
    page = context.new_page()
    page.base_url = live_server.url
    login(page, "frontdesk")
    page.goto(page.base_url + "/checkin/")
    page.fill("#q", "ka")
    page.click(".result-button:has-text('Kari')")
    page.wait_for_selector("#board .board-name:has-text('Kari')")
    assert_touch_targets(page)
    screenshot(page, "checkin-landscape")
    context.close()
