"""Small-cell suppression: primary below 5, secondary so no hidden count follows from a total."""

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
