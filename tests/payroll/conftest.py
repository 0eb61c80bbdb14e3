import datetime
from decimal import Decimal

import pytest
import time_machine

from payroll.engine import hourly_line
from payroll.services import payslip_prepare
from tests.factories import ParticipantFactory, WageRateFactory

DAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _year_settings_after_a_flush(request):
    """Transactional tests flush every table, the year settings seeded by a migration too; a year
    without settings is refused, so put the seeded years back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from payroll.models import YearSettings

    for year, limit in ((2025, "100000"), (2026, "100000")):
        YearSettings.objects.get_or_create(
            year=year, defaults={"frikort_limit": Decimal(limit), "basic_amount": Decimal("130160")}
        )


@pytest.fixture
def frozen_day():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 14, 0, tzinfo=datetime.UTC), tick=False):
        yield DAY


@pytest.fixture
def wage_rate(site):
    return WageRateFactory(site=site, amount=Decimal("150.00"))


@pytest.fixture
def person(site):
    return ParticipantFactory(
        site=site, name="Ola", full_name="Ola Nordmann", birth_date=datetime.date(1980, 5, 1)
    )


@pytest.fixture
def draft(site, person, wage_rate):
    return payslip_prepare(
        site=site,
        participant=person,
        day=DAY,
        lines=[hourly_line("Snow clearing", Decimal("6"), Decimal("150"))],
    )
