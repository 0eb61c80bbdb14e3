"""Registration, identifiers, duplicates, merge, exclusion, import, the participant page and the log."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from dagsverket.models import AccessLog, ActivityLog, Exclusion, Participant, Visit
from dagsverket.roles import Role
from dagsverket.selectors import similar_participants
from dagsverket.services import DagsverketError, participant_merge, participant_register
from tests.factories import ExclusionFactory, ParticipantFactory, VisitFactory, reason

VALID_ID = "15108695088"
VALID_ACCOUNT = "86011117947"


@pytest.fixture(autouse=True)
def _day():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


# --- registration ---


def test_a_name_alone_is_enough_to_register(site):
    person = participant_register(site=site, by=None, name=" Kalle ")
    assert person.name == "Kalle" and person.birth_date is None and person.national_id == ""


def test_registration_with_every_optional_field(client_for, site):
    response = client_for(Role.MANAGER).post(
        "/participants/new/",
        {
            "name": "Kari",
            "full_name": "Kari Nordmann",
            "nickname": "Kakka",
            "birth_date": "1986-10-15",
            "phone": "40000000",
            "national_id": "151086 95088",
            "bank_account": "8601.11.17947",
            "address": "Gata 1",
            "emergency_contact": "Mor",
            "languages": "norsk, engelsk",
            "skills": "snømåking",
            "restrictions": "ikke tunge løft",
            "hms_card_number": "HMS-1",
            "hms_card_expires": "2027-01-01",
            "driving_licence": "on",
        },
    )
    assert response.status_code == 302
    person = Participant.objects.get()
    assert (person.national_id, person.bank_account, person.birth_year) == (VALID_ID, VALID_ACCOUNT, 1986)
    assert person.driving_licence and person.search_name == "kari kari nordmann kakka"


def test_a_wrong_check_digit_gets_a_clear_message_and_nothing_is_written(client_for, site):
    client = client_for(Role.MANAGER)
    response = client.post("/participants/new/", {"name": "Kari", "national_id": "15108695089"})
    assert response.status_code == 400
    assert "Feil kontrollsiffer i fødselsnummer" in response.content.decode()
    response = client.post("/participants/new/", {"name": "Kari", "bank_account": "86011117948"})
    assert response.status_code == 400
    response = client.post("/participants/new/", {"name": "Kari", "national_id": "123"})
    assert response.status_code == 400
    assert not Participant.objects.exists()
    with pytest.raises(DagsverketError) as error:
        participant_register(site=site, by=None, name="Kari", national_id="15108695089")
    assert error.value.field == "national_id"


def test_national_id_and_bank_account_are_shown_only_to_payroll_and_managers(client_for, site):
    person = ParticipantFactory(site=site, national_id=VALID_ID, bank_account=VALID_ACCOUNT)
    for role in (Role.FRONT_DESK, Role.WORK_LEADER):
        body = client_for(role).get(f"/participants/{person.pk}/").content.decode()
        assert VALID_ID not in body and VALID_ACCOUNT not in body
    assert (
        "national_id"
        not in client_for(Role.FRONT_DESK).get(f"/participants/{person.pk}/edit/").content.decode()
    )
    body = client_for(Role.PAYROLL).get(f"/participants/{person.pk}/").content.decode()
    assert VALID_ID in body and VALID_ACCOUNT in body
    assert AccessLog.objects.filter(participant=person, what="national_id").count() == 1


def test_a_registration_without_a_name_is_refused(client_for):
    assert client_for(Role.FRONT_DESK).post("/participants/new/", {"name": ""}).status_code == 400
    assert not Participant.objects.exists()


# --- duplicates ---


def test_similar_people_are_found_by_name_ignoring_case_spaces_and_accents(site):
    aase = ParticipantFactory(site=site, name="Åse  Bjørnstad", nickname="")
    jose = ParticipantFactory(site=site, name="José", nickname="Pepe")
    born = ParticipantFactory(site=site, name="Trond", birth_date=datetime.date(1980, 5, 1))
    assert similar_participants(site=site, name="ase") == [aase]
    assert similar_participants(site=site, name="BJORNSTAD") == [aase]
    assert similar_participants(site=site, name="jose") == [jose]
    assert similar_participants(site=site, name="Someone", nickname="pepe") == [jose]
    assert similar_participants(site=site, name="X", birth_date=datetime.date(1980, 5, 1)) == [born]


def test_registering_offers_similar_people_first_then_saves_when_confirmed(client_for, site):
    ParticipantFactory(site=site, name="Øyvind")
    client = client_for(Role.FRONT_DESK)
    response = client.post("/participants/new/", {"name": "oyvind"})
    assert response.status_code == 200 and response.context["similar"]
    assert Participant.objects.count() == 1
    assert client.post("/participants/new/", {"name": "oyvind", "confirm_new": "True"}).status_code == 302
    assert Participant.objects.count() == 2


def test_a_manager_merges_two_records_keeping_all_history(client_for, site):
    keep = ParticipantFactory(site=site, name="Åse", phone="")
    dup = ParticipantFactory(site=site, name="Ase", phone="99999999")
    VisitFactory(participant=keep, date=datetime.date(2026, 2, 1))
    VisitFactory(participant=dup, date=datetime.date(2026, 2, 2))
    VisitFactory(participant=dup, date=datetime.date(2026, 2, 1))  # both came that day
    ExclusionFactory(participant=dup)
    response = client_for(Role.MANAGER).post(f"/participants/{keep.pk}/merge/", {"duplicate": dup.pk})
    assert response.status_code == 302
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert dup.merged_into == keep and keep.phone == "99999999"
    assert Visit.objects.filter(participant=keep).count() == 3
    assert Visit.objects.filter(participant=keep, undone_at__isnull=True).count() == 2
    assert Exclusion.objects.get().participant == keep
    # the move is in the exclusion's own history (it used to be a QuerySet.update(), which wrote none)
    exclusion = Exclusion.objects.get()
    assert [row.participant_id for row in exclusion.history.order_by("history_id")] == [dup.pk, keep.pk]
    assert ActivityLog.objects.filter(action="participant_merge").exists()
    with pytest.raises(DagsverketError):
        participant_merge(keep=keep, duplicate=dup, by=None)


def test_a_merge_moves_consents_referrals_assignments_and_the_ips_log_but_not_payslips(site, staff):
    from dagsverket.ips.models import CaseloadEntry
    from dagsverket.referrals.models import Consent, Referral
    from jobs.models import Assignment
    from payroll.models import Payslip
    from tests.factories import (
        AssignmentFactory,
        CaseloadEntryFactory,
        ConsentFactory,
        CustomerFactory,
        ReferralFactory,
        TaskFactory,
        WageRateFactory,
    )

    keep = ParticipantFactory(site=site, name="Åse")
    dup = ParticipantFactory(site=site, name="Ase")
    day = datetime.date(2026, 2, 1)
    task = TaskFactory(customer=CustomerFactory(site=site), date=day)
    AssignmentFactory(visit=VisitFactory(participant=keep, date=day), task=task)
    both = AssignmentFactory(visit=VisitFactory(participant=dup, date=day), task=task)
    other_day = AssignmentFactory(
        visit=VisitFactory(participant=dup, date=day + datetime.timedelta(days=1)),
        task=TaskFactory(customer=task.customer, date=day + datetime.timedelta(days=1)),
    )
    consent = ConsentFactory(participant=dup)
    referral = ReferralFactory(participant=dup)
    entry = CaseloadEntryFactory(participant=dup)
    from payroll.engine import hourly_line
    from payroll.services import payslip_prepare

    WageRateFactory(site=site, amount=Decimal("150.00"))
    slip = payslip_prepare(
        site=site, participant=dup, day=day, lines=[hourly_line("Ved", Decimal("2"), Decimal("150"))]
    )

    participant_merge(keep=keep, duplicate=dup, by=staff[Role.MANAGER])

    assert Consent.objects.get(pk=consent.pk).participant == keep
    assert Referral.objects.get(pk=referral.pk).participant == keep
    assert CaseloadEntry.objects.get(pk=entry.pk).participant == keep
    assert Assignment.objects.get(pk=other_day.pk).participant == keep
    # Both records were on the same task that day: one person keeps one place.
    moved = Assignment.objects.get(pk=both.pk)
    assert moved.participant == keep and moved.removed_at is not None
    assert Assignment.objects.filter(task=task, removed_at__isnull=True).count() == 1
    # Pay stays on the record it was made for, which now points at the kept one.
    assert Payslip.objects.get(pk=slip.pk).participant == dup
    assert Referral.history.filter(id=referral.pk, participant_id=keep.pk).exists()


def test_two_records_both_on_an_ips_caseload_are_not_merged(site):
    from tests.factories import CaseloadEntryFactory

    keep, dup = ParticipantFactory(site=site), ParticipantFactory(site=site)
    CaseloadEntryFactory(participant=keep)
    CaseloadEntryFactory(participant=dup)
    with pytest.raises(DagsverketError) as refused:
        participant_merge(keep=keep, duplicate=dup, by=None)
    assert refused.value.code == "two_open_ips"
    dup.refresh_from_db()
    assert dup.merged_into is None


def test_merging_needs_a_manager_and_a_real_record(client_for, site):
    keep = ParticipantFactory(site=site)
    assert (
        client_for(Role.FRONT_DESK).post(f"/participants/{keep.pk}/merge/", {"duplicate": 1}).status_code
        == 403
    )
    assert (
        client_for(Role.MANAGER).post(f"/participants/{keep.pk}/merge/", {"duplicate": "x"}).status_code
        == 400
    )
    assert (
        client_for(Role.MANAGER).post(f"/participants/{keep.pk}/merge/", {"duplicate": keep.pk}).status_code
        == 400
    )


# --- exclusion ---


def test_a_manager_excludes_until_a_date_and_the_page_shows_until_when(client_for, site):
    person = ParticipantFactory(site=site)
    client = client_for(Role.MANAGER)
    code = reason("exclusion", "violence-or-threats")
    response = client.post(
        f"/participants/{person.pk}/exclude/", {"ends_on": "2026-03-16", "reason": code.pk}
    )
    assert response.status_code == 302
    assert "16.3.2026" in client.get(f"/participants/{person.pk}/").content.decode()
    bad = client.post(f"/participants/{person.pk}/exclude/", {"ends_on": "2026-03-01", "reason": code.pk})
    assert bad.status_code == 400
    assert Exclusion.objects.count() == 1
    assert client_for(Role.FRONT_DESK).post(f"/participants/{person.pk}/exclude/").status_code == 403
    assert client.get(f"/participants/{person.pk}/exclude/").status_code == 405


# --- import ---


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


def test_import_with_a_bad_row_shows_the_error_and_writes_nothing(client_for, site):
    client = client_for(Role.MANAGER)
    response = client.post(
        "/participants/import/",
        {"file": _csv(f"name,national_id\nAnna,{VALID_ID}\nBent,15108695089\n,\n")},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "national_id" in body
    assert not Participant.objects.exists()


def test_import_previews_then_imports_on_confirmation(client_for, site):
    client = client_for(Role.MANAGER)
    response = client.post(
        "/participants/import/", {"file": _csv("name,birth_date\nAnna,1990-01-02\nBent,\n")}
    )
    assert response.status_code == 200
    assert not Participant.objects.exists()
    assert client.post("/participants/import/", {"confirm": "1"}).status_code == 302
    assert sorted(Participant.objects.filter(site=site).values_list("name", flat=True)) == ["Anna", "Bent"]


def test_an_imported_person_is_registered_by_the_service_as_at_the_front_desk(client_for, site, staff):
    client = client_for(Role.MANAGER)
    text = "name,phone,birth_year\nAnna,900 00 001,1980\nBent,,\n"
    assert client.post("/participants/import/", {"file": _csv(text)}).status_code == 200
    assert client.post("/participants/import/", {"confirm": "1"}).status_code == 302
    anna = Participant.objects.get(name="Anna")
    assert anna.phone == "+4790000001"  # the registration's own phone rule, E.164
    registered = ActivityLog.objects.filter(action="participant_register").order_by("pk")
    assert [(entry.object_id, entry.actor) for entry in registered] == [
        (str(person.pk), staff[Role.MANAGER]) for person in Participant.objects.order_by("pk")
    ]
    assert anna.history.get().history_user == staff[Role.MANAGER]


def test_an_import_row_the_registration_would_refuse_is_refused_with_its_message(client_for, site):
    client = client_for(Role.MANAGER)
    response = client.post("/participants/import/", {"file": _csv("name,birth_year\nAnna,1850\n")})
    assert response.status_code == 400
    assert "Et fødselsår er mellom 1900 og i år." in response.content.decode()
    assert not Participant.objects.exists()


def test_import_reads_xlsx(client_for, site):
    book = openpyxl.Workbook()
    book.active.append(["name", "nickname"])
    book.active.append(["Åse", "Åsa"])
    data = io.BytesIO()
    book.save(data)
    client = client_for(Role.MANAGER)
    upload = SimpleUploadedFile("people.xlsx", data.getvalue())
    assert client.post("/participants/import/", {"file": upload}).status_code == 200
    client.post("/participants/import/", {"confirm": "1"})
    assert Participant.objects.get().nickname == "Åsa"


def test_import_refuses_unreadable_files_and_weak_roles(client_for):
    client = client_for(Role.MANAGER)
    bad = SimpleUploadedFile("x.xlsx", b"not a workbook")
    assert client.post("/participants/import/", {"file": bad}).status_code == 400
    assert client.post("/participants/import/", {"file": _csv("nickname\nx\n")}).status_code == 400
    assert client_for(Role.FRONT_DESK).get("/participants/import/").status_code == 403
    assert client_for(None).get("/participants/import/").status_code == 302


# --- participant page and attendance log ---


def test_the_participant_page_lists_visits_and_outcomes(client_for, site):
    person = ParticipantFactory(site=site)
    VisitFactory(
        participant=person, date=datetime.date(2026, 2, 27), readiness="not_today", readiness_reason=reason()
    )
    body = client_for(Role.FRONT_DESK).get(f"/participants/{person.pk}/").content.decode()
    assert "27.2.2026" in body and "Uvel eller syk" in body
    assert client_for(Role.WORK_LEADER).get(f"/participants/{person.pk}/").status_code == 200
    assert (
        "Uvel eller syk"
        not in client_for(Role.WORK_LEADER).get(f"/participants/{person.pk}/").content.decode()
    )
    assert client_for(Role.EVALUATOR).get(f"/participants/{person.pk}/").status_code == 403


def test_someone_elses_participant_is_not_found(client_for, other_site):
    person = ParticipantFactory(site=other_site)
    assert client_for(Role.MANAGER).get(f"/participants/{person.pk}/").status_code == 404


def test_the_attendance_log_filters_and_runs_a_fixed_number_of_queries(
    client_for, site, other_site, django_assert_num_queries
):
    client = client_for(Role.MANAGER)
    for day in range(1, 6):
        VisitFactory(
            participant=ParticipantFactory(site=site), date=datetime.date(2026, 2, day), readiness="ready"
        )
    VisitFactory(participant=ParticipantFactory(site=other_site, name="Elsewhere"))
    client.get("/attendance/")
    # session with user, sites, permissions, site choices, count, page, session save (3),
    # and the page's outcomes: lottery entries, tasks, hours, pay (4)
    with django_assert_num_queries(9):
        response = client.get("/attendance/?date_from=2026-02-02&outcome=ready&sort=-participant")
    assert len(response.context["table"].rows) == 4
    assert "Elsewhere" not in response.content.decode()
    for _ in range(20):
        VisitFactory(
            participant=ParticipantFactory(site=site), date=datetime.date(2026, 2, 3), readiness="ready"
        )
    with django_assert_num_queries(9):
        client.get("/attendance/?date_from=2026-02-02&outcome=ready&sort=-participant")
    assert client.get("/attendance/?date_from=nonsense").status_code == 200


def test_filtering_a_list_keeps_the_column_it_is_sorted_by(client_for):
    client = client_for(Role.MANAGER)
    sorted_page = client.get("/attendance/", {"sort": "-participant"}).content.decode()
    assert '<input type="hidden" name="sort" value="-participant">' in sorted_page
    assert 'name="sort"' not in client.get("/attendance/").content.decode()
    # Whatever is typed into the address is only ever a value, never markup.
    odd = client.get("/attendance/", {"sort": '"><script>'}).content.decode()
    assert "<script>" not in odd.split('name="sort"', 1)[1][:40]


def test_the_attendance_log_shows_lottery_task_hours_and_pay_to_payroll_only(client_for, site, staff):
    from decimal import Decimal

    from jobs.models import Outcome
    from payroll.engine import hourly_line
    from payroll.services import payout_confirm, payslip_prepare
    from tests.factories import AssignmentFactory, LotteryDrawFactory, LotteryEntryFactory, WageRateFactory

    day = datetime.date(2026, 2, 3)
    person = ParticipantFactory(site=site, name="Kari", bank_account="")
    visit = VisitFactory(participant=person, date=day, readiness="ready")
    draw = LotteryDrawFactory(site=site, date=day)
    LotteryEntryFactory(draw=draw, visit=visit, outcome=Outcome.DRAWN)
    AssignmentFactory(visit=visit, task__customer__site=site, task__date=day, task__description="Snømåking")
    WageRateFactory(site=site, amount=Decimal("150.00"))
    slip = payslip_prepare(
        site=site, participant=person, day=day, lines=[hourly_line("Snømåking", Decimal("4"), Decimal("150"))]
    )
    payout_confirm(payslip=slip, method="cash", nonce="n1", by=staff[Role.PAYROLL])
    page = client_for(Role.PAYROLL).get("/attendance/?date_from=2026-02-01").content.decode()
    assert "Trukket" in page and "Snømåking" in page and "600,00" in page
    front = client_for(Role.FRONT_DESK).get("/attendance/?date_from=2026-02-01").content.decode()
    assert "Snømåking" in front and "600,00" not in front


def test_the_attendance_log_needs_a_role_that_sees_participants(client_for):
    assert client_for(Role.EVALUATOR).get("/attendance/").status_code == 403
    assert client_for(None).get("/attendance/").status_code == 302
    assert client_for(Role.MANAGER).post("/attendance/").status_code == 405


# --- list and edit ---


def test_the_participant_list_searches_by_name(client_for, site):
    ParticipantFactory(site=site, name="Øyvind")
    response = client_for(Role.WORK_LEADER).get("/participants/", {"q": "oy"})
    assert response.status_code == 200 and "Øyvind" in response.content.decode()
    assert client_for(Role.EVALUATOR).get("/participants/").status_code == 403
    assert client_for(None).get("/participants/").status_code == 302
    assert client_for(Role.MANAGER).post("/participants/").status_code == 405


def test_editing_saves_logs_and_offers_similar_people(client_for, site):
    ParticipantFactory(site=site, name="Åse")
    person = ParticipantFactory(site=site, name="Per", full_name="", birth_date=None)
    client = client_for(Role.FRONT_DESK)
    assert client.get(f"/participants/{person.pk}/edit/").status_code == 200
    response = client.post(f"/participants/{person.pk}/edit/", {"name": "Ase"})
    assert response.status_code == 200 and response.context["similar"]
    person.refresh_from_db()
    assert person.name == "Per"
    response = client.post(
        f"/participants/{person.pk}/edit/", {"name": "Ase", "confirm_new": "True", "phone": "412 34 567"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.phone) == ("Ase", "+4741234567")
    assert ActivityLog.objects.get(action="participant_update").data["fields"] == "name,phone"
    assert client.post(f"/participants/{person.pk}/edit/", {"name": ""}).status_code == 400
    assert client_for(Role.WORK_LEADER).get(f"/participants/{person.pk}/edit/").status_code == 403
    assert client_for(None).get(f"/participants/{person.pk}/edit/").status_code == 302
    assert client.delete(f"/participants/{person.pk}/edit/").status_code == 405


def test_the_pin_page_needs_the_front_desk_role_and_get_or_post(client_for):
    assert client_for(Role.FRONT_DESK).get("/checkin/pin/").status_code == 200
    assert client_for(Role.PAYROLL).get("/checkin/pin/").status_code == 403
    assert client_for(None).get("/checkin/pin/").status_code == 302
    assert client_for(Role.FRONT_DESK).delete("/checkin/pin/").status_code == 405


def test_a_manager_lifts_an_exclusion_early_and_it_is_logged(client_for, site):
    person = ParticipantFactory(site=site)
    exclusion = ExclusionFactory(participant=person)
    url = f"/participants/{person.pk}/exclusions/{exclusion.pk}/lift/"
    assert client_for(Role.FRONT_DESK).post(url).status_code == 403
    assert client_for(Role.MANAGER).get(url).status_code == 405
    assert client_for(Role.MANAGER).post(url).status_code == 302
    exclusion.refresh_from_db()
    assert exclusion.lifted_at is not None
    assert ActivityLog.objects.filter(action="exclusion_lift").exists()
    assert client_for(Role.MANAGER).post(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "referrals", "pay", "access"),
    [
        (Role.FRONT_DESK, True, False, False),
        (Role.WORK_LEADER, False, False, False),
        (Role.PAYROLL, False, True, False),
        (Role.MANAGER, True, True, True),
    ],
)
def test_the_participant_page_links_each_role_only_to_the_blocks_it_may_see(
    client_for, site, role, referrals, pay, access
):
    person = ParticipantFactory(site=site)
    page = client_for(role).get(f"/participants/{person.pk}/").content.decode()
    assert (f'/referrals/participant/{person.pk}/"' in page) is referrals
    assert (f"/payroll/participant/{person.pk}/" in page) is pay
    assert (f"/referrals/participant/{person.pk}/access/" in page) is access


def test_the_participant_page_shows_work_done_and_pay_only_to_payroll(client_for, site, staff):
    from decimal import Decimal

    from payroll.engine import hourly_line
    from payroll.services import payout_confirm, payslip_prepare
    from tests.factories import AssignmentFactory, WageRateFactory

    day = datetime.date(2026, 2, 3)
    person = ParticipantFactory(site=site, name="Kari", bank_account="")
    visit = VisitFactory(participant=person, date=day, readiness="ready")
    AssignmentFactory(visit=visit, task__customer__site=site, task__date=day, task__description="Vedkløyving")
    WageRateFactory(site=site, amount=Decimal("150.00"))
    slip = payslip_prepare(
        site=site, participant=person, day=day, lines=[hourly_line("Ved", Decimal("8"), Decimal("150"))]
    )
    payout_confirm(payslip=slip, method="cash", nonce="n2", by=staff[Role.PAYROLL])
    payroll_page = client_for(Role.PAYROLL).get(f"/participants/{person.pk}/").content.decode()
    assert "Vedkløyving" in payroll_page and "1\u00a0200,00" in payroll_page
    leader_page = client_for(Role.WORK_LEADER).get(f"/participants/{person.pk}/").content.decode()
    assert "Vedkløyving" in leader_page and "1\u00a0200,00" not in leader_page
