"""The check-in board's rows and readiness buttons, built in Python: every tap answers with a row,
every change on the board (a second tablet's check-in, a readiness, a draw) sends all of them
again, and the template engine took longer over one row than the database over the check-in
(docs/PERFORMANCE.md, thirteenth session). `tests/dagsverket/test_board_rows.py` holds the markup
to the templates these replaced."""

from django import template
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from .markup import csrf_input, day_and_month
from .people import who

register = template.Library()

_ROW = """
    <li id="visit-{pk}" class="board-row{highlight}" data-readiness="{readiness}">
      <div class="board-who">
        <span class="time">{time}</span>
        <span class="board-name">{name}</span>
        {excluded}
        <span class="badge readiness-{readiness}">{readiness_label}{reason}</span>
        {outcome}
        {tasks}
      </div>
      <form method="post" action="{base}{pk}/readiness/" hx-post="{base}{pk}/readiness/" hx-target="#board" hx-swap="outerHTML" hx-disabled-elt="find button" class="readiness-form">
        {csrf}{extras}
        {buttons}
      </form>
      <form method="post" action="{base}{pk}/undo/" hx-post="{base}{pk}/undo/" hx-target="#board" hx-swap="outerHTML" hx-disabled-elt="find button" class="undo-form">
        {csrf}
        {correct}
        <button type="submit" class="button-secondary">{undo}</button>
      </form>
    </li>
"""  # noqa: E501 - the markup as the template had it

_BUTTONS = """<div class="readiness-buttons">
  {ready}
  <details class="not-today">
    <summary class="button button-danger">{not_today}</summary>
    <div class="reason-buttons">
      {reasons}
    </div>
  </details>
</div>

"""


def new_row_html(request, context: dict) -> SafeString:
    """The answer to a new check-in (what `_board_new_row.html` rendered): the confirmation for the
    board's message line (`flash`, out of band with `oob`) and the new arrival's row, from
    `_row_context`; built without a template's render and its context processors."""
    context = {**context, "request": request, "csrf_token": get_token(request)}
    return SafeString(board_flash(context) + "\n" + board_rows(context) + "\n\n")


def board_flash(context) -> str:
    """The board's message line, as `_board_flash.html` renders it."""
    error, flash = context.get("flash_error"), context.get("flash", "")
    oob = ' hx-swap-oob="true"' if context.get("oob") else ""
    return (
        f'<p id="board-flash" class="flash{" flash-error" if error else ""}"'
        f' role="{"alert" if error else "status"}"{"" if flash else " hidden"}'
        f"{oob}>{conditional_escape(flash)}</p>"
    )


def readiness_buttons(reasons, *, excluded: bool = False) -> SafeString:
    """The readiness buttons of a board row: ready and light duties (not for an excluded person),
    and "not today" with a button for each reason."""
    ready = ""
    if not excluded:
        ready = (
            f'<button type="submit" name="choice" value="ready" class="button-ok">{escape(gettext("Ready"))}'
            "</button>\n  "
            f'<button type="submit" name="choice" value="light" class="button-warn">'
            f"{escape(gettext('Light duties'))}</button>"
        )
    buttons = "".join(
        f'<button type="submit" name="choice" value="not_today:{reason.pk:d}">{escape(reason.label)}</button>'
        for reason in reasons
    )
    return SafeString(_BUTTONS.format(ready=ready, not_today=escape(gettext("Not today")), reasons=buttons))


@register.simple_tag(takes_context=True)
def board_rows(context) -> SafeString:
    """`{% board_rows %}`: a row for each of the context's `visits`, with `buttons_all` (or
    `buttons_excluded`), `readiness_extras`, `undo_label` and `visit_base` from `_row_context`;
    `highlight` and `correct` are visit ids."""
    csrf = csrf_input(context)
    base = escape(context.get("visit_base", ""))
    highlight, correct = context.get("highlight"), context.get("correct")
    extras = conditional_escape(context.get("readiness_extras") or "")
    buttons_all = conditional_escape(context.get("buttons_all", ""))
    buttons_excluded = conditional_escape(context.get("buttons_excluded", ""))
    undo = conditional_escape(context.get("undo_label", ""))
    rows = []
    for visit in context.get("visits", ()):
        excluded = ""
        if visit.is_excluded:
            until = visit.excluded_until
            # `{% blocktranslate %}` escapes its values, not the translation.
            text = gettext("Excluded until %(date)s") % {"date": day_and_month(until) if until else ""}
            excluded = f'<span class="badge badge-bad">{text}</span>'
        reason = f": {escape(visit.readiness_reason.label)}" if visit.readiness_reason_id else ""
        outcome, tasks = getattr(visit, "outcome", None), ""
        label = ""
        if outcome is not None and outcome.outcome_label:
            label = (
                f'<span class="badge badge-muted lottery-{escape(outcome.outcome)}">'
                f"{escape(outcome.outcome_label)}</span>"
            )
        if outcome is not None and outcome.tasks:
            tasks = f'<span class="badge badge-ok">{", ".join(escape(task) for task in outcome.tasks)}</span>'
        fix = ""
        if correct is not None and visit.pk == correct:
            hint = escape(gettext("Reason for correction"))
            fix = (
                f'<label for="reason-{visit.pk:d}" class="visually-hidden">{hint}</label>'
                f'<input type="text" id="reason-{visit.pk:d}" name="reason" required placeholder="{hint}">'
            )
        rows.append(
            _ROW.format(
                pk=int(visit.pk),
                highlight=" highlight" if highlight is not None and visit.pk == highlight else "",
                readiness=escape(visit.readiness),
                time=timezone.localtime(visit.arrived_at).strftime("%H:%M"),
                name=conditional_escape(who(context, visit.participant)),
                excluded=excluded,
                readiness_label=escape(visit.get_readiness_display()),
                reason=reason,
                outcome=label,
                tasks=tasks,
                base=base,
                csrf=csrf,
                extras=extras,
                buttons=buttons_excluded if visit.is_excluded else buttons_all,
                correct=fix,
                undo=undo,
            )
        )
    return SafeString("\n" + "".join(rows))
