"""The day's crews as one PDF for the work leaders: a page per task with its address, times,
customer contact, work leader and the crew's names and hours."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

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
