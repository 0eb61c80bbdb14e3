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


@pytest.mark.django_db(transaction=True)
def test_a_changed_amount_is_refused_then_confirmed_and_a_missing_national_id_is_fixed_from_the_report(
    tablet, staff, site, other_site
):
    import datetime
    import zoneinfo

    import time_machine

    from payroll.models import SitePayrollSettings
    from payroll.services import payout_confirm
    from tests.factories import TaxCardFactory

    today = timezone.localdate()
    for year in (today.year, today.year - 1):
        YearSettings.objects.get_or_create(year=year, defaults={"frikort_limit": Decimal("100000")})
    for each in (site, other_site):  # one organisation number: one employer
        WageRateFactory(site=each, amount=Decimal("150.00"))
        SitePayrollSettings.objects.update_or_create(site=each, defaults={"holiday_pay_with_wage": False})
    ola = ParticipantFactory(site=site, name="Ola", national_id="")
    TaxCardFactory(participant=ola, year=today.year, frikort_amount=Decimal("1000"))
    # last month: Ola was paid once, and has no national ID
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    moment = datetime.datetime.combine(last_month, datetime.time(12), tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
    with time_machine.travel(moment, tick=False):
        TaxCardFactory(participant=ola, year=last_month.year, frikort_amount=Decimal("100000"))
        old = payslip_prepare(
            site=site,
            participant=ola,
            day=last_month,
            lines=[hourly_line("Raking", Decimal("2"), Decimal("150"))],
        )
        payout_confirm(payslip=old, method="card", nonce="last-month", by=staff[Role.PAYROLL])
    # today: 6 h × 150 = 900; with 300 of the 1 000 frikort used last month, 700 free and 200 at
    # 50 % = 100 withheld: 800 shown (when last month is in another year: 900)
    preview = payslip_prepare(
        site=site, participant=ola, day=today, lines=[hourly_line("Snømåking", Decimal("6"), Decimal("150"))]
    )
    login(tablet, Role.PAYROLL.value)
    tablet.goto(tablet.base_url + "/payroll/")
    row = tablet.locator("tr", has_text="Ola")
    shown = preview.amount_due
    assert row.get_by_text(f"{shown:.2f}".replace(".", ",")).first.is_visible()
    # meanwhile Stjørdal pays him 2 hours: 300 of the frikort used, so today's net is lower
    other = payslip_prepare(
        site=other_site,
        participant=ola,
        day=today,
        lines=[hourly_line("Feiing", Decimal("2"), Decimal("150"))],
    )
    payout_confirm(payslip=other, method="card", nonce="other-site", by=staff[Role.PAYROLL])
    row.locator("select").select_option("card")
    row.locator("button", has_text="Bekreft utbetaling").click()
    tablet.wait_for_load_state("networkidle")
    assert tablet.get_by_text("Beløpet er endret siden det ble vist").is_visible()
    assert Payout.objects.filter(payslip=preview).count() == 0
    preview.refresh_from_db()
    assert preview.amount_due < shown
    screenshot(tablet, "payroll-amount-changed")
    row = tablet.locator("tr", has_text="Ola")
    row.locator("select").select_option("card")
    row.locator("button", has_text="Bekreft utbetaling").click()
    tablet.wait_for_load_state("networkidle")
    assert Payout.objects.get(payslip=preview).amount == preview.amount_due
    # last month's report from the menu, its warning, the fix
    tablet.locator(".payroll-nav").get_by_role("link", name="Rapporter").click()
    tablet.wait_for_load_state("networkidle")
    if last_month.year != today.year:
        tablet.locator("a[rel=prev]").first.click()
        tablet.wait_for_load_state("networkidle")
    screenshot(tablet, "payroll-reports")
    tablet.locator(f"a[href='/payroll/reports/{last_month.year}/{last_month.month}/']").click()
    tablet.wait_for_load_state("networkidle")
    assert tablet.get_by_text("Disse personene har ikke fødselsnummer").is_visible()
    screenshot(tablet, "payroll-report-missing-id")
    tablet.locator(".form-errors").get_by_role("link", name="Ola").click()
    tablet.wait_for_load_state("networkidle")
    tablet.fill("#id_ids-national_id", "01017010170")
    tablet.locator("form", has=tablet.locator("#id_ids-national_id")).locator("button[type=submit]").click()
    tablet.wait_for_load_state("networkidle")
    assert f"/payroll/reports/{last_month.year}/{last_month.month}/" in tablet.url
    assert not tablet.get_by_text("Disse personene har ikke fødselsnummer").is_visible()
    ola.refresh_from_db()
    assert ola.national_id == "01017010170"
