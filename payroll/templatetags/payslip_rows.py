"""The day's pay table rows, built in Python: payroll staff load the day's pay all day and it is
rendered again on every refused payout, and the template engine spent three quarters of the page's
time on these rows, most of it rendering each unpaid payslip's three form widgets through Django's
template-based widget renderer (docs/PERFORMANCE.md, "The payroll day page").
`tests/payroll/test_payslip_rows.py` holds the markup to the template it replaced
(`tests/payroll/payslip_rows_before.html`) and the confirm form's widgets to Django's rendering."""

from collections.abc import Callable

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from dagsverket.templatetags.markup import csrf_input
from dagsverket.templatetags.people import names_as_listed, who

from ..forms import ConfirmPayoutForm
from ..models import Payout, Payslip
from .payroll_tags import hours, nok

register = template.Library()

_ROW = """<tr id="payslip-{pk}">
      <td>{name}
        {reversal}
        {correction}
        {hours_changed}
        {frikort}
        <br><small>{tax_card}</small></td>
      <td class="num" data-label="{t[hours]}">{hours}</td>
      <td class="num" data-label="{t[gross]}">{gross}</td>
      <td class="num" data-label="{t[holiday_pay]}">{holiday_pay}</td>
      <td class="num" data-label="{t[tax]}">{tax}</td>
      <td class="num" data-label="{t[to_pay]}"><strong>{amount_due}</strong></td>
      <td class="payout-cell">
        {repay}
        {repayments}
        {payout}
      </td>
    </tr>"""

_REPAY = """<details class="repay" open><summary class="button button-warn">{owed}</summary>
          <form method="post" action="{url}">{csrf}
            {nonce}
            {fields}
            <button type="submit" class="button-primary">{t[record_repayment]}</button>
          </form></details>"""

_PAID = """
          <span class="badge badge-ok">{t[paid]}: {method}</span>
          <a class="button" href="{pdf_url}">{t[payslip_pdf]}</a>
          {history}
          {correct}
        """

_CORRECT = """<details class="correct"><summary class="button button-secondary">{t[correct]}</summary>
            <form method="post" action="{correct_url}">{csrf}
              <label for="reason-{pk}">{t[reason]}</label>
              <input id="reason-{pk}" name="reason" maxlength="300" required>
              <button type="submit" class="button-warn">{t[reverse_and_new]}</button>
              <button type="submit" class="button-danger" formaction="{reverse_url}">{t[reverse_only]}</button>
            </form></details>"""  # noqa: E501 - the markup as the template had it

_UNPAID = """
          <form method="post" action="{confirm_url}" class="inline-form confirm-form">{csrf}
            {widgets}
            <button type="submit" class="button-primary">{t[confirm]}</button>
          </form>
          <a class="button button-secondary" href="{pdf_url}">{t[preview]}</a>
          {no_bank}
        """

# A pk no real URL holds: reversed once per page, then replaced by each row's pk.
_PLACEHOLDER = 987654321


def _url_with_pk(name: str, *args) -> Callable[[int], str]:
    """One `reverse()` per URL name and page; the row's pk goes in by string formatting."""
    url = reverse(name, args=[*args, _PLACEHOLDER]) if args else reverse(name, kwargs={"pk": _PLACEHOLDER})
    before, after = (escape(part) for part in url.split(str(_PLACEHOLDER)))
    return lambda pk: f"{before}{pk:d}{after}"


