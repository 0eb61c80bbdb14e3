"""The allocation list as a pure function: reproducible from the seed, balanced within blocks."""

from collections import Counter

import pytest

from dagsverket.research.randomisation import (
    age_band_label,
    age_band_labels,
    allocation_list,
    strata_keys,
    stratum_sequence,
)

ARMS = [("course", 1), ("ips", 1)]


def test_the_same_seed_gives_the_same_list():
    strata = strata_keys({"sex": ["f", "m"], "site": ["1", "2"]})
    first = allocation_list(seed=42, strata=strata, arms=ARMS, block_multiples=[1, 2, 3], length=50)
    second = allocation_list(seed=42, strata=strata, arms=ARMS, block_multiples=[1, 2, 3], length=50)
    assert first == second


def test_another_seed_gives_another_list():
    first = stratum_sequence(seed=1, stratum="all", arms=ARMS, block_multiples=[1, 2, 3], length=60)
    second = stratum_sequence(seed=2, stratum="all", arms=ARMS, block_multiples=[1, 2, 3], length=60)
    assert [p.arm for p in first] != [p.arm for p in second]


def test_strata_have_their_own_sequences_and_adding_a_stratum_changes_none_of_the_others():
    few = allocation_list(seed=7, strata=["a", "b"], arms=ARMS, block_multiples=[1, 2], length=40)
    more = allocation_list(seed=7, strata=["a", "b", "c"], arms=ARMS, block_multiples=[1, 2], length=40)
    assert few["a"] == more["a"] and few["b"] == more["b"]
    assert [p.arm for p in few["a"]] != [p.arm for p in few["b"]]


@pytest.mark.parametrize("seed", range(20))
def test_every_block_is_complete_and_balanced_by_the_ratio(seed):
    arms = [("course", 1), ("ips", 2)]
    positions = stratum_sequence(seed=seed, stratum="all", arms=arms, block_multiples=[1, 2, 3], length=100)
    assert len(positions) >= 100
    assert [p.sequence for p in positions] == list(range(1, len(positions) + 1))
    blocks = {}
    for position in positions:
        blocks.setdefault(position.block, []).append(position)
    for members in blocks.values():
        size = members[0].block_size
        assert len(members) == size and size in {3, 6, 9}
        counts = Counter(p.arm for p in members)
        assert counts["ips"] == 2 * counts["course"]
        assert counts["course"] == size // 3


def test_block_sizes_vary():
    positions = stratum_sequence(seed=3, stratum="all", arms=ARMS, block_multiples=[1, 2, 3], length=200)
    assert len({p.block_size for p in positions}) == 3


def test_the_imbalance_never_exceeds_half_the_largest_block():
    positions = stratum_sequence(seed=11, stratum="x", arms=ARMS, block_multiples=[1, 2, 3], length=300)
    difference = 0
    for position in positions:
        difference += 1 if position.arm == "course" else -1
        assert abs(difference) <= 3


def test_strata_keys_combine_every_level_in_a_fixed_order():
    keys = strata_keys({"site": ["1", "2"], "sex": ["f", "m", "x"]})
    assert len(keys) == 6
    assert keys[0] == "sex=f|site=1"
    assert strata_keys({}) == ["all"]


def test_age_bands_are_closed_except_the_last():
    starts = [18, 35, 50]
    assert age_band_labels(starts) == ["18-34", "35-49", "50-"]
    assert age_band_label(18, starts) == "18-34"
    assert age_band_label(34, starts) == "18-34"
    assert age_band_label(35, starts) == "35-49"
    assert age_band_label(65, starts) == "50-"


def test_bad_arms_or_blocks_are_refused():
    with pytest.raises(ValueError):
        stratum_sequence(seed=1, stratum="a", arms=[("a", 0)], block_multiples=[1], length=4)
    with pytest.raises(ValueError):
        stratum_sequence(seed=1, stratum="a", arms=ARMS, block_multiples=[], length=4)
