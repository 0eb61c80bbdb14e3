"""`manage.py apply_retention`: anonymise long-inactive people, remove payroll records after five full
years, keep visits for statistics, purge the audit trail of what was removed; dry run and idempotence."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from dagsverket.evaluation.pseudonyms import pseudonym_for, pseudonyms_ensure
from dagsverket.history import acting
from dagsverket.models import ActivityLog, Participant, ReadinessEntry, Visit
from dagsverket.referrals.models import Referral
from payroll.models import PaidRowError, Payout, Payslip, PayslipLine, TaxCard, retention_deletes
from tests.factories import (
    EvaluationProjectFactory,
    ParticipantFactory,
    ReferralFactory,
    TaxCardFactory,
    VisitFactory,
    reason,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(_at(TODAY), tick=False):
        yield


def _visit(person, day, note=""):
    visit = VisitFactory(participant=person, site=person.site, date=day, arrived_at=_at(day))
    if note:
        ReadinessEntry.objects.create(visit=visit, status="not_today", reason=reason(), note=note)
    return visit


def _paid_payslip(person, day) -> Payslip:
    money = Decimal("600.00")
    slip = Payslip.objects.create(
        site=person.site,
        participant=person,
        date=day,
        gross=money,
        holiday_pay_rate=Decimal("10.2"),
        holiday_pay_basis=money,
        holiday_pay=Decimal("61.20"),
        taxable=Decimal("661.20"),
        tax_card_kind="none",
        tax_percentage=Decimal("50"),
        tax_basis=Decimal("661.20"),
        tax=Decimal("330.60"),
        net=Decimal("330.60"),
        amount_due=Decimal("330.60"),
        ytd_gross=money,
        ytd_tax=Decimal("330.60"),
    )
    PayslipLine.objects.create(
        payslip=slip, description="Snow", hours=Decimal("4"), rate=Decimal("150"), amount=money
    )
    slip.paid_at = _at(day)
    slip.save()
    Payout.objects.create(
        payslip=slip,
        site=person.site,
        date=day,
        method="bank",
        amount=slip.net,
        bank_account="12345678903",
        nonce=f"n{slip.pk}",
        paid_by=person.site.staff.first() or _user(),
    )
    return slip


def _user():
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def people(site):
    def person(name, registered, **fields):
        return ParticipantFactory(
            site=site, name=name, created_at=_at(registered), phone="41234567", address="Gata 1", **fields
        )

    old = person("Gunnar Gammel", datetime.date(2021, 1, 4), national_id="01017012345", full_name="Gunnar G")
    _visit(old, datetime.date(2022, 5, 2), note="skjelven i dag")
    Referral.objects.create(
        participant=old,
        site=site,
        agency=_agency(),
        area="work",
        text="Gunnar trenger hjelp",
        staff=_user(),
        date=datetime.date(2022, 5, 2),
        status="completed",
        outcome="helped",
        outcome_note="fikk jobb hos Gunnars onkel",
        override_reason="Gunnar ba om det muntlig",
    )
    with acting(reason="test"):
        old.phone = "49999999"
        old.save()
    never_came = person("Nora Aldri", datetime.date(2022, 1, 3))
    recent = person("Rita Ny", datetime.date(2021, 1, 4))
    _visit(recent, datetime.date(2025, 10, 1))
    held = person("Henrik Henvist", datetime.date(2021, 1, 4))
    _visit(held, datetime.date(2022, 5, 2))
    ReferralFactory(participant=held, status="draft", date=datetime.date(2022, 5, 2))
    paid_2022 = person("Petra Lønn", datetime.date(2021, 1, 4), national_id="02028012345")
    _visit(paid_2022, datetime.date(2022, 5, 2))
    kept_slip = _paid_payslip(paid_2022, datetime.date(2022, 5, 2))
    TaxCardFactory(participant=paid_2022, year=2021)
    paid_2020 = person("Paul Gammel", datetime.date(2019, 1, 4))
    _visit(paid_2020, datetime.date(2020, 5, 4))
    old_slip = _paid_payslip(paid_2020, datetime.date(2020, 5, 4))
    TaxCardFactory(participant=paid_2020, year=2020)
    return {
        "old": old,
        "never_came": never_came,
        "recent": recent,
        "held": held,
        "paid_2022": paid_2022,
        "paid_2020": paid_2020,
        "kept_slip": kept_slip,
        "old_slip": old_slip,
    }


def _agency():
    from tests.factories import AgencyFactory

    return AgencyFactory()


def _snapshot() -> dict:
    """Row counts of every project table (history included) and every participant's values."""
    counts = {
        model._meta.db_table: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"dagsverket", "jobs", "payroll"} and model is not ActivityLog
    }
    values = list(Participant.objects.order_by("pk").values())
    notes = list(ReadinessEntry.objects.order_by("pk").values_list("note", flat=True))
    history = list(Participant.history.order_by("history_id").values())
    return {"counts": counts, "participants": values, "notes": notes, "history": history}


