"""`{% day_pager day "jobs:today" %}`: previous day, today, a date picker and next day.

The one pager of every page that shows a day. A URL with a `<day:day>` part gets the day there
(the payroll day); any other gets `?day=YYYY-MM-DD` (the jobs day, the lottery, the board's
history), and keeps the page's other query parameters. `until` (a date) leaves out the next day
after it: tomorrow's arrivals are no page.
"""

import datetime

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dagsverket.days import neighbours

register = template.Library()


def _day_url(url_name: str, day: datetime.date, query) -> str:
    try:
        return reverse(url_name, kwargs={"day": day})
    except NoReverseMatch:
        params = query.copy() if query is not None else None
        if params is None:
            return f"{reverse(url_name)}?day={day.isoformat()}"
        params["day"] = day.isoformat()
        return f"{reverse(url_name)}?{params.urlencode()}"


@register.inclusion_tag("_day_pager.html", takes_context=True)
def day_pager(context, day: datetime.date, url_name: str, *, until=None, picker="", go="") -> dict:
    """`picker` is the page the date picker's form asks (`?day=`), when the day is a URL part."""
    request = context.get("request")
    query = None
    if request is not None:
        query = request.GET.copy()
        for name in ("day", "visit", "go"):  # a chosen person or a redirect target is today's only
            query.pop(name, None)
    previous, following = neighbours(day)
    if until is not None and following is not None and following > until:
        following = None
    today = timezone.localdate()
    return {
        "day": day,
        "previous_url": _day_url(url_name, previous, query) if previous else "",
        "next_url": _day_url(url_name, following, query) if following else "",
        "today_url": "" if day == today else _day_url(url_name, today, query),
        "picker_url": reverse(picker) if picker else reverse(url_name) if _takes_query(url_name) else "",
        "go": go,
        "hidden": [(name, value) for name, value in (query.items() if query is not None else [])],
    }


def _takes_query(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True
