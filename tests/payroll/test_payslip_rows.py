"""The day's pay table rows built in Python (`payroll/templatetags/payslip_rows.py`) are the markup
the template rendered before (`payslip_rows_before.html`), for every kind of row, in both languages
and for each permission that changes a row; and the confirm forms on the page still pay."""

import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from dagsverket.roles import Role
from payroll.engine import WorkLine, hourly_line
from payroll.forms import ConfirmPayoutForm
from payroll.models import Payout, Payslip
from payroll.services import (
    payout_confirm,
    payslip_correct,
    payslip_prepare,
    payslip_reverse,
    repayment_record,
)
from payroll.views import _day_context
from tests.factories import ParticipantFactory, TaxCardFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db

ROWS_AS_THE_TEMPLATE_HAD_THEM = (Path(__file__).parent / "payslip_rows_before.html").read_text()
ROWS_AS_BUILT_NOW = "{% load payslip_rows %}{% payslip_rows payslips %}"
TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _pay(site, name, *, lines=None, bank_account="", **person):
    participant = ParticipantFactory(site=site, name=name, bank_account=bank_account, **person)
    return payslip_prepare(
        site=site,
        participant=participant,
        day=DAY,
        lines=lines or [hourly_line("Snow clearing", D("6"), D("150"))],
    )


@pytest.fixture
def every_kind_of_row(site, wage_rate, frozen_day, staff):
    """A day with each kind of row the table has; names and a reason with HTML in them."""
    payer = staff[Role.PAYROLL]
    # Unpaid, with a bank account (the bank preselected), and two namesakes told apart
    _pay(site, 'Kari <b>&"', full_name='Kari <b>&" Berg', birth_year=1980, bank_account="12345678903")
    _pay(site, 'Kari <b>&"', full_name="Kari Hansen", birth_year=1971, bank_account="12345678903")
    # Unpaid without a bank account (cash preselected), on three lines: one without hours between
    _pay(
        site,
        "Per",
        lines=[
            hourly_line("Snow clearing", D("3"), D("150")),
            WorkLine("Day rate", None, D("100.00"), D("100.00")),
            hourly_line("Moving", D("2.5"), D("150")),
        ],
    )
    # A frikort more than 80 % used (991.80 of 1 200), its last line without hours
    frida = ParticipantFactory(site=site, name="Frida")
    TaxCardFactory(participant=frida, frikort_amount=D("1200"))
    payslip_prepare(
        site=site,
        participant=frida,
        day=DAY,
        lines=[hourly_line("x", D("6"), D("150")), WorkLine("Day rate", None, D("10.00"), D("10.00"))],
    )
    # Paid by bank, not reversed: the correction form (and its hours corrected after payment)
    berit = _pay(site, "Berit", bank_account="12345678903")
    payout_confirm(payslip=berit, method="bank", nonce="berit", by=payer)
    # Paid on a card, then reversed as not owed: the reversed original, and the reversal with its
    # reason, what is still owed back with the repayment form, and a repayment made earlier
    ola = _pay(site, "Ola")
    payout_confirm(payslip=ola, method="card", nonce="ola", by=payer)
    reversal = payslip_reverse(payslip=ola, reason='<i>Not owed</i> & "left"', by=payer)
    repayment_record(payslip=reversal, amount=D("200"), method="bank", nonce="ola-back", by=payer)
    # Paid in cash, then corrected: the reversal is not owed back; the correction is a draft
    ase = _pay(site, "Åse")
    payout_confirm(payslip=ase, method="cash", nonce="ase", by=payer)
    payslip_correct(
        payslip=ase, reason="Wrong task", by=payer, lines=[hourly_line("Moving", D("4"), D("150"))]
    )
    return site


