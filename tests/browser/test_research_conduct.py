"""A manager corrects a questionnaire answer with a reason and sees it in the history; the
CONSORT page with its flow diagram."""

import pytest

from dagsverket.research.models import Correction
from dagsverket.roles import Role
from tests.browser.conftest import assert_touch_targets, login, screenshot
from tests.factories import ParticipantFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(migration_data):
    from tests.research.conftest import research_world

    site = SiteFactory(name="Trondheim")
    staff = {
        Role.STUDY: UserFactory(username="study", first_name="Stian", role=Role.STUDY, site=site),
        Role.EVALUATOR: UserFactory(username="evaluator", role=Role.EVALUATOR, site=site),
        Role.MANAGER: UserFactory(username="manager", first_name="Mona", role=Role.MANAGER, site=site),
    }
    return research_world(staff, site, ParticipantFactory(site=site, name="Allerede Med"))


def test_a_correction_with_its_reason_and_the_consort_page(tablet, world, live_server):
    page = tablet
    login(page, "manager")
    enrolment, response = world["enrolment"], world["response"]
    page.goto(
        page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + f"/research/enrolments/{enrolment.pk}/"
    )
    page.click(f"a[href='/research/responses/{response.pk}/correct/']")
    page.wait_for_selector("#id_reason")
    page.fill("#id_reason", "Feil rute krysset av, rettet etter papirskjema")
    page.check("input[name='audit_1'][value='2']")
    screenshot(page, "research-conduct-01-correction")
    assert_touch_targets(page)
    page.click("button[type=submit].button-primary")
    page.wait_for_selector("td.old-value")
    body = page.inner_text("body")
    assert "Feil rute krysset av" in body and "audit_1" in body
    correction = Correction.objects.get(field="item:audit_1")
    assert (correction.old_value, correction.new_value) == (0, 2)
    screenshot(page, "research-conduct-02-history")
    page.goto(f"{live_server.url}/research/studies/{world['study'].pk}/consort/")
    page.wait_for_selector("img.consort-diagram")
    page.wait_for_function("document.querySelector('img.consort-diagram').naturalWidth > 0")
    assert page.inner_text(".consort-randomised") == "1"
    screenshot(page, "research-conduct-03-consort")
