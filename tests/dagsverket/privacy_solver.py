"""A brute-force solver for the privacy tests: which hidden cells follow from what is published.

It imports nothing of the application, so the attack tests that use it run on any version of the code
(docs/CODEBOOK.md records which attacks worked on the code before issue 15).
"""


def given_away(
    published: dict, equations: list[tuple], truth: dict, cap: int, floor: int = 0, budget: int = 20_000
) -> set:
    """Brute force: the hidden cells (None in `published`) that have one possible value only.

    For each hidden cell and each other value it could have (whole, from `floor` to `cap`, nearest
    the true one first), a depth-first search looks for a solution of all the release's equations
    that agrees with every published cell and gives the cell that value. Each unknown cell keeps a
    range, narrowed by every equation until none changes (bounds propagation); the search fixes the
    cell with the narrowest range, and a range that empties ends the branch. A cell is given away
    when no other value has a solution, or when the search cannot settle it within `budget` steps
    for any value (so a slow search errs on the safe side).

    `floor` is the least value a hidden cell can have: 1 when the release shows its zeros (so every
    hidden cell is at least 1, attack 5 of issue 15), else 0."""
    hidden = sorted((key for key, value in published.items() if value is None), key=str)
    # Each equation as cells with signs: sum(sign * cell) == 0, the total with sign -1.
    lines = [[(total, -1), *((part, 1) for part in parts)] for total, parts in equations]
    shown = {key: value for key, value in published.items() if value is not None}

    def propagate(low: dict, high: dict) -> bool:
        """Narrow each cell's range [low, high] until every equation agrees; False when one cannot."""
        changed = True
        while changed:
            changed = False
            for line in lines:
                least = sum(sign * (low[key] if sign > 0 else high[key]) for key, sign in line)
                greatest = sum(sign * (high[key] if sign > 0 else low[key]) for key, sign in line)
                if least > 0 or greatest < 0:
                    return False
                for key, sign in line:
                    # sign * key == -(the rest), and the rest lies in [least - own, greatest - own].
                    own_least = sign * (low[key] if sign > 0 else high[key])
                    own_greatest = sign * (high[key] if sign > 0 else low[key])
                    rest_least, rest_greatest = least - own_least, greatest - own_greatest
                    bounds = sorted((-rest_greatest * sign, -rest_least * sign))
                    new_low, new_high = max(low[key], bounds[0]), min(high[key], bounds[1])
                    if new_low > new_high:
                        return False
                    if (new_low, new_high) != (low[key], high[key]):
                        low[key], high[key] = new_low, new_high
                        changed = True
                        least = sum(sign * (low[k] if sign > 0 else high[k]) for k, sign in line)
                        greatest = sum(sign * (high[k] if sign > 0 else low[k]) for k, sign in line)
        return True

    steps = [0]

    def feasible(low: dict, high: dict) -> bool:
        steps[0] -= 1
        if steps[0] < 0:
            raise TimeoutError
        free = [key for key in hidden if low[key] < high[key]]
        if not free:
            return True
        key = min(free, key=lambda key: high[key] - low[key])
        for value in sorted(range(low[key], high[key] + 1), key=lambda v: abs(v - truth[key])):
            low_next, high_next = {**low, key: value}, {**high, key: value}
            if propagate(low_next, high_next) and feasible(low_next, high_next):
                return True
        return False

    def possible(key, value) -> bool:
        steps[0] = budget
        low = {**dict.fromkeys(hidden, floor), **shown, key: value}
        high = {**dict.fromkeys(hidden, cap), **shown, key: value}
        try:
            return propagate(low, high) and feasible(low, high)
        except TimeoutError:
            return False

    away = set()
    for key in hidden:
        options = sorted(
            (v for v in range(floor, cap + 1) if v != truth[key]), key=lambda v: abs(v - truth[key])
        )
        if not any(possible(key, value) for value in options):
            away.add(key)
    return away
