"""The IPS-25 fidelity scale: 25 items, totals 25-125 and the four bands."""

import pytest
from django.utils import translation

from dagsverket.ips.fidelity import ITEMS, fidelity_band, fidelity_total


def test_the_scale_has_twenty_five_numbered_items():
    assert [number for number, _section, _title in ITEMS] == list(range(1, 26))
    with translation.override("en"):
        assert str(ITEMS[0][2]) == "Caseload size"
        assert str(ITEMS[24][2]) == "Assertive engagement and outreach by integrated treatment team"
    with translation.override("nb"):
        assert str(ITEMS[0][2]) == "Størrelse på saksmengden"


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (125, "exemplary"),
        (115, "exemplary"),
        (114, "good"),
        (100, "good"),
        (99, "fair"),
        (74, "fair"),
        (73, "not_ips"),
        (25, "not_ips"),
    ],
)
def test_band_boundaries(total, band):
    assert fidelity_band(total).code == band


@pytest.mark.parametrize("total", [24, 126, 0])
def test_a_total_outside_25_to_125_is_refused(total):
    with pytest.raises(ValueError):
        fidelity_band(total)


def test_the_total_needs_every_item_scored_from_one_to_five():
    scores = dict.fromkeys(range(1, 26), 4)
    assert fidelity_total(scores) == 100
    with pytest.raises(ValueError):
        fidelity_total(dict.fromkeys(range(1, 25), 4))
    with pytest.raises(ValueError):
        fidelity_total({**scores, 3: 6})
