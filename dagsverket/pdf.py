"""The one PDF renderer: an HTML document to PDF bytes with WeasyPrint.

Batch pages into one document (page breaks), never one document per page: 60 payslips cost 2.7 s
as one and 7.1 s as sixty (STACK-NOTES). Render the HTML inside `translation.override()` and
`timezone.override("Europe/Oslo")`. Imported where a PDF is made: WeasyPrint loads Pango, which
every other request would pay for. WeasyPrint itself is imported on the first PDF, not with this
module: it costs about 40 MB and half a second, and every process that loads the URLconf (each
`manage.py` command that runs the system checks) would pay for it otherwise.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

_local = threading.local()


def font_config() -> FontConfiguration:
    # Setting fonts up costs more than laying out a one-page payslip: keep one per thread.
    if not hasattr(_local, "fonts"):
        from weasyprint.text.fonts import FontConfiguration

        _local.fonts = FontConfiguration()
    return _local.fonts


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf(font_config=font_config())
