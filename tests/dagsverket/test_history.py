"""The audit trail: history rows for every domain model, the per-record page, masking, the site check."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.urls import reverse

from dagsverket.history import EXEMPT, MASK, acting, history_models, is_project_model, masked_value
from dagsverket.models import AccessLog, Participant, ReadinessEntry
from dagsverket.roles import Role
from dagsverket.views.history import history_rows
from jobs.models import Assignment
from payroll.engine import hourly_line
from payroll.models import Payslip, PayslipLine
from payroll.services import payout_confirm, payslip_prepare
from tests.factories import (
    CustomerFactory,
    ParticipantFactory,
    TaskFactory,
    VisitFactory,
    WageRateFactory,
    reason,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 30, tzinfo=datetime.UTC), tick=False):
        yield


def _history_url(obj) -> str:
    return reverse(
        "record_history",
        kwargs={"app_label": obj._meta.app_label, "model": obj._meta.model_name, "pk": obj.pk},
    )


def test_every_domain_model_keeps_a_history_or_is_a_listed_log():
    missing = [
        model._meta.label_lower
        for model in apps.get_models()
        if is_project_model(model)
        and not hasattr(model, "instance_type")  # the historical tables themselves
        and model not in history_models()
        and model._meta.label_lower not in EXEMPT
    ]
    assert missing == [], "add `history = HistoricalRecords()` to these models (or list them in EXEMPT)"
    assert len(history_models()) >= 28


def test_creating_changing_and_deleting_a_participant_leaves_history_with_the_user(client_for, staff):
    manager = staff[Role.MANAGER]
    client = client_for(Role.MANAGER)
    response = client.post(
        reverse("participant_new"), {"name": "Kari Berg", "phone": "90000001", "confirm_new": "1"}
    )
    assert response.status_code == 302
    person = Participant.objects.get(name="Kari Berg")
    response = client.post(
        reverse("participant_edit", args=[person.pk]),
        {"name": "Kari Berg", "phone": "90000002", "national_id": "", "bank_account": "", "confirm_new": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created, changed = person.history.order_by("history_date", "history_id")
    assert (created.history_type, created.history_user) == ("+", manager)
    assert (changed.history_type, changed.history_user) == ("~", manager)
    delta = changed.diff_against(created)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("phone", "+4790000001", "+4790000002")]

    pk = person.pk
    with acting(user=manager, reason="registered twice"):
        person.delete()
    deleted = Participant.history.filter(id=pk).latest()
    assert (deleted.history_type, deleted.history_user, deleted.history_change_reason) == (
        "-",
        manager,
        "registered twice",
    )
    page = client.get(reverse("record_history", args=["dagsverket", "participant", pk]))
    assert page.status_code == 200
    assert "Slettet" in page.content.decode() and "historikken er tatt vare på" in page.content.decode()


@pytest.fixture
def paid_payslip(site, staff):
    person = ParticipantFactory(site=site, name="Ola")
    WageRateFactory(site=site, amount=Decimal("150.00"))
    slip = payslip_prepare(
        site=site, participant=person, day=DAY, lines=[hourly_line("Snow", Decimal("4"), Decimal("150"))]
    )
    payout_confirm(payslip=slip, method="cash", nonce=uuid.uuid4().hex, by=staff[Role.PAYROLL])
    return slip


def test_a_payslip_reversal_leaves_history_rows_with_the_user(client_for, staff, paid_payslip):
    response = client_for(Role.PAYROLL).post(
        reverse("payroll:payslip_reverse", args=[paid_payslip.pk]), {"reason": "Wrong hours"}
    )
    assert response.status_code == 302
    reversal = Payslip.objects.get(reverses=paid_payslip)
    row = reversal.history.get()
    assert (row.history_type, row.history_user, row.net) == ("+", staff[Role.PAYROLL], reversal.net)
    assert row.reason == "Wrong hours"
    line = PayslipLine.objects.get(payslip=reversal)
    assert line.history.get().amount == Decimal("-600.00")
    # The original went from draft to paid once and was never touched again.
    assert [r.history_type for r in paid_payslip.history.order_by("history_date", "history_id")] == ["+", "~"]


def test_an_assignment_leaves_history_when_made_and_when_removed(client_for, staff, site):
    task = TaskFactory(customer=CustomerFactory(site=site), date=DAY)
    visit = VisitFactory(participant=ParticipantFactory(site=site), date=DAY, readiness="ready")
    client = client_for(Role.WORK_LEADER)
    assert client.post(reverse("jobs:assign"), {"task": task.pk, "visit": visit.pk}).status_code == 302
    assignment = Assignment.objects.get()
    assert client.post(reverse("jobs:assignment_remove", args=[assignment.pk])).status_code in {200, 302}
    created, removed = assignment.history.order_by("history_date", "history_id")
    assert (created.history_type, created.history_user) == ("+", staff[Role.WORK_LEADER])
    assert (removed.history_type, removed.history_user) == ("~", staff[Role.WORK_LEADER])
    assert "removed_at" in removed.diff_against(created).changed_fields


def test_the_history_page_shows_each_change_old_and_new(client_for, staff, site):
    person = ParticipantFactory(site=site, name="Per", phone="41000000")
    with acting(user=staff[Role.FRONT_DESK]):
        person.phone = "42000000"
        person.save()
    response = client_for(Role.MANAGER).get(_history_url(person))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<del>41000000</del> → <ins>42000000</ins>" in body
    assert (staff[Role.FRONT_DESK].get_full_name() or staff[Role.FRONT_DESK].username) in body
    assert "10.03.2026 10:30" in body  # 09:30 UTC in Oslo, Norwegian format
    assert AccessLog.objects.filter(participant=person, what="history", user=staff[Role.MANAGER]).exists()


def test_the_history_page_runs_a_fixed_number_of_queries(client_for, site, django_assert_num_queries):
    client = client_for(Role.MANAGER)
    few, many = ParticipantFactory(site=site), ParticipantFactory(site=site)
    for index in range(40):
        many.phone = f"4{index:07d}"
        many.save()
    client.get(_history_url(few))
    with django_assert_num_queries(5):
        assert client.get(_history_url(few)).status_code == 200
    with django_assert_num_queries(5):
        response = client.get(_history_url(many), {"page": 2})
    assert response.status_code == 200


def test_only_managers_see_history(client_for, site):
    url = _history_url(ParticipantFactory(site=site))
    for role in (Role.FRONT_DESK, Role.PAYROLL, Role.WORK_LEADER, Role.EVALUATOR, Role.STUDY):
        assert client_for(role).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert client_for(Role.MANAGER).post(url).status_code == 405


def test_unknown_models_logs_and_other_sites_records_are_not_found(client_for, site, other_site):
    client = client_for(Role.MANAGER)
    theirs = ParticipantFactory(site=other_site)
    log = AccessLog.objects.create(user=theirs.site.staff.first() or _any_user(), participant=None, what="x")
    assert client.get(_history_url(theirs)).status_code == 404
    assert client.get(_history_url(log)).status_code == 404  # a log keeps no history
    bad = reverse("record_history", kwargs={"app_label": "auth", "model": "user", "pk": 1})
    assert client.get(bad).status_code == 404
    bad = reverse("record_history", kwargs={"app_label": "dagsverket", "model": "nothing", "pk": 1})
    assert client.get(bad).status_code == 404
    ours = ParticipantFactory(site=site)
    missing = reverse(
        "record_history", kwargs={"app_label": "dagsverket", "model": "participant", "pk": ours.pk + 99}
    )
    assert client.get(missing).status_code == 404


def _any_user():
    from tests.factories import UserFactory

    return UserFactory()


def test_history_of_a_record_below_another_is_checked_against_its_site(client_for, site, other_site):
    client = client_for(Role.MANAGER)
    ours = VisitFactory(participant=ParticipantFactory(site=site))
    theirs = VisitFactory(participant=ParticipantFactory(site=other_site), site=other_site)
    entry = ReadinessEntry.objects.create(visit=theirs, status="ready")
    assert client.get(_history_url(ours)).status_code == 200
    assert client.get(_history_url(entry)).status_code == 404


def test_identifiers_and_health_data_are_masked_for_roles_without_the_permission(staff, site):
    frontdesk, payroll = staff[Role.FRONT_DESK], staff[Role.PAYROLL]
    assert masked_value(frontdesk, Participant, "national_id", "01017012345") == MASK
    assert masked_value(frontdesk, Participant, "bank_account", "12345678903") == MASK
    assert masked_value(payroll, Participant, "national_id", "01017012345") == "01017012345"
    assert masked_value(frontdesk, Participant, "phone", "41000000") == "41000000"
    assert masked_value(payroll, ReadinessEntry, "note", "shaky") == MASK
    assert masked_value(frontdesk, ReadinessEntry, "note", "shaky") == "shaky"

    person = ParticipantFactory(site=site, national_id="")
    Participant.objects.filter(pk=person.pk)  # the form validates; the history keeps what is saved
    person.national_id = "01017012345"
    person.save()
    records = list(person.history.order_by("history_date", "history_id"))
    shown = history_rows(frontdesk, Participant, records)[0]["changes"]
    assert {"field": "national ID number", "old": "—", "new": MASK} in shown or any(
        change["new"] == MASK for change in shown
    )
    assert "01017012345" not in str(history_rows(frontdesk, Participant, records))
    assert "01017012345" in str(history_rows(payroll, Participant, records))

    visit = VisitFactory(participant=person)
    entry = ReadinessEntry.objects.create(
        visit=visit, status="not_today", reason=reason(), note="shaky hands"
    )
    rows = history_rows(payroll, ReadinessEntry, list(entry.history.all()))
    assert "shaky hands" not in str(rows)
    assert "shaky hands" in str(history_rows(frontdesk, ReadinessEntry, list(entry.history.all())))


def test_the_history_tables_carry_only_the_append_only_triggers(on_postgres, paid_payslip):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relname LIKE %s",
            ["%historical%"],
        )
        triggers = cursor.fetchall()
    # Only the paid rows' history is append-only (the retention role purges it: see
    # tests/test_database_guarantees.py).
    assert {table for table, _name in triggers} == {
        f"payroll_historical{name}"
        for name in ("payslip", "payslipline", "payout", "cashbox", "cashmovement")
    }
    assert all(name.endswith(("_is_append_only", "_is_never_truncated")) for _table, name in triggers)
    assert paid_payslip.history.count() == 2


def test_managers_find_a_history_link_on_the_records_pages_others_do_not(client_for, site, paid_payslip):
    person = paid_payslip.participant
    task = TaskFactory(customer=CustomerFactory(site=site), date=DAY)
    pages = [
        (reverse("participant_detail", args=[person.pk]), _history_url(person), Role.FRONT_DESK),
        (reverse("jobs:task_edit", args=[task.pk]), _history_url(task), Role.WORK_LEADER),
        (reverse("payroll:day", args=[DAY]), _history_url(paid_payslip), Role.PAYROLL),
    ]
    for page, link, other in pages:
        assert link in client_for(Role.MANAGER).get(page).content.decode(), page
        assert link not in client_for(other).get(page).content.decode(), page
        assert client_for(Role.MANAGER).get(link).status_code == 200
