"""The lottery as a plain function: pool, rules, places and seed in; order and outcomes out.

No database here, so it can be property-tested and is fast. The same seed and pool (in any order)
always give the same result.

How a draw works:
1. People over the weekly cap are not eligible (the cap is never broken, not even by a guarantee).
2. Guaranteed people (an earned guarantee, or N unlucky days in a row) go first, most unlucky days
   first, ties broken by the seeded random order.
3. Everyone else is ordered by a seeded weighted random draw (Efraimidis-Spirakis keys); the weight
   grows with the days since the person last worked, when that rule is on.
4. Walking the order, a person gets a place while places are left; a light-duty person only while
   light-duty places are left.
"""

import math
import random
from dataclasses import dataclass, field

NOT_ELIGIBLE_WEEKLY_CAP = "weekly_cap"
GUARANTEE_EARNED = "earned"
GUARANTEE_UNLUCKY = "unlucky_days"


@dataclass(frozen=True)
class Rules:
    guarantee_enabled: bool = True
    guarantee_after_days: int = 2
    weekly_cap_enabled: bool = False
    weekly_cap_days: int = 3
    weighting_enabled: bool = True
    weighting_max_days: int = 14
    earned_guarantee_enabled: bool = True

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Candidate:
    """One ready person in the pool, with the history numbers the rules need."""

    participant_id: int
    light_duty: bool = False
    unlucky_days: int = 0  # not drawn on this many of their latest visit days in a row
    worked_this_week: int = 0  # days worked earlier this week (Monday up to yesterday)
    days_since_worked: int | None = None  # None: never worked
    earned_guarantee: bool = False


@dataclass
class Placement:
    participant_id: int
    eligible: bool
    reason: str = ""  # why not eligible
    guaranteed: str = ""  # "", GUARANTEE_EARNED or GUARANTEE_UNLUCKY
    weight: float = 1.0
    position: int | None = None  # place in the order, from 1; None when not eligible
    drawn: bool = False


@dataclass
class Result:
    order: list[int] = field(default_factory=list)  # eligible participant ids in draw order
    placements: dict[int, Placement] = field(default_factory=dict)

    @property
    def drawn(self) -> list[int]:
        return [pid for pid in self.order if self.placements[pid].drawn]


def weight_for(candidate: Candidate, rules: Rules) -> float:
    if not rules.weighting_enabled:
        return 1.0
    days = rules.weighting_max_days if candidate.days_since_worked is None else candidate.days_since_worked
    return 1.0 + min(max(days, 0), rules.weighting_max_days)


def guarantee_for(candidate: Candidate, rules: Rules) -> str:
    if rules.earned_guarantee_enabled and candidate.earned_guarantee:
        return GUARANTEE_EARNED
    if rules.guarantee_enabled and candidate.unlucky_days >= rules.guarantee_after_days:
        return GUARANTEE_UNLUCKY
    return ""


def draw(pool: list[Candidate], rules: Rules, places: int, light_places: int, seed: int) -> Result:
    """Order the pool and give out `places` places (`light_places` of them open to light duties)."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible draw needs a seeded generator
    result = Result()
    eligible: list[tuple[tuple, int]] = []
    # Sort first so the result does not depend on the order the pool came in.
    for candidate in sorted(pool, key=lambda c: c.participant_id):
        placement = Placement(participant_id=candidate.participant_id, eligible=True)
        result.placements[candidate.participant_id] = placement
        # Draw the random number for everyone, eligible or not, so a rule change does not shift the others.
        u = rng.random()
        if rules.weekly_cap_enabled and candidate.worked_this_week >= rules.weekly_cap_days:
            placement.eligible = False
            placement.reason = NOT_ELIGIBLE_WEEKLY_CAP
            continue
        placement.weight = weight_for(candidate, rules)
        placement.guaranteed = guarantee_for(candidate, rules)
        key = math.log(max(u, 1e-300)) / placement.weight  # larger is earlier; log form of u ** (1 / w)
        priority = (0, -candidate.unlucky_days, -key) if placement.guaranteed else (1, 0, -key)
        eligible.append((priority, candidate.participant_id))
    eligible.sort()
    light_pool = {c.participant_id for c in pool if c.light_duty}
    taken = light_taken = 0
    light_places = min(light_places, places)
    for position, (_priority, participant_id) in enumerate(eligible, start=1):
        placement = result.placements[participant_id]
        placement.position = position
        result.order.append(participant_id)
        if taken >= places:
            continue
        if participant_id in light_pool:
            if light_taken >= light_places:
                continue
            light_taken += 1
        placement.drawn = True
        taken += 1
    return result
