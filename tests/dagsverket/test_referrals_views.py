"""The referral screens: consent, referrals, the gate on screen, overrides, follow-up, agencies."""

import datetime
import re
import subprocess

import pytest
import time_machine

from dagsverket.models import AccessLog
from dagsverket.referrals.models import Agency, AgencyType, Consent, Referral, ReferralStatus
from dagsverket.roles import Role
from tests.factories import (
    AgencyFactory,
    ConsentFactory,
    ParticipantFactory,
    ReferralFactory,
    ReferralReasonFactory,
    VisitFactory,
)

TODAY = datetime.date(2026, 3, 10)
S = ReferralStatus


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def nav(db):
    return AgencyFactory(name="NAV Midtbyen", type=AgencyType.NAV)


@pytest.fixture
def participant(site):
    return ParticipantFactory(site=site, name="Kari", phone="41234567", address="Hemmeligveien 3")


@pytest.fixture
def draft(participant, nav, staff):
    return ReferralFactory(
        participant=participant, agency=nav, staff=staff[Role.FRONT_DESK], text="Meldekort"
    )


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


# --- recording consent ------------------------------------------------------------------------------


def _consent_post(nav, **changes):
    data = {
        "purpose": "sharing",
        "agencies": [nav.pk],
        "share_reason": "on",
        "given_on": "2026-03-10",
        "valid_until": "2026-09-10",
        "method": "tablet",
    }
    data.update(changes)
    return data


def test_the_front_desk_records_a_consent_and_returns_to_the_referral(client_for, participant, nav, draft):
    client = client_for(Role.FRONT_DESK)
    url = f"/referrals/participant/{participant.pk}/consent/?referral={draft.pk}"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, _consent_post(nav))
    assert response.status_code == 302
    assert response.url == f"/referrals/{draft.pk}/"
    consent = Consent.objects.get()
    assert consent.recorded_by.username == "frontdesk"
    assert consent.method == "tablet"
    assert list(consent.agencies.all()) == [nav]


