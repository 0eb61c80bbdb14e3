"""A manager keeps the reason codes on a tablet: the list, a new code, and the front desk offering it."""

import pytest
from django.contrib.auth.models import Group, Permission

from dagsverket.models import ReasonCode
from dagsverket.roles import Role, sync_role_groups
from dagsverket.services import participant_check_in
from tests.browser.conftest import assert_touch_targets, login, screenshot
from tests.factories import ParticipantFactory, SiteFactory, UserFactory, reason

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_adds_a_reason_code_and_the_front_desk_offers_it(tablet):
    sync_role_groups(Group, Permission)
    site = SiteFactory(name="Trondheim")
    UserFactory(username="manager", role=Role.MANAGER, site=site)
    for code in ("unwell", "appointment"):
        reason("readiness", code)
    participant_check_in(participant=ParticipantFactory(site=site, name="Åse"), site=site, by=None)
    page = tablet
    login(page, "manager")

    page.goto(page.base_url + "/manage/reasons/")
    page.wait_for_selector("table.table")
    assert_touch_targets(page)
    # The table scrolls inside its card: the page itself is never wider than the tablet.
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    screenshot(page, "reasons-01-list")

    page.goto(page.base_url + "/manage/reasons/new/")
    page.select_option("#id_kind", "readiness")
    page.fill("#id_code", "no boots")  # not a valid code: a message next to the field
    page.fill("#id_label_nb", "Mangler vernesko")
    page.click("form.card button[type=submit]")
    page.wait_for_selector(".field-error:has(#id_code) .error:has-text('bokstaver, sifre og bindestrek')")
    assert ReasonCode.objects.filter(label_nb="Mangler vernesko").count() == 0
    screenshot(page, "reasons-02-bad-code")
    page.fill("#id_code", "no-boots")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("table.table td:has-text('Mangler vernesko')")
    screenshot(page, "reasons-03-saved")

    page.goto(page.base_url + "/checkin/")
    page.click("#board li:has-text('Åse') summary")
    page.wait_for_selector("#board li:has-text('Åse') .reason-buttons button:has-text('Mangler vernesko')")
