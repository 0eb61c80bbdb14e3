"""Stratified permuted blocks of varying size, as a pure function of a seed.

Each stratum gets its own generator seeded from (seed, stratum), so a stratum's list can be
recomputed on its own and adding a stratum does not change the others. A block holds every arm
`ratio × multiple` times in random order; the multiple is drawn per block from `block_multiples`,
so block boundaries cannot be counted from outside. Whole blocks are generated until the stratum
has at least `length` positions: every block in the list is complete and balanced.
"""

import hashlib
import itertools
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Position:
    sequence: int  # 1, 2, … within the stratum
    block: int  # 1, 2, … within the stratum
    block_size: int
    arm: str


def _stratum_random(seed: int, stratum: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{stratum}".encode()).digest()
    # Reproducible by design: the seed comes from `secrets` and never leaves the database.
    return random.Random(int.from_bytes(digest, "big"))  # noqa: S311


def stratum_sequence(
    *, seed: int, stratum: str, arms: list[tuple[str, int]], block_multiples: list[int], length: int
) -> list[Position]:
    """The allocation positions of one stratum."""
    if not arms or any(ratio < 1 for _code, ratio in arms):
        raise ValueError("every arm needs a ratio of at least 1")
    if not block_multiples or any(multiple < 1 for multiple in block_multiples):
        raise ValueError("block multiples must be positive")
    rng = _stratum_random(seed, stratum)
    positions: list[Position] = []
    block = 0
    while len(positions) < length:
        block += 1
        multiple = rng.choice(sorted(block_multiples))
        content = [code for code, ratio in arms for _ in range(ratio * multiple)]
        rng.shuffle(content)
        start = len(positions)
        positions.extend(
            Position(sequence=start + offset + 1, block=block, block_size=len(content), arm=code)
            for offset, code in enumerate(content)
        )
    return positions


def strata_keys(levels: dict[str, list[str]]) -> list[str]:
    """Every combination of the factors' levels as a key like `age_band=18-34|sex=f|site=3`."""
    factors = sorted(levels)
    if not factors:
        return ["all"]
    combos = itertools.product(*(levels[factor] for factor in factors))
    return [
        "|".join(f"{factor}={value}" for factor, value in zip(factors, combo, strict=True))
        for combo in combos
    ]


def allocation_list(
    *, seed: int, strata: list[str], arms: list[tuple[str, int]], block_multiples: list[int], length: int
) -> dict[str, list[Position]]:
    """The whole list: for each stratum, its positions. Same arguments, same list."""
    return {
        stratum: stratum_sequence(
            seed=seed, stratum=stratum, arms=arms, block_multiples=block_multiples, length=length
        )
        for stratum in strata
    }


def age_band_label(age: int, starts: list[int]) -> str:
    """`35-49` for starts [18, 35, 50]; the last band is open (`50-`)."""
    starts = sorted(starts)
    for low, high in itertools.pairwise([*starts, None]):
        if age >= low and (high is None or age < high):
            return f"{low}-{high - 1}" if high is not None else f"{low}-"
    return f"-{starts[0] - 1}"


def age_band_labels(starts: list[int]) -> list[str]:
    starts = sorted(starts)
    return [
        f"{low}-{high - 1}" if high is not None else f"{low}-"
        for low, high in itertools.pairwise([*starts, None])
    ]