@pytest.mark.parametrize(
    "changes",
    [
        {"valid_until": "2026-03-01"},
        {"agencies": [], "agency_types": []},
        {"method": ""},
        {"given_on": "not a date"},
        {"agency_types": ["spaceport"]},
    ],
)
def test_a_bad_consent_gets_a_message_status_400_and_nothing_is_written(
    client_for, participant, nav, changes
):
    response = client_for(Role.FRONT_DESK).post(
        f"/referrals/participant/{participant.pk}/consent/", _consent_post(nav, **changes)
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Consent.objects.exists()


def test_withdrawing_a_consent_keeps_it_and_marks_the_day(client_for, participant, nav):
    consent = ConsentFactory(
        participant=participant, agencies=[nav], given_on=TODAY - datetime.timedelta(days=2)
    )
    client = client_for(Role.FRONT_DESK)
    assert client.post(f"/referrals/consent/{consent.pk}/withdraw/").status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY
    again = client.post(f"/referrals/consent/{consent.pk}/withdraw/")
    assert again.status_code == 400
    assert Consent.objects.count() == 1


# --- creating and sending referrals -----------------------------------------------------------------


def test_a_referral_is_written_as_a_draft(client_for, participant, nav):
    reason = ReferralReasonFactory(code="nav-kontakt")
    client = client_for(Role.FRONT_DESK)
    assert client.get(f"/referrals/participant/{participant.pk}/new/").status_code == 200
    response = client.post(
        f"/referrals/participant/{participant.pk}/new/",
        {
            "agency": nav.pk,
            "area": "work",
            "reason": reason.pk,
            "text": "Meldekort",
            "shares_information": "on",
            "follow_up_on": "2026-03-17",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == f"/referrals/{referral.pk}/"
    assert (referral.status, referral.reason, referral.follow_up_on) == (
        S.DRAFT,
        reason,
        datetime.date(2026, 3, 17),
    )


@pytest.mark.parametrize(
    "data",
    [
        {"agency": "", "area": "work"},
        {"agency": "999999", "area": "work"},
        {"area": "astrology"},
        {"area": "work", "follow_up_on": "2026-03-01"},
    ],
)
def test_a_bad_referral_gets_status_400_and_nothing_is_written(client_for, participant, nav, data):
    data = {"agency": nav.pk, **data}
    response = client_for(Role.FRONT_DESK).post(f"/referrals/participant/{participant.pk}/new/", data)
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_without_consent_the_screen_says_so_and_offers_to_record_one(client_for, draft):
    page = client_for(Role.FRONT_DESK).get(f"/referrals/{draft.pk}/").content.decode()
    assert "consent-missing" in page
    assert f"/referrals/participant/{draft.participant_id}/consent/?referral={draft.pk}" in page
    assert "override_reason" not in page  # only managers may override


def test_sending_without_consent_is_refused_on_screen_and_nothing_is_written(client_for, draft):
    response = client_for(Role.FRONT_DESK).post(f"/referrals/{draft.pk}/send/", {"override_reason": "Haster"})
    assert response.status_code == 400
    assert "NAV Midtbyen" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert draft.events.count() == 0


def test_sending_with_consent_moves_the_referral_to_sent(client_for, draft, nav, participant):
    ConsentFactory(participant=participant, agencies=[nav])
    client = client_for(Role.FRONT_DESK)
    assert "consent-ok" in client.get(f"/referrals/{draft.pk}/").content.decode()
    assert client.post(f"/referrals/{draft.pk}/send/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.SENT


def test_a_manager_overrides_with_a_reason_and_the_override_is_listed_for_review(client_for, draft):
    client = client_for(Role.MANAGER)
    assert 'name="override_reason"' in client.get(f"/referrals/{draft.pk}/").content.decode()
    without_reason = client.post(f"/referrals/{draft.pk}/send/", {"override_reason": ""})
    assert without_reason.status_code == 400
    assert (
        client.post(f"/referrals/{draft.pk}/send/", {"override_reason": "Akutt, muntlig ja"}).status_code
        == 302
    )
    draft.refresh_from_db()
    assert (draft.status, draft.override_reason, draft.overridden_by.username) == (
        S.SENT,
        "Akutt, muntlig ja",
        "manager",
    )
    listing = client.get("/referrals/overrides/").content.decode()
    assert "Akutt, muntlig ja" in listing
    assert client.post(f"/referrals/overrides/{draft.pk}/reviewed/").status_code == 302
    draft.refresh_from_db()
    assert draft.override_reviewed_by.username == "manager"
    assert client.post(f"/referrals/overrides/{draft.pk}/reviewed/").status_code == 400


def test_the_override_list_is_for_managers_only(client_for):
    assert client_for(Role.FRONT_DESK).get("/referrals/overrides/").status_code == 403


def _overrides(participant, nav, by, count, **fields):
    return ReferralFactory.create_batch(
        count,
        participant=participant,
        agency=nav,
        staff=by,
        status=S.SENT,
        sent_on=TODAY - datetime.timedelta(days=3),
        override_reason="Akutt",
        overridden_by=by,
        **fields,
    )


def test_the_override_list_runs_the_same_queries_however_long_it_is(
    client_for, staff, participant, nav, django_assert_num_queries
):
    _overrides(participant, nav, staff[Role.MANAGER], 2)
    client = client_for(Role.MANAGER)
    client.get("/referrals/overrides/")
    with django_assert_num_queries(3):  # session with user, sites, permissions; count and page of referrals
        client.get("/referrals/overrides/")
    _overrides(participant, nav, staff[Role.MANAGER], 60)
    with django_assert_num_queries(3):
        page = client.get("/referrals/overrides/").content.decode()
    assert page.count("data-override=") == 50
    second = client.get("/referrals/overrides/", {"page": 2}).content.decode()
    assert second.count("data-override=") == 12
    assert client.get("/referrals/overrides/", {"page": "999"}).status_code == 200


def test_the_override_list_shows_the_unreviewed_first_and_filters_by_review(
    client_for, staff, participant, nav
):
    manager = staff[Role.MANAGER]
    [reviewed] = _overrides(participant, nav, manager, 1, override_reviewed_by=manager)
    reviewed.override_reviewed_at = datetime.datetime(2026, 3, 9, 12, 0, tzinfo=datetime.UTC)
    reviewed.save()
    [waiting] = _overrides(participant, nav, manager, 1)
    client = client_for(Role.MANAGER)
    page = client.get("/referrals/overrides/").content.decode()
    assert page.index(f'data-override="{waiting.pk}"') < page.index(f'data-override="{reviewed.pk}"')
    # reviewed on that day, by the manager named by name (not the username)
    assert "9.3.2026 (Ansatt Manager)" in page
    waiting_only = client.get("/referrals/overrides/", {"reviewed": "no"}).content.decode()
    assert f'data-override="{waiting.pk}"' in waiting_only
    assert f'data-override="{reviewed.pk}"' not in waiting_only
    reviewed_only = client.get("/referrals/overrides/", {"reviewed": "yes"}).content.decode()
    assert reviewed_only.count("data-override=") == 1 and f'data-override="{reviewed.pk}"' in reviewed_only


def test_a_bad_filter_on_the_override_list_is_400_with_a_message(client_for, staff, participant, nav):
    _overrides(participant, nav, staff[Role.MANAGER], 1)
    response = client_for(Role.MANAGER).get("/referrals/overrides/", {"reviewed": "perhaps"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error"' in page and "data-override=" not in page


# --- the other state changes on screen --------------------------------------------------------------


def _sent(draft, nav):
    ConsentFactory(participant=draft.participant, agencies=[nav])
    Referral.objects.filter(pk=draft.pk).update(status=S.SENT, consent=Consent.objects.get())
    draft.refresh_from_db()
    return draft


def test_accept_then_complete_with_an_outcome(client_for, draft, nav):
    referral = _sent(draft, nav)
    client = client_for(Role.FRONT_DESK)
    assert client.post(f"/referrals/{referral.pk}/accept/").status_code == 302
    assert (
        client.post(
            f"/referrals/{referral.pk}/complete/", {"outcome": "helped", "note": "Fikk bolig"}
        ).status_code
        == 302
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome, referral.outcome_note) == (S.COMPLETED, "helped", "Fikk bolig")


def test_declining_without_a_reason_is_400_and_nothing_changes(client_for, draft, nav):
    referral = _sent(draft, nav)
    response = client_for(Role.FRONT_DESK).post(f"/referrals/{referral.pk}/decline/", {"decline_reason": ""})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_an_invalid_change_on_screen_shows_a_clear_message_and_writes_nothing(client_for, draft):
    response = client_for(Role.FRONT_DESK).post(f"/referrals/{draft.pk}/accept/")
    assert response.status_code == 400
    assert "kan ikke" in response.content.decode()  # "En henvisning som er utkast kan ikke bli godtatt."
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_an_unknown_action_is_404(client_for, draft):
    assert client_for(Role.FRONT_DESK).post(f"/referrals/{draft.pk}/explode/").status_code == 404


def test_cancel_and_move_the_follow_up_date(client_for, draft):
    client = client_for(Role.FRONT_DESK)
    assert client.post(f"/referrals/{draft.pk}/follow-up/", {"follow_up_on": "2026-04-01"}).status_code == 302
    assert client.post(f"/referrals/{draft.pk}/follow-up/", {"follow_up_on": "2026-01-01"}).status_code == 400
    assert client.post(f"/referrals/{draft.pk}/cancel/", {"note": "Dobbel"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.follow_up_on) == (S.CANCELLED, datetime.date(2026, 4, 1))


# --- letter ------------------------------------------------------------------------------------------


def test_the_letter_holds_only_what_the_consent_covers(client_for, draft, nav, participant):
    referral = _sent(draft, nav)  # the consent shares the reason, not contact details
    response = client_for(Role.FRONT_DESK).get(f"/referrals/{referral.pk}/letter.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert participant.full_name in text
    assert "Meldekort" in text
    assert "41234567" not in text
    assert "Hemmeligveien" not in text
    assert AccessLog.objects.filter(participant=participant, what="referral letter").exists()


def test_the_letter_shares_contact_details_and_attendance_when_the_consent_says_so(client_for, draft, nav):
    referral = _sent(draft, nav)
    Consent.objects.update(share_contact_details=True, share_attendance=True, share_reason=False)
    VisitFactory(participant=draft.participant, date=TODAY - datetime.timedelta(days=3))
    text = pdf_text(client_for(Role.FRONT_DESK).get(f"/referrals/{referral.pk}/letter.pdf").content)
    assert "41234567" in text
    assert "Meldekort" not in text
    assert "90" in text


def test_there_is_no_letter_for_a_draft(client_for, draft):
    assert client_for(Role.FRONT_DESK).get(f"/referrals/{draft.pk}/letter.pdf").status_code == 400


# --- follow-up list ----------------------------------------------------------------------------------


def test_the_follow_up_list_shows_due_and_overdue_referrals_of_the_site(
    client_for, staff, site, other_site, nav, django_assert_num_queries
):
    me = staff[Role.FRONT_DESK]
    for days, name in [(-2, "Overdue Olsen"), (0, "Today Toresen"), (3, "Later Larsen")]:
        ReferralFactory(
            participant=ParticipantFactory(site=site, name=name),
            agency=nav,
            staff=me,
            follow_up_on=TODAY + datetime.timedelta(days=days),
        )
    ReferralFactory(
        participant=ParticipantFactory(site=other_site, name="Elsewhere Eide"),
        agency=nav,
        follow_up_on=TODAY - datetime.timedelta(days=1),
    )
    ReferralFactory(
        participant=ParticipantFactory(site=site, name="Colleague Case"),
        agency=nav,
        staff=staff[Role.MANAGER],
        follow_up_on=TODAY,
    )
    client = client_for(Role.FRONT_DESK)
    client.get("/referrals/")  # warm the session and site
    with django_assert_num_queries(4):
        page = client.get("/referrals/").content.decode()
    assert "Overdue Olsen" in page
    assert "Today Toresen" in page
    assert "Colleague Case" in page
    assert "Later Larsen" not in page
    assert "Elsewhere Eide" not in page
    assert page.index("Overdue Olsen") < page.index("Today Toresen")
    mine = client.get(f"/referrals/?staff={me.pk}").content.decode()
    assert "Colleague Case" not in mine
    assert "Overdue Olsen" in mine


@pytest.mark.parametrize("query", ["?staff=nobody", "?status=bogus", "?area=astrology"])
def test_the_follow_up_list_rejects_a_bad_filter_with_400(client_for, query):
    assert client_for(Role.FRONT_DESK).get("/referrals/" + query).status_code == 400


@pytest.mark.parametrize("query", ["?page=abc", "?page=999"])
def test_a_bad_page_number_on_the_follow_up_list_still_shows_a_page(client_for, query):
    assert client_for(Role.FRONT_DESK).get("/referrals/" + query).status_code == 200


# --- agencies ----------------------------------------------------------------------------------------


def test_a_manager_adds_an_agency_to_the_catalogue(client_for, site):
    client = client_for(Role.MANAGER)
    assert client.get("/referrals/agencies/new/").status_code == 200
    response = client.post(
        "/referrals/agencies/new/", {"name": "Gjeldsrådgivning", "type": "debt", "active": "on"}
    )
    assert response.status_code == 302
    assert Agency.objects.get().type == AgencyType.DEBT
    assert "Gjeldsrådgivning" in client.get("/referrals/agencies/").content.decode()
    duplicate = client.post("/referrals/agencies/new/", {"name": "Gjeldsrådgivning", "type": "debt"})
    assert duplicate.status_code == 400
    assert Agency.objects.count() == 1


def test_a_manager_edits_an_agency(client_for, nav):
    response = client_for(Role.MANAGER).post(
        f"/referrals/agencies/{nav.pk}/", {"name": "NAV Lerkendal", "type": "nav", "on_the_system": "on"}
    )
    assert response.status_code == 302
    nav.refresh_from_db()
    assert (nav.name, nav.on_the_system, nav.active) == ("NAV Lerkendal", True, False)


def test_the_agency_list_runs_the_same_queries_however_long_it_is(client_for, django_assert_num_queries):
    AgencyFactory.create_batch(3)
    client = client_for(Role.MANAGER)
    client.get("/referrals/agencies/")
    # session with user, sites, permissions; the sites to filter by; count and page of agencies
    with django_assert_num_queries(4):
        client.get("/referrals/agencies/")
    AgencyFactory.create_batch(60)
    with django_assert_num_queries(4):
        page = client.get("/referrals/agencies/").content.decode()
    assert len(re.findall(r'href="/referrals/agencies/\d+/"', page)) == 50
    second = client.get("/referrals/agencies/", {"page": 2}).content.decode()
    assert len(re.findall(r'href="/referrals/agencies/\d+/"', second)) == 13
    assert client.get("/referrals/agencies/", {"page": "x"}).status_code == 200


def test_the_agency_list_filters_by_name_type_site_and_whether_active(client_for, site, other_site):
    AgencyFactory(name="NAV Midtbyen", type=AgencyType.NAV, contact_person="Ola", phone="", email="")
    AgencyFactory(name="Gjeldshjelpa", type=AgencyType.DEBT, site=site)
    AgencyFactory(name="Boligkontoret", type=AgencyType.HOUSING, active=False)
    client = client_for(Role.MANAGER)

    def names(**query):
        response = client.get("/referrals/agencies/", query)
        assert response.status_code == 200
        page = response.content.decode()
        return {name for name in ("NAV Midtbyen", "Gjeldshjelpa", "Boligkontoret") if name in page}

    assert names() == {"NAV Midtbyen", "Gjeldshjelpa", "Boligkontoret"}
    assert names(name="midt") == {"NAV Midtbyen"}
    assert names(type="debt") == {"Gjeldshjelpa"}
    assert names(site=site.pk) == {"Gjeldshjelpa"}
    assert names(site="null") == {"NAV Midtbyen", "Boligkontoret"}
    assert names(active="false") == {"Boligkontoret"}
    page = client.get("/referrals/agencies/").content.decode()
    assert page.index("Gjeldshjelpa") < page.index("NAV Midtbyen") < page.index("Boligkontoret")
    assert "Ola" in page and "Alle steder" in page


def test_a_bad_filter_on_the_agency_list_is_400_with_a_message(client_for, other_site):
    AgencyFactory(name="NAV Midtbyen")
    client = client_for(Role.MANAGER)
    # A site the manager does not work at is not offered, like one that does not exist.
    for query in ({"site": other_site.pk}, {"site": "999999"}, {"type": "spaceport"}):
        response = client.get("/referrals/agencies/", query)
        assert response.status_code == 400
        page = response.content.decode()
        assert 'class="error"' in page and "NAV Midtbyen" not in page


def test_an_agency_without_a_type_is_400(client_for):
    assert client_for(Role.MANAGER).post("/referrals/agencies/new/", {"name": "X"}).status_code == 400
    assert not Agency.objects.exists()


# --- permissions: anonymous, too weak, wrong method, other site -----------------------------------------

GET_URLS = [
    ("/referrals/", Role.FRONT_DESK, Role.WORK_LEADER),
    ("/referrals/overrides/", Role.MANAGER, Role.FRONT_DESK),
    ("/referrals/agencies/", Role.MANAGER, Role.FRONT_DESK),
    ("/referrals/agencies/new/", Role.MANAGER, Role.FRONT_DESK),
    ("/referrals/participant/{p}/", Role.WORK_LEADER, Role.EVALUATOR),
    ("/referrals/participant/{p}/access/", Role.MANAGER, Role.FRONT_DESK),
    ("/referrals/participant/{p}/consent/", Role.FRONT_DESK, Role.PAYROLL),
    ("/referrals/participant/{p}/new/", Role.FRONT_DESK, Role.WORK_LEADER),
    ("/referrals/participant/{p}/export.json", Role.MANAGER, Role.FRONT_DESK),
    ("/referrals/{r}/", Role.FRONT_DESK, Role.PAYROLL),
]
POST_URLS = [
    "/referrals/{r}/send/",
    "/referrals/{r}/accept/",
    "/referrals/consent/{c}/withdraw/",
    "/referrals/overrides/{r}/reviewed/",
]


@pytest.fixture
def urls(draft, participant, nav):
    consent = ConsentFactory(participant=participant, agencies=[nav])
    return {"p": participant.pk, "r": draft.pk, "c": consent.pk}


@pytest.mark.parametrize(("url", "allowed", "too_weak"), GET_URLS)
def test_each_page_answers_its_role_forbids_a_weaker_one_and_sends_anonymous_to_login(
    client_for, urls, url, allowed, too_weak
):
    url = url.format(**urls)
    assert client_for(allowed).get(url).status_code == 200
    assert client_for(too_weak).get(url).status_code == 403
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/login/")


@pytest.mark.parametrize(("url", "allowed", "too_weak"), GET_URLS)
def test_pages_reject_the_wrong_method(client_for, urls, url, allowed, too_weak):
    assert client_for(Role.MANAGER).delete(url.format(**urls)).status_code == 405


@pytest.mark.parametrize("url", POST_URLS)
def test_actions_reject_get_and_weak_roles(client_for, urls, url):
    url = url.format(**urls)
    assert client_for(Role.MANAGER).get(url).status_code == 405
    assert client_for(Role.WORK_LEADER).post(url).status_code == 403
    assert client_for(None).post(url).status_code == 302
    assert Referral.objects.get().status == S.DRAFT


def test_a_participant_at_another_site_is_not_found(client_for, other_site, nav):
    stranger = ParticipantFactory(site=other_site)
    referral = ReferralFactory(participant=stranger, agency=nav)
    client = client_for(Role.FRONT_DESK)
    assert client.get(f"/referrals/participant/{stranger.pk}/").status_code == 404
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/referrals/{referral.pk}/cancel/").status_code == 404


def test_another_sites_own_agency_is_neither_listed_nor_editable(client_for, site, other_site):
    AgencyFactory(name="NAV Midtbyen")  # used at every site
    AgencyFactory(name="Gjeldshjelpa", site=site)
    elsewhere = AgencyFactory(name="Stjørdal boligkontor", site=other_site)
    client = client_for(Role.MANAGER)
    page = client.get("/referrals/agencies/").content.decode()
    assert "NAV Midtbyen" in page and "Gjeldshjelpa" in page and "Stjørdal boligkontor" not in page
    assert client.get(f"/referrals/agencies/{elsewhere.pk}/").status_code == 404
    response = client.post(f"/referrals/agencies/{elsewhere.pk}/", {"name": "Kapret", "type": "housing"})
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.name == "Stjørdal boligkontor"


def test_a_bad_filter_on_the_follow_up_list_shows_no_rows(client_for, site, staff, nav):
    ReferralFactory(
        participant=ParticipantFactory(site=site, name="Overdue Olsen"),
        agency=nav,
        staff=staff[Role.FRONT_DESK],
        follow_up_on=TODAY - datetime.timedelta(days=1),
    )
    client = client_for(Role.FRONT_DESK)
    assert "Overdue Olsen" in client.get("/referrals/").content.decode()
    response = client.get("/referrals/", {"status": "bogus"})
    assert response.status_code == 400
    assert "Overdue Olsen" not in response.content.decode()
