"""Small pieces of markup for the tablet's and the pay page's answers built in Python (no tags of
its own): what the template tags and filters they replace rendered."""

from django.utils.html import escape


def csrf_input(context) -> str:
    """What `{% csrf_token %}` renders in this context."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 - the csrf processor's "no token", not a secret
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def day_and_month(day) -> str:
    """The template's `|date:"j.n."` ("5.3."), without the formatter's work per call."""
    return f"{day.day}.{day.month}."
