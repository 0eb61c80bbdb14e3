"""The day's pay on a tablet: preview, confirm a payout with one tap, see it paid."""

from decimal import Decimal

import pytest
from django.utils import timezone

from dagsverket.roles import Role
from payroll.engine import hourly_line
from payroll.models import Payout, YearSettings
from payroll.services import payslip_prepare
from tests.factories import ParticipantFactory, WageRateFactory

from .conftest import assert_touch_targets, login, screenshot


@pytest.mark.django_db(transaction=True)
def test_payroll_confirms_a_payout_on_the_tablet(tablet, staff, site):
    WageRateFactory(site=site)
    today = timezone.localdate()
    # the flush of a transactional test removes the seeded years; a year without settings is not paid
    YearSettings.objects.get_or_create(year=today.year, defaults={"frikort_limit": Decimal("100000")})
    for name, account in (("Kari", "12345678903"), ("Per", "")):
        person = ParticipantFactory(site=site, name=name, bank_account=account)
        payslip_prepare(
            site=site,
            participant=person,
            day=today,
            lines=[hourly_line("Snømåking", Decimal("3.5"), Decimal("150"))],
        )
    login(tablet, Role.PAYROLL.value)
    tablet.goto(tablet.base_url + "/payroll/")
    assert tablet.locator("tr", has_text="Kari").locator("button", has_text="Bekreft utbetaling").is_visible()
    assert_touch_targets(tablet)
    screenshot(tablet, "payroll-day-before")
    tablet.locator("tr", has_text="Per").locator("select").select_option("cash")
    tablet.locator("tr", has_text="Per").locator("button", has_text="Bekreft utbetaling").click()
    tablet.wait_for_load_state("networkidle")
    assert tablet.locator("tr", has_text="Per").get_by_text("Utbetalt: Kontant").is_visible()
    assert Payout.objects.count() == 1
    screenshot(tablet, "payroll-day-after")


@pytest.mark.django_db(transaction=True)
def test_cash_box_and_tax_card_pages_fit_the_tablet(tablet, staff, site):
    person = ParticipantFactory(site=site, name="Kari", national_id="01017012345", bank_account="12345678903")
    login(tablet, Role.PAYROLL.value)
    tablet.goto(tablet.base_url + f"/payroll/{timezone.localdate():%Y-%m-%d}/cash/")
    assert tablet.get_by_role("heading", name="Steng kassen").is_visible()
    assert_touch_targets(tablet)
    screenshot(tablet, "payroll-cash-box")
    tablet.goto(tablet.base_url + f"/payroll/participant/{person.pk}/")
    assert tablet.get_by_text("01017012345").is_visible()
    assert_touch_targets(tablet)
    screenshot(tablet, "payroll-participant")
