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
def test_audit_is_not_prorated_unless_the_study_chose_it():
    audit = _instrument("audit")
    # 9 answered adding up to 7: by default the score is missing (the manual gives no proration
    # rule); prorated it would be 7 x 10 / 9 = 7.78 -> 8, "hazardous".
    result = score_answers(audit, _answers(audit, [1, 1, 1, 1, 1, 1, 1, 0, 0, None]))
    assert not result.valid and result.score is None and result.missing == 1 and result.bands == []
    assert result.raw_sum == Decimal(7)
    result = score_answers(audit, _answers(audit, [1, 1, 1, 1, 1, 1, 1, 0, 0, None]), prorate=True)
    assert result.score == Decimal(8) and "hazardous" in result.bands


@pytest.mark.django_db
def test_audit_with_one_missing_item_is_prorated_and_with_two_is_invalid_where_the_study_chose_it():
    audit = _instrument("audit")
    # 9 answered items add up to 9: 9 x 10 / 9 = 10
    result = score_answers(audit, _answers(audit, [1, 1, 1, 1, 1, 1, 1, 1, 1, None]), prorate=True)
    assert result.valid and result.missing == 1 and result.score == Decimal(10)
    assert result.bands == ["zone_2", "hazardous"]
    # 9 answered adding up to 7: 7.78 rounds to 8 (half up, whole points)
    result = score_answers(audit, _answers(audit, [1, 1, 1, 1, 1, 1, 1, 0, 0, None]), prorate=True)
    assert result.score == Decimal(8)
    result = score_answers(audit, _answers(audit, [4, 4, 4, 4, 4, 4, 4, 4, None, None]), prorate=True)
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
    result = score_answers(
        dudit, _answers(dudit, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, None]), sex="m", prorate=True
    )
    assert result.valid and result.score == Decimal(6) and result.bands == ["problems"]
    # Not chosen by the study: missing.
    result = score_answers(dudit, _answers(dudit, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, None]), sex="m")
    assert not result.valid and result.score is None
    result = score_answers(
        dudit, _answers(dudit, [None, None, 1, 1, 1, 0, 0, 0, 0, 0, 0]), sex="m", prorate=True
    )
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


@pytest.mark.django_db
def test_whoqol_bref_domain_scores_worked_by_hand():
    whoqol = _instrument("whoqol_bref_items")
    answers = {f"whoqol_{n}": None for n in range(1, 27)}
    given = {1: 4, 2: 3}
    given.update(zip([3, 4, 10, 15, 16, 17, 18], [2, 1, 4, 4, 3, 3, 4], strict=True))  # physical
    given.update(zip([5, 6, 7, 11, 19, 26], [3, 4, 3, 4, 3, 2], strict=True))  # psychological
    given.update({20: 4, 21: 2})  # social, item 22 missing
    given.update({8: 3, 9: 3, 12: 2, 13: 4, 14: 3})  # environment, 23-25 missing
    answers.update({f"whoqol_{n}": value for n, value in given.items()})
    result = score_answers(whoqol, answers)
    # Physical: 3 and 4 reversed (6-2=4, 6-1=5): 4+5+4+4+3+3+4 = 27, /7 = 3.857 x 4 = 15.43;
    #   (15.4286 - 4) x 100 / 16 = 71.4.
    # Psychological: 26 reversed (6-2=4): 3+4+3+4+3+4 = 21, /6 = 3.5 x 4 = 14.00; 10 x 6.25 = 62.5.
    # Social: one missing is allowed there: (4+2)/2 = 3 x 4 = 12.00; 8 x 6.25 = 50.0.
    # Environment: three missing, more than two: no score.
    # 4 of 26 missing (15 %, under 20 %): the form is valid. Raw sum of the answers as given:
    # 4+3 + 21 + 19 + 6 + 15 = 68.
    assert result.valid and result.missing == 4 and result.raw_sum == Decimal(68) and result.score is None
    assert result.subscores == {
        "q1": "4",
        "q2": "3",
        "physical_4_20": "15.43",
        "physical_0_100": "71.4",
        "psychological_4_20": "14.00",
        "psychological_0_100": "62.5",
        "social_4_20": "12.00",
        "social_0_100": "50.0",
    }
    answers["whoqol_1"] = answers["whoqol_2"] = None  # 6 of 26 missing, over 20 %: nothing
    result = score_answers(whoqol, answers)
    assert not result.valid and result.subscores == {}


@pytest.mark.django_db
def test_eq5d5l_stores_five_levels_and_the_vas_with_no_index():
    eq5d = _instrument("eq5d5l")
    assert [item.code for item in eq5d.items.all()] == [
        "eq5d5l_mobility",
        "eq5d5l_selfcare",
        "eq5d5l_activities",
        "eq5d5l_pain",
        "eq5d5l_anxiety",
        "eq5d5l_vas",
    ]
    assert eq5d.score_only and "verdisett" in eq5d.source
    assert {(item.min_value, item.max_value) for item in eq5d.items.all()} == {(1, 5), (0, 100)}
