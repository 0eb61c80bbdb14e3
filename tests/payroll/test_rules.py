"""Rules as data: the year table seeded with known values, wage rates with dates, kept by a manager."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from dagsverket.roles import Role
from payroll.models import SitePayrollSettings, WageRate, YearSettings
from payroll.selectors import wage_rate_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("year", "limit"), [(2022, "65000"), (2023, "70000"), (2024, "70000"), (2025, "100000"), (2026, "100000")]
)
def test_the_year_table_is_seeded_with_the_known_frikort_limits(year, limit):
    row = YearSettings.objects.get(year=year)
    assert row.frikort_limit == D(limit)
    assert row.employer_contribution_rate == D("14.10")
    assert (row.charity_exemption_per_employee, row.charity_exemption_total) == (D("80000"), D("800000"))


def test_the_2026_limit_is_marked_for_checking():
    assert "verify" in YearSettings.objects.get(year=2026).note


def test_the_wage_rate_in_force_is_the_latest_that_has_started(site):
    WageRate.objects.create(site=site, valid_from=datetime.date(2025, 1, 1), amount=D("140"))
    WageRate.objects.create(site=site, valid_from=datetime.date(2026, 7, 1), amount=D("160"), kind="daily")
    assert wage_rate_for(site=site, day=datetime.date(2026, 6, 30)).amount == D("140")
    assert wage_rate_for(site=site, day=datetime.date(2026, 7, 1)).kind == "daily"
    assert wage_rate_for(site=site, day=datetime.date(2024, 12, 31)) is None


def test_a_manager_sets_a_wage_rate_and_a_year(client_for, site):
    client = client_for(Role.MANAGER)
    url = reverse("payroll:rules")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "action": "wage",
            "wage-valid_from": "2026-01-01",
            "wage-kind": "hourly",
            "wage-amount": "155",
            "wage-holiday_pay_with_wage": "",
        },
    )
    assert response.status_code == 302
    assert WageRate.objects.get(site=site).amount == D("155")
    assert SitePayrollSettings.objects.get(site=site).holiday_pay_with_wage is False
    bad = client.post(
        url, {"action": "wage", "wage-valid_from": "2026-01-01", "wage-kind": "hourly", "wage-amount": "0"}
    )
    assert bad.status_code == 400
    assert WageRate.objects.get(site=site).amount == D("155")
    year = {
        "action": "year",
        "year-year": "2027",
        "year-frikort_limit": "110000",
        "year-employer_contribution_rate": "14.1",
        "year-charity_exemption_per_employee": "80000",
        "year-charity_exemption_total": "800000",
        "year-reporting_threshold": "1000",
        "year-note": "",
    }
    assert client.post(url, year).status_code == 302
    assert YearSettings.objects.get(year=2027).frikort_limit == D("110000")
    assert client.post(url, {**year, "year-frikort_limit": "-1"}).status_code == 400


def test_only_a_manager_keeps_the_rules(client_for, site):
    url = reverse("payroll:rules")
    assert client_for(None).get(url).status_code == 302
    for role in (Role.PAYROLL, Role.WORK_LEADER, Role.FRONT_DESK, Role.EVALUATOR):
        assert client_for(role).get(url).status_code == 403
    assert client_for(Role.MANAGER).delete(url).status_code == 405


def test_the_rules_page_marks_unconfirmed_settings_in_norwegian(client_for, site):
    page = client_for(Role.MANAGER).get(reverse("payroll:rules")).content.decode()
    # the 2026 frikort limit and G, and whole kroner rounded down, are not confirmed by a source
    assert "må bekreftes" in page
    assert "Hele kroner, rundet ned" in page
    assert "130 160" in page or "130&nbsp;160" in page or "130\xa0160" in page


def test_a_manager_sets_the_years_holiday_pay_and_rounding(client_for, site):
    year = {
        "action": "year",
        "year-year": "2027",
        "year-frikort_limit": "110000",
        "year-employer_contribution_rate": "14.1",
        "year-charity_exemption_per_employee": "80000",
        "year-charity_exemption_total": "800000",
        "year-reporting_threshold": "1000",
        "year-withholding_rounding": "ore_half_up",
        "year-basic_amount": "135000",
        "year-note": "",
    }
    assert client_for(Role.MANAGER).post(reverse("payroll:rules"), year).status_code == 302
    row = YearSettings.objects.get(year=2027)
    assert (row.withholding_rounding, row.basic_amount, row.holiday_pay_extra_from_age) == (
        "ore_half_up",
        D("135000"),
        59,
    )
