"""The one rounding of money: two decimals (øre), half up, as payslips, invoices and exports show it.

Pay, tax, invoices and the evaluation's exports all round here; a rule that rounds otherwise (the
withholding tables round tax down to whole kroner) says so where it does, then passes the result
through `money` too.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value) -> Decimal:
    """Round to øre, half up. A float is read by its shortest text (0.1 is 0.1, not 0.1000000000000000055)."""
    return Decimal(str(value) if isinstance(value, float) else value).quantize(CENT, rounding=ROUND_HALF_UP)
