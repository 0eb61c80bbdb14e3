"""The evaluation report as PDF: one HTML document with the dashboard's charts and tables."""

from django.template.loader import render_to_string

from ..pdf import render_pdf


def render_report_pdf(board, *, language: str, generated) -> bytes:
    html = render_to_string(
        "dagsverket/evaluation/report.html", {"board": board, "language": language, "generated": generated}
    )
    return render_pdf(html)
