import pytest

from dagsverket.roles import Role
from tests.browser.conftest import TABLET_LANDSCAPE, assert_touch_targets, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_front_desk_worker_logs_in_on_the_tablet_and_lands_on_check_in(tablet, staff):
    tablet.goto(tablet.base_url + "/")
    assert tablet.locator("h1").inner_text() == "Logg inn"
    assert_touch_targets(tablet)
    screenshot(tablet, "login-768")
    login(tablet, Role.FRONT_DESK.value)
    assert tablet.url.endswith("/checkin/")
    assert "Innsjekk" in tablet.locator("h1").inner_text()
    assert_touch_targets(tablet)
    screenshot(tablet, "frontdesk-start-768")


def test_a_wrong_password_shows_a_norwegian_message_next_to_the_form(tablet, staff):
    login(tablet, Role.FRONT_DESK.value, password="wrong")
    assert "Feil brukernavn eller passord" in tablet.locator(".form-errors").inner_text()


def test_the_manager_page_fits_a_landscape_tablet(tablet, staff):
    tablet.set_viewport_size(TABLET_LANDSCAPE)
    login(tablet, Role.MANAGER.value)
    assert tablet.url.endswith("/manage/")
    width = tablet.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET_LANDSCAPE["width"]
    assert_touch_targets(tablet)
    screenshot(tablet, "manager-start-1280")


def test_switching_to_english_translates_the_page(tablet, staff):
    login(tablet, Role.PAYROLL.value)
    with tablet.expect_navigation():
        tablet.select_option("#language-switch", "en")
    assert tablet.locator("h1").inner_text().startswith("Today's pay")
