import datetime

import pytest
import time_machine

from dagsverket.roles import Role
from tests.factories import UserFactory

# 1 July 2026, 10:00 in Oslo: the day after the end of quarter 2 of the constructed caseload.
NOW = datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def specialist(staff):
    return staff[Role.STUDY]


@pytest.fixture
def second_specialist(site):
    return UserFactory(
        username="jobbspesialist2", first_name="Sigrid", last_name="Spesialist", role=Role.STUDY, site=site
    )
