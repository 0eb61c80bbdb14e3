"""Trial conduct, each from a small case worked by hand: trial status and intention to treat,
consent for the approved period, corrections with history, date checks and deviations, missed
waves, the block-size rule, extending a stratum, and the CONSORT counts."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dagsverket.models import ActivityLog
from dagsverket.referrals.models import Consent
from dagsverket.research.consort import consort_flow, consort_rows, consort_svg
from dagsverket.research.models import (
    AllocationExtension,
    AllocationSlot,
    Correction,
    Enrolment,
    Instrument,
    ResearchError,
    Response,
    Wave,
)
from dagsverket.research.selectors import waves_due
from dagsverket.research.services import (
    allocation_extend,
    allocation_reveal,
    attendance_record,
    course_session_create,
    enrolment_lock,
    enrolment_screen,
    enrolment_status_set,
    follow_up_correct,
    follow_up_record,
    research_consent_for,
    response_record,
    study_create,
    study_start,
    wave_close,
)
from dagsverket.roles import Role
from tests.factories import CaseloadEntryFactory, ParticipantFactory
from tests.research.conftest import give_research_consent

AUDIT_10 = {**{f"audit_{n}": 1 for n in range(1, 9)}, "audit_9": 2, "audit_10": 0}  # 8 + 2 + 0 = 10


def _days(n):
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _k_of_one(monkeypatch):
    # These tests read single people's rows in trials of a handful of people; the export's k check
    # (every group of 5, arm included) would refuse them. k itself is tested where it is the point:
    # tests/research/test_exports.py and tests/dagsverket/test_evaluation_attacks.py.
    monkeypatch.setattr("dagsverket.evaluation.anonymity.K_ANONYMITY", 1)


@pytest.fixture
def trial(staff, site):
    """A started 1:1 study stratified by site only, blocks of 4, approved from 400 days ago."""
    today = timezone.localdate()
    by = staff[Role.STUDY]
    study = study_create(
        by=by,
        name="Hekta-gang",
        ethics_reference="REK 2026/77 (fiktiv)",
        purpose="",
        starts_on=today - _days(400),
        ends_on=today + _days(900),
        sites=[site],
        arms=[("course", "Kurs", 1, True), ("ips", "IPS", 1, False)],
        stratification=["site"],
        age_band_starts=[18],
        block_multiples=[2],
        criteria=["I behandling", "Ønsker jobb"],
        instruments=list(Instrument.objects.filter(code__in=["audit", "whoqol_bref_items"])),
        slots_per_stratum=8,
        evaluators=[staff[Role.EVALUATOR]],
    )
    study_start(study=study, by=by)
    return study


def _enrol(
    study, by, site, *, days_ago=183, eligible=True, consent=True, lock=True, reveal=True, baseline=True
):
    """Screen a person `days_ago` days ago (consent the same day), record the baseline AUDIT
    before the allocation, and allocate; returns the enrolment."""
    moment = timezone.now() - _days(days_ago)
    with time_machine.travel(moment, tick=False):
        participant = ParticipantFactory(site=site)
        if consent:
            give_research_consent(participant, study, by)
        enrolment = enrolment_screen(
            study=study,
            participant=participant,
            eligibility={str(c.pk): eligible for c in study.criteria.all()},
            sex="f",
            age=30,
            baseline_on=timezone.localdate(),
            responsible=by,
            by=by,
        )
        if baseline and eligible and consent:
            response_record(
                enrolment=enrolment,
                wave=study.waves.get(months=0),
                instrument=Instrument.objects.get(code="audit"),
                answers=AUDIT_10,
                answered_on=timezone.localdate(),
                by=by,
            )
        if lock and eligible and consent:
            enrolment_lock(enrolment=enrolment, by=by)
            if reveal:
                allocation_reveal(enrolment=enrolment, by=by)
    enrolment.refresh_from_db()
    return enrolment


def _m6_audit(enrolment, by, day, **extra):
    return response_record(
        enrolment=enrolment,
        wave=enrolment.study.waves.get(months=6),
        instrument=Instrument.objects.get(code="audit"),
        answers=AUDIT_10,
        answered_on=day,
        by=by,
        **extra,
    )


def _follow_up(enrolment, wave, by, day, **extra):
    return follow_up_record(
        enrolment=enrolment,
        wave=wave,
        done_on=day,
        employment_status="ordinary",
        hours_worked=40,
        income=7000,
        benefits=["aap"],
        gp_contacts=1,
        specialist_contacts=None,
        emergency_contacts=0,
        by=by,
        **extra,
    )


def _wide(client, study):
    response = client.get(reverse("research:study_export", args=[study.pk]) + "?format=csv&kind=wide")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return rows[0], rows[1:]


def _row(header, rows, study, enrolment):
    from dagsverket.evaluation.pseudonyms import pseudonym_for

    code = pseudonym_for(study.project, enrolment.participant_id)
    row = next(row for row in rows if row[0] == code)
    return dict(zip(header, row, strict=True))


# 1. Withdrawal and intention to treat


def test_each_kind_of_status_is_kept_in_the_export_and_data_after_a_withdrawal_is_refused(
    trial, staff, site, client_for
):
    by, today = staff[Role.STUDY], timezone.localdate()
    on, kept, removed, lost, died = (_enrol(trial, by, site) for _ in range(5))
    # Five randomised 183 days ago; the 6-month window is today ± 30 days.
    _m6_audit(kept, by, today - _days(20))  # collected before the withdrawal: may be kept
    enrolment_status_set(
        enrolment=kept,
        status="withdrew_consent",
        on=today - _days(10),
        reason="Ønsket ikke mer",
        data_may_be_kept=True,
        by=by,
    )
    with pytest.raises(ResearchError) as refused:
        enrolment_status_set(
            enrolment=removed, status="withdrew_consent", on=today, reason="Trakk seg", by=by
        )
    assert refused.value.code == "data_may_be_kept"  # the consent form's answer is required
    enrolment_status_set(
        enrolment=removed,
        status="withdrew_consent",
        on=today - _days(10),
        reason="Trakk seg",
        data_may_be_kept=False,
        by=by,
    )
    enrolment_status_set(
        enrolment=lost, status="lost_to_follow_up", on=today - _days(5), reason="Ikke å nå", by=by
    )
    enrolment_status_set(enrolment=died, status="died", on=today - _days(3), reason="Meldt av familie", by=by)
    # The research consent itself is withdrawn from the day of the withdrawal.
    assert Consent.objects.get(participant=kept.participant).withdrawn_on == today - _days(10)
    # Data after the withdrawal, from someone whose data is removed, after death or once lost: refused.
    for enrolment, day, code in [
        (kept, today, "withdrew_consent"),
        (removed, today - _days(20), "withdrew_consent"),
        (died, today, "after_death"),
        (lost, today, "lost"),
    ]:
        with pytest.raises(ResearchError) as refused:
            _m6_audit(enrolment, by, day)
        assert refused.value.code == code
    _m6_audit(on, by, today)
    # A death is final; a status before the randomisation is refused.
    with pytest.raises(ResearchError):
        enrolment_status_set(enrolment=died, status="on_study", on=today, reason="Feil", by=by)
    with pytest.raises(ResearchError) as refused:
        enrolment_status_set(
            enrolment=on, status="lost_to_follow_up", on=today - _days(200), reason="x", by=by
        )
    assert refused.value.code == "before_allocation"
    # The due list keeps only the person still on study (baseline overdue, 6 months due).
    rows = waves_due(enrolments=Enrolment.objects.all(), day=today)
    assert {row.enrolment.pk for row in rows} == {on.pk}
    # The export: all five randomised, each with status; data removed only for `removed`.
    header, rows = _wide(client_for(Role.EVALUATOR), trial)
    assert len(rows) == 5
    expect = {
        on.pk: ("on_study", "0", "10", "10"),
        kept.pk: ("withdrew_consent", "0", "10", "10"),
        removed.pk: ("withdrew_consent", "1", "", ""),
        lost.pk: ("lost_to_follow_up", "0", "10", ""),
        died.pk: ("died", "0", "10", ""),
    }
    for enrolment in (on, kept, removed, lost, died):
        row = _row(header, rows, trial, enrolment)
        got = (row["trial_status"], row["data_removed"], row["baseline_audit_score"], row["m6_audit_score"])
        assert got == expect[enrolment.pk], enrolment
        assert row["arm"] in {"course", "ips"} and row["randomised"]
    assert _row(header, rows, trial, kept)["status_from"] == f"{today - _days(10):%Y-%m}"


def test_the_status_page_records_a_withdrawal_and_refuses_bad_input(trial, staff, site, client_for):
    enrolment = _enrol(trial, staff[Role.STUDY], site)
    client = client_for(Role.STUDY)
    url = reverse("research:enrolment_status", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    today = timezone.localdate().isoformat()
    bad = client.post(url, {"status": "withdrew_consent", "on": today, "reason": "Trakk seg"})
    assert bad.status_code == 400
    assert client.post(url, {"status": "gone", "on": today, "reason": "x"}).status_code == 400
    enrolment.refresh_from_db()
    assert enrolment.trial_status == "on_study"
    good = client.post(
        url, {"status": "withdrew_consent", "on": today, "reason": "Trakk seg", "data_may_be_kept": "yes"}
    )
    assert good.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.trial_status == "withdrew_consent" and enrolment.data_may_be_kept is True
    assert client.delete(url).status_code == 405


# 2. Consent for the approved period


def test_the_consent_taken_at_screening_runs_to_the_end_of_the_approval_not_the_project(
    trial, staff, site, client_for
):
    today = timezone.localdate()
    project = trial.project
    project.ends_on = today + _days(10)  # the evaluation project ends long before the approval
    project.save(update_fields=["ends_on"])
    response = client_for(Role.STUDY).post(
        reverse("research:study_enrol", args=[trial.pk]),
        {
            "new_name": "Sen Innrullert",
            "sex": "m",
            "age": "40",
            "baseline_on": today.isoformat(),
            "responsible": str(staff[Role.STUDY].pk),
            "consent_given_on": today.isoformat(),
            "consent_method": "paper",
            **{f"criterion_{c.pk}": "on" for c in trial.criteria.all()},
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    enrolment = Enrolment.objects.get(participant__name="Sen Innrullert")
    consent = Consent.objects.get(participant=enrolment.participant)
    # Approved until today + 900: the 18-month registry wave (about today + 548) is inside it.
    assert consent.valid_until == trial.approved_until == today + _days(900)
    eighteen = today + _days(548)
    assert research_consent_for(study=trial, participant=enrolment.participant, day=eighteen) == consent


# 3. Corrections with a reason, and the history


def test_a_correction_keeps_old_and_new_value_with_the_reason_and_the_export_says_so(
    trial, staff, site, client_for
):
    by, today = staff[Role.STUDY], timezone.localdate()
    enrolment = _enrol(trial, by, site)
    response = _m6_audit(enrolment, by, today)
    assert response.score == 10  # 8 x 1 + 2 + 0
    follow_up = _follow_up(enrolment, trial.waves.get(months=6), by, today)
    manager = client_for(Role.MANAGER)
    url = reverse("research:response_correct", args=[response.pk])
    # Study staff without the correction permission: 403; no reason: 400 and nothing changed.
    assert client_for(Role.STUDY).get(url).status_code == 403
    data = {"answered_on": today.isoformat(), **AUDIT_10, "audit_1": "0", "audit_9": "0"}
    assert manager.post(url, data).status_code == 400
    assert Correction.objects.count() == 0
    assert manager.post(url, {**data, "reason": "Feil avkrysning lest av skjema"}).status_code == 302
    response.refresh_from_db()
    # Corrected: 7 x 1 + 0 + 0 + 0 = 7, zone I, no longer hazardous.
    assert response.score == 7 and response.bands == ["zone_1"]
    rows = {c.field: (c.old_value, c.new_value) for c in Correction.objects.filter(response=response)}
    assert rows["item:audit_1"] == (1, 0) and rows["item:audit_9"] == (2, 0)
    assert set(rows) == {"item:audit_1", "item:audit_9", "score"}
    follow_up_correct(follow_up=follow_up, values={"income": 700}, reason="Skrivefeil: 700, ikke 7000", by=by)
    with pytest.raises(ResearchError) as unchanged:
        follow_up_correct(follow_up=follow_up, values={"income": 700}, reason="igjen", by=by)
    assert unchanged.value.code == "unchanged"
    page = client_for(Role.STUDY).get(reverse("research:enrolment_history", args=[enrolment.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Feil avkrysning lest av skjema" in body and "Skrivefeil: 700, ikke 7000" in body
    assert "7000.00" in body and "700" in body and "audit_9" in body
    header, rows = _wide(client_for(Role.EVALUATOR), trial)
    row = _row(header, rows, trial, enrolment)
    assert row["m6_audit_corrected"] == "audit_1;audit_9;score" and row["m6_corrected"] == "income"
    assert row["m6_audit_score"] == "7" and row["m6_audit_raw_sum"] == "7.000" and row["m6_audit_1"] == "0"


# 4. Date checks, deviations and missed waves


def test_impossible_dates_are_refused_and_out_of_window_or_after_allocation_needs_a_reason(
    trial, staff, site, client_for
):
    by, today = staff[Role.STUDY], timezone.localdate()
    enrolment = _enrol(trial, by, site, baseline=False)  # baseline and consent 183 days ago
    baseline_on = enrolment.baseline_on
    audit = Instrument.objects.get(code="audit")
    baseline_wave, m6 = trial.waves.get(months=0), trial.waves.get(months=6)

    def code_of(**kwargs):
        with pytest.raises(ResearchError) as refused:
            response_record(enrolment=enrolment, instrument=audit, answers=AUDIT_10, by=by, **kwargs)
        return refused.value.code

    assert code_of(wave=m6, answered_on=today + _days(1)) == "future"
    assert code_of(wave=m6, answered_on=today - _days(401)) == "before_study"  # approved from today - 400
    assert code_of(wave=baseline_wave, answered_on=baseline_on - _days(1)) == "no_consent"  # before consent
    assert code_of(wave=m6, answered_on=baseline_on) == "before_baseline"  # 6 months on the baseline day
    # 60 days after baseline: the 6-month window opens about 152 days after it. A deviation.
    assert code_of(wave=m6, answered_on=baseline_on + _days(60)) == "deviation_reason"
    early = response_record(
        enrolment=enrolment,
        wave=m6,
        instrument=audit,
        answers=AUDIT_10,
        answered_on=baseline_on + _days(60),
        deviation_reason="Flytter utenlands, tatt tidlig",
        by=by,
    )
    assert early.deviations == ["before_window"]
    # Baseline data entered after the allocation (dated on the baseline day, in its window).
    assert code_of(wave=baseline_wave, answered_on=baseline_on) == "deviation_reason"
    late = response_record(
        enrolment=enrolment,
        wave=baseline_wave,
        instrument=audit,
        answers=AUDIT_10,
        answered_on=baseline_on,
        deviation_reason="Skjema funnet etter trekning",
        by=by,
    )
    assert late.deviations == ["after_allocation"]
    header, rows = _wide(client_for(Role.EVALUATOR), trial)
    row = _row(header, rows, trial, enrolment)
    assert (
        row["m6_audit_deviations"] == "before_window"
        and row["baseline_audit_deviations"] == "after_allocation"
    )
    assert row["m6_audit_answered"] == f"{baseline_on + _days(60):%Y-%m}"
    assert "Flytter" not in ",".join(header + [v for r in rows for v in r])  # free text stays home


def test_the_response_page_asks_for_the_deviation_reason(trial, staff, site, client_for):
    by = staff[Role.STUDY]
    enrolment = _enrol(trial, by, site, baseline=False)
    m6 = trial.waves.get(months=6)
    audit = Instrument.objects.get(code="audit")
    url = reverse("research:enrolment_response", args=[enrolment.pk, m6.pk, audit.pk])
    day = (enrolment.baseline_on + _days(60)).isoformat()
    client = client_for(Role.STUDY)
    assert client.post(url, {"answered_on": day, **AUDIT_10}).status_code == 400
    assert Response.objects.filter(wave=m6).count() == 0
    assert client.post(url, {"answered_on": day, **AUDIT_10, "deviation_reason": "Tidlig"}).status_code == 302
    assert Response.objects.get(wave=m6).deviations == ["before_window"]


def test_a_wave_closed_as_missed_leaves_the_due_list_and_is_in_the_export(trial, staff, site, client_for):
    by, today = staff[Role.STUDY], timezone.localdate()
    enrolment = _enrol(trial, by, site)
    m6 = trial.waves.get(months=6)
    _follow_up(
        enrolment, trial.waves.get(months=0), by, enrolment.baseline_on, deviation_reason="Etter trekning"
    )
    assert [row.wave.months for row in waves_due(enrolments=Enrolment.objects.all(), day=today)] == [6]
    client = client_for(Role.STUDY)
    close = reverse("research:enrolment_wave_close", args=[enrolment.pk, m6.pk])
    assert client.post(close, {"reason": ""}).status_code == 302  # refused with a message
    assert client.post(close, {"reason": "I fengsel, ikke å nå"}).status_code == 302
    assert waves_due(enrolments=Enrolment.objects.all(), day=today) == []
    with pytest.raises(ResearchError) as refused:
        wave_close(enrolment=enrolment, wave=m6, reason="igjen", by=by)
    assert refused.value.code == "duplicate"
    with pytest.raises(ResearchError) as refused:
        _m6_audit(enrolment, by, today)
    assert refused.value.code == "wave_closed"
    header, rows = _wide(client_for(Role.EVALUATOR), trial)
    row = _row(header, rows, trial, enrolment)
    assert row["m6_missed"] == "1" and row["baseline_missed"] == ""


# 5. Concealment: the block-size rule


def test_blocks_smaller_than_the_studys_minimum_are_refused(staff, site):
    today = timezone.localdate()
    base = {
        "by": staff[Role.STUDY],
        "ethics_reference": "REK x",
        "purpose": "",
        "starts_on": today,
        "ends_on": today + _days(10),
        "sites": [site],
        "stratification": [],
        "age_band_starts": [18],
        "criteria": [],
        "instruments": [],
        "slots_per_stratum": 12,
    }
    one_to_one = [("a", "A", 1, False), ("b", "B", 1, False)]
    with pytest.raises(ResearchError) as refused:
        study_create(name="S1", arms=one_to_one, block_multiples=[1, 2, 3], **base)  # 1 x (1+1) = 2 < 4
    assert refused.value.code == "blocks"
    with pytest.raises(ResearchError):
        study_create(
            name="S2", arms=[("a", "A", 1, False), ("b", "B", 2, False)], block_multiples=[1], **base
        )  # 3
    study = study_create(name="S3", arms=one_to_one, block_multiples=[2, 3], **base)  # 4 and 6
    assert study.min_block_size == 4
    assert set(
        AllocationSlot.objects.filter(allocation_list__study=study).values_list("block_size", flat=True)
    ) <= {4, 6}
    small = study_create(name="S4", arms=one_to_one, block_multiples=[1], min_block_size=2, **base)
    assert small.min_block_size == 2  # a study may choose 2, documented in its protocol


# 6. Extending a stratum and exporting the list


def test_the_statistician_extends_a_used_up_stratum_with_a_new_seeded_list(trial, staff, site, client_for):
    by = staff[Role.STUDY]
    for _ in range(8):
        _enrol(trial, by, site, baseline=False)
    ninth = _enrol(trial, by, site, baseline=False, reveal=False)
    with pytest.raises(ResearchError) as refused:
        allocation_reveal(enrolment=ninth, by=by)
    assert refused.value.code == "list_exhausted"  # 8 positions: two blocks of 4
    stratum = ninth.stratum
    statistician = client_for(Role.STATISTICIAN)
    url = reverse("research:study_extend", args=[trial.pk])
    assert client_for(Role.STUDY).get(url).status_code == 403
    assert statistician.get(url).status_code == 200
    assert statistician.post(url, {"stratum": stratum, "reason": ""}).status_code == 400
    assert statistician.post(url, {"stratum": stratum, "reason": "Rekruttering forlenget"}).status_code == 302
    extension = AllocationExtension.objects.get()
    # 8 more positions, 9-16, as blocks 3 and 4 of size 4, each with two of each arm.
    assert (extension.first_sequence, extension.last_sequence) == (9, 16)
    added = AllocationSlot.objects.filter(allocation_list__is_live=True, stratum=stratum, sequence__gte=9)
    assert sorted(added.values_list("sequence", flat=True)) == list(range(9, 17))
    assert set(added.values_list("block", "block_size")) == {(3, 4), (4, 4)}
    for block in (3, 4):
        arms = sorted(added.filter(block=block).values_list("arm__code", flat=True))
        assert arms == ["course", "course", "ips", "ips"]
    assert ActivityLog.objects.filter(action="allocation_extend").count() == 1
    assert allocation_reveal(enrolment=ninth, by=by).sequence == 9
    with pytest.raises(ResearchError):
        allocation_extend(study=trial, stratum="site=999", reason="x", by=staff[Role.STATISTICIAN])
    listing = statistician.get(reverse("research:study_allocation_list", args=[trial.pk]))
    assert listing.status_code == 200
    rows = list(csv.DictReader(io.StringIO(listing.content.decode())))
    live = [row for row in rows if row["list"] == "live"]
    assert len(live) == 16 and {row["source"] for row in live[8:]} == {f"extension:{extension.seed}"}
    assert sum(1 for row in live if row["revealed_on"]) == 9
    assert (
        client_for(Role.STUDY).get(reverse("research:study_allocation_list", args=[trial.pk])).status_code
        == 403
    )
    assert ActivityLog.objects.filter(action="allocation_list_export").count() == 1


# 7. CONSORT


def test_the_consort_counts_of_a_small_trial_worked_by_hand(trial, staff, site, client_for):
    by, today = staff[Role.STUDY], timezone.localdate()
    criteria = list(trial.criteria.all())
    # Not eligible: one misses criterion 1, one misses both.
    with time_machine.travel(timezone.now() - _days(183), tick=False):
        for answers in ({criteria[0]: False, criteria[1]: True}, {criteria[0]: False, criteria[1]: False}):
            enrolment_screen(
                study=trial,
                participant=ParticipantFactory(site=site),
                eligibility={str(c.pk): ok for c, ok in answers.items()},
                sex="m",
                age=40,
                baseline_on=timezone.localdate(),
                responsible=by,
                by=by,
            )
    _enrol(trial, by, site, consent=False)  # declined: eligible, no consent
    _enrol(trial, by, site, reveal=False, baseline=False)  # locked, not yet randomised
    people = [_enrol(trial, by, site, baseline=False) for _ in range(4)]  # one block of 4: 2 + 2
    course = [e for e in people if e.allocation.arm.code == "course"]
    ips = [e for e in people if e.allocation.arm.code == "ips"]
    session = course_session_create(
        study=trial,
        arm=trial.arms.get(code="course"),
        site=site,
        title="Dag 1",
        starts_at=timezone.now(),
        hours=3,
        by=by,
    )
    attendance_record(session=session, enrolment=course[0], attended=True, by=by)
    attendance_record(session=session, enrolment=course[1], attended=False, by=by)
    m6, m12 = trial.waves.get(months=6), trial.waves.get(months=12)
    _follow_up(course[0], m6, by, today)
    _follow_up(ips[0], m6, by, today)
    wave_close(enrolment=ips[0], wave=m12, reason="Flyttet", by=by)
    enrolment_status_set(enrolment=course[1], status="lost_to_follow_up", on=today, reason="Ikke å nå", by=by)
    enrolment_status_set(
        enrolment=ips[1],
        status="withdrew_consent",
        on=today,
        reason="Trakk seg",
        data_may_be_kept=False,
        by=by,
    )
    flow = consort_flow(trial)
    # Screened 2 + 1 + 1 + 4 = 8; excluded 2 + 1 + 1 = 4; randomised 4.
    assert (flow.screened, flow.not_eligible, flow.declined, flow.pending, flow.randomised) == (8, 2, 1, 1, 4)
    assert flow.not_eligible_reasons == [("I behandling", 2), ("Ønsker jobb", 1)]
    by_arm = {arm.code: arm for arm in flow.arms}
    # Course: 2 allocated, 1 came to a session, 1 followed up at 6 months, 1 lost, both analysed.
    c = by_arm["course"]
    assert (c.allocated, c.received, c.followed_up["m6"], c.statuses["lost_to_follow_up"], c.analysed) == (
        2,
        1,
        1,
        1,
        2,
    )
    # IPS: 2 allocated, receipt not recorded here, 1 followed up, 12 months missed for 1,
    # 1 withdrew consent with the data removed: 1 analysed.
    i = by_arm["ips"]
    assert (
        i.allocated,
        i.received,
        i.followed_up["m6"],
        i.missed["m12"],
        i.statuses["withdrew_consent"],
    ) == (
        2,
        None,
        1,
        1,
        1,
    )
    assert i.analysed == 1
    rows = {(stage, arm, measure): n for stage, arm, measure, n in consort_rows(flow)[1:]}
    assert rows[("enrolment", "", "screened")] == "8" and rows[("analysis", "ips", "analysed")] == "1"
    svg = consort_svg(flow)
    import xml.dom.minidom

    xml.dom.minidom.parseString(svg)  # noqa: S318 (our own output) well-formed
    assert "n=8" in svg and "n=4" in svg
    for role in (Role.STUDY, Role.STATISTICIAN):
        client = client_for(role)
        page = client.get(reverse("research:study_consort", args=[trial.pk]))
        assert page.status_code == 200 and page.context["flow"].randomised == 4
        drawing = client.get(reverse("research:study_consort_svg", args=[trial.pk]))
        assert drawing["Content-Type"].startswith("image/svg+xml")
        export = client.get(reverse("research:study_consort_csv", args=[trial.pk]))
        assert export.status_code == 200 and "screened,8" in export.content.decode()
    assert (
        client_for(Role.EVALUATOR).get(reverse("research:study_consort", args=[trial.pk])).status_code == 403
    )
    # Nothing of the practice or screening data names anyone.
    assert all(e.participant.name not in svg for e in people)
    assert Wave.objects.filter(study=trial).count() == 4


def test_consort_receipt_of_ips_is_read_from_the_ips_log(trial, staff, site):
    # The IPS arm delivers IPS. Four people allocated 183 days ago (one block of 4: 2 + 2).
    # IPS person 1: on a caseload from 150 days ago, still open: received.
    # IPS person 2: on a caseload from 400 to 200 days ago, ended before the allocation: not received.
    # A course person on an IPS caseload is not counted for IPS (course receipt is attendance: 0).
    # IPS received = 1 of 2; course received = 0 of 2.
    trial.arms.filter(code="ips").update(delivers_ips=True)
    by, today = staff[Role.STUDY], timezone.localdate()
    people = [_enrol(trial, by, site, baseline=False) for _ in range(4)]
    course = [e for e in people if e.allocation.arm.code == "course"]
    ips = [e for e in people if e.allocation.arm.code == "ips"]
    CaseloadEntryFactory(participant=ips[0].participant, started_on=today - _days(150))
    CaseloadEntryFactory(
        participant=ips[1].participant,
        started_on=today - _days(400),
        ended_on=today - _days(200),
        end_reason="moved",
    )
    CaseloadEntryFactory(participant=course[0].participant, started_on=today - _days(100))
    flow = consort_flow(trial)
    by_arm = {arm.code: arm for arm in flow.arms}
    assert (by_arm["ips"].allocated, by_arm["ips"].received) == (2, 1)
    assert (by_arm["course"].allocated, by_arm["course"].received) == (2, 0)
    rows = {(stage, arm, measure): n for stage, arm, measure, n in consort_rows(flow)[1:]}
    assert rows[("allocation", "ips", "received_intervention")] == "1"
