"""Spreadsheet cells and files, the one way for every app: `safe_text` guards text cells against
formulas (CSV and XLSX alike), `xlsx_stream` turns rows into an XLSX file's bytes in constant memory
(a write-only workbook in a spooled file)."""

import datetime
import json
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILE_CHUNK = 64 * 1024


class RowExporter:
    """The one exporter interface: `iter_rows()` yields the header first, then one list per row;
    `progress(done, total)`, when given, is told how far a long export has come. The evaluation's,
    the trial's and payroll's exports are all of this shape, so the CSV and XLSX writers here take any
    of them."""

    progress: Callable[[int, int], None] | None = None

    def iter_rows(self) -> Iterator[list]:
        raise NotImplementedError


def safe_text(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def json_default(value):
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    raise TypeError(value)


def xlsx_spool(rows, *, sheet_name: str, metadata: Callable[[], dict] | None = None):
    """A write-only workbook of `rows` (header first) in a spooled file; `metadata`, called once the
    rows are written, fills a second sheet."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for row in rows:
        # openpyxl stores text as text, never as a formula, once the formula prefix is escaped.
        sheet.append([_xlsx_value(value) for value in row])
    if metadata is not None:
        about = workbook.create_sheet("metadata")
        for key, value in metadata().items():
            about.append(
                [key, json.dumps(value, default=json_default) if not isinstance(value, str) else value]
            )
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - iter_file closes it
    workbook.save(spool)
    spool.seek(0)
    return spool


def xlsx_stream(rows, *, sheet_name: str) -> Iterator[bytes]:
    """Any rows (header first) as the bytes of one XLSX sheet: the other apps' spreadsheet downloads
    go through here too. Guard text cells with `safe_text` first."""
    return iter_file(xlsx_spool(rows, sheet_name=sheet_name))


def _xlsx_value(value):
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def iter_file(handle) -> Iterator[bytes]:
    try:
        while chunk := handle.read(FILE_CHUNK):
            yield chunk
    finally:
        handle.close()
