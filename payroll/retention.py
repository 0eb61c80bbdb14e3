"""Removing payroll records past their keeping period (Bookkeeping Act § 13: five full years after
the end of the year they belong to). Used by `manage.py apply_retention`.

A record of year Y may be removed from 1 January of Y + PAYROLL_RETENTION_YEARS + 1 on: a 2020
payslip is kept through 2025 and removed from 1 January 2026. A payslip that a kept reversal or
correction points at stays until that one may go too. Their history rows go with them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from .models import CashBox, CashMovement, Payout, Payslip, PayslipLine, TaxCard, retention_deletes

BATCH = 500


def first_kept_year(today: datetime.date) -> int:
    return today.year - settings.PAYROLL_RETENTION_YEARS


@dataclass
class PayrollPlan:
    """What a retention run would remove, by primary key."""

    first_kept_year: int
    payslips: list[int] = field(default_factory=list)
    held_payslips: int = 0  # old, but a kept reversal or correction points at them
    tax_cards: list[int] = field(default_factory=list)
    cash_boxes: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "payslips": len(self.payslips),
            "payslip_lines": PayslipLine.objects.filter(payslip_id__in=self.payslips).count(),
            "payouts": Payout.objects.filter(payslip_id__in=self.payslips).count(),
            "payslips_held_by_later_corrections": self.held_payslips,
            "tax_cards": len(self.tax_cards),
            "cash_boxes": len(self.cash_boxes),
            "cash_movements": CashMovement.objects.filter(cash_box_id__in=self.cash_boxes).count(),
        }


def payroll_plan(today: datetime.date) -> PayrollPlan:
    year = first_kept_year(today)
    cutoff = datetime.date(year, 1, 1)
    old = set(Payslip.objects.filter(date__lt=cutoff).values_list("pk", flat=True))
    links = list(
        Payslip.objects.filter(Q(reverses__isnull=False) | Q(corrects__isnull=False)).values_list(
            "pk", "reverses_id", "corrects_id"
        )
    )
    # Old payslips that a kept one points at are held, and so on down the chain.
    held: set[int] = set()
    changed = True
    while changed:
        changed = False
        for pk, reverses, corrects in links:
            if pk in old and pk not in held:
                continue
            for target in (reverses, corrects):
                if target in old and target not in held:
                    held.add(target)
                    changed = True
    return PayrollPlan(
        first_kept_year=year,
        payslips=sorted(old - held),
        held_payslips=len(held),
        tax_cards=list(TaxCard.objects.filter(year__lt=year).values_list("pk", flat=True)),
        cash_boxes=list(CashBox.objects.filter(date__lt=cutoff).values_list("pk", flat=True)),
    )


def _purge_history(model, pks) -> None:
    model.history.model.objects.filter(**{model._meta.pk.attname + "__in": pks}).delete()


def payroll_remove(plan: PayrollPlan, *, progress: Callable[[int, int], None] | None = None) -> None:
    """Delete what the plan names. Call inside `transaction.atomic()`."""
    with retention_deletes():
        remaining = set(plan.payslips)
        total, done = len(remaining), 0
        while remaining:
            # Reversals and corrections before the payslips they point at (the keys protect them).
            pointed_at = set()
            for reverses, corrects in Payslip.objects.filter(pk__in=remaining).values_list(
                "reverses_id", "corrects_id"
            ):
                pointed_at.update({reverses, corrects})
            ready = sorted(remaining - pointed_at)
            if not ready:  # cannot happen (a payslip never points at a later one); never loop forever
                break
            for start in range(0, len(ready), BATCH):
                batch = ready[start : start + BATCH]
                payouts = list(Payout.objects.filter(payslip_id__in=batch).values_list("pk", flat=True))
                lines = list(PayslipLine.objects.filter(payslip_id__in=batch).values_list("pk", flat=True))
                Payout.objects.filter(pk__in=payouts).delete()
                Payslip.objects.filter(pk__in=batch).delete()
                _purge_history(Payout, payouts)
                _purge_history(PayslipLine, lines)
                _purge_history(Payslip, batch)
                done += len(batch)
                if progress:
                    progress(done, total)
            remaining -= set(ready)
        TaxCard.objects.filter(pk__in=plan.tax_cards).delete()
        _purge_history(TaxCard, plan.tax_cards)
        movements = list(
            CashMovement.objects.filter(cash_box_id__in=plan.cash_boxes).values_list("pk", flat=True)
        )
        CashMovement.objects.filter(pk__in=movements).delete()
        CashBox.objects.filter(pk__in=plan.cash_boxes).delete()
        _purge_history(CashMovement, movements)
        _purge_history(CashBox, plan.cash_boxes)
