"""Small-cell suppression: primary below 5, secondary so no hidden count follows from a total."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagsverket.evaluation.suppression import single_hidden_lines, suppress, suppress_series


def test_counts_from_one_to_four_are_hidden_and_zeros_and_fives_are_shown():
    table = suppress({("jan", "f"): 0, ("jan", "m"): 4, ("feb", "f"): 5, ("feb", "m"): 9})
    assert table.shown("jan", "f") == 0
    assert table.shown("jan", "m") is None
    assert ("jan", "m") in table.primary


def test_a_lone_hidden_cell_takes_a_second_cell_with_it_so_the_total_gives_nothing_away():
    table = suppress(
        {
            ("jan", "f"): 3,
            ("jan", "m"): 10,
            ("jan", "x"): 20,
            ("feb", "f"): 8,
            ("feb", "m"): 9,
            ("feb", "x"): 30,
        }
    )
    assert table.shown("jan", "f") is None
    # The row total of January is 33: with only one hidden cell, 33 - 10 - 20 = 3 would be revealed.
    assert table.shown("jan", "m") is None
    # Likewise down the columns: February's cells in those columns are hidden too.
    assert table.shown("feb", "f") is None and table.shown("feb", "m") is None
    assert table.shown("jan", "x") == 20
    assert single_hidden_lines(table) == []


def test_the_smallest_neighbour_is_chosen_for_secondary_suppression():
    table = suppress({("a", "x"): 2, ("a", "y"): 50, ("a", "z"): 6}, column_totals=False)
    assert table.shown("a", "z") is None
    assert table.shown("a", "y") == 50
    assert table.row_total("a") == 58


def test_a_series_with_one_small_value_hides_another_and_keeps_the_total():
    shown = suppress_series({"jan": 3, "feb": 12, "mar": 7}, ["jan", "feb", "mar"])
    assert shown == {"jan": None, "feb": 12, "mar": None, "total": 22}


def test_a_small_total_is_hidden_as_well():
    shown = suppress_series({"jan": 1, "feb": 2}, ["jan", "feb"])
    assert shown["total"] is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5), min_size=1, max_size=5
    ),
    st.booleans(),
)
def test_no_table_ever_leaves_a_line_with_exactly_one_hidden_value(grid, column_totals):
    width = min(len(row) for row in grid)
    counts = {(r, c): row[c] for r, row in enumerate(grid) for c in range(width)}
    table = suppress(
        counts, rows=list(range(len(grid))), columns=list(range(width)), column_totals=column_totals
    )
    assert single_hidden_lines(table) == []
    for key, value in counts.items():
        if 0 < value < 5:
            assert table.shown(*key) is None


# --- One pass over a whole release (`protect`), checked against a brute-force solver ----------------

import itertools  # noqa: E402
import random  # noqa: E402

from dagsverket.evaluation.suppression import protect  # noqa: E402
from tests.dagsverket.privacy_solver import given_away  # noqa: E402


def _two_way(rng: random.Random, rows: int, columns: int, sites: int):
    """Site × row × column counts with row, column and grand totals per site, and all sites."""
    values, equations = {}, []
    site_keys = [f"s{site}" for site in range(sites)]
    for site in site_keys:
        for row, column in itertools.product(range(rows), range(columns)):
            values[(site, row, column)] = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 11, 15])
    for site in [*site_keys, "all"]:
        if site == "all":
            for row, column in itertools.product(range(rows), range(columns)):
                values[("all", row, column)] = sum(values[(s, row, column)] for s in site_keys)
        for row in range(rows):
            values[(site, row, "T")] = sum(values[(site, row, c)] for c in range(columns))
            equations.append(((site, row, "T"), [(site, row, c) for c in range(columns)]))
        for column in [*range(columns), "T"]:
            values[(site, "T", column)] = sum(values[(site, r, column)] for r in range(rows))
            equations.append(((site, "T", column), [(site, r, column) for r in range(rows)]))
        equations.append(((site, "T", "T"), [(site, "T", c) for c in range(columns)]))
    if sites > 1:
        for row, column in itertools.product([*range(rows), "T"], [*range(columns), "T"]):
            equations.append((("all", row, column), [(s, row, column) for s in site_keys]))
    return values, equations


def test_a_lone_small_cell_takes_partners_with_it_and_zeros_count_as_small():
    values = {"jan": 3, "feb": 10, "mar": 0, "total": 13}
    hidden = protect(values, [("total", ["jan", "feb", "mar"])], {"jan", "mar"})
    # 0 and 3 hidden sum to 3, under 5: the bound "jan <= 3" would be too tight, so feb goes too.
    assert hidden == {"jan", "feb", "mar"}


def test_the_bound_attack_fails_a_total_of_five_over_five_hidden_cells_says_nothing_exact():
    values = {f"c{i}": 1 for i in range(5)} | {"total": 5}
    hidden = protect(values, [("total", [f"c{i}" for i in range(5)])], {f"c{i}" for i in range(5)})
    published = {key: (None if key in hidden else value) for key, value in values.items()}
    # With zeros hidden too, each hidden cell could be anything from 0 to 5.
    assert given_away(published, [("total", [f"c{i}" for i in range(5)])], values, cap=10) == set()


def _released(values: dict, equations: list[tuple], hidden: set) -> tuple[dict, set]:
    """What a release publishes (hidden cells as None), and the hidden cells the solver works out."""
    published = {key: (None if key in hidden else value) for key, value in values.items()}
    return published, given_away(published, equations, values, cap=max(values.values()) + 5)


def _protected(seed: int, rows: int, columns: int, sites: int) -> tuple[dict, set, set]:
    """A random release suppressed by `protect`: its values, hidden cells, and the ones given away."""
    values, equations = _two_way(random.Random(seed), rows, columns, sites)
    primary = {key for key, value in values.items() if value < 5}
    hidden = protect(values, equations, primary)
    assert primary <= hidden
    return values, hidden, _released(values, equations, hidden)[1]


# Derandomized, so that CI runs the same releases each time; a sweep of 1 500 releases (seeds 0-299,
# five shapes) is recorded in docs/CODEBOOK.md.
@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(
    seed=st.integers(0, 10_000), rows=st.integers(2, 3), columns=st.integers(2, 3), sites=st.integers(1, 2)
)
def test_no_hidden_cell_of_a_release_is_determined_by_a_brute_force_solver(seed, rows, columns, sites):
    values, hidden, away = _protected(seed, rows, columns, sites)
    assert away == set(), (values, hidden)


def _mask(values: dict, masks: dict) -> set:
    """The cells a mask marks with #: per site, rows 0, 1, 2, T of columns 0, 1, 2, T."""
    lines = [*range(3), "T"]
    return {
        (site, row, column)
        for site, mask in masks.items()
        for row, text in zip(lines, mask.split())
        for column, mark in zip(lines, text)
        if mark == "#"
    }


