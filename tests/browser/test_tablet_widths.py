"""At 768 px (a tablet held upright) no table runs off the page: the attendance log, a participant's
page, a record's history and the payroll day (issue 16, item 16); the lottery's controls are 44 px.
Screenshots for a person to look at go to docs/screenshots/tests/."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from dagsverket.roles import Role, sync_role_groups
from dagsverket.services import participant_update
from payroll.engine import hourly_line
from payroll.services import payslip_prepare
from tests.browser.conftest import TABLET_PORTRAIT, login, screenshot
from tests.factories import ParticipantFactory, SiteFactory, UserFactory, VisitFactory, WageRateFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records(db):
    sync_role_groups(Group, Permission)
    site = SiteFactory(name="Trondheim")
    manager = UserFactory(
        username="manager", first_name="Mona", last_name="Leder", role=Role.MANAGER, site=site
    )
    WageRateFactory(site=site, amount=Decimal("150.00"))
    today = timezone.localdate()
    # One long word in a name: at 768 px the history broke it mid-word where the field's name
    # ("Navn eller kallenavn") left its value a narrow column.
    person = ParticipantFactory(
        site=site,
        name="Kristoffer-Alexander",
        full_name="Kristoffer-Alexander Johannessenbjørnstadfjell",
        phone="+4741234567",
    )
    participant_update(
        participant=person, by=manager, full_name="Kristoffer-Alexander Johannessenbjørnstadfjell Li"
    )
    for days_ago in range(12):
        VisitFactory(
            participant=person, date=today - datetime.timedelta(days=days_ago), checked_in_by=manager
        )
    for number in range(6):
        other = ParticipantFactory(
            site=site, name=f"Langtnavn{number}", full_name=f"Langtnavn{number} Etternavnsen"
        )
        VisitFactory(participant=other, date=today, checked_in_by=manager)
        payslip_prepare(
            site=site,
            participant=other,
            day=today,
            lines=[hourly_line("Snømåking og strøing i borettslaget", Decimal("4.5"), Decimal("150"))],
        )
    return {"person": person, "today": today}


def test_no_table_runs_off_a_768_px_page(tablet, records):
    page = tablet
    login(page, "manager")
    person, today = records["person"], records["today"]
    pages = {
        "attendance": "/attendance/",
        "participant": f"/participants/{person.pk}/",
        "history": f"/history/dagsverket/participant/{person.pk}/",
        "payroll-day": f"/payroll/{today.isoformat()}/",
    }
    too_wide = {}
    for name, path in pages.items():
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("table").count() >= 1, name
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > TABLET_PORTRAIT["width"]:
            too_wide[name] = width
        # A table inside a sideways-scrolling box is still a table off the page: none may be wider
        # than its box.
        wider = page.evaluate(JS_TABLES_WIDER_THAN_THEIR_BOX)
        if wider:
            too_wide[f"{name} (table)"] = wider
        screenshot(page, f"tablet-768-{name}")
    assert not too_wide, too_wide
    # The lottery's "set places by hand" and "guarantee" are controls a finger can hit.
    page.goto(page.base_url + "/jobs/lottery/")
    for control in ("places-control", "guarantee-control"):
        box = page.locator(f"[data-testid={control}]").bounding_box()
        assert box is not None and box["height"] >= 44, (control, box)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    page.click("[data-testid=places-control]")
    page.wait_for_selector("#id_places")
    screenshot(page, "tablet-768-lottery")
    # The history keeps words whole: the long surname is on one line (one client rect).
    page.goto(page.base_url + pages["history"])
    split = page.evaluate(JS_WORD_SPLIT, "Johannessenbjørnstadfjell")
    assert split is False


JS_TABLES_WIDER_THAN_THEIR_BOX = """() => [...document.querySelectorAll('table')]
    .filter(table => table.scrollWidth > table.parentElement.clientWidth + 1).length"""

JS_WORD_SPLIT = """word => {
    let split = null;
    for (const dd of document.querySelectorAll('.history-changes dd')) {
        const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.textContent.indexOf(word);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + word.length);
            split = split || range.getClientRects().length > 1;
        }
    }
    return split;
}"""
