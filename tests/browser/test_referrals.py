"""On the tablet, the front desk records a consent and sends a referral."""

import pytest

from dagsverket.referrals.models import AgencyType, Consent, Referral, ReferralStatus
from dagsverket.roles import Role
from tests.browser.conftest import assert_touch_targets, login, screenshot
from tests.factories import AgencyFactory, ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_front_desk_records_consent_and_sends_a_referral_on_the_tablet(tablet, staff, site):
    person = ParticipantFactory(site=site, name="Kari")
    nav = AgencyFactory(name="NAV Midtbyen", type=AgencyType.NAV)
    login(tablet, Role.FRONT_DESK.value)

    tablet.goto(f"{tablet.base_url}/referrals/participant/{person.pk}/")
    assert tablet.locator('[data-block="referrals"]').is_visible()
    assert_touch_targets(tablet)
    tablet.click("text=Ny henvisning")

    tablet.select_option("#id_agency", str(nav.pk))
    tablet.select_option("#id_area", "work")
    tablet.fill("#id_text", "Hjelp med meldekort")
    assert_touch_targets(tablet)
    screenshot(tablet, "referral-new-768")
    tablet.click("text=Lagre som utkast")

    # No consent yet: the screen says so and offers to record one.
    assert tablet.locator(".consent-missing").is_visible()
    assert tablet.locator("text=Send henvisning").count() == 0
    screenshot(tablet, "referral-no-consent-768")
    tablet.click("#send >> text=Registrer samtykke")

    assert tablet.locator(f'#id_agencies input[value="{nav.pk}"]').is_checked()
    tablet.check("text=Signert på nettbrettet")
    assert_touch_targets(tablet)
    screenshot(tablet, "consent-form-768")
    tablet.click("text=Lagre samtykke")

    assert tablet.locator(".consent-ok").is_visible()
    tablet.click("text=Send henvisning")
    assert tablet.locator("[data-status]").get_attribute("data-status") == "sent"
    assert "Henvisningen er sendt" in tablet.locator(".messages").inner_text()
    assert_touch_targets(tablet)
    screenshot(tablet, "referral-sent-768")

    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT
    assert referral.consent == Consent.objects.get(method="tablet")

    tablet.goto(f"{tablet.base_url}/referrals/participant/{person.pk}/")
    assert "Sendt" in tablet.locator('[data-block="referrals"]').inner_text()
    assert "gyldig" in tablet.locator('[data-block="consents"]').inner_text()
    assert_touch_targets(tablet)
    screenshot(tablet, "participant-page-frontdesk-768")
