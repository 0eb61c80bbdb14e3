"""The payroll app's figures on the manager's day page: paid, and the cash box."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dagsverket.glance import Figure

from .models import CashBox, Payout


def day_figures(site, day) -> list[Figure]:
    paid = Payout.objects.filter(site=site, date=day).count()
    box = CashBox.objects.filter(site=site, date=day).order_by("-pk").first()
    if box is None:
        state = _("not opened")
    elif box.closed_at:
        state = _("closed")
    else:
        state = _("open")
    return [
        Figure(paid, _("paid out"), reverse("payroll:day", kwargs={"day": day})),
        Figure(state, _("cash box"), reverse("payroll:cash_box", kwargs={"day": day})),
    ]
