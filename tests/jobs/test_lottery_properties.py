"""Properties of the pure lottery: whatever the pool, the fairness rules hold."""

from hypothesis import given, settings
from hypothesis import strategies as st

from jobs.lottery import GUARANTEE_EARNED, NOT_ELIGIBLE_WEEKLY_CAP, Candidate, Rules, draw


@st.composite
def pools(draw_, max_size=40):
    ids = draw_(st.lists(st.integers(1, 10_000), unique=True, max_size=max_size))
    return [
        Candidate(
            participant_id=pid,
            light_duty=draw_(st.booleans()),
            unlucky_days=draw_(st.integers(0, 5)),
            worked_this_week=draw_(st.integers(0, 5)),
            days_since_worked=draw_(st.one_of(st.none(), st.integers(0, 60))),
            earned_guarantee=draw_(st.booleans()),
        )
        for pid in ids
    ]


rules_strategy = st.builds(
    Rules,
    guarantee_enabled=st.booleans(),
    guarantee_after_days=st.integers(1, 4),
    weekly_cap_enabled=st.booleans(),
    weekly_cap_days=st.integers(1, 5),
    weighting_enabled=st.booleans(),
    weighting_max_days=st.integers(1, 30),
    earned_guarantee_enabled=st.booleans(),
)
places_strategy = st.integers(0, 30)
seeds = st.integers(0, 2**63 - 1)


@settings(max_examples=200, deadline=None)
@given(pools(), rules_strategy, places_strategy, st.integers(0, 30), seeds)
def test_places_are_never_exceeded_and_nobody_is_drawn_twice(pool, rules, places, light_places, seed):
    result = draw(pool, rules, places, light_places, seed)
    drawn = result.drawn
    assert len(drawn) == len(set(drawn))
    assert len(drawn) <= places
    light_ids = {c.participant_id for c in pool if c.light_duty}
    assert len([pid for pid in drawn if pid in light_ids]) <= light_places


@settings(max_examples=200, deadline=None)
@given(pools(), rules_strategy, places_strategy, st.integers(0, 30), seeds)
def test_the_weekly_cap_is_never_broken(pool, rules, places, light_places, seed):
    result = draw(pool, rules, places, light_places, seed)
    by_id = {c.participant_id: c for c in pool}
    for pid in result.drawn:
        if rules.weekly_cap_enabled:
            assert by_id[pid].worked_this_week < rules.weekly_cap_days
    for placement in result.placements.values():
        if placement.reason == NOT_ELIGIBLE_WEEKLY_CAP:
            assert not placement.drawn


@settings(max_examples=200, deadline=None)
@given(pools(), rules_strategy, places_strategy, st.integers(0, 30), seeds)
def test_the_guarantee_is_honoured_whenever_there_are_places_for_all_guaranteed(
    pool, rules, places, light_places, seed
):
    result = draw(pool, rules, places, light_places, seed)
    guaranteed = [c for c in pool if result.placements[c.participant_id].guaranteed]
    light = [c for c in guaranteed if c.light_duty]
    if len(guaranteed) <= places and len(light) <= min(light_places, places):
        assert all(result.placements[c.participant_id].drawn for c in guaranteed)
    for c in guaranteed:
        placement = result.placements[c.participant_id]
        if placement.guaranteed != GUARANTEE_EARNED:
            assert rules.guarantee_enabled and c.unlucky_days >= rules.guarantee_after_days


@settings(max_examples=200, deadline=None)
@given(pools(), rules_strategy, places_strategy, st.integers(0, 30), seeds, st.randoms())
def test_the_same_seed_and_pool_give_the_same_order(pool, rules, places, light_places, seed, shuffler):
    first = draw(pool, rules, places, light_places, seed)
    shuffled = list(pool)
    shuffler.shuffle(shuffled)
    second = draw(shuffled, rules, places, light_places, seed)
    assert first.order == second.order
    assert first.drawn == second.drawn


def test_people_who_never_worked_are_favoured_when_weighting_is_on():
    pool = [
        Candidate(participant_id=1, days_since_worked=0),
        Candidate(participant_id=2, days_since_worked=None),
    ]
    rules = Rules(weighting_enabled=True, weighting_max_days=30, guarantee_enabled=False)
    wins = sum(draw(pool, rules, 1, 0, seed).drawn == [2] for seed in range(400))
    assert wins > 300
