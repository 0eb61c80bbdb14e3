"""The one lock order (docs/ARCHITECTURE.md) outside jobs: people by id, then their payroll rows.

As in tests/jobs/test_lock_order.py: a second PostgreSQL connection holds the first row a service
needs, the service runs until it waits, and a third connection checks that it holds nothing the
holder might want next.
"""

import datetime
from decimal import Decimal

import pytest

from dagsverket.roles import Role
from dagsverket.services import participant_merge
from payroll.engine import hourly_line
from payroll.services import payout_confirm, payslip_prepare
from tests.factories import ParticipantFactory, TaxCardFactory, WageRateFactory
from tests.locking import finish, free, hold, run_until_it_waits

pytestmark = pytest.mark.django_db(transaction=True)


def test_merging_two_records_takes_them_by_id_whichever_is_kept(on_postgres, site):
    """Attack first: the merge locked the record kept, then the duplicate, so merging A into B while
    someone merges B into A (two screens, the same pair) locked them in opposite orders."""
    lower, higher = ParticipantFactory(site=site), ParticipantFactory(site=site)
    holder = hold("dagsverket_participant", lower.pk)  # as a merge of `higher` into `lower` does first
    thread, outcome = run_until_it_waits(lambda: participant_merge(keep=higher, duplicate=lower, by=None))
    higher_free = free("dagsverket_participant", higher.pk)
    finish(holder, thread, outcome)  # first, so that a failure cannot leave the thread waiting
    assert higher_free
    lower.refresh_from_db()
    assert lower.merged_into_id == higher.pk


def test_a_payout_waits_for_the_person_before_taking_the_payslip(on_postgres, site, staff):
    WageRateFactory(site=site, amount=Decimal("150.00"))
    person = ParticipantFactory(site=site)
    TaxCardFactory(participant=person, frikort_amount=Decimal("1000"))
    slip = payslip_prepare(
        site=site,
        participant=person,
        day=datetime.date.today(),
        lines=[hourly_line("Raking", Decimal("2"), Decimal("150"))],
    )
    holder = hold("dagsverket_participant", person.pk)  # as a reversal or another payout does first
    thread, outcome = run_until_it_waits(
        lambda: payout_confirm(payslip=slip, method="card", nonce="lock-order", by=staff[Role.PAYROLL])
    )
    slip_free = free("payroll_payslip", slip.pk)
    finish(holder, thread, outcome)
    assert slip_free
    assert outcome["result"].payslip_id == slip.pk
