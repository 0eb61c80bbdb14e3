"""Small-cell suppression for published counts.

Primary: every count from 1 to `threshold - 1` is hidden. Secondary: a table is published with row
and column totals, so a line (a row or a column with its total) that hides exactly one value would
give it away by subtraction; another value in that line is hidden too, the smallest one, until no
line hides exactly one value.
"""

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