def test_the_bounds_attack_that_gave_cells_away_before_the_eighth_session_fails_now():
    # Two sites of 3 x 3 and all sites (seed 46). Row 0 as published before:
    #   s0:  0*  5*  0* | 5      s1:  11  8*  0* | 19      all:  11* 13  0* | 24
    # No cell is a linear combination of the shown ones, but counts are never negative:
    #   all(0,0) = s0(0,0) + 11 >= 11, and all(0,0) + 13 + all(0,2) = 24 gives all(0,0) <= 11,
    #   so all(0,0) = 11, all(0,2) = 0, s0(0,0) = s0(0,2) = s1(0,2) = 0, s0(0,1) = 5 - 0 - 0 = 5,
    #   s1(0,1) = 19 - 11 - 0 = 8, and all(1,0) = 52 - 11 - 30 = 11 from the column's total.
    values, equations = _two_way(random.Random(46), 3, 3, 2)
    hidden_before = _mask(
        values, {"s0": "###. #.## #### .##.", "s1": ".##. #### #### .##.", "all": "#.#. ###. .##. ...."}
    )
    assert {key for key, value in values.items() if value < 5} <= hidden_before
    away_before = _released(values, equations, hidden_before)[1]
    assert away_before == {
        ("all", 0, 0), ("all", 0, 2), ("all", 1, 0), ("s0", 0, 0),
        ("s0", 0, 1), ("s0", 0, 2), ("s1", 0, 1), ("s1", 0, 2),
    }  # fmt: skip
    assert values[("all", 0, 0)] == 11 and values[("s0", 0, 1)] == 5 and values[("all", 1, 0)] == 11
    assert _protected(46, 3, 3, 2)[2] == set()


@pytest.mark.parametrize(
    "seed, rows, columns, sites",
    [
        (46, 3, 3, 2),  # the bounds attack above
        (259, 3, 3, 2),  # found by the test above in the seventh session: the old solver ran out of steps
        (183, 3, 3, 2),  # the slowest for the old solver (30 s); its ranges settle it at once
        (183, 3, 3, 1),
    ],
)
def test_releases_that_once_looked_unsafe_give_nothing_away(seed, rows, columns, sites):
    assert _protected(seed, rows, columns, sites)[2] == set()


def test_the_solver_finds_a_cell_that_only_primary_suppression_gives_away():
    values = {"jan": 3, "feb": 10, "mar": 7, "total": 20}
    equations = [("total", ["jan", "feb", "mar"])]
    published = {key: (None if key == "jan" else value) for key, value in values.items()}
    assert given_away(published, equations, values, cap=30) == {"jan"}


def test_the_solver_finds_cells_that_suppressing_each_table_on_its_own_gives_away():
    # Attack 4: two sites and all sites, each table suppressed on its own by the old rule.
    values, equations = _two_way(random.Random(11), 2, 2, 2)
    hidden = set()
    for site in ("s0", "s1", "all"):
        counts = {(row, column): values[(site, row, column)] for row in range(2) for column in range(2)}
        table = suppress(counts, rows=[0, 1], columns=[0, 1])
        for key in table.hidden:
            row = "T" if key[0] == "__column_total__" else key[0]
            column = "T" if key[1] == "__row_total__" else key[1]
            hidden.add((site, row, column))
    published = {key: (None if key in hidden else value) for key, value in values.items()}
    joint = protect(values, equations, {key for key, value in values.items() if value < 5})
    joint_published = {key: (None if key in joint else value) for key, value in values.items()}
    assert given_away(joint_published, equations, values, cap=60) == set()
    assert hidden
    assert given_away(published, equations, values, cap=60) != set()
