"""The evaluation report as PDF: one HTML document with the dashboard's charts and tables."""

from django.template.loader import render_to_string


def render_report_pdf(board, *, language: str, generated) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "dagsverket/evaluation/report.html", {"board": board, "language": language, "generated": generated}
    )
    return HTML(string=html).write_pdf()
