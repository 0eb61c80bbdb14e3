import pytest
from django.core.management import call_command

from payroll.models import Payout, Payslip, TaxCard, WageRate


@pytest.mark.django_db
def test_demo_data_pays_the_signed_off_days_with_tax_cards(settings):
    settings.DEBUG = True
    call_command("seed_demo", participants=12, days=14)
    assert WageRate.objects.count() == 2
    assert TaxCard.objects.exists()
    assert Payslip.objects.filter(paid_at__isnull=False).exists()
    assert Payout.objects.count() == Payslip.objects.filter(paid_at__isnull=False).count()
    assert not Payslip.objects.filter(paid_at__isnull=True).exists()
