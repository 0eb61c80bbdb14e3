"""Scoring a questionnaire from its rules (stored as data on Instrument, Item and ScoreBand).

- sum: the item values added up; with `prorate`, up to `max_missing` missing items are replaced
  by the mean of the answered ones (the sum is scaled by items / answered);
- mean: the mean of the answered items, if no more than `max_missing` are missing;
- `invalid`: any missing item makes the score invalid;
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


def score_answers(instrument: Instrument, answers: dict[str, int | None], sex: str = "") -> ScoreResult:
    """Score `answers` (item code -> value or None) by the instrument's rules; items and bands
    should be prefetched."""
    items = list(instrument.items.all())
    values = [answers.get(item.code) for item in items]
    answered = [Decimal(str(value)) for value in values if value is not None]
    missing = len(values) - len(answered)
    if instrument.scoring == ScoringMethod.NONE:
        return ScoreResult(score=None, valid=missing == 0, missing=missing)
    allowed = 0 if instrument.missing_rule == MissingRule.INVALID else instrument.max_missing
    if missing > allowed or not answered:
        return ScoreResult(score=None, valid=False, missing=missing)
    if instrument.scoring == ScoringMethod.MEAN:
        score = sum(answered) / len(answered)
    else:
        score = sum(answered) * len(items) / len(answered)
    score = _round(score, instrument.score_decimals)
    bands = [band.code for band in instrument.bands.all() if _in_band(band, score, sex)]
    return ScoreResult(score=score, valid=True, missing=missing, bands=bands)
