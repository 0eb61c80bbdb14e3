"""EQ-5D-5L value sets loaded as data. THE VALUE SET HERE IS FAKE, made up for the test: no real
(licensed) EuroQol value set is bundled or used.

Fake decrements (levels 1-5), constant 0.020 off every state other than 11111:
  mobility   0, 0.050, 0.100, 0.200, 0.300
  selfcare   0, 0.040, 0.080, 0.160, 0.240
  activities 0, 0.030, 0.060, 0.120, 0.180
  pain       0, 0.060, 0.120, 0.240, 0.360
  anxiety    0, 0.070, 0.140, 0.280, 0.420
State 21345: 1 − 0.020 − (0.050 + 0 + 0.060 + 0.240 + 0.420 = 0.770) = 0.210.
State 11111: 1.000 (no constant). State 55555: 1 − 0.020 − 1.500 = −0.520.
"""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dagsverket.models import ActivityLog
from dagsverket.research.models import ResearchError, ValueSet
from dagsverket.research.services import value_set_load
from dagsverket.roles import Role

FAKE = {
    "mobility": ["0", "0.050", "0.100", "0.200", "0.300"],
    "selfcare": ["0", "0.040", "0.080", "0.160", "0.240"],
    "activities": ["0", "0.030", "0.060", "0.120", "0.180"],
    "pain": ["0", "0.060", "0.120", "0.240", "0.360"],
    "anxiety": ["0", "0.070", "0.140", "0.280", "0.420"],
}


def fake_csv(drop=None, extra=""):
    lines = ["dimension,level,decrement", "constant,,0.020"]
    for dimension, values in FAKE.items():
        for level, value in enumerate(values, 1):
            if (dimension, level) != drop:
                lines.append(f"{dimension},{level},{value}")
    return "\n".join(lines) + "\n" + extra


def load_fake():
    return value_set_load(
        name="FAKE test value set (not EuroQol)",
        version="0-test",
        country="Nowhere",
        source="Made up for the tests",
        csv_text=fake_csv(),
        by=None,
    )


def state(digits: str) -> dict:
    return dict(zip(FAKE, (int(d) for d in digits), strict=True))


def test_a_fake_value_set_gives_the_hand_computed_index(db):
    value_set = load_fake()
    assert str(value_set.index(state("21345"))) == "0.210"
    assert str(value_set.index(state("11111"))) == "1.000"
    assert str(value_set.index(state("55555"))) == "-0.520"
    assert value_set.index({**state("21345"), "pain": None}) is None  # a missing level: no index
    assert ActivityLog.objects.filter(action="value_set_load").count() == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (fake_csv(drop=("pain", 3)), "value_set_incomplete"),
        (fake_csv(extra="pain,3,0.1\n"), "value_set_rows"),  # twice
        (fake_csv(extra="pain,6,0.1\n"), "value_set_rows"),
        (fake_csv(extra="walking,1,0\n"), "value_set_rows"),
        (fake_csv(extra="pain,2,lots\n"), "value_set_rows"),
    ],
)
def test_an_incomplete_or_bad_value_set_is_refused_and_nothing_is_written(db, text, code):
    with pytest.raises(ResearchError) as refused:
        value_set_load(name="FAKE", version="1", country="X", source="Y", csv_text=text, by=None)
    assert refused.value.code == code
    assert not ValueSet.objects.exists()


def test_the_command_loads_a_value_set_and_names_it_for_a_study(study, tmp_path):
    path = tmp_path / "fake.csv"
    path.write_text(fake_csv())
    out = io.StringIO()
    args = [str(path), "--name", "FAKE", "--value-set-version", "1", "--country", "X", "--source", "test"]
    call_command("load_eq5d_value_set", *args, "--study", study.name, stdout=out)
    study.refresh_from_db()
    assert study.eq5d_value_set.name == "FAKE" and "loaded" in out.getvalue()
    with pytest.raises(CommandError):  # the same name and version again
        call_command("load_eq5d_value_set", *args, stdout=out)
    path.write_text(fake_csv(drop=("anxiety", 5)))
    with pytest.raises(CommandError):
        call_command(
            "load_eq5d_value_set",
            str(path),
            "--name",
            "FAKE 2",
            "--value-set-version",
            "1",
            "--country",
            "X",
            "--source",
            "test",
            stdout=out,
        )
    assert ValueSet.objects.count() == 1


def test_the_statistician_names_the_studys_value_set_on_a_page(study, client_for):
    value_set = load_fake()
    url = reverse("research:study_value_set", args=[study.pk])
    assert client_for(Role.STUDY).get(url).status_code == 403  # recruiters do not choose it
    statistician = client_for(Role.STATISTICIAN)
    assert statistician.get(url).status_code == 200
    refused = statistician.post(url, {"value_set": "999999"})
    assert refused.status_code == 400 and refused.context["form"].errors["value_set"]
    study.refresh_from_db()
    assert study.eq5d_value_set is None
    assert statistician.post(url, {"value_set": str(value_set.pk)}).status_code == 302
    study.refresh_from_db()
    assert study.eq5d_value_set == value_set
    assert ActivityLog.objects.filter(action="study_value_set").count() == 1
    assert statistician.post(url, {"value_set": ""}).status_code == 302  # back to no index
    study.refresh_from_db()
    assert study.eq5d_value_set is None