def _request(site, user):
    request = RequestFactory().get(reverse("payroll:day", kwargs={"day": DAY}))
    request.user, request.site = user, site
    return request


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("role", [Role.PAYROLL, Role.MANAGER, Role.FRONT_DESK])
def test_the_payslip_rows_built_in_python_are_what_the_template_rendered(
    every_kind_of_row, staff, language, role, django_assert_num_queries
):
    site = every_kind_of_row
    request = _request(site, staff[role])
    engine = engines["django"]
    with translation.override(language):
        context = _day_context(request, DAY)
        slips = context["payslips"]
        for slip in slips:
            if slip.kind == Payslip.Kind.REGULAR and slip.is_paid and not hasattr(slip, "reversed_by"):
                slip.hours_changed = True  # Berit's (worked out in `test_views.py`)
            # What `_day_context` gave the template before the rows were built in Python
            slip.confirm_form = ConfirmPayoutForm(initial=slip.confirm_initial, auto_id=f"id_{slip.pk}_%s")
        old = engine.from_string(ROWS_AS_THE_TEMPLATE_HAD_THEM).render(context, request)
        with django_assert_num_queries(0):  # the namesakes were read for the page already
            new = engine.from_string(ROWS_AS_BUILT_NOW).render(context, request)
        texts = {
            msgid: translation.gettext(msgid)
            for msgid in (
                "Reversal",
                "Correction",
                "Reversed",
                "History",
                "No bank account: cash or card only.",
            )
        }
    assert TOKENS.sub("TOKEN", new) == TOKENS.sub("TOKEN", old)
    # One token for each form: the unpaid rows', Berit's correction and Ola's repayment
    unpaid = [slip for slip in slips if not slip.is_paid]
    assert len(TOKENS.findall(new)) == len(unpaid) + 2 == 7
    # The rows hold what they are meant to, so that the two cannot agree by both leaving it out
    assert sorted(slip.participant.name for slip in slips) == [
        "Berit",
        "Frida",
        'Kari <b>&"',
        'Kari <b>&"',
        "Ola",
        "Ola",
        "Per",
        "Åse",
        "Åse",
        "Åse",
    ]
    for expected in (
        "Kari &lt;b&gt;&amp;&quot; B. (1980)",
        "Kari &lt;b&gt;&amp;&quot; H. (1971)",
        "<small>&lt;i&gt;Not owed&lt;/i&gt; &amp; &quot;left&quot;</small>",
        texts["Reversal"],
        texts["Correction"],
        texts["Reversed"],
        texts["No bank account: cash or card only."],
        'title="',  # the frikort warning
        "badge-bad",
        "3<br>2,5</td>",
        ">6<br></td>",
        'class="repay" open',
        f'action="/payroll/payslip/{unpaid[0].pk}/confirm/"',
        '<option value="bank" selected>',
        '<option value="cash" selected>',
        '<input id="reason-',
        "200,00",  # paid back
        "296,80",  # still owed back: 496.80 − 200
    ):
        assert expected in new, expected
    assert ('<a href="/payroll/participant/' in new) is (role != Role.FRONT_DESK)
    assert ("/history/payroll/payslip/" in new) is (role == Role.MANAGER)
    assert new.count(f">{texts['History']}</a>") == (3 if role == Role.MANAGER else 0)  # the paid


def test_the_confirm_form_on_the_days_page_pays_with_what_it_shows(client_for, site, wage_rate, frozen_day):
    slip = _pay(site, "Kari", bank_account="12345678903")
    client = client_for(Role.PAYROLL)
    page = client.get(reverse("payroll:day", kwargs={"day": DAY})).content.decode()
    form = re.search(
        r'<form method="post" action="([^"]+)" class="inline-form confirm-form">(.*?)</form>', page, re.S
    )
    assert form.group(1) == reverse("payroll:payslip_confirm", kwargs={"pk": slip.pk})
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(2)))
    assert set(fields) == {"csrfmiddlewaretoken", "nonce", "shown_amount"}
    assert fields["shown_amount"] == "496.80" and re.fullmatch(r"[0-9a-f]{32}", fields["nonce"])
    assert f'id="id_{slip.pk}_nonce"' in form.group(2) and f'for="id_{slip.pk}_method"' in form.group(2)
    method = re.search(
        r'<select name="method" id="id_\d+_method">.*<option value="(\w+)" selected>', form.group(2), re.S
    )
    fields["method"] = method.group(1)
    assert fields["method"] == "bank"
    response = client.post(form.group(1), fields)
    assert response.status_code == 302
    payout = Payout.objects.get(payslip=slip)
    assert (payout.method, payout.amount, payout.nonce) == ("bank", D("496.80"), fields["nonce"])


def test_the_days_pay_runs_the_same_queries_with_more_of_every_kind_of_row(
    every_kind_of_row, client_for, staff
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    site, payer = every_kind_of_row, staff[Role.PAYROLL]
    client = client_for(Role.MANAGER)  # who sees the most: the name links and the history
    url = reverse("payroll:day", kwargs={"day": DAY})
    client.get(url)  # a session's first request also refreshes its expiry: not what is counted here
    counts = []
    for round_ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
        if round_ == 0:  # one more of the paid, reversed, owed back and repaid rows, and a draft
            _pay(site, "Unn")
            paid = _pay(site, "Vera")
            payout_confirm(payslip=paid, method="card", nonce="vera", by=payer)
            reversal = payslip_reverse(payslip=paid, reason="Not owed", by=payer)
            repayment_record(payslip=reversal, amount=D("1"), method="bank", nonce="vera-1", by=payer)
            repayment_record(payslip=reversal, amount=D("2"), method="bank", nonce="vera-2", by=payer)
    assert counts[0] == counts[1]
