"""The logs have a retention period too (issue #17): entries older than LOG_RETENTION_DAYS go, and
entries about an anonymised person lose their free text, through the retention role (on
PostgreSQL the logs are append-only for the application's role)."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from dagsverket.models import AccessLog, ActivityLog, Participant, TabletAction
from dagsverket.roles import Role
from dagsverket.services import log_access, log_action
from tests.factories import ParticipantFactory, VisitFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=datetime.UTC)


def _run() -> str:
    out = io.StringIO()
    with time_machine.travel(_at(TODAY), tick=False):
        call_command("apply_retention", "--today", TODAY.isoformat(), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_log_entries_past_the_keeping_period_go_and_the_rest_stay(staff, site, settings):
    settings.LOG_RETENTION_DAYS = 365
    person = ParticipantFactory(site=site)
    VisitFactory(participant=person, site=site, date=TODAY)
    with time_machine.travel(_at(datetime.date(2024, 6, 1)), tick=False):
        log_action(actor=staff[Role.MANAGER], action="old", obj=person, site=site)
        log_access(user=staff[Role.MANAGER], participant=person, what="old")
        TabletAction.objects.create(
            site=site, nonce="tap-old-0001", kind="check_in", tapped_at=timezone.now(), outcome="ok"
        )
    recent = TabletAction.objects.create(
        site=site, nonce="tap-new-0001", kind="check_in", tapped_at=timezone.now(), outcome="ok"
    )
    kept = log_action(actor=staff[Role.MANAGER], action="recent", obj=person, site=site)
    output = _run()
    assert "activity_log_entries_past_keeping: 1" in output
    assert "access_log_entries_past_keeping: 1" in output
    assert "tablet_actions_past_keeping: 1" in output
    assert list(TabletAction.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ActivityLog.objects.filter(action="old").exists()
    assert not AccessLog.objects.filter(what="old").exists()
    assert ActivityLog.objects.filter(pk=kept.pk).exists()


def test_an_anonymised_persons_undo_reason_leaves_the_activity_log(staff, site):
    person = ParticipantFactory(site=site, created_at=_at(datetime.date(2020, 1, 6)))
    visit = VisitFactory(participant=person, site=site, date=datetime.date(2022, 5, 2))
    with time_machine.travel(_at(datetime.date(2022, 5, 2)), tick=False):
        entry = log_action(
            actor=staff[Role.FRONT_DESK], action="undo_check_in", obj=visit, site=site, reason="Kom full"
        )
    other = log_action(
        actor=staff[Role.FRONT_DESK], action="x", obj=ParticipantFactory(site=site), reason="Kept"
    )
    _run()
    assert Participant.objects.get(pk=person.pk).anonymised_at is not None
    entry.refresh_from_db()
    assert entry.data == {"reason": "Anonymisert"}
    other.refresh_from_db()
    assert other.data == {"reason": "Kept"}
    _run()  # a second run changes nothing
    entry.refresh_from_db()
    assert entry.data == {"reason": "Anonymisert"}
