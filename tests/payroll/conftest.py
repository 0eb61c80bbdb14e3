import datetime
from decimal import Decimal

import pytest
import time_machine

from payroll.engine import hourly_line
from payroll.services import payslip_prepare
from tests.factories import ParticipantFactory, WageRateFactory

DAY = datetime.date(2026, 3, 10)


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
