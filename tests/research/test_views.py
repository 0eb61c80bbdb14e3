"""The research pages: screening, lock and reveal, questionnaires, outcomes, due list, concealment."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dagsverket.models import Participant
from dagsverket.referrals.models import Consent
from dagsverket.research.models import (
    AllocationList,
    AllocationSlot,
    Enrolment,
    FollowUp,
    Response,
    SessionAttendance,
)
from dagsverket.research.services import (
    allocation_reveal,
    enrolment_lock,
    study_start,
)
from dagsverket.roles import Role
from tests.factories import UserFactory


def _screening_post(study, **overrides):
    data = {
        "sex": "f",
        "age": "30",
        "baseline_on": timezone.localdate().isoformat(),
        "responsible": "",
        **{f"criterion_{c.pk}": "on" for c in study.criteria.all()},
    }
    data.update(overrides)
    return data


def test_screening_a_new_person_registers_them_records_consent_and_the_baseline(study, staff, client_for):
    client = client_for(Role.STUDY)
    url = reverse("research:study_enrol", args=[study.pk])
    assert client.get(url).status_code == 200
    data = _screening_post(
        study,
        new_name="Testperson Ny",
        responsible=str(staff[Role.STUDY].pk),
        consent_given_on=timezone.localdate().isoformat(),
        consent_method="paper",
    )
    response = client.post(url, data)
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302 and response.url == reverse("research:enrolment", args=[enrolment.pk])
    assert enrolment.participant.name == "Testperson Ny" and enrolment.participant.sex == "f"
    assert enrolment.stratum.startswith("age_band=18-34|sex=f|site=")
    consent = Consent.objects.get(participant=enrolment.participant)
    assert consent.purpose == "research" and consent.project == study.name


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # neither a participant nor a new name
        {"new_name": "Ny", "age": "12"},  # too young for the study
        {"new_name": "Ny", "sex": "q"},
        {"new_name": "Ny", "consent_given_on": "2026-01-01"},  # no method
        {"new_name": "Ny", "consent_given_on": "2999-01-01", "consent_method": "paper"},  # in the future
        {"new_name": "Ny", "age": "x"},
    ],
)
def test_bad_screening_input_gives_400_and_writes_nothing(study, staff, client_for, overrides):
    people = Participant.objects.count()
    data = _screening_post(study, responsible=str(staff[Role.STUDY].pk), **overrides)
    response = client_for(Role.STUDY).post(reverse("research:study_enrol", args=[study.pk]), data)
    assert response.status_code == 400
    assert b'class="error"' in response.content
    assert Enrolment.objects.count() == 0 and Consent.objects.count() == 0
    assert Participant.objects.count() == people


def test_a_second_screening_of_the_same_person_is_refused(study, staff, client_for, screened):
    enrolment = screened()
    data = _screening_post(
        study, participant=str(enrolment.participant_id), responsible=str(staff[Role.STUDY].pk)
    )
    response = client_for(Role.STUDY).post(reverse("research:study_enrol", args=[study.pk]), data)
    assert response.status_code == 400
    assert Enrolment.objects.count() == 1


def _all_pages(study, enrolment):
    wave = study.waves.get(months=0)
    return [
        reverse("research:home"),
        reverse("research:due"),
        reverse("research:instruments"),
        reverse("research:study_detail", args=[study.pk]),
        reverse("research:study_consort", args=[study.pk]),
        reverse("research:study_enrol", args=[study.pk]),
        reverse("research:sessions", args=[study.pk]),
        reverse("research:enrolment", args=[enrolment.pk]),
        reverse("research:enrolment_follow_up", args=[enrolment.pk, wave.pk]),
        reverse("research:enrolment_response", args=[enrolment.pk, wave.pk, wave.instruments.first().pk]),
    ]


def _context_objects(response):
    for context in response.context or []:
        for values in context.dicts:
            yield from values.values()


def test_no_page_shows_or_hands_over_the_list_or_the_next_allocation_before_reveal(
    study, staff, client_for, screened
):
    study_start(study=study, by=staff[Role.STUDY])
    enrolment = screened()
    enrolment_lock(enrolment=enrolment, by=staff[Role.STUDY])
    seeds = [str(seed) for seed in AllocationList.objects.values_list("seed", flat=True)]
    next_slot = AllocationSlot.objects.filter(
        allocation_list__is_live=True, stratum=enrolment.stratum, sequence=1
    ).get()
    for role in (Role.STUDY, Role.MANAGER):
        client = client_for(role)
        for url in _all_pages(study, enrolment):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert not any(seed in body for seed in seeds), url
            for value in _context_objects(response):
                assert not isinstance(value, (AllocationSlot, AllocationList)), url
        enrolment_page = client.get(reverse("research:enrolment", args=[enrolment.pk]))
        assert enrolment_page.context["allocation"] is None
        reveal_url = reverse("research:enrolment_reveal", args=[enrolment.pk])
        assert reveal_url in enrolment_page.content.decode()
        # Recruiters never see running balances per stratum.
        assert client.get(reverse("research:study_balance", args=[study.pk])).status_code == 403
    assert AllocationSlot.objects.get(pk=next_slot.pk).revealed_at is None


def test_lock_then_reveal_by_post_shows_the_arm_and_a_second_reveal_changes_nothing(
    study, staff, client_for, screened
):
    client = client_for(Role.STUDY)
    enrolment = screened()
    reveal = reverse("research:enrolment_reveal", args=[enrolment.pk])
    client.post(reveal)
    assert not AllocationSlot.objects.filter(enrolment=enrolment).exists()
    client.post(reverse("research:enrolment_lock", args=[enrolment.pk]))
    client.post(reveal)
    client.post(reveal)
    slot = AllocationSlot.objects.get(enrolment=enrolment)
    page = client.get(reverse("research:enrolment", args=[enrolment.pk]))
    assert page.context["allocation"].pk == slot.pk
    assert slot.arm.name in page.content.decode()


def test_lock_and_reveal_need_post(study, client_for, screened):
    enrolment = screened()
    client = client_for(Role.STUDY)
    assert client.get(reverse("research:enrolment_lock", args=[enrolment.pk])).status_code == 405
    assert client.get(reverse("research:enrolment_reveal", args=[enrolment.pk])).status_code == 405


def test_an_enrolment_at_another_site_is_not_found(study, client_for, screened, other_site):
    enrolment = screened()
    Enrolment.objects.filter(pk=enrolment.pk).update(site=other_site)
    assert client_for(Role.STUDY).get(reverse("research:enrolment", args=[enrolment.pk])).status_code == 404


def _allocated(study, staff, screened, **kwargs):
    """An allocated enrolment whose baseline was 183 days ago, so its 6-month wave is due today."""
    enrolment = screened(**kwargs)
    enrolment_lock(enrolment=enrolment, by=staff[Role.STUDY])
    allocation_reveal(enrolment=enrolment, by=staff[Role.STUDY])
    Enrolment.objects.filter(pk=enrolment.pk).update(
        baseline_on=timezone.localdate() - datetime.timedelta(days=183)
    )
    enrolment.refresh_from_db()
    return enrolment


def test_an_audit_with_too_many_missing_items_is_kept_without_a_score_and_a_double_submit_is_refused(
    study, staff, client_for, screened
):
    enrolment = _allocated(study, staff, screened)
    wave = study.waves.get(months=6)
    audit = wave.instruments.get(code="audit")
    url = reverse("research:enrolment_response", args=[enrolment.pk, wave.pk, audit.pk])
    client = client_for(Role.STUDY)
    page = client.get(url)
    assert page.status_code == 200 and "Hvor ofte drikker du alkohol?" in page.content.decode()
    data = {"answered_on": timezone.localdate().isoformat()}
    data.update({f"audit_{n}": "1" for n in range(1, 9)})  # 8 x 1, items 9 and 10 unanswered
    response = client.post(url, data)
    # Two missing items: the answers are kept, the score is invalid (AUDIT allows one missing).
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.valid is False and stored.score is None and stored.missing == 2
    assert stored.answers["audit_9"] is None and stored.answers["audit_1"] == 1
    assert client.post(url, data).status_code == 400
    assert Response.objects.count() == 1


def test_questionnaire_answers_are_stored_with_score_and_bands(study, staff, client_for, screened):
    enrolment = _allocated(study, staff, screened, sex="m")
    wave = study.waves.get(months=6)
    audit = wave.instruments.get(code="audit")
    url = reverse("research:enrolment_response", args=[enrolment.pk, wave.pk, audit.pk])
    client = client_for(Role.STUDY)
    data = {"answered_on": timezone.localdate().isoformat()}
    data.update({f"audit_{n}": "1" for n in range(1, 9)})
    data.update({"audit_9": "2", "audit_10": "0"})
    response = client.post(url, data)
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.score == 10 and stored.valid and stored.bands == ["zone_2", "hazardous"]
    again = client.post(url, data)
    assert again.status_code == 400 and Response.objects.count() == 1


@pytest.mark.parametrize(
    "bad", [{"audit_1": "7"}, {"audit_9": "1"}, {"answered_on": "2999-01-01"}, {"answered_on": ""}]
)
def test_a_bad_answer_gives_400_and_writes_nothing(study, staff, client_for, screened, bad):
    enrolment = _allocated(study, staff, screened)
    wave = study.waves.get(months=6)
    audit = wave.instruments.get(code="audit")
    data = {"answered_on": timezone.localdate().isoformat(), **{f"audit_{n}": "0" for n in range(1, 11)}}
    data.update(bad)
    response = client_for(Role.STUDY).post(
        reverse("research:enrolment_response", args=[enrolment.pk, wave.pk, audit.pk]), data
    )
    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_score_only_instruments_take_scores_within_their_range(study, staff, client_for, screened):
    enrolment = screened()  # baseline data comes before the allocation
    wave = study.waves.get(months=0)
    eq5d = wave.instruments.get(code="eq5d")
    url = reverse("research:enrolment_response", args=[enrolment.pk, wave.pk, eq5d.pk])
    client = client_for(Role.STUDY)
    today = timezone.localdate().isoformat()
    assert client.post(url, {"answered_on": today, "eq5d_index": "1.5", "eq_vas": "70"}).status_code == 400
    assert client.post(url, {"answered_on": today, "eq5d_index": "0.812", "eq_vas": "70"}).status_code == 302
    stored = Response.objects.get()
    assert stored.answers == {"eq5d_index": 0.812, "eq_vas": 70} and stored.valid and stored.score is None


def test_outcomes_of_a_wave_are_recorded_once(study, staff, client_for, screened):
    enrolment = _allocated(study, staff, screened)
    wave = study.waves.get(months=6)
    url = reverse("research:enrolment_follow_up", args=[enrolment.pk, wave.pk])
    client = client_for(Role.STUDY)
    data = {
        "done_on": timezone.localdate().isoformat(),
        "employment_status": "ordinary",
        "hours_worked": "42.5",
        "income": "8150.00",
        "benefits": ["aap", "social"],
        "gp_contacts": "2",
    }
    assert client.post(url, {**data, "hours_worked": "-1"}).status_code == 400
    assert client.post(url, {**data, "employment_status": "boss"}).status_code == 400
    assert FollowUp.objects.count() == 0
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 400
    follow_up = FollowUp.objects.get()
    assert follow_up.benefits == ["aap", "social"] and str(follow_up.income) == "8150.00"


def test_registry_waves_have_no_outcome_form(study, staff, client_for, screened):
    enrolment = _allocated(study, staff, screened)
    wave = study.waves.get(months=18)
    response = client_for(Role.STUDY).get(
        reverse("research:enrolment_follow_up", args=[enrolment.pk, wave.pk])
    )
    assert response.status_code == 404


def test_the_due_list_shows_each_staff_members_own_waves_in_a_fixed_number_of_queries(
    study, staff, client_for, screened, site, django_assert_num_queries
):
    other = UserFactory(username="studie2", role=Role.STUDY, site=site)
    study_start(study=study, by=staff[Role.STUDY])
    enrolments = [_allocated(study, staff, screened) for _ in range(2)]
    Enrolment.objects.filter(pk=enrolments[1].pk).update(responsible=other)
    # Baseline was 7 months ago: baseline overdue, 6 months due, 12 months later.
    Enrolment.objects.update(baseline_on=timezone.localdate() - datetime.timedelta(days=213))
    client = client_for(Role.STUDY)
    client.get(reverse("research:due"))  # warm the session and site
    # session, user, site and permissions (the request's own cost, which the permission backend
    # decides), then filter choices (staff, studies, chosen person), enrolments, waves,
    # follow-ups, and the staff and study lists once more for the form: 9 of the page's own.
    with CaptureQueriesContext(connection) as first:
        response = client.get(reverse("research:due"))
    queries = len(first.captured_queries)
    assert queries <= 14
    rows = response.context["table"].data.data
    assert {row.enrolment.pk for row in rows} == {enrolments[0].pk}
    assert [(row.wave.months, row.status) for row in rows] == [(0, "overdue"), (6, "due")]
    for _ in range(3):
        _allocated(study, staff, screened)
    Enrolment.objects.update(
        baseline_on=timezone.localdate() - datetime.timedelta(days=213), responsible=staff[Role.STUDY]
    )
    with django_assert_num_queries(queries):
        response = client.get(reverse("research:due"))
    assert len(response.context["table"].data.data) == 2 * 5
    everyone = client.get(reverse("research:due") + "?responsible=")
    assert len(everyone.context["table"].data.data) == 2 * 5
    FollowUp.objects.create(
        enrolment=enrolments[0],
        wave=study.waves.get(months=6),
        done_on=timezone.localdate(),
        employment_status="none",
        recorded_by=staff[Role.STUDY],
    )
    Enrolment.objects.exclude(pk=enrolments[0].pk).update(responsible=other)
    response = client.get(reverse("research:due"))
    assert [(row.wave.months, row.status) for row in response.context["table"].data.data] == [(0, "overdue")]


def test_the_due_list_refuses_a_bad_filter(client_for):
    response = client_for(Role.STUDY).get(reverse("research:due") + "?responsible=abc")
    assert response.status_code == 400


def test_the_balance_report_counts_revealed_allocations_per_stratum(study, staff, client_for, screened):
    study_start(study=study, by=staff[Role.STUDY])
    for sex in ("f", "f", "m"):
        _allocated(study, staff, screened, sex=sex)
    response = client_for(Role.STATISTICIAN).get(reverse("research:study_balance", args=[study.pk]))
    rows = response.context["rows"]
    assert [row["total"] for row in rows] == [2, 1]
    assert sum(response.context["totals"]) == 3


def test_course_attendance_is_marked_for_people_in_the_course_arm(study, staff, client_for, screened, site):
    client = client_for(Role.STUDY)
    arm = study.arms.get(code="course")
    response = client.post(
        reverse("research:sessions", args=[study.pk]),
        {"arm": arm.pk, "title": "Dag 1", "starts_at": "2026-12-01T09:00", "hours": "3"},
    )
    assert response.status_code == 302
    assert (
        client.post(
            reverse("research:sessions", args=[study.pk]),
            {"arm": arm.pk, "title": "Dag 1", "starts_at": "2026-12-01T09:00", "hours": "3"},
        ).status_code
        == 400
    )
    study_start(study=study, by=staff[Role.STUDY])
    people = [_allocated(study, staff, screened) for _ in range(4)]
    in_course = [e for e in people if e.allocation.arm_id == arm.pk]
    others = [e for e in people if e.allocation.arm_id != arm.pk]
    session = study.sessions.get()
    url = reverse("research:session", args=[session.pk])
    page = client.get(url)
    assert {row[0].pk for row in page.context["rows"]} == {e.pk for e in in_course}
    if in_course:
        assert client.post(url, {"enrolment": in_course[0].pk, "attended": "yes"}).status_code == 302
        assert client.post(url, {"enrolment": in_course[0].pk, "attended": "no"}).status_code == 302
        assert SessionAttendance.objects.get().attended is False
    if others:
        assert client.post(url, {"enrolment": others[0].pk, "attended": "yes"}).status_code == 400
    assert client.post(url, {"enrolment": "x", "attended": "maybe"}).status_code == 400


def test_reading_an_enrolment_is_logged_as_health_data_access(study, staff, client_for, screened):
    from dagsverket.models import AccessLog

    enrolment = screened()
    client_for(Role.STUDY).get(reverse("research:enrolment", args=[enrolment.pk]))
    entry = AccessLog.objects.get(what="research_enrolment")
    assert entry.participant_id == enrolment.participant_id and entry.user == staff[Role.STUDY]
