"""Research exports: the study's pseudonyms, consent only, no identifiers, logged, with a codebook."""

import csv
import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from dagsverket.evaluation.models import ExportLog
from dagsverket.evaluation.pseudonyms import pseudonym_for
from dagsverket.referrals.models import Consent
from dagsverket.referrals.services import consent_withdraw
from dagsverket.research.models import Enrolment, Instrument, ValueSet, Wave
from dagsverket.research.services import (
    allocation_reveal,
    enrolment_lock,
    follow_up_record,
    response_record,
    study_start,
    study_value_set_set,
)
from dagsverket.roles import Role
from tests.factories import UserFactory
from tests.research.test_value_sets import load_fake


@pytest.fixture
def trial(study, staff, screened, site):
    by = staff[Role.STUDY]
    practice = screened()
    enrolment_lock(enrolment=practice, by=by)
    allocation_reveal(enrolment=practice, by=by)
    study_start(study=study, by=by)
    people = []
    # Twelve in one stratum (its whole allocation table: six per arm), so the export passes k = 5
    # over its person columns (the evaluation's shared k check), and still does with one withdrawn.
    for sex in ("f",) * 12:
        enrolment = screened(sex=sex)
        enrolment_lock(enrolment=enrolment, by=by)
        allocation_reveal(enrolment=enrolment, by=by)
        people.append(enrolment)
    audit = Instrument.objects.get(code="audit")
    m6 = Wave.objects.get(study=study, months=6)
    today = timezone.localdate()
    # Baselines 183 days ago: the 6-month wave is due today.
    Enrolment.objects.update(baseline_on=today - datetime.timedelta(days=183))
    response_record(
        enrolment=people[0],
        wave=m6,
        instrument=audit,
        answers={**{f"audit_{n}": 1 for n in range(1, 9)}, "audit_9": 2, "audit_10": 0},
        answered_on=today,
        by=by,
    )
    follow_up_record(
        enrolment=people[0],
        wave=m6,
        done_on=today,
        employment_status="ordinary",
        hours_worked=40,
        income=7000,
        benefits=["aap"],
        gp_contacts=1,
        specialist_contacts=None,
        emergency_contacts=0,
        by=by,
    )
    return {"study": study, "people": people, "practice": practice}


