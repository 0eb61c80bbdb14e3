"""Study staff on a tablet: screen a new person, lock the enrolment, reveal the allocation once."""

import pytest

from dagsverket.research.models import AllocationSlot, Enrolment
from dagsverket.roles import Role
from tests.browser.conftest import assert_touch_targets, login, screenshot
from tests.factories import ParticipantFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trial(migration_data):
    from tests.research.conftest import research_world

    site = SiteFactory(name="Trondheim")
    staff = {
        Role.STUDY: UserFactory(username="study", first_name="Stian", role=Role.STUDY, site=site),
        Role.EVALUATOR: UserFactory(username="evaluator", role=Role.EVALUATOR, site=site),
    }
    world = research_world(staff, site, ParticipantFactory(site=site, name="Allerede Med"))
    return world["study"]


def test_screening_lock_and_reveal_on_a_tablet(tablet, trial):
    page = tablet
    login(page, "study")
    assert page.url.endswith("/research/")
    page.click(f"a[href='/research/studies/{trial.pk}/enrol/']")
    page.wait_for_selector("#id_new_name")
    page.fill("#id_new_name", "Testperson Tablett")
    for box in page.query_selector_all("input[name^='criterion_']"):
        box.check()
    page.fill("#id_consent_given_on", page.evaluate("new Date().toISOString().slice(0, 10)"))
    page.select_option("#id_consent_method", "paper")
    page.select_option("#id_sex", "f")
    page.fill("#id_age", "29")
    page.select_option("#id_responsible", label="Stian Study")
    screenshot(page, "research-01-screening")
    assert_touch_targets(page)
    page.click("button[type=submit].button-primary")
    page.wait_for_selector("form[action$='/lock/']")
    assert "Allokering" in page.content()
    screenshot(page, "research-02-screened")
    page.click("form[action$='/lock/'] button")
    page.wait_for_selector("form[action$='/reveal/']")
    page.click("form[action$='/reveal/'] button")
    page.wait_for_selector(".allocation .stat-value")
    enrolment = Enrolment.objects.get(participant__name="Testperson Tablett")
    slot = AllocationSlot.objects.get(enrolment=enrolment)
    assert page.inner_text(".allocation .stat-value") == slot.arm.name
    screenshot(page, "research-03-revealed")
    assert_touch_targets(page)
