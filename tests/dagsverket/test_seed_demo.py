import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from dagsverket import demo
from dagsverket.models import Participant, Site, Visit


def test_seed_demo_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="allow-production"):
        call_command("seed_demo")
    assert not Participant.objects.exists()


def test_seed_demo_creates_sites_people_history_and_working_logins(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", participants=12, days=14)
    assert Site.objects.count() == 2
    assert Participant.objects.count() == 12 + 3
    assert Visit.objects.exists()
    output = capsys.readouterr().out
    for username in ["frontdesk", "leader", "payroll", "manager", "evaluator"]:
        assert username in output
        assert authenticate(username=username, password="demo") is not None
    assert "100%" in output


def test_seed_demo_with_if_empty_leaves_existing_data_alone(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", participants=5, days=3)
    before = Participant.objects.count()
    call_command("seed_demo", participants=5, days=3, if_empty=True)
    assert Participant.objects.count() == before


def test_seed_demo_adds_readiness_history_exclusions_and_tablet_pins(db, settings):
    from dagsverket.models import Exclusion, ReadinessEntry, StaffPin

    settings.DEBUG = True
    call_command("seed_demo", participants=12, days=14)
    assert ReadinessEntry.objects.count() == Visit.objects.count()
    assert Exclusion.objects.count() == 4
    assert StaffPin.objects.count() == len(demo.DEMO_USERS)
