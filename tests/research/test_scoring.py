"""Scoring of each shipped instrument, with worked examples and the missing-item rules."""

from decimal import Decimal

import pytest

from dagsverket.research.models import Instrument
from dagsverket.research.scoring import score_answers


def _instrument(code):
    return Instrument.objects.prefetch_related("items__options", "bands").get(code=code)


def _answers(instrument, values):
    return {item.code: value for item, value in zip(instrument.items.all(), values, strict=True)}


@pytest.mark.django_db
def test_the_shipped_instruments_have_their_items_and_ranges():
    audit, dudit, hscl = _instrument("audit"), _instrument("dudit"), _instrument("hscl10")
    assert audit.items.count() == 10 and dudit.items.count() == 11 and hscl.items.count() == 10
    assert all(item.text for item in [*audit.items.all(), *dudit.items.all(), *hscl.items.all()])
    top = sum(max(o.value for o in item.options.all()) for item in audit.items.all())
    assert top == 40
    assert sum(max(o.value for o in item.options.all()) for item in dudit.items.all()) == 44
    assert {o.value for item in hscl.items.all() for o in item.options.all()} == {1, 2, 3, 4}
    # items 9 and 10 of AUDIT and 10 and 11 of DUDIT score 0, 2 or 4
    assert [o.value for o in audit.items.get(number=9).options.all()] == [0, 2, 4]
    assert [o.value for o in dudit.items.get(number=11).options.all()] == [0, 2, 4]


@pytest.mark.django_db
def test_licensed_instruments_are_scores_only_without_item_texts():
    for code in ("eq5d", "whoqol_bref"):
        instrument = _instrument(code)
        assert instrument.score_only
        for item in instrument.items.all():
            assert item.options.count() == 0
            assert item.min_value is not None and item.max_value is not None
    assert _instrument("whoqol_bref").items.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "total", "bands"),
    [
        ([0] * 10, 0, ["zone_1"]),
        ([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], 7, ["zone_1"]),
        ([2, 1, 1, 1, 1, 0, 1, 1, 0, 0], 8, ["zone_2", "hazardous"]),
        ([3, 2, 2, 2, 2, 1, 2, 1, 0, 0], 15, ["zone_2", "hazardous"]),
        ([3, 2, 2, 2, 2, 1, 2, 2, 0, 0], 16, ["zone_3", "hazardous"]),
        ([3, 3, 3, 2, 2, 2, 2, 2, 0, 0], 19, ["zone_3", "hazardous"]),
        ([3, 3, 3, 2, 2, 2, 2, 1, 2, 0], 20, ["zone_4", "hazardous"]),
        ([4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 40, ["zone_4", "hazardous"]),
    ],
)
def test_audit_total_and_zone(values, total, bands):
    audit = _instrument("audit")
    result = score_answers(audit, _answers(audit, values))
    assert result.valid and result.missing == 0
    assert result.score == Decimal(total)
    assert result.bands == bands


@pytest.mark.django_db
def test_audit_with_one_missing_item_is_prorated_and_with_two_is_invalid():
    audit = _instrument("audit")
    # 9 answered items add up to 9: 9 x 10 / 9 = 10
    result = score_answers(audit, _answers(audit, [1, 1, 1, 1, 1, 1, 1, 1, 1, None]))
    assert result.valid and result.missing == 1 and result.score == Decimal(10)
    assert result.bands == ["zone_2", "hazardous"]
    # 9 answered adding up to 7: 7.78 rounds to 8 (half up, whole points)
    result = score_answers(audit, _answers(audit, [1, 1, 1, 1, 1, 1, 1, 0, 0, None]))
    assert result.score == Decimal(8)
    result = score_answers(audit, _answers(audit, [4, 4, 4, 4, 4, 4, 4, 4, None, None]))
    assert not result.valid and result.score is None and result.missing == 2 and result.bands == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "sex", "total", "bands"),
    [
        ([0] * 11, "m", 0, []),
        ([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], "f", 2, ["problems"]),
        ([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], "m", 2, []),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], "m", 5, []),
        ([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], "m", 6, ["problems"]),
        ([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], "x", 6, ["problems"]),
        ([3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 0], "m", 25, ["problems", "dependence"]),
        ([3, 3, 3, 3, 3, 2, 2, 2, 2, 0, 0], "f", 23, ["problems"]),
        ([4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4], "f", 44, ["problems", "dependence"]),
    ],
)
def test_dudit_total_and_cut_offs_by_sex(values, sex, total, bands):
    dudit = _instrument("dudit")
    result = score_answers(dudit, _answers(dudit, values), sex=sex)
    assert result.valid and result.score == Decimal(total)
    assert result.bands == bands


@pytest.mark.django_db
def test_dudit_missing_items():
    dudit = _instrument("dudit")
    # 10 answered adding up to 5: 5 x 11 / 10 = 5.5, rounds half up to 6: a man over the cut-off
    result = score_answers(dudit, _answers(dudit, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, None]), sex="m")
    assert result.valid and result.score == Decimal(6) and result.bands == ["problems"]
    result = score_answers(dudit, _answers(dudit, [None, None, 1, 1, 1, 0, 0, 0, 0, 0, 0]), sex="m")
    assert not result.valid and result.score is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "mean", "case"),
    [
        ([1] * 10, "1.00", False),
        ([2, 2, 2, 2, 2, 2, 2, 2, 1, 1], "1.80", False),
        ([2, 2, 2, 2, 2, 2, 2, 2, 2, 1], "1.90", True),
        ([4] * 10, "4.00", True),
    ],
)
def test_hscl10_mean_and_case_above_1_85(values, mean, case):
    hscl = _instrument("hscl10")
    result = score_answers(hscl, _answers(hscl, values))
    assert result.valid and result.score == Decimal(mean)
    assert (result.bands == ["case"]) is case


@pytest.mark.django_db
def test_hscl10_is_the_mean_of_answered_items_when_two_are_missing_and_invalid_beyond():
    hscl = _instrument("hscl10")
    # 8 answered: 15 / 8 = 1.875, above 1.85
    result = score_answers(hscl, _answers(hscl, [2, 2, 2, 2, 2, 2, 2, 1, None, None]))
    assert (
        result.valid and result.missing == 2 and result.score == Decimal("1.88") and result.bands == ["case"]
    )
    result = score_answers(hscl, _answers(hscl, [2, 2, 2, 2, 2, 2, 2, None, None, None]))
    assert not result.valid and result.score is None and result.missing == 3


@pytest.mark.django_db
def test_exactly_1_85_is_not_a_case():
    hscl = _instrument("hscl10")
    band = hscl.bands.get()
    assert band.lower == Decimal("1.85") and not band.lower_inclusive
    # 20 items would be needed for 1.85 exactly; test the band rule on the score itself
    from dagsverket.research.scoring import _in_band

    assert not _in_band(band, Decimal("1.85"), "")
    assert _in_band(band, Decimal("1.86"), "")


@pytest.mark.django_db
def test_an_invalid_rule_refuses_any_missing_item():
    audit = _instrument("audit")
    audit.missing_rule = "invalid"
    result = score_answers(audit, _answers(audit, [1] * 9 + [None]))
    assert not result.valid and result.score is None
