"""The check-in search's answer, built in Python: search as you type is the front desk's most
frequent request, and the template engine spent more time on these eight rows than the database on
the search (docs/PERFORMANCE.md, eleventh session); the partial around them, with the context
processors a template's render runs, cost as much again (thirteenth session).
`tests/dagsverket/test_search.py` holds the markup to the templates it replaced."""

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from .markup import csrf_input, day_and_month
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


_PARTIAL = """
{odd}
{similar}
<ul class="results">
  {rows}{nobody}
  <li>
    <form method="post" action="{new_url}" hx-post="{new_url}" hx-target="#board" hx-swap="outerHTML" data-clear-search hx-disabled-elt="find button">
      {csrf}
      <input type="hidden" name="name" value="{query}">
      <input type="hidden" name="nonce" value="{nonce}-new">
      {confirm}
      <button type="submit" class="result-button result-new">
        <span class="result-name">{register}</span>
      </button>
    </form>
  </li>
</ul>


"""  # noqa: E501 - the markup as the template had it


def search_results_html(
    request, *, query: str, results, nonce: str, in_url: str, similar: bool = False, odd_name: bool = False
) -> SafeString:
    """The search's answer (the partial under the search field): the rows, "nobody found", and the
    button that registers what was typed as a new person; with `similar` or `odd_name` the question
    before registering ("is this the same person?", "is that the name?")."""
    if not query:  # the field cleared: nothing to show, and no CSRF token to hand out
        return SafeString("\n\n")
    context = {"request": request, "csrf_token": get_token(request)}
    shown = escape(query)  # `{% blocktranslate %}` escapes its values, not the translation
    odd = similar_text = ""
    if odd_name:
        text = gettext("“%(query)s” is only digits or one letter. Is that the name?") % {"query": shown}
        odd = f'<p class="notice" role="status">{text}</p>'
    if similar:
        text = gettext("Is this the same person as “%(query)s”?") % {"query": shown}
        similar_text = f'<p class="notice" role="status">{text}</p>'
    nobody = ""
    if not results:
        nobody = "" if odd_name else f'<li class="empty">{escape(gettext("Nobody found."))}</li>'
        nobody += "\n  "
    if odd_name and not similar:
        register = gettext("Yes, register “%(query)s” and check in")
    elif similar:
        register = gettext("No, register “%(query)s” as a new person and check in")
    else:
        register = gettext("Register “%(query)s” and check in")
    return SafeString(
        _PARTIAL.format(
            odd=odd,
            similar=similar_text,
            rows=search_result_rows(context, results, in_url=in_url, nonce=nonce),
            nobody=nobody,
            new_url=escape(reverse("checkin_new")),
            csrf=csrf_input(context),
            query=shown,
            nonce=escape(nonce),
            confirm='<input type="hidden" name="confirm_new" value="1">' if similar or odd_name else "",
            register=register % {"query": shown},
        )
    )


@register.simple_tag(takes_context=True)
def search_result_rows(context, results, *, in_url: str, nonce: str) -> SafeString:
    """`{% search_result_rows results in_url=… nonce=… %}`: one `<li>` with its check-in form per
    person, each marked as the search marks them (`here_today`, `excluded_until`)."""
    csrf = csrf_input(context)
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
            meta += f" · {last_seen} {day_and_month(person.last_seen)}"
        excluded = ""
        until = getattr(person, "excluded_until", None)
        if until:
            text = gettext("Excluded until %(date)s") % {"date": day_and_month(until)}
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