def _run(*args) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_dry_run_prints_what_would_happen_and_writes_nothing(people):
    before = _snapshot()
    output = _run("--dry-run", "--today", "2026-03-01")
    assert "participants_anonymised: 3" in output  # old, never came, paid in 2020 (payslip goes first)
    assert "participants_minimised_kept_for_payroll: 1" in output
    assert "participants_kept_open_referral_consent_or_exclusion: 1" in output
    assert "payslips: 1" in output and "payouts: 1" in output and "tax_cards: 1" in output
    assert "Dry run: nothing was written." in output
    assert _snapshot() == before
    assert not ActivityLog.objects.filter(action="apply_retention").exists()


def test_a_run_anonymises_the_inactive_and_keeps_their_visits(people):
    old = people["old"]
    visits_before = Visit.objects.filter(participant=old).count()
    output = _run("--today", "2026-03-01")
    assert "participants_anonymised: 3" in output
    old.refresh_from_db()
    assert old.name == f"Anonymisert {old.pk}"
    assert (old.full_name, old.phone, old.national_id, old.address) == ("", "", "", "")
    assert old.anonymised_at is not None
    assert old.search_name == f"anonymisert {old.pk}"
    assert Visit.objects.filter(participant=old).count() == visits_before
    assert list(ReadinessEntry.objects.filter(visit__participant=old).values_list("note", flat=True)) == [""]
    referral = Referral.objects.get(participant=old)
    assert (referral.text, referral.outcome_note, referral.outcome) == ("", "", "helped")
    assert referral.override_reason == "Anonymisert"
    # Nothing of the identity is left in the audit trail either.
    trail = str(list(Participant.history.filter(id=old.pk).values()))
    for secret in ("Gunnar", "41234567", "49999999", "01017012345", "Gata 1"):
        assert secret not in trail
    assert "skjelven" not in str(list(ReadinessEntry.history.values()))
    assert "Gunnar" not in str(list(Referral.history.values()))
    assert Participant.history.filter(id=old.pk).latest().history_change_reason == "retention"

    for key in ("recent", "held"):
        person = people[key]
        person.refresh_from_db()
        assert person.anonymised_at is None and person.phone == "41234567", key
    assert Participant.objects.get(pk=people["never_came"].pk).anonymised_at is not None
    log = ActivityLog.objects.get(action="apply_retention")
    assert log.data["participants_anonymised"] == "3"


def test_people_named_on_kept_payroll_records_are_minimised_not_anonymised(people):
    _run("--today", "2026-03-01")
    paid = Participant.objects.get(pk=people["paid_2022"].pk)
    assert (paid.name, paid.national_id) == ("Petra Lønn", "02028012345")
    assert (paid.phone, paid.address, paid.anonymised_at) == ("", "", None)
    assert "41234567" not in str(list(Participant.history.filter(id=paid.pk).values()))
    # Once 2022's records are past their time, the next run anonymises the person.
    output = _run("--today", "2028-01-01")
    paid.refresh_from_db()
    assert paid.anonymised_at is not None and paid.national_id == ""
    assert "payslips: 1" in output


