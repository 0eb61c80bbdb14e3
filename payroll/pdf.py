"""Payslips as PDF: one HTML document per batch (one page per payslip), rendered by WeasyPrint.

Always in Norwegian and Oslo time, whatever the language of the person who prints.
"""

import threading

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from dagsverket.models import Site


def payslips_html(payslips, *, site: Site) -> str:
    with translation.override("nb"), timezone.override("Europe/Oslo"):
        return render_to_string("payroll/pdf/payslips.html", {"payslips": payslips, "site": site})


_local = threading.local()


def font_config() -> FontConfiguration:
    # Setting fonts up costs more than laying out a one-page payslip: keep one per thread.
    if not hasattr(_local, "fonts"):
        _local.fonts = FontConfiguration()
    return _local.fonts


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=None).write_pdf(font_config=font_config())


def payslips_pdf(payslips, *, site: Site) -> bytes:
    return render_pdf(payslips_html(payslips, site=site))