def _texts() -> dict[str, str]:
    """The rows' words in the active language, escaped as `{% translate %}` escapes them. Its `%`
    is `%%` in the catalogue (the tag doubles it for the look-up), so these two are undoubled."""
    words = {
        "reversal": gettext("Reversal"),
        "correction": gettext("Correction"),
        "hours_changed": gettext("Hours corrected after payment: correct the payslip"),
        "frikort_title": gettext("More than 80 %% of the frikort is used").replace("%%", "%"),
        "frikort": gettext("Frikort over 80 %%").replace("%%", "%"),
        "hours": gettext("Hours"),
        "gross": gettext("Gross"),
        "holiday_pay": gettext("Holiday pay"),
        "tax": gettext("Tax"),
        "to_pay": gettext("To pay"),
        "record_repayment": gettext("Record repayment"),
        "paid": gettext("Paid"),
        "payslip_pdf": gettext("Payslip (PDF)"),
        "history": gettext("History"),
        "correct": gettext("Correct"),
        "reason": gettext("Reason for correction"),
        "reverse_and_new": gettext("Reverse and make a new payslip"),
        "reverse_only": gettext("Reverse only"),
        "reversed": gettext("Reversed"),
        "payout_method": gettext("Payout method"),
        "confirm": gettext("Confirm payout"),
        "preview": gettext("Preview"),
        "no_bank": gettext("No bank account: cash or card only."),
    }
    return {key: escape(text) for key, text in words.items()}


def _method_options(selected: str, *, cache: dict[str, str]) -> str:
    """The method select's `<option>`s with `selected` selected, built once per page and method."""
    if selected not in cache:
        cache[selected] = "".join(
            f'  <option value="{escape(value)}"{" selected" if str(value) == selected else ""}>'
            f"{escape(label)}</option>\n\n"
            for value, label in ConfirmPayoutForm.base_fields["method"].choices
        )
    return cache[selected]


def _confirm_widgets(pk: int, initial: dict, *, label: str, options: dict[str, str]) -> str:
    """`{{ form.nonce }}{{ form.shown_amount }}`, the method's label and `{{ form.method }}` as
    Django renders them for `ConfirmPayoutForm(initial=initial, auto_id=f"id_{pk}_%s")`."""
    nonce, amount = escape(initial["nonce"]), escape(initial["shown_amount"])
    return (
        f'<input type="hidden" name="nonce" value="{nonce}" id="id_{pk}_nonce">'
        f'<input type="hidden" name="shown_amount" value="{amount}" id="id_{pk}_shown_amount">\n'
        f'            <label class="visually-hidden" for="id_{pk}_method">{label}</label>\n'
        f'            <select name="method" id="id_{pk}_method">\n'
        f"{_method_options(str(initial['method']), cache=options)}</select>"
    )


def _labels(model, field: str) -> dict:
    """`get_<field>_display()` for a page: the choices' labels in the active language, read once."""
    return {value: escape(label) for value, label in model._meta.get_field(field).flatchoices}


def _names(context, payslips) -> list[str]:
    """`{% who slip.participant %}` for each payslip, escaped."""
    people = [slip.participant for slip in payslips]
    request = context.get("request")
    names = names_as_listed(request, people) if request is not None else [who(context, p) for p in people]
    return [conditional_escape(name) for name in names]


def _hours_cell(line_hours) -> str:
    # As the template had it: a <br> after each line with hours, unless it is the last line.
    last = len(line_hours) - 1
    return "".join(
        f"{escape(hours(value))}{'<br>' if index != last else ''}"
        for index, value in enumerate(line_hours)
        if value
    )


def _repay_form(slip, *, csrf: str, url: str, texts: dict[str, str]) -> str:
    # Rare (money owed back), so its widgets are left to Django's renderer.
    form = slip.repayment_form
    owed = gettext("Owed back: %(amount)s") % {"amount": escape(nok(slip.owed_back))}
    fields = "".join(
        f"{conditional_escape(field.label_tag())} {conditional_escape(field)}"
        for field in form.visible_fields()
    )
    return _REPAY.format(
        owed=owed, url=url, csrf=csrf, nonce=conditional_escape(form["nonce"]), fields=fields, t=texts
    )


def _repayments(slip) -> str:
    parts = []
    for repayment in slip.repayment_list:
        day = repayment.date
        text = gettext("Paid back %(amount)s on %(day)s") % {
            "amount": escape(nok(repayment.amount)),
            "day": f"{day.day}.{day.month}.{day.year}",
        }
        parts.append(
            f'<small class="badge badge-ok">{text}: {escape(repayment.get_method_display())}</small>'
        )
    return "".join(parts)