def test_payroll_records_go_five_full_years_after_their_year_with_lines_payouts_and_history(people):
    old_slip, kept_slip = people["old_slip"], people["kept_slip"]
    line_ids = list(old_slip.lines.values_list("pk", flat=True))
    _run("--today", "2025-12-31")
    assert Payslip.objects.filter(pk=old_slip.pk).exists()
    _run("--today", "2026-01-01")
    assert not Payslip.objects.filter(pk=old_slip.pk).exists()
    assert not PayslipLine.objects.filter(pk__in=line_ids).exists()
    assert not Payout.objects.filter(payslip_id=old_slip.pk).exists()
    assert not Payslip.history.filter(id=old_slip.pk).exists()
    assert not PayslipLine.history.filter(id__in=line_ids).exists()
    assert not Payout.history.filter(payslip_id=old_slip.pk).exists()
    assert Payslip.objects.filter(pk=kept_slip.pk).exists()
    assert list(TaxCard.objects.values_list("year", flat=True)) == [2021]


def test_running_twice_changes_nothing_the_second_time(people):
    _run("--today", "2026-03-01")
    before = _snapshot()
    output = _run("--today", "2026-03-01")
    assert "participants_anonymised: 0" in output and "payslips: 0" in output
    assert "participants_minimised_kept_for_payroll: 0" in output
    assert _snapshot() == before


def test_evaluation_pseudonyms_stay_the_same_for_kept_visits(people):
    project = EvaluationProjectFactory()
    old = people["old"]
    pseudonyms_ensure(project=project, participant_ids=[old.pk])
    code = project.pseudonyms.get(participant=old).code
    _run("--today", "2026-03-01")
    assert project.pseudonyms.get(participant=old).code == code == pseudonym_for(project, old.pk)


def test_a_bad_date_is_refused(people):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        _run("--today", "2026-02-30")


def test_paid_rows_stay_frozen_outside_the_retention_door(people):
    slip = people["old_slip"]
    with pytest.raises(PaidRowError):
        slip.delete()
    with pytest.raises(PaidRowError):
        Payslip.objects.filter(pk=slip.pk).delete()


