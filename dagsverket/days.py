"""The day a page shows: read from `?day=YYYY-MM-DD` (or a URL part), with previous and next day.

Every page that shows a day (the check-in board's history, the jobs day, the lottery, the payroll
day) reads it here and links its neighbours through `{% day_pager %}` (templatetags/days.py), so a
bad date is refused the same way everywhere: a 400 with a message, never a 500 from a date past
the calendar's end.
"""

import datetime
from collections.abc import Callable
from functools import wraps

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


class BadDay(ValueError):
    """The day asked for is not a date, or outside FIRST_DAY..LAST_DAY."""


def parse_day(value: str | None) -> datetime.date | None:
    """A date in FIRST_DAY..LAST_DAY from `YYYY-MM-DD`, or None."""
    try:
        day = datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def requested_day(request) -> datetime.date:
    """The day of `?day=`, today when there is none; raises BadDay for anything else."""
    value = request.GET.get("day")
    if value is None or value == "":
        return timezone.localdate()
    day = parse_day(value)
    if day is None:
        raise BadDay(value)
    return day


def neighbours(day: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
    """(previous day, next day), None past either end of the range a page may show."""
    previous = day - datetime.timedelta(days=1) if day > FIRST_DAY else None
    following = day + datetime.timedelta(days=1) if day < LAST_DAY else None
    return previous, following


def day_from_query(view: Callable) -> Callable:
    """Call the view with `day=` the day of `?day=` (today without one); a bad date answers 400
    with a message. Goes below the permission decorators: a stranger learns nothing from it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            day = requested_day(request)
        except BadDay:
            message = _("Enter a valid date (YYYY-MM-DD, between 2000 and 2100).")
            return render(request, "400.html", {"message": message}, status=400)
        return view(request, *args, day=day, **kwargs)

    return wrapped
