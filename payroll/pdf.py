"""Payslips as PDF: one HTML document per batch (one page per payslip), rendered by WeasyPrint.

Always in Norwegian and Oslo time, whatever the language of the person who prints.
"""

from decimal import Decimal

from django.db.models import Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dagsverket.models import Site
from dagsverket.pdf import render_pdf


def _holiday_so_far(slip, *, site_ids) -> None:
    """Set `year_holiday_basis` and `year_holiday_pay` on the slip: the holiday-pay basis and the
    holiday pay earned (paid with the wage or kept back) in the slip's year at its employer, up to and
    including this slip. A paid slip counts the slips paid before it (paid rows never change, so a
    reprint shows the same); a draft counts everything paid so far and itself. Reversals count."""
    from .models import Payslip

    slips = Payslip.objects.filter(
        participant_id=slip.participant_id,
        site_id__in=site_ids,
        # the year the slip is paid in (a draft: this year), as withholding counts it
        paid_at__year=timezone.localtime(slip.paid_at).year if slip.paid_at else timezone.localdate().year,
    )
    if slip.paid_at is not None:
        slips = slips.filter(Q(paid_at__lt=slip.paid_at) | Q(paid_at=slip.paid_at, pk__lte=slip.pk))
    sums = slips.aggregate(
        basis=Sum("holiday_pay_basis"), paid=Sum("holiday_pay"), kept=Sum("holiday_pay_accrued")
    )
    zero = Decimal("0")
    basis, pay = sums["basis"] or zero, (sums["paid"] or zero) + (sums["kept"] or zero)
    if slip.paid_at is None:
        basis, pay = basis + slip.holiday_pay_basis, pay + slip.holiday_pay + slip.holiday_pay_accrued
    slip.year_holiday_basis, slip.year_holiday_pay = basis, pay


def payslips_html(payslips, *, site: Site) -> str:
    from .selectors import employer_of

    site_ids = employer_of(site).site_ids  # the batch is the site's; its employer's sites
    for slip in payslips:
        _holiday_so_far(slip, site_ids=site_ids)
    with translation.override("nb"), timezone.override("Europe/Oslo"):
        return render_to_string("payroll/pdf/payslips.html", {"payslips": payslips, "site": site})


def payslips_pdf(payslips, *, site: Site) -> bytes:
    return render_pdf(payslips_html(payslips, site=site))
