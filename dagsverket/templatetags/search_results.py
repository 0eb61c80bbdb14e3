"""The check-in search's result rows, built in Python: search as you type is the front desk's most
frequent request, and the template engine spent more time on these eight rows than the database on
the search (docs/PERFORMANCE.md, eleventh session). `tests/dagsverket/test_search.py` holds the
markup to the template it replaced."""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from .people import who

register = template.Library()

_ROW = """
  <li>
    <form method="post" action="{in_url}" hx-post="{in_url}" hx-target="#board" hx-swap="outerHTML" hx-disabled-elt="find button" data-clear-search>
      {csrf}
      <input type="hidden" name="participant" value="{pk}">
      <input type="hidden" name="nonce" value="{nonce}-{pk}">
      <button type="submit" class="result-button">
        <span class="result-name">{name}</span>
        <span class="result-meta">{meta}</span>
        {here}
        {excluded}
        <span class="result-action">{action}</span>
      </button>
    </form>
  </li>
  """  # noqa: E501 - the markup as the template had it


def _day_and_month(day) -> str:
    """The template's `|date:"j.n."` ("5.3."), without the formatter's work per call."""
    return f"{day.day}.{day.month}."


@register.simple_tag(takes_context=True)
def search_result_rows(context, results, *, in_url: str, nonce: str) -> SafeString:
    """`{% search_result_rows results in_url=… nonce=… %}`: one `<li>` with its check-in form per
    person, each marked as the search marks them (`here_today`, `excluded_until`)."""
    token = context.get("csrf_token")
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">' if token else ""
    in_url, nonce = escape(in_url), escape(nonce)
    # Escaped as `{% translate %}` escapes them; `{% blocktranslate %}` escapes only its values.
    already_here = f'<span class="badge badge-ok">{escape(gettext("Already here"))}</span>'
    last_seen, action = escape(gettext("last seen")), escape(gettext("Check in"))
    rows = []
    for person in results:
        meta = ""
        if person.full_name and person.full_name != person.name:
            meta += escape(person.full_name)
        if person.nickname:
            meta += f" «{escape(person.nickname)}»"
        if person.birth_year:
            meta += f" · {person.birth_year:d}"
        if person.last_seen:
            meta += f" · {last_seen} {_day_and_month(person.last_seen)}"
        excluded = ""
        until = getattr(person, "excluded_until", None)
        if until:
            text = gettext("Excluded until %(date)s") % {"date": _day_and_month(until)}
            excluded = f'<span class="badge badge-bad">{text}</span>'
        rows.append(
            _ROW.format(
                in_url=in_url,
                csrf=csrf,
                pk=person.pk,
                nonce=nonce,
                name=conditional_escape(who(context, person)),
                meta=meta,
                here=already_here if getattr(person, "here_today", False) else "",
                excluded=excluded,
                action=action,
            )
        )
    return SafeString("".join(rows))
