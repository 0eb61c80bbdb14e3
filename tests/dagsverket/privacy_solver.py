"""A brute-force solver for the privacy tests: which hidden cells follow from what is published.

It imports nothing of the application, so the attack tests that use it run on any version of the code
(docs/CODEBOOK.md records which attacks worked on the code before issue 15).
"""


def given_away(published: dict, equations: list[tuple], truth: dict, cap: int, floor: int = 0) -> set:
    """Brute force: the hidden cells (None in `published`) that have one possible value only.

    For each hidden cell, a search over whole, non-negative values up to `cap` (trying values near
    the true ones first, with every equation that has one unknown left solved on the way) looks for
    a solution of all the release's equations that agrees with every published cell and gives this
    cell another value. A cell without one is given away; so is one the search cannot settle.

    `floor` is the least value a hidden cell can have: 1 when the release shows its zeros (so every
    hidden cell is at least 1, attack 5 of issue 15), else 0."""
    hidden = sorted((key for key, value in published.items() if value is None), key=str)

    def propagate(assigned: dict) -> dict | None:
        assigned = dict(assigned)
        changed = True
        while changed:
            changed = False
            for total, parts in equations:
                cells = [total, *parts]
                unknown = [key for key in cells if key not in assigned]
                rest = assigned.get(total, 0) if total in assigned else 0
                rest -= sum(assigned[part] for part in parts if part in assigned)
                if not unknown:
                    if rest != 0:
                        return None
                elif len(unknown) == 1:
                    key = unknown[0]
                    value = -rest if key == total else rest
                    if value < floor or value > cap:
                        return None
                    assigned[key] = value
                    changed = True
        return assigned

    budget = [20_000]

    def feasible(assigned: dict) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            raise TimeoutError
        free = [key for key in hidden if key not in assigned]
        if not free:
            return True
        key = free[0]
        for value in sorted(range(floor, cap + 1), key=lambda v: abs(v - truth[key])):
            nxt = propagate({**assigned, key: value})
            if nxt is not None and feasible(nxt):
                return True
        return False

    shown = {key: value for key, value in published.items() if value is not None}
    away = set()
    for key in hidden:
        budget[0] = 20_000
        options = sorted(
            (v for v in range(floor, cap + 1) if v != truth[key]), key=lambda v: abs(v - truth[key])
        )
        try:
            if not any(
                (start := propagate({**shown, key: value})) is not None and feasible(start)
                for value in options
            ):
                away.add(key)
        except TimeoutError:
            away.add(key)
    return away
