"""Two tablets sending the same referral at once: it is sent once, with one history entry."""

import threading

import pytest
from django.db import connection

from dagsverket.referrals.models import ReferralEvent, ReferralStatus
from dagsverket.referrals.services import referral_send
from dagsverket.services import DagsverketError
from tests.factories import AgencyFactory, ConsentFactory, ParticipantFactory, ReferralFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sends_send_the_referral_once(on_postgres, site):
    agency = AgencyFactory()
    participant = ParticipantFactory(site=site)
    ConsentFactory(participant=participant, agencies=[agency])
    worker = UserFactory(username="worker")
    referral = ReferralFactory(participant=participant, agency=agency, staff=worker)
    barrier = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            barrier.wait()
            referral_send(referral=referral, by=worker)
            outcomes.append("sent")
        except DagsverketError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["invalid_transition", "sent"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert ReferralEvent.objects.filter(referral=referral, to_status=ReferralStatus.SENT).count() == 1