def test_on_postgres_a_plain_delete_of_a_paid_payslip_still_fails_and_retention_succeeds(on_postgres, people):
    slip = people["old_slip"]
    for table, column in (("payroll_payout", "payslip_id"), ("payroll_payslipline", "payslip_id")):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [slip.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE payroll_payslip SET net = 0 WHERE id = %s", [slip.pk])
    # Inside the door, updates stay refused; after it, deletes are refused again in the same transaction.
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        retention_deletes(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE payroll_payslip SET net = 0 WHERE id = %s", [slip.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        with retention_deletes():
            pass
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM payroll_payout WHERE payslip_id = %s", [slip.pk])
    assert "payslips: 1" in _run("--today", "2026-03-01")
    assert not Payslip.objects.filter(pk=slip.pk).exists()


def test_an_old_payslip_stays_while_a_kept_reversal_points_at_it_then_both_go(people):
    old_slip = people["old_slip"]
    day = datetime.date(2021, 1, 10)
    reversal = Payslip.objects.create(
        **{
            name: getattr(old_slip, name)
            for name in ("site_id", "participant_id", "holiday_pay_rate", "tax_card_kind", "tax_percentage")
        },
        **{
            name: -getattr(old_slip, name)
            for name in ("gross", "holiday_pay_basis", "holiday_pay", "taxable", "tax_basis", "tax", "net")
        },
        date=day,
        kind="reversal",
        amount_due=Decimal("0"),
        ytd_gross=Decimal("0"),
        ytd_tax=Decimal("0"),
        paid_at=_at(day),
        reverses=old_slip,
        reason="Wrong person",
    )
    output = _run("--today", "2026-03-01")
    assert "payslips: 0" in output and "payslips_held_by_later_corrections: 1" in output
    assert Payslip.objects.filter(pk=old_slip.pk).exists()
    output = _run("--today", "2027-01-01")
    assert "payslips: 2" in output
    assert not Payslip.objects.filter(pk__in=[old_slip.pk, reversal.pk]).exists()


def test_the_job_specialist_log_keeps_an_open_caseload_and_loses_its_free_text_when_closed(people):
    from dagsverket.ips.models import CareerProfile, EmployerContact
    from tests.factories import CaseloadEntryFactory, EmployerContactFactory

    with acting(reason="test"):
        closed = CaseloadEntryFactory(
            participant=people["old"],
            started_on=datetime.date(2022, 1, 3),
            ended_on=datetime.date(2022, 6, 1),
            end_reason="moved",
        )
        CareerProfile.objects.create(entry=closed, work_history="Gunnar kjørte truck", goals="lager")
        contact = EmployerContactFactory(entry=closed, notes="Gunnar vil prøve hos onkelen")
        open_entry = CaseloadEntryFactory(
            participant=people["never_came"], started_on=datetime.date(2022, 1, 3)
        )

    output = _run("--today", "2026-03-01")

    # Nora has an open caseload entry: kept as she is, like a person with an open referral.
    assert "participants_kept_open_referral_consent_or_exclusion: 2" in output
    people["never_came"].refresh_from_db()
    assert people["never_came"].name == "Nora Aldri"
    assert open_entry.participant.anonymised_at is None
    # Gunnar's closed entry stays for the IPS figures, without its free text, history included.
    profile = CareerProfile.objects.get(entry=closed)
    assert (profile.work_history, profile.goals) == ("", "")
    contact.refresh_from_db()
    assert contact.notes == "" and contact.employer_name and contact.date
    trail = str(list(CareerProfile.history.values())) + str(list(EmployerContact.history.values()))
    assert "Gunnar" not in trail and "truck" not in trail


def test_a_person_in_a_running_trial_is_kept_however_long_since_they_came(people, staff, site):
    from dagsverket.referrals.models import Consent
    from tests.research.conftest import research_world

    research_world(staff, site, people["old"])  # enrolled and allocated; the study runs ~900 days more
    # Only the trial holds him: his consents ran out before the day retention runs.
    Consent.objects.filter(participant=people["old"]).update(
        given_on=datetime.date(2025, 1, 6), valid_until=datetime.date(2026, 2, 1)
    )

    output = _run("--today", "2026-03-01")

    assert "participants_kept_open_referral_consent_or_exclusion: 2" in output
    people["old"].refresh_from_db()
    assert people["old"].name == "Gunnar Gammel" and people["old"].anonymised_at is None


def _time_sheet(person, day, reason_text):
    """An assignment with an hours correction and an earned guarantee, both with words about the person."""
    from jobs.models import EarnedGuarantee, HoursCorrection
    from tests.factories import AssignmentFactory

    assignment = AssignmentFactory(visit=_visit(person, day))
    HoursCorrection.objects.create(
        assignment=assignment,
        old_starts_at=datetime.time(8),
        old_ends_at=datetime.time(12),
        old_break_minutes=0,
        old_hours=Decimal("4.00"),
        new_starts_at=datetime.time(8),
        new_ends_at=datetime.time(11),
        new_break_minutes=0,
        new_hours=Decimal("3.00"),
        reason=reason_text,
    )
    with acting(reason="test"):
        guarantee = EarnedGuarantee.objects.create(participant=person, earned_on=day, reason=reason_text)
        guarantee.reason += " (rettet)"
        guarantee.save()


def test_time_sheet_reasons_lose_their_words_when_the_person_is_anonymised_not_before(people):
    from jobs.models import EarnedGuarantee, HoursCorrection

    _time_sheet(people["old"], datetime.date(2022, 5, 3), "Gunnar gikk tidlig, var dårlig")
    _time_sheet(people["paid_2022"], datetime.date(2022, 5, 3), "Petra gikk tidlig")
    _run("--today", "2026-03-01")
    old_correction = HoursCorrection.objects.get(assignment__participant=people["old"])
    assert old_correction.reason == "Anonymisert"
    assert (old_correction.old_hours, old_correction.new_hours) == (Decimal("4.00"), Decimal("3.00"))
    assert EarnedGuarantee.objects.get(participant=people["old"]).reason == "Anonymisert"
    assert "Gunnar" not in str(list(EarnedGuarantee.history.values()))
    # Petra is only minimised (her 2022 payslip is kept): her time sheet is kept as written.
    petra = people["paid_2022"]
    assert HoursCorrection.objects.get(assignment__participant=petra).reason == "Petra gikk tidlig"
    assert EarnedGuarantee.objects.get(participant=petra).reason == "Petra gikk tidlig (rettet)"
