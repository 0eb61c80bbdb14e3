"""Scoring a questionnaire from its rules (stored as data on Instrument, Item and ScoreBand).

- sum: the item values added up; with `prorate`, up to `max_missing` missing items are replaced
  by the mean of the answered ones (the sum is scaled by items / answered);
- mean: the mean of the answered items, if no more than `max_missing` are missing;
- `invalid`: any missing item makes the score invalid;
- a `prorate` instrument is prorated only where the study has chosen it (its protocol documents the
  rule): AUDIT and DUDIT manuals give no proration rule, so by default a missing item makes the
  score missing (a prorated 7 would become 8, "hazardous");
- `whoqol_domains` (WHOQOL-BREF): items 3, 4 and 26 reversed (6 − answer), each domain's mean × 4
  (4-20) and (score − 4) × 100 / 16 (0-100); a domain with more than two items missing (the social
  domain: more than one) has no score, and a form with more than 20 % of its items missing has
  none at all; Q1 and Q2 are reported apart (WHO, WHOQOL-BREF manual, 1996);
- bands (zones and cut-offs) are matched on the score, some for one sex only.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .models import Instrument, MissingRule, ScoringMethod


@dataclass
class ScoreResult:
    score: Decimal | None
    valid: bool
    missing: int
    bands: list[str] = field(default_factory=list)
    raw_sum: Decimal | None = None
    subscores: dict[str, str] = field(default_factory=dict)


# WHOQOL-BREF: item numbers of each domain, the reversed items, and the most missing per domain.
WHOQOL_DOMAINS = {
    "physical": [3, 4, 10, 15, 16, 17, 18],
    "psychological": [5, 6, 7, 11, 19, 26],
    "social": [20, 21, 22],
    "environment": [8, 9, 12, 13, 14, 23, 24, 25],
}
WHOQOL_REVERSED = {3, 4, 26}
WHOQOL_MAX_MISSING = {"physical": 2, "psychological": 2, "social": 1, "environment": 2}


def whoqol_scores(answers_by_number: dict[int, int | None]) -> tuple[bool, dict[str, str]]:
    """WHOQOL-BREF domain scores from item answers (1-5) by item number (1-26); `valid` is false
    when more than 20 % of the 26 items are missing."""
    missing = sum(1 for number in range(1, 27) if answers_by_number.get(number) is None)
    if missing > 26 * 0.2:
        return False, {}
    scores: dict[str, str] = {}
    for number, name in ((1, "q1"), (2, "q2")):
        if answers_by_number.get(number) is not None:
            scores[name] = str(answers_by_number[number])
    for domain, numbers in WHOQOL_DOMAINS.items():
        values = [
            Decimal(6 - answers_by_number[n] if n in WHOQOL_REVERSED else answers_by_number[n])
            for n in numbers
            if answers_by_number.get(n) is not None
        ]
        if len(numbers) - len(values) > WHOQOL_MAX_MISSING[domain] or not values:
            continue
        raw = sum(values) / len(values) * 4
        scores[f"{domain}_4_20"] = str(_round(raw, 2))
        scores[f"{domain}_0_100"] = str(_round((raw - 4) * 100 / 16, 1))
    return True, scores


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _in_band(band, score: Decimal, sex: str) -> bool:
    if band.sex and band.sex != sex:
        return False
    if band.lower is not None:
        if band.lower_inclusive and score < band.lower:
            return False
        if not band.lower_inclusive and score <= band.lower:
            return False
    return band.upper is None or score <= band.upper


def score_answers(
    instrument: Instrument, answers: dict[str, int | None], sex: str = "", prorate: bool = False
) -> ScoreResult:
    """Score `answers` (item code -> value or None) by the instrument's rules; items and bands
    should be prefetched. `prorate`: the study chose the instrument's proration rule."""
    items = list(instrument.items.all())
    values = [answers.get(item.code) for item in items]
    answered = [Decimal(str(value)) for value in values if value is not None]
    missing = len(values) - len(answered)
    raw_sum = sum(answered) if answered else None
    if instrument.scoring == ScoringMethod.NONE:
        return ScoreResult(score=None, valid=missing == 0, missing=missing)
    if instrument.scoring == ScoringMethod.WHOQOL:
        valid, subscores = whoqol_scores({item.number: answers.get(item.code) for item in items})
        return ScoreResult(score=None, valid=valid, missing=missing, raw_sum=raw_sum, subscores=subscores)
    # A sum is prorated only where the study chose the instrument's rule; a mean of the answered
    # items is the instrument's own rule (HSCL-10).
    no_rule = instrument.scoring == ScoringMethod.SUM and not prorate
    allowed = 0 if instrument.missing_rule == MissingRule.INVALID or no_rule else instrument.max_missing
    if missing > allowed or not answered:
        return ScoreResult(score=None, valid=False, missing=missing, raw_sum=raw_sum)
    if instrument.scoring == ScoringMethod.MEAN:
        score = sum(answered) / len(answered)
    else:
        score = sum(answered) * len(items) / len(answered)
    score = _round(score, instrument.score_decimals)
    bands = [band.code for band in instrument.bands.all() if _in_band(band, score, sex)]
    return ScoreResult(score=score, valid=True, missing=missing, bands=bands, raw_sum=raw_sum)
