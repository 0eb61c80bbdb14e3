"""The invoice basis per customer and month: tasks, worker-hours × price, fixed prices, VAT."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch

from dagsverket.money import money

from .models import Assignment, Customer, PriceKind, Task, TaskStatus


def vat_rate() -> Decimal:
    return Decimal(str(getattr(settings, "JOBS_VAT_RATE", "0.25")))


@dataclass
class InvoiceLine:
    task: Task
    hours: Decimal
    amount: Decimal


@dataclass
class InvoiceBasis:
    customer: Customer
    month: datetime.date
    lines: list[InvoiceLine]
    hours: Decimal
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    total: Decimal


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


def invoice_basis(*, customer: Customer, month: datetime.date) -> InvoiceBasis:
    """Done, signed-off or invoiced tasks of the month (cancelled ones left out); two queries."""
    first, following = month_bounds(month)
    active = Assignment.objects.active().only("task_id", "hours")
    tasks = (
        Task.objects.filter(customer=customer, date__gte=first, date__lt=following)
        .exclude(status=TaskStatus.CANCELLED)
        .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
        .order_by("date", "starts_at", "pk")
    )
    lines = []
    for task in tasks:
        hours = sum((a.hours for a in task.active_assignments), Decimal("0"))
        amount = money(task.price) if task.price_kind == PriceKind.FIXED else money(hours * task.price)
        lines.append(InvoiceLine(task=task, hours=hours, amount=amount))
    net = money(sum((line.amount for line in lines), Decimal("0")))
    rate = vat_rate()
    vat = money(net * rate)
    return InvoiceBasis(
        customer=customer,
        month=first,
        lines=lines,
        hours=sum((line.hours for line in lines), Decimal("0")),
        net=net,
        vat_rate=rate,
        vat=vat,
        total=net + vat,
    )


def safe_cell(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def invoice_rows(basis: InvoiceBasis):
    """CSV rows for the accountant, header first."""
    yield ["date", "task", "category", "price_kind", "price", "worker_hours", "amount_excl_vat"]
    for line in basis.lines:
        yield [
            line.task.date.isoformat(),
            safe_cell(line.task.description),
            line.task.category,
            line.task.price_kind,
            str(line.task.price),
            str(line.hours),
            str(line.amount),
        ]
    yield ["", "total_excl_vat", "", "", "", str(basis.hours), str(basis.net)]
    yield ["", "vat", "", "", str(basis.vat_rate), "", str(basis.vat)]
    yield ["", "total_incl_vat", "", "", "", "", str(basis.total)]
