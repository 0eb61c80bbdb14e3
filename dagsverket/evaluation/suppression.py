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
#   3. audit: for every hidden cell, the least and the greatest value it can take with all hidden
#      cells non-negative and every equation of the release holding (linear programs, HiGHS);
#      a cell whose range holds fewer than two whole numbers (the exact elimination, or the bounds
#      attack: non-negative cells squeezing a hidden total against a shown part, found in the
#      eighth session) gets one more cell hidden in an equation of theirs;
#   repeated until nothing changes. Hidden cells are never negative, and with zeros hidden like
#   other small cells and every hidden sum at least the threshold, the bounds give no exact value
#   either; tests/dagsverket/test_evaluation_suppression.py checks this against a brute-force solver.
# ---------------------------------------------------------------------------------------------


def _components(equations: list[tuple], hidden: set) -> list[tuple[list, list]]:
    """The equations restricted to the hidden cells, split into independent groups.

    Each group is `(cells, members)`: the hidden cells it ties together (sorted), and its equations
    as `(coefficients, total, parts)`, the coefficients of its hidden cells only (a total -1, its
    parts +1; the shown cells are the constant `_exposed_in_group` works out)."""
    parent: dict = {}

    def find(key):
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    rows = []
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
        rows.append((row, total, parts))
    groups: dict = defaultdict(list)
    for row, total, parts in rows:
        groups[find(next(iter(row)))].append((row, total, parts))
    components = []
    for members in groups.values():
        cells = sorted({key for row, _total, _parts in members for key in row}, key=str)
        components.append((cells, members))
    return components


def _exposed(equations: list[tuple], hidden: set, values: dict, cleared: set) -> set:
    """Hidden cells that the equations and the shown cells pin to one whole value.

    A cell's range is the least and the greatest value it can take with every hidden cell at least 0
    and every equation of the release holding (linear programs, solved by HiGHS). A cell whose range
    holds fewer than two whole numbers is exposed: this covers the exact elimination (the range is
    one point) and the bounds attack (non-negative cells squeezing a hidden total against a shown
    part).

    The true values are one solution, so any solution that differs from them by 1 or more in a cell
    shows that the cell's range holds two whole numbers: the cell is cleared. Two programs that push
    all cells of a group up, then down (within a box, so that they have an answer), clear many cells
    at once, and every solution found on the way clears more. A cell still uncleared gets its own
    programs without the box: the greatest value, and the least unless it is 0 (never below 0).
    Hiding more cells only widens the ranges, so `cleared` (updated here) carries over to the next
    round."""
    found = set()
    for cells, members in _components(equations, hidden):
        found |= _exposed_in_group(cells, members, hidden, values, cleared)
    return found


def _exposed_in_group(cells: list, members: list, hidden: set, values: dict, cleared: set) -> set:
    """`_exposed` for one group of hidden cells tied together by its equations."""
    import highspy
    import numpy

    open_cells = {i for i, key in enumerate(cells) if key not in cleared}
    if not open_cells:
        return set()
    index = {key: position for position, key in enumerate(cells)}
    truth = numpy.array([values[key] for key in cells], dtype=float)
    count = len(cells)
    program = highspy.Highs()
    program.setOptionValue("output_flag", False)
    program.addVars(count, numpy.zeros(count), numpy.full(count, highspy.kHighsInf))
    reach = 1.0
    for row, total, parts in members:
        shown = -values[total] * (total not in hidden)
        shown += sum(values[part] for part in parts if part not in hidden)
        reach += abs(shown)
        columns = numpy.array([index[key] for key in row], dtype=numpy.int32)
        program.addRow(-shown, -shown, len(row), columns, numpy.array(list(row.values()), dtype=float))
    every = numpy.arange(count, dtype=numpy.int32)
    unbounded = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)

    def solve(costs, sense, box: bool) -> bool:
        """Optimise; clear the cells the solution moves; False when it is unbounded."""
        upper = truth + reach if box else numpy.full(count, highspy.kHighsInf)
        program.changeColsBounds(count, every, numpy.zeros(count), upper)
        program.changeColsCost(count, every, costs)
        program.changeObjectiveSense(sense)
        program.run()
        status = program.getModelStatus()
        if status in unbounded:
            return False
        if status != highspy.HighsModelStatus.kOptimal:  # the true values are a solution
            raise ValueError(f"suppression audit: {program.modelStatusToString(status)}")
        solution = numpy.array(program.getSolution().col_value)
        moved = {i for i in open_cells if abs(solution[i] - truth[i]) >= 1 - 1e-6}
        open_cells.difference_update(moved)
        cleared.update(cells[i] for i in moved)
        return True

    for sense in (highspy.ObjSense.kMaximize, highspy.ObjSense.kMinimize):
        if open_cells:
            costs = numpy.zeros(count)
            costs[list(open_cells)] = 1
            solve(costs, sense, box=True)
    found = set()
    for i in sorted(open_cells):
        if i not in open_cells:
            continue
        costs = numpy.zeros(count)
        costs[i] = 1
        if not solve(costs, highspy.ObjSense.kMaximize, box=False):  # nothing pins it from above
            open_cells.discard(i)
            cleared.add(cells[i])
            continue
        if i in open_cells and truth[i] >= 1:
            solve(costs, highspy.ObjSense.kMinimize, box=False)
        if i in open_cells:
            found.add(cells[i])
    return found


def protect(values: dict, equations: list[tuple], primary: set, threshold: int = THRESHOLD) -> set:
    """The cells to hide: `primary` and enough others that no hidden cell can be worked out.

    `values` holds every cell of the release; `equations` are `(total, [parts])` with
    `values[total] == sum(values[part])`. Returns the hidden keys (primary ones included).
    """
    hidden = set(primary)
    cleared: set = set()  # hidden cells whose range is known to hold two whole numbers
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
        # One more cell for each exposed one (in the first of its equations that has one to give),
        # then the cheap rules again.
        for key in sorted(_exposed(equations, hidden, values, cleared), key=str):
            for index in by_cell[key]:
                if hide_one_more(*equations[index]):
                    changed = True
                    break
    return hidden