@register.simple_tag(takes_context=True)
def payslip_rows(context, payslips) -> SafeString:
    """`{% payslip_rows payslips %}`: one `<tr>` per payslip as `_day_context` marks them
    (`line_hours`, `repayment_list`, `frikort_warning`, `hours_changed`, `owed_back` with its
    `repayment_form`, `confirm_initial`)."""
    perms = context.get("perms")
    may_see_ids = perms is not None and "dagsverket.view_national_id" in perms
    may_see_history = perms is not None and "dagsverket.manage_site" in perms
    csrf = csrf_input(context)
    t = _texts()
    options: dict[str, str] = {}
    participant_url = _url_with_pk("payroll:participant")
    repay_url = _url_with_pk("payroll:payslip_repay")
    pdf_url = _url_with_pk("payroll:payslip_pdf")
    history_url = _url_with_pk("record_history", "payroll", "payslip")
    correct_url = _url_with_pk("payroll:payslip_correct")
    reverse_url = _url_with_pk("payroll:payslip_reverse")
    confirm_url = _url_with_pk("payroll:payslip_confirm")
    reversal, correction = (
        f'<span class="badge badge-bad">{t["reversal"]}</span> <small>{{}}</small>',
        f'<span class="badge badge-warn">{t["correction"]}</span>',
    )
    hours_changed = f'<span class="badge badge-bad">{t["hours_changed"]}</span>'
    frikort = f'<span class="badge badge-warn" title="{t["frikort_title"]}">{t["frikort"]}</span>'
    no_bank = f"<br><small>{t['no_bank']}</small>"
    tax_card_kinds, payout_methods = _labels(Payslip, "tax_card_kind"), _labels(Payout, "method")
    rows = []
    for slip, name in zip(payslips, _names(context, payslips)):
        pk = slip.pk
        if may_see_ids:
            name = f'<a href="{participant_url(slip.participant_id)}">{name}</a>'
        is_reversal = slip.kind == "reversal"
        if is_reversal:
            payout = "–\n        "
        elif slip.is_paid:
            if hasattr(slip, "reversed_by"):  # reversed already (a missing one raises AttributeError)
                correct = f'<span class="badge badge-muted">{t["reversed"]}</span>'
            else:
                correct = _CORRECT.format(
                    t=t, pk=pk, csrf=csrf, correct_url=correct_url(pk), reverse_url=reverse_url(pk)
                )
            payout = _PAID.format(
                t=t,
                method=payout_methods.get(slip.payout.method) or escape(slip.payout.method),
                pdf_url=pdf_url(pk),
                history=(
                    f'<a class="button button-secondary" href="{history_url(pk)}">{t["history"]}</a>'
                    if may_see_history
                    else ""
                ),
                correct=correct,
            )
        else:
            payout = _UNPAID.format(
                t=t,
                confirm_url=confirm_url(pk),
                csrf=csrf,
                widgets=_confirm_widgets(pk, slip.confirm_initial, label=t["payout_method"], options=options),
                pdf_url=pdf_url(pk),
                no_bank="" if slip.participant.bank_account else no_bank,
            )
        rows.append(
            _ROW.format(
                pk=pk,
                name=name,
                reversal=reversal.format(escape(slip.reason)) if is_reversal else "",
                correction=correction if slip.corrects_id else "",
                hours_changed=hours_changed if slip.hours_changed else "",
                frikort=frikort if slip.frikort_warning else "",
                tax_card=tax_card_kinds.get(slip.tax_card_kind) or escape(slip.tax_card_kind),
                hours=_hours_cell(slip.line_hours),
                gross=escape(nok(slip.gross)),
                holiday_pay=escape(nok(slip.holiday_pay)),
                tax=escape(nok(slip.tax)),
                amount_due=escape(nok(slip.amount_due)),
                repay=_repay_form(slip, csrf=csrf, url=repay_url(pk), texts=t) if slip.owed_back else "",
                repayments=_repayments(slip),
                payout=payout,
                t=t,
            )
        )
    return SafeString("".join(rows))
