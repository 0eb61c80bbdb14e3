"""The manager's day at a glance (issue 16, item 10)."""

from django.utils import timezone

from dagsverket.roles import Role
from tests.factories import (
    AssignmentFactory,
    CustomerFactory,
    ParticipantFactory,
    ReferralFactory,
    TaskFactory,
    VisitFactory,
)


def _figures(response) -> dict:
    return {str(figure.label): figure for figure in response.context["figures"]}


def test_the_day_page_counts_arrivals_readiness_tasks_pay_and_referrals_due(client_for, site, other_site):
    today = timezone.localdate()
    ready = VisitFactory(participant=ParticipantFactory(site=site), readiness="ready")
    VisitFactory(participant=ParticipantFactory(site=site))
    VisitFactory(participant=ParticipantFactory(site=other_site), readiness="ready")
    task = TaskFactory(customer=CustomerFactory(site=site), date=today)
    AssignmentFactory(visit=ready, task=task)
    ReferralFactory(participant=ready.participant, follow_up_on=today)
    response = client_for(Role.MANAGER).get("/manage/")
    figures = _figures(response)
    assert figures["ankom"].value == 2 and figures["ankom"].url == "/checkin/"
    assert figures["klar eller lett arbeid"].value == 1
    assert figures["ikke vurdert ennå"].value == 1
    assert figures["på 1 oppdrag"].value == 1
    assert figures["oppdrag med attesterte timer"].value == "0/1"
    assert figures["åpne henvisninger til oppfølging"].value == 1
    assert figures["kasse"].value == "ikke åpnet"
    assert figures["utbetalt"].value == 0


def test_the_day_page_has_no_link_to_the_refused_admin(client_for):
    body = client_for(Role.MANAGER).get("/manage/").content.decode()
    assert "/admin/" not in body
