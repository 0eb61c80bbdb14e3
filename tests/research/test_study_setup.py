"""Registering and starting a study through the pages."""

import pytest
from django.urls import reverse

from dagsverket.evaluation.models import EvaluationProject
from dagsverket.research.models import AllocationList, Instrument, Study
from dagsverket.roles import Role


def _post(site, **overrides):
    data = {
        "name": "Hekta Trondheim",
        "ethics_reference": "REK midt 2026/4242",
        "purpose": "Jobb og rus",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "sites": [str(site.pk)],
        "arm_1": "Kurs",
        "arm_1_ratio": "1",
        "arm_1_course": "on",
        "arm_2": "IPS",
        "arm_2_ratio": "2",
        "stratification": ["site", "sex"],
        "age_band_starts": "18, 40",
        "block_multiples": "2, 3",
        "criteria": "I behandling\n\nØnsker jobb\n",
        "instruments": [str(pk) for pk in Instrument.objects.values_list("pk", flat=True)],
        "window_days": "21",
        "min_block_size": "4",
    }
    data.update(overrides)
    return data


def test_registering_a_study_makes_its_arms_waves_project_and_development_list(site, client_for):
    client = client_for(Role.STUDY)
    assert client.get(reverse("research:study_new")).status_code == 200
    response = client.post(reverse("research:study_new"), _post(site))
    study = Study.objects.get()
    assert response.status_code == 302 and response.url == reverse("research:study_detail", args=[study.pk])
    assert [(a.code, a.name, a.ratio, a.has_course) for a in study.arms.all()] == [
        ("arm1", "Kurs", 1, True),
        ("arm2", "IPS", 2, False),
    ]
    assert [c.text for c in study.criteria.all()] == ["I behandling", "Ønsker jobb"]
    assert study.stratification == ["sex", "site"] and study.block_multiples == [2, 3]
    assert {w.window_days for w in study.waves.all()} == {21}
    assert (
        study.project.approval_reference == "REK midt 2026/4242" and study.project.requires_research_consent
    )
    assert list(AllocationList.objects.values_list("is_live", flat=True)) == [False]
    sizes = set(AllocationList.objects.get().slots.values_list("block_size", flat=True))
    assert sizes <= {6, 9}  # multiples 2 and 3 of the ratio sum 1 + 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"ethics_reference": " "},
        {"sites": []},
        {"block_multiples": "a, b"},
        {"block_multiples": "0"},
        {"block_multiples": "11"},
        {"age_band_starts": ""},
        {"arm_1_ratio": "0"},
        {"arm_2": "Kurs"},
        {"stratification": ["planet"]},
        {"ends_on": "2025-01-01"},
        {"window_days": "-3"},
    ],
)
def test_bad_study_input_gives_400_and_writes_nothing(site, client_for, overrides):
    response = client_for(Role.STUDY).post(reverse("research:study_new"), _post(site, **overrides))
    assert response.status_code == 400
    assert b'class="error"' in response.content
    assert Study.objects.count() == 0 and EvaluationProject.objects.count() == 0
    assert AllocationList.objects.count() == 0


def test_a_study_name_that_an_evaluation_project_has_is_refused(site, client_for, study):
    response = client_for(Role.STUDY).post(reverse("research:study_new"), _post(site, name=study.name))
    assert response.status_code == 400
    assert Study.objects.count() == 1


def test_starting_a_study_twice_keeps_one_live_list(study, client_for):
    client = client_for(Role.STUDY)
    url = reverse("research:study_start", args=[study.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert AllocationList.objects.filter(study=study, is_live=True).count() == 1
    assert client.get(url).status_code == 405
