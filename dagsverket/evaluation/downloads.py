"""Turn an exporter into a stream of bytes in the asked format, with the codebook if wanted."""

import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import render

from ..spreadsheets import iter_file, json_default, xlsx_spool
from .exporters import Exporter

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
}
CODEBOOK = Path(settings.BASE_DIR) / "docs" / "CODEBOOK.md"


def iter_json(exporter: Exporter) -> Iterator[bytes]:
    rows = exporter.iter_rows()
    header = next(rows)
    yield b'{"metadata": ' + json.dumps(exporter.metadata(), default=json_default).encode()
    yield b', "columns": ' + json.dumps(header).encode() + b', "rows": ['
    first = True
    for row in rows:
        yield (b"\n" if first else b",\n") + json.dumps(row, default=json_default).encode()
        first = False
    yield b"\n]}\n"


def _xlsx_file(exporter: Exporter):
    return xlsx_spool(exporter.iter_rows(), sheet_name="data", metadata=exporter.metadata)


def iter_export(exporter: Exporter, fmt: str) -> Iterator[bytes]:
    if fmt == "csv":
        return exporter.iter_csv()
    if fmt == "json":
        return iter_json(exporter)
    return iter_file(_xlsx_file(exporter))


def iter_bundle(exporter: Exporter, fmt: str, filename: str) -> Iterator[bytes]:
    """A zip with the data, its metadata and the codebook; spooled to disk past 8 MB."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - _iter_file closes it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        with bundle.open(filename, "w", force_zip64=True) as member:
            for chunk in iter_export(exporter, fmt):
                member.write(chunk)
        bundle.writestr("metadata.json", json.dumps(exporter.metadata(), default=json_default, indent=2))
        bundle.writestr("CODEBOOK.md", CODEBOOK.read_text(encoding="utf-8"))
    spool.seek(0)
    return iter_file(spool)


def export_response(
    *, user, project, exporter: Exporter, fmt: str, codebook: bool, name: str, parameters: dict
):
    """Log the export (before the first byte), then stream it, as a zip with the codebook if asked;
    the log entry gets its finish time when the last byte has gone out."""
    from .services import export_log_finish, export_log_record

    entry = export_log_record(
        user=user, project=project, kind=exporter.kind, parameters=parameters, row_count=exporter.row_count
    )
    content_type, extension = FORMATS[fmt]
    if codebook:
        stream = iter_bundle(exporter, fmt, f"{name}.{extension}")
        content_type, filename = "application/zip", f"{name}.zip"
    else:
        stream, filename = iter_export(exporter, fmt), f"{name}.{extension}"

    def finish():
        yield from stream
        export_log_finish(entry=entry)

    response = StreamingHttpResponse(finish(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Export-Rows"] = str(exporter.row_count)
    return response


def export_busy(request, form, error):
    """429 with the reason on the page and a Retry-After: nothing was exported or logged."""
    form.add_error(None, error.message)
    response = render(request, "dagsverket/evaluation/export_error.html", {"form": form}, status=429)
    response["Retry-After"] = "60"
    return response
