"""The one rounding of money (`dagsverket.money`): øre, half up, everywhere amounts are rounded."""

from decimal import Decimal

import pytest

from dagsverket.money import money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Half up, where Python's default (half even) gives the lower øre: 0.005 -> 0.00, 0.125 -> 0.12.
        (Decimal("0.005"), Decimal("0.01")),
        (Decimal("150.125"), Decimal("150.13")),
        (Decimal("-0.005"), Decimal("-0.01")),  # away from zero, as a reversal mirrors its payslip
        (Decimal("0.0049"), Decimal("0.00")),
        # A float by its text: Decimal(2.675) is 2.67499999999999982236431605997495353221893310546875.
        (2.675, Decimal("2.68")),
        ("1234.5", Decimal("1234.50")),
        (7, Decimal("7.00")),
    ],
)
def test_money_rounds_to_ore_half_up(value, expected):
    assert money(value) == expected
    assert str(money(value)) == str(expected)


def test_pay_invoices_and_the_trials_job_starts_round_with_the_same_helper():
    import jobs.invoicing
    import payroll.engine

    assert payroll.engine.money is money
    assert jobs.invoicing.money is money
