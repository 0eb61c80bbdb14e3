"""A manager follows the History link from a participant's page and reads who changed what."""

import pytest

from dagsverket.history import acting
from dagsverket.roles import Role
from tests.factories import ParticipantFactory

from .conftest import assert_touch_targets, login, screenshot


@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_a_participants_history_on_the_tablet(tablet, staff, site):
    person = ParticipantFactory(site=site, name="Kari", phone="41000000")
    with acting(user=staff[Role.FRONT_DESK]):
        person.phone = "42000000"
        person.skills = "Snømåking, flytting"
        person.save()
    login(tablet, Role.MANAGER.value)
    tablet.goto(tablet.base_url + f"/participants/{person.pk}/")
    tablet.get_by_role("link", name="Historikk").click()
    tablet.wait_for_load_state("networkidle")
    changed = tablet.locator("tr", has_text="Endret")
    assert changed.locator("del", has_text="41000000").is_visible()
    assert changed.locator("ins", has_text="42000000").is_visible()
    assert tablet.locator("tr", has_text="Opprettet").is_visible()
    assert_touch_targets(tablet)
    screenshot(tablet, "record-history")
