"""Small-cell suppression for published counts.

Primary: every count from 1 to `threshold - 1` is hidden. Secondary: a table is published with row
and column totals, so a line (a row or a column with its total) that hides exactly one value would
give it away by subtraction; another value in that line is hidden too, the smallest one, until no
line hides exactly one value.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

THRESHOLD = 5
ROW_TOTAL = "__row_total__"
COLUMN_TOTAL = "__column_total__"
GRAND_TOTAL = (COLUMN_TOTAL, ROW_TOTAL)


@dataclass
class SuppressedTable:
    """Counts by (row, column) plus totals; `hidden` holds the keys that must not be shown."""

    rows: list
    columns: list
    column_totals: bool = True
    values: dict = field(default_factory=dict)
    hidden: set = field(default_factory=set)
    primary: set = field(default_factory=set)

    def shown(self, row, column) -> int | None:
        key = (row, column)
        return None if key in self.hidden else self.values.get(key, 0)

    def row_total(self, row) -> int | None:
        return self.shown(row, ROW_TOTAL)

    def column_total(self, column) -> int | None:
        return self.shown(COLUMN_TOTAL, column)

    @property
    def grand_total(self) -> int | None:
        return self.shown(*GRAND_TOTAL)

    def lines(self) -> Iterable[list]:
        """Every set of keys that add up: each row with its total, each column with its total."""
        for row in self.rows:
            yield [(row, column) for column in self.columns] + [(row, ROW_TOTAL)]
        if not self.column_totals:
            return
        yield [(COLUMN_TOTAL, column) for column in self.columns] + [GRAND_TOTAL]
        for column in self.columns:
            yield [(row, column) for row in self.rows] + [(COLUMN_TOTAL, column)]
        yield [(row, ROW_TOTAL) for row in self.rows] + [GRAND_TOTAL]


def suppress(
    counts: dict[tuple[Hashable, Hashable], int],
    rows: list | None = None,
    columns: list | None = None,
    threshold: int = THRESHOLD,
    column_totals: bool = True,
) -> SuppressedTable:
    """Suppress a two-way table of counts, totals included; missing cells count as 0.

    `column_totals=False` when the rows do not add up (unique people over several months): then only
    each row's total is published and only rows are protected.
    """
    rows = rows if rows is not None else sorted({row for row, _column in counts}, key=str)
    columns = columns if columns is not None else sorted({column for _row, column in counts}, key=str)
    table = SuppressedTable(rows=list(rows), columns=list(columns), column_totals=column_totals)
    for row in table.rows:
        for column in table.columns:
            table.values[(row, column)] = counts.get((row, column), 0)
    for row in table.rows:
        table.values[(row, ROW_TOTAL)] = sum(table.values[(row, column)] for column in table.columns)
    for column in table.columns:
        table.values[(COLUMN_TOTAL, column)] = sum(table.values[(row, column)] for row in table.rows)
    table.values[GRAND_TOTAL] = sum(table.values[(row, ROW_TOTAL)] for row in table.rows)

    published = {key for line in table.lines() for key in line}
    table.primary = {key for key in published if 0 < table.values[key] < threshold}
    table.hidden = set(table.primary)
    changed = True
    while changed:
        changed = False
        for line in table.lines():
            hidden_here = [key for key in line if key in table.hidden]
            if len(hidden_here) != 1:
                continue
            # Hide the smallest other value, preferring inner cells to the line's total.
            candidates = [key for key in line[:-1] if key not in table.hidden and table.values[key] > 0]
            candidates = candidates or [
                key for key in line if key not in table.hidden and table.values[key] > 0
            ]
            candidates = candidates or [key for key in line if key not in table.hidden]
            if candidates:
                table.hidden.add(min(candidates, key=lambda key: (table.values[key], str(key))))
                changed = True
    return table


def single_hidden_lines(table: SuppressedTable) -> list[list]:
    """Lines that hide exactly one value (which the total would give away); empty when safe."""
    return [line for line in table.lines() if sum(key in table.hidden for key in line) == 1]


def suppress_series(counts: dict[Hashable, int], keys: list, threshold: int = THRESHOLD) -> dict:
    """A series with a published total (one row of a table): values under the threshold hidden (None)."""
    table = suppress(
        {("all", key): counts.get(key, 0) for key in keys}, rows=["all"], columns=keys, threshold=threshold
    )
    shown = {key: table.shown("all", key) for key in keys}
    shown["total"] = table.row_total("all")
    return shown


# ---------------------------------------------------------------------------------------------
# One suppression pass over a whole release (see release.py and docs/CODEBOOK.md).
#
# A release is a set of cells (key -> value) and the sums that tie them together: each equation
# says `total = part + part + …` (a series and its total, the sites and all sites, age × sex and
# its margins). Every table and chart of the release is suppressed together, so an attacker who
# writes down all the equations of everything the project publishes still cannot solve any hidden
# cell. The pass:
#   1. primary: every cell marked as small (a count under the threshold, zero included, or a sum
#      that fewer than `threshold` people stand behind) is hidden;
#   2. lines: an equation that hides exactly one of its cells would give it away by subtraction:
#      hide the smallest other part (or the total); an equation whose total is shown and whose
#      hidden parts add up to less than the threshold (zero included) bounds them too tightly:
#      hide one more part;
#   3. audit: with exact rational arithmetic, the hidden cells that the equations of the whole
#      release determine (a hidden cell is determined when its unit vector lies in the row space of
#      the equations restricted to the hidden cells) get one more cell hidden in an equation of theirs;
#   repeated until nothing changes. Hidden cells are never negative, and with zeros hidden like
#   other small cells and every hidden sum at least the threshold, the bounds give no exact value
#   either; tests/dagsverket/test_evaluation_suppression.py checks this against a brute-force solver.
# ---------------------------------------------------------------------------------------------


def _determined(equations: list[tuple], hidden: set, values: dict) -> set:
    """Hidden cells whose value follows exactly from the equations and the shown cells."""
    from fractions import Fraction

    parent: dict = {}

    def find(key):
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    rows_of: dict = defaultdict(list)
    for total, parts in equations:
        row: dict = defaultdict(int)
        for key, sign in ((total, -1), *((part, 1) for part in parts)):
            if key in hidden:
                row[key] += sign
        row = {key: coefficient for key, coefficient in row.items() if coefficient}
        if not row:
            continue
        keys = list(row)
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
        rows_of[find(keys[0])].append(row)
    components: dict = defaultdict(list)
    for rows in list(rows_of.values()):
        for row in rows:
            components[find(next(iter(row)))].append(row)
    found = set()
    for rows in components.values():
        matrix = [{key: Fraction(value) for key, value in row.items()} for row in rows]
        pivots: dict = {}
        for row in matrix:
            for pivot_key, pivot_row in pivots.items():
                if pivot_key in row:
                    factor = row[pivot_key]
                    for key, value in pivot_row.items():
                        row[key] = row.get(key, 0) - factor * value
                        if row[key] == 0:
                            del row[key]
            if not row:
                continue
            pivot_key = min(row, key=str)
            factor = row[pivot_key]
            row = {key: value / factor for key, value in row.items()}
            for other in pivots.values():
                if pivot_key in other:
                    multiple = other[pivot_key]
                    for key, value in row.items():
                        other[key] = other.get(key, 0) - multiple * value
                        if other[key] == 0:
                            del other[key]
            pivots[pivot_key] = row
        found |= {key for key, row in pivots.items() if len(row) == 1}
    return found


def protect(values: dict, equations: list[tuple], primary: set, threshold: int = THRESHOLD) -> set:
    """The cells to hide: `primary` and enough others that no hidden cell can be worked out.

    `values` holds every cell of the release; `equations` are `(total, [parts])` with
    `values[total] == sum(values[part])`. Returns the hidden keys (primary ones included).
    """
    hidden = set(primary)
    by_cell: dict = defaultdict(list)
    for index, (total, parts) in enumerate(equations):
        for key in (total, *parts):
            by_cell[key].append(index)

    def order(key):
        return (values[key], str(key))

    def hide_one_more(total, parts) -> bool:
        shown_parts = [key for key in parts if key not in hidden]
        if shown_parts:
            hidden.add(min(shown_parts, key=order))
            return True
        if total not in hidden:
            hidden.add(total)
            return True
        return False

    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            cells = [total, *parts]
            hidden_here = [key for key in cells if key in hidden]
            if not hidden_here:
                continue
            if len(hidden_here) == 1:
                changed |= hide_one_more(total, parts)
                continue
            if total not in hidden:
                rest = sum(values[key] for key in parts if key in hidden)
                if rest < threshold:
                    changed |= hide_one_more(total, parts)
        if changed:
            continue
        for key in sorted(_determined(equations, hidden, values), key=str):
            for index in by_cell[key]:
                total, parts = equations[index]
                if hide_one_more(total, parts):
                    changed = True
                    break
            if changed:
                break
    return hidden