def _csv(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def _url(study, **params):
    query = "&".join(f"{key}={value}" for key, value in {"format": "csv", **params}.items())
    return reverse("research:study_export", args=[study.pk]) + "?" + query


def test_the_long_export_has_the_studys_pseudonyms_allocation_and_scores_and_is_logged(trial, client_for):
    study, people = trial["study"], trial["people"]
    response = client_for(Role.EVALUATOR).get(_url(study, kind="long"))
    assert response.status_code == 200
    rows = _csv(response)
    assert rows[0] == [
        "pseudonym",
        "arm",
        "site",
        "sex",
        "age_band",
        "enrolled",
        "randomised",
        "trial_status",
        "status_from",
        "data_removed",
        "wave",
        "months",
        "measure",
        "value",
    ]
    first = pseudonym_for(study.project, people[0].participant_id)
    mine = {row[12]: row[13] for row in rows[1:] if row[0] == first and row[10] == "m6"}
    assert mine["audit_score"] == "10" and mine["audit_bands"] == "zone_2;hazardous"
    assert (
        mine["employment_status"] == "ordinary" and mine["benefits"] == "aap" and mine["income"] == "7000.00"
    )
    assert {row[1] for row in rows[1:]} <= {"course", "ips"}
    body = "\n".join(",".join(row) for row in rows)
    for enrolment in [*people, trial["practice"]]:
        assert enrolment.participant.name not in body.split(",")
    entry = ExportLog.objects.get()
    assert entry.kind == "study_long" and entry.project == study.project and entry.row_count == len(rows) - 1
    assert entry.finished_at is not None


def test_the_wide_export_has_one_row_per_allocated_live_person(trial, client_for):
    study, people = trial["study"], trial["people"]
    rows = _csv(client_for(Role.EVALUATOR).get(_url(study, kind="wide")))
    header = rows[0]
    assert header[:6] == ["pseudonym", "arm", "site", "sex", "age_band", "enrolled"]
    assert (
        "m6_audit_score" in header
        and "baseline_eq5d_index" in header
        and "course_sessions_attended" in header
    )
    assert "m18_audit_score" not in header  # registry wave
    assert len(rows) == 1 + len(people)  # the practice enrolment is not exported
    codes = {pseudonym_for(study.project, e.participant_id) for e in people}
    assert {row[0] for row in rows[1:]} == codes
    first = next(row for row in rows[1:] if row[0] == pseudonym_for(study.project, people[0].participant_id))
    assert first[header.index("m6_audit_score")] == "10"


def test_a_consent_withdrawn_elsewhere_keeps_the_row_and_removes_the_data(trial, client_for, staff):
    # Intention to treat: every randomised person keeps a row. The consent was withdrawn on the
    # referrals page, where nobody recorded whether the data may be kept, so the data is removed.
    withdrawn = trial["people"][0]
    consent = Consent.objects.get(participant=withdrawn.participant)
    consent_withdraw(consent=consent, by=staff[Role.STUDY], on=timezone.localdate())
    rows = _csv(client_for(Role.EVALUATOR).get(_url(trial["study"], kind="wide")))
    header = rows[0]
    assert len(rows) == 1 + len(trial["people"])
    code = pseudonym_for(trial["study"].project, withdrawn.participant_id)
    row = next(row for row in rows[1:] if row[0] == code)
    assert row[header.index("trial_status")] == "withdrew_consent"
    assert row[header.index("data_removed")] == "1"
    assert row[header.index("arm")] in {"course", "ips"}
    assert row[header.index("m6_audit_score")] == "" and row[header.index("m6_employment_status")] == ""


def test_an_evaluator_not_named_on_the_study_gets_404_and_study_staff_403(trial, site, client_for):
    from django.test import Client

    stranger = UserFactory(username="annen", role=Role.EVALUATOR, site=site)
    client = Client()
    client.force_login(stranger)
    assert client.get(_url(trial["study"], kind="long")).status_code == 404
    assert client_for(Role.STUDY).get(_url(trial["study"], kind="long")).status_code == 403
    assert ExportLog.objects.count() == 0


def test_bad_export_parameters_give_400_and_no_log(trial, client_for):
    response = client_for(Role.EVALUATOR).get(_url(trial["study"], kind="sideways"))
    assert response.status_code == 400
    assert ExportLog.objects.count() == 0


def test_the_bundle_carries_the_codebook(trial, client_for):
    response = client_for(Role.EVALUATOR).get(_url(trial["study"], kind="long", codebook="1"))
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "CODEBOOK.md" in bundle.namelist()
    assert "Research trial exports" in bundle.read("CODEBOOK.md").decode()


def test_a_trial_with_fewer_than_five_people_in_an_arm_is_refused_without_a_number_and_logged(
    study, staff, screened, client_for
):
    import re

    by = staff[Role.STUDY]
    study_start(study=study, by=by)
    for _index in range(3):
        enrolment = screened(sex="f")
        enrolment_lock(enrolment=enrolment, by=by)
        allocation_reveal(enrolment=enrolment, by=by)
    response = client_for(Role.EVALUATOR).get(_url(study, kind="wide"))
    assert response.status_code == 400
    (message,) = response.context["form"].non_field_errors()
    assert not re.search(r"\d", message)
    entry = ExportLog.objects.get()
    assert entry.kind == "study_wide" and entry.parameters["refused"] == "k_anonymity"


def test_a_site_name_that_looks_like_a_formula_is_defused(trial, client_for, site):
    site.name = "=HYPERLINK(1)"
    site.save()
    rows = _csv(client_for(Role.EVALUATOR).get(_url(trial["study"], kind="wide")))
    assert {row[2] for row in rows[1:]} == {"'=HYPERLINK(1)"}


def test_the_eq5d5l_index_is_exported_only_from_the_value_set_the_study_names(trial, client_for, staff):
    # The FAKE value set of tests/research/test_value_sets.py (made up, not EuroQol's):
    # state 21345 → 1 − 0.020 − (0.050 + 0 + 0.060 + 0.240 + 0.420) = 0.210.
    study, people = trial["study"], trial["people"]
    levels = {"mobility": 2, "selfcare": 1, "activities": 3, "pain": 4, "anxiety": 5}
    response_record(
        enrolment=people[1],
        wave=Wave.objects.get(study=study, months=6),
        instrument=Instrument.objects.get(code="eq5d5l"),
        answers={**{f"eq5d5l_{name}": level for name, level in levels.items()}, "eq5d5l_vas": 70},
        answered_on=timezone.localdate(),
        by=staff[Role.STUDY],
    )
    pseudonym = pseudonym_for(study.project, people[1].participant_id)

    def index_cell():
        rows = _csv(client_for(Role.EVALUATOR).get(_url(study, kind="wide")))
        row = next(row for row in rows[1:] if row[0] == pseudonym)
        return row[rows[0].index("m6_eq5d5l_index")], row[rows[0].index("m6_eq5d5l_pain")]

    assert index_cell() == ("", "4")  # no value set named: the column is there and blank
    load_fake()
    assert index_cell() == ("", "4")  # loaded but not named by the study: still blank
    study_value_set_set(study=study, value_set=ValueSet.objects.get(), by=staff[Role.STUDY])
    assert index_cell() == ("0.210", "4")


def test_the_trial_tells_the_evaluation_k_check_what_its_export_publishes(trial, site):
    from dagsverket.evaluation.anonymity import joined_profiles_for_project
    from tests.factories import ParticipantFactory

    allocated = trial["people"]  # the practice enrolment before the start is no trial row
    outsider = ParticipantFactory(site=site)
    profiles = joined_profiles_for_project(
        trial["study"].project, [outsider.pk, *(enrolment.participant_id for enrolment in allocated)]
    )
    assert set(profiles) == {enrolment.participant_id for enrolment in allocated}
    # The trial's export alone (registered in ResearchConfig.ready()): arm, site, sex, age band, month.
    assert {profile[0][0] for profile in profiles.values()} == {"course", "ips"}
    assert {profile[0][2] for profile in profiles.values()} == {"f"}
