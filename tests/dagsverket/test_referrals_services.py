"""Referral states, the consent gate and consent selectors, tested through the services."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from dagsverket.models import ActivityLog
from dagsverket.referrals.models import (
    AgencyType,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Referral,
    ReferralEvent,
    ReferralOutcome,
    ReferralStatus,
)
from dagsverket.referrals.selectors import consent_covering, participants_with_valid_consent, referrals_due
from dagsverket.referrals.services import (
    TRANSITIONS,
    consent_record,
    consent_withdraw,
    referral_accept,
    referral_cancel,
    referral_complete,
    referral_create,
    referral_decline,
    referral_send,
    referral_set_follow_up,
)
from dagsverket.services import DagsverketError
from tests.factories import AgencyFactory, ConsentFactory, ParticipantFactory, ReferralFactory, UserFactory

TODAY = datetime.date(2026, 3, 10)
S = ReferralStatus

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def worker(db):
    return UserFactory(username="worker")


@pytest.fixture
def nav(db):
    return AgencyFactory(name="NAV Midtbyen", type=AgencyType.NAV)


@pytest.fixture
def participant(site):
    return ParticipantFactory(site=site)


def _referral_in(status: str, participant, agency, worker) -> Referral:
    """A referral brought to `status` the normal way, with a covering consent."""
    ConsentFactory(participant=participant, agencies=[agency])
    referral = referral_create(participant=participant, agency=agency, area="work", by=worker)
    path = {
        S.DRAFT: [],
        S.SENT: [S.SENT],
        S.ACCEPTED: [S.SENT, S.ACCEPTED],
        S.DECLINED: [S.SENT, S.DECLINED],
        S.COMPLETED: [S.SENT, S.ACCEPTED, S.COMPLETED],
        S.CANCELLED: [S.CANCELLED],
    }[status]
    for step in path:
        referral = _move(referral, step, worker)
    return referral


def _move(referral, to, by):
    if to == S.SENT:
        return referral_send(referral=referral, by=by)
    if to == S.ACCEPTED:
        return referral_accept(referral=referral, by=by)
    if to == S.DECLINED:
        return referral_decline(referral=referral, by=by, reason="Full caseload")
    if to == S.COMPLETED:
        return referral_complete(referral=referral, by=by, outcome=ReferralOutcome.HELPED)
    return referral_cancel(referral=referral, by=by)


def test_a_new_referral_is_a_draft_with_one_history_entry(participant, nav, worker):
    referral = referral_create(
        participant=participant, agency=nav, area="money", text="Gjeld", by=worker, follow_up_on=TODAY
    )
    assert referral.status == S.DRAFT
    assert referral.date == TODAY
    assert referral.site == participant.site
    assert list(referral.events.values_list("from_status", "to_status")) == [("", S.DRAFT)]


# Sorted: TRANSITIONS holds sets, and pytest-xdist's workers must collect the same tests in the same order.
VALID_MOVES = [(src, dst) for src, targets in TRANSITIONS.items() for dst in sorted(targets)]
INVALID_MOVES = [
    (src, dst)
    for src in S.values
    for dst in [S.SENT, S.ACCEPTED, S.DECLINED, S.COMPLETED, S.CANCELLED]
    if dst not in TRANSITIONS[src]
]


@pytest.mark.parametrize(("src", "dst"), VALID_MOVES)
def test_every_allowed_state_change_is_applied_and_kept_in_the_history(src, dst, participant, nav, worker):
    referral = _referral_in(src, participant, nav, worker)
    events_before = referral.events.count()
    referral = _move(referral, dst, worker)
    referral.refresh_from_db()
    assert referral.status == dst
    last = referral.events.last()
    assert (last.from_status, last.to_status, last.by) == (src, dst, worker)
    assert referral.events.count() == events_before + 1
    assert ActivityLog.objects.filter(action=f"referral_{dst}", object_id=str(referral.pk)).exists()
    if dst in (S.DECLINED, S.COMPLETED, S.CANCELLED):
        assert referral.closed_on == TODAY


@pytest.mark.parametrize(("src", "dst"), INVALID_MOVES)
def test_every_invalid_state_change_is_refused_with_a_message_and_writes_nothing(
    src, dst, participant, nav, worker
):
    referral = _referral_in(src, participant, nav, worker)
    events_before = ReferralEvent.objects.count()
    logs_before = ActivityLog.objects.count()
    with pytest.raises(DagsverketError) as error:
        _move(referral, dst, worker)
    assert error.value.code == "invalid_transition"
    # Norwegian by default: "En henvisning som er utkast, kan ikke bli godtatt."
    assert f"som er {S(src).label.lower()}, kan ikke bli {S(dst).label.lower()}" in str(error.value.message)
    referral.refresh_from_db()
    assert referral.status == src
    assert ReferralEvent.objects.count() == events_before
    assert ActivityLog.objects.count() == logs_before


def test_declining_needs_a_reason_and_completing_needs_an_outcome(participant, nav, worker):
    referral = _referral_in(S.SENT, participant, nav, worker)
    with pytest.raises(DagsverketError) as error:
        referral_decline(referral=referral, by=worker, reason="  ")
    assert error.value.field == "decline_reason"
    with pytest.raises(DagsverketError) as error:
        referral_complete(referral=referral, by=worker, outcome="magic")
    assert error.value.field == "outcome"
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_the_database_refuses_a_declined_referral_without_a_reason(participant, nav, worker):
    referral = ReferralFactory(participant=participant, agency=nav, staff=worker, shares_information=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status=S.DECLINED)


def test_the_database_refuses_a_shared_referral_marked_sent_without_consent_or_override(participant, nav):
    referral = ReferralFactory(participant=participant, agency=nav)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status=S.SENT)


# --- the consent gate -------------------------------------------------------------------------------


def _draft(participant, agency, worker):
    return referral_create(participant=participant, agency=agency, area="work", by=worker)


def test_sending_with_a_valid_consent_naming_the_agency_records_that_consent(participant, nav, worker):
    consent = ConsentFactory(participant=participant, agencies=[nav], given_on=TODAY)
    referral = referral_send(referral=_draft(participant, nav, worker), by=worker)
    assert referral.status == S.SENT
    assert referral.consent == consent
    assert referral.sent_on == TODAY
    assert not referral.was_overridden


def test_a_consent_for_the_agency_type_covers_every_agency_of_that_type(participant, nav, worker):
    consent = ConsentFactory(participant=participant, agency_types=[AgencyType.NAV])
    referral = referral_send(referral=_draft(participant, nav, worker), by=worker)
    assert referral.consent == consent


@pytest.mark.parametrize(
    ("case", "consent_kwargs"),
    [
        (
            "expired",
            {
                "given_on": TODAY - datetime.timedelta(days=200),
                "valid_until": TODAY - datetime.timedelta(days=1),
            },
        ),
        ("not yet given", {"given_on": TODAY + datetime.timedelta(days=1)}),
        ("withdrawn today", {"given_on": TODAY - datetime.timedelta(days=5), "withdrawn_on": TODAY}),
        (
            "withdrawn earlier",
            {
                "given_on": TODAY - datetime.timedelta(days=5),
                "withdrawn_on": TODAY - datetime.timedelta(days=1),
            },
        ),
        ("research, not sharing", {"purpose": ConsentPurpose.RESEARCH, "project": "Hekta"}),
    ],
)
def test_sending_without_a_consent_in_force_is_refused_and_nothing_is_written(
    case, consent_kwargs, participant, nav, worker
):
    ConsentFactory(participant=participant, agencies=[nav], **consent_kwargs)
    referral = _draft(participant, nav, worker)
    with pytest.raises(DagsverketError) as error:
        referral_send(referral=referral, by=worker)
    assert error.value.code == "no_consent", case
    assert "NAV Midtbyen" in str(error.value.message)
    referral.refresh_from_db()
    assert referral.status == S.DRAFT
    assert referral.events.count() == 1


def test_a_consent_for_another_agency_or_type_does_not_cover_this_one(participant, nav, worker):
    other = AgencyFactory(name="Fastlege Hansen", type=AgencyType.GP)
    ConsentFactory(participant=participant, agencies=[other], agency_types=[AgencyType.HOUSING])
    ConsentFactory(participant=ParticipantFactory(site=participant.site), agencies=[nav])
    with pytest.raises(DagsverketError) as error:
        referral_send(referral=_draft(participant, nav, worker), by=worker)
    assert error.value.code == "no_consent"


def test_a_referral_that_shares_nothing_is_sent_without_consent(participant, nav, worker):
    referral = referral_create(
        participant=participant, agency=nav, area="work", by=worker, shares_information=False
    )
    referral = referral_send(referral=referral, by=worker)
    assert referral.status == S.SENT
    assert referral.consent is None


def test_only_a_manager_may_override_and_only_with_a_reason(participant, nav, worker):
    referral = _draft(participant, nav, worker)
    with pytest.raises(DagsverketError) as error:
        referral_send(referral=referral, by=worker, override_reason="Akutt", can_override=False)
    assert error.value.code == "override_not_allowed"
    with pytest.raises(DagsverketError) as error:
        referral_send(referral=referral, by=worker, override_reason="   ", can_override=True)
    assert error.value.code == "no_consent"
    referral.refresh_from_db()
    assert referral.status == S.DRAFT


def test_a_manager_override_is_recorded_with_its_reason_in_the_history(participant, nav, worker):
    manager = UserFactory(username="boss")
    referral = referral_send(
        referral=_draft(participant, nav, worker),
        by=manager,
        override_reason="Akutt bostedsløs, muntlig ok",
        can_override=True,
    )
    assert referral.status == S.SENT
    assert referral.consent is None
    assert referral.override_reason == "Akutt bostedsløs, muntlig ok"
    assert referral.overridden_by == manager
    assert referral.events.last().note == "Akutt bostedsløs, muntlig ok"


# --- consent records --------------------------------------------------------------------------------


def test_recording_a_consent_keeps_who_recorded_it_and_how(participant, nav, worker):
    consent = consent_record(
        participant=participant,
        purpose=ConsentPurpose.SHARING,
        given_on=TODAY,
        valid_until=TODAY + datetime.timedelta(days=90),
        method=ConsentMethod.TABLET,
        agencies=[nav],
        agency_types=[AgencyType.HOUSING],
        by=worker,
    )
    assert consent.recorded_by == worker
    assert list(consent.agencies.all()) == [nav]
    assert consent.agency_types == ["housing"]
    assert consent.is_valid_on(TODAY)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_until": TODAY - datetime.timedelta(days=1)}, "valid_until"),
        (
            {
                "given_on": TODAY + datetime.timedelta(days=1),
                "valid_until": TODAY + datetime.timedelta(days=9),
            },
            "given_on",
        ),
        ({"agencies": []}, "agencies"),
        ({"method": "telepathy"}, "method"),
        ({"purpose": ConsentPurpose.RESEARCH}, "project"),
        ({"agency_types": ["spaceport"]}, "agency_types"),
    ],
)
def test_a_consent_with_bad_input_is_refused_and_not_stored(changes, field, participant, nav, worker):
    kwargs = {
        "participant": participant,
        "purpose": ConsentPurpose.SHARING,
        "given_on": TODAY,
        "valid_until": TODAY + datetime.timedelta(days=30),
        "method": ConsentMethod.SPOKEN,
        "agencies": [nav],
        "by": worker,
    } | changes
    with pytest.raises(DagsverketError) as error:
        consent_record(**kwargs)
    assert error.value.field == field
    assert not Consent.objects.exists()


def test_withdrawing_a_consent_stops_sharing_at_once_and_keeps_the_record(participant, nav, worker):
    consent = ConsentFactory(
        participant=participant, agencies=[nav], given_on=TODAY - datetime.timedelta(days=3)
    )
    assert consent_covering(participant=participant, agency=nav, day=TODAY) == consent
    consent_withdraw(consent=consent, by=worker)
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY
    assert consent.withdrawn_by == worker
    assert consent_covering(participant=participant, agency=nav, day=TODAY) is None
    assert consent.is_valid_on(TODAY - datetime.timedelta(days=1))
    with pytest.raises(DagsverketError) as error:
        consent_withdraw(consent=consent, by=worker)
    assert error.value.code == "consent_withdrawn"


def test_participants_with_valid_consent_lists_only_those_in_force_for_that_purpose(site):
    research = ConsentFactory(purpose=ConsentPurpose.RESEARCH, project="Hekta", participant__site=site)
    ConsentFactory(
        purpose=ConsentPurpose.RESEARCH, project="Hekta", withdrawn_on=TODAY, participant__site=site
    )
    ConsentFactory(purpose=ConsentPurpose.SHARING, participant__site=site)
    ConsentFactory(
        purpose=ConsentPurpose.RESEARCH,
        project="Old",
        given_on=TODAY - datetime.timedelta(days=400),
        valid_until=TODAY - datetime.timedelta(days=30),
        participant__site=site,
    )
    assert list(participants_with_valid_consent(ConsentPurpose.RESEARCH, TODAY)) == [research.participant]


# --- follow-up --------------------------------------------------------------------------------------


def test_the_follow_up_list_holds_open_referrals_due_today_or_overdue_at_the_site(
    site, other_site, nav, worker
):
    def make(days, status=S.DRAFT, at=site, staff=worker):
        return ReferralFactory(
            participant__site=at,
            agency=nav,
            staff=staff,
            status=status,
            follow_up_on=TODAY + datetime.timedelta(days=days),
            shares_information=False,
        )

    overdue, due = make(-3), make(0)
    make(1)  # not yet due
    make(-1, status=S.CANCELLED)  # closed
    make(-1, at=other_site)  # another site
    colleague = UserFactory(username="colleague")
    theirs = make(-2, staff=colleague)
    assert list(referrals_due(site=site, day=TODAY)) == [overdue, theirs, due]
    assert list(referrals_due(site=site, day=TODAY, staff=worker)) == [overdue, due]


def test_moving_the_follow_up_date_is_kept_in_the_history(participant, nav, worker):
    referral = _draft(participant, nav, worker)
    referral_set_follow_up(referral=referral, by=worker, follow_up_on=TODAY + datetime.timedelta(days=7))
    referral.refresh_from_db()
    assert referral.follow_up_on == TODAY + datetime.timedelta(days=7)
    assert referral.events.count() == 2
    with pytest.raises(DagsverketError) as error:
        referral_set_follow_up(referral=referral, by=worker, follow_up_on=TODAY - datetime.timedelta(days=1))
    assert error.value.code == "follow_up_past"
