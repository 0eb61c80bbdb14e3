"""On the tablet, a job specialist opens the caseload, records an employer contact and a job."""

import datetime

import pytest
from django.utils import timezone

from dagsverket.ips.models import EmployerContact, JobStart
from dagsverket.roles import Role
from tests.browser.conftest import TABLET_LANDSCAPE, assert_touch_targets, login, screenshot
from tests.factories import CaseloadEntryFactory, EmployerContactFactory, ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_job_specialist_keeps_the_log_on_the_tablet(tablet, staff, site):
    specialist = staff[Role.STUDY]
    started = timezone.localdate() - datetime.timedelta(days=40)
    entry = CaseloadEntryFactory(
        participant=ParticipantFactory(site=site, name="Sølvi"), specialist=specialist, started_on=started
    )
    for name in ["Ragnhild", "Torstein", "Ingvild"]:
        person = ParticipantFactory(site=site, name=name)
        EmployerContactFactory(entry=CaseloadEntryFactory(participant=person, specialist=specialist))
    login(tablet, Role.STUDY.value)

    tablet.goto(f"{tablet.base_url}/ips/")
    assert "IPS-portefølje" in tablet.locator("h1").inner_text()
    assert tablet.locator("table >> text=Sølvi").is_visible()
    assert_touch_targets(tablet)
    screenshot(tablet, "ips-caseload-768")
    tablet.set_viewport_size(TABLET_LANDSCAPE)
    assert_touch_targets(tablet)
    screenshot(tablet, "ips-caseload-1280")

    tablet.click("table >> text=Sølvi")
    tablet.click("text=Registrer en arbeidsgiverkontakt")
    tablet.fill("#id_employer_name", "Bakeriet på hjørnet")
    tablet.fill("#id_organisation_number", "974760673")
    tablet.check("text=Ja, møttes fysisk")
    assert tablet.locator("#id_entry").input_value() == str(entry.pk)
    assert_touch_targets(tablet)
    tablet.click("button[type=submit] >> text=Lagre")
    assert "Kontakten med Bakeriet på hjørnet er registrert" in tablet.locator(".messages").inner_text()
    assert EmployerContact.objects.filter(entry=entry, face_to_face=True).count() == 1

    tablet.click("text=Registrer en jobb")
    tablet.fill("#id_employer_name", "Bakeriet på hjørnet")
    tablet.fill("#id_started_on", (timezone.localdate() - datetime.timedelta(days=2)).isoformat())
    tablet.fill("#id_hours_per_week", "15")
    tablet.fill("#id_hourly_wage", "205.50")
    tablet.click("button[type=submit] >> text=Lagre")
    assert "Jobben hos Bakeriet på hjørnet er registrert" in tablet.locator(".messages").inner_text()
    tablet.click("text=Tell den")
    assert JobStart.objects.get(entry=entry).four_paid_hours_on == timezone.localdate()
    tablet.set_viewport_size({"width": 768, "height": 1024})
    assert_touch_targets(tablet)
    screenshot(tablet, "ips-person-768")
