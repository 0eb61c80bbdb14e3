"""The jobs app's PDFs, through the one renderer (`dagsverket.pdf`): the day's crews for the work
leaders (a page per task with its address, times, customer contact, work leader and the crew's
names and hours), and the invoice basis for a customer."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation

from dagsverket.models import Site

from .selectors import day_tasks


def crews_html(*, site: Site, day: datetime.date, request=None) -> str:
    """The crews of the day's tasks (not cancelled), in the active language and Oslo time."""
    tasks = list(day_tasks(site=site, day=day))
    with timezone.override("Europe/Oslo"):
        return render_to_string(
            "jobs/pdf/crews.html",
            {"site": site, "day": day, "tasks": tasks, "printed": timezone.localtime()},
            request=request,
        )


def crews_pdf(*, site: Site, day: datetime.date, request=None) -> bytes:
    from dagsverket.pdf import render_pdf  # WeasyPrint loads Pango: only when a PDF is made

    return render_pdf(crews_html(site=site, day=day, request=request))


def invoice_pdf(*, basis, site: Site, request=None) -> bytes:
    """The invoice basis as the customer gets it: in Norwegian whatever the staff member's language
    (as payslips and the a-melding basis), in Oslo time."""
    from dagsverket.pdf import render_pdf

    with translation.override("nb"), timezone.override("Europe/Oslo"):
        html = render_to_string("jobs/invoice_pdf.html", {"basis": basis, "site_obj": site}, request=request)
    return render_pdf(html)
