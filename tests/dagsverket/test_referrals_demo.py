from django.core.management import call_command

from dagsverket.management.commands import seed_demo
from dagsverket.referrals.models import Agency, Consent, Referral, ReferralEvent, ReferralStatus


def test_the_referral_demo_data_fits_the_rules_and_covers_every_state(db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(seed_demo, "APP_DEMO_MODULES", ["dagsverket.referrals.demo"])
    call_command("seed_demo", participants=40, days=5)
    assert Agency.objects.count() == 10
    assert Consent.objects.filter(purpose="research").exists()
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    for referral in Referral.objects.all():
        assert referral.events.last().to_status == referral.status
    assert ReferralEvent.objects.count() > Referral.objects.count()
