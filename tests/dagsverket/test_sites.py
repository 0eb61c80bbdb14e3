import pytest
from django.core.exceptions import ValidationError

from dagsverket.roles import Role


def test_a_manager_switches_between_their_sites(client_for, staff, site, other_site):
    other_site.staff.add(staff[Role.MANAGER])
    client = client_for(Role.MANAGER)
    response = client.post("/site/", {"site": other_site.pk, "next": "/manage/"})
    assert response.status_code == 302
    assert response.url == "/manage/"
    assert "<h1>Stjørdal" in client.get("/manage/").content.decode()


def test_a_staff_member_cannot_switch_to_a_site_they_do_not_belong_to(client_for, other_site):
    client = client_for(Role.FRONT_DESK)
    assert client.post("/site/", {"site": other_site.pk}).status_code == 400
    assert client.post("/site/", {"site": "nonsense"}).status_code == 400


def test_the_site_switch_never_redirects_off_site(client_for, staff, other_site):
    other_site.staff.add(staff[Role.MANAGER])
    response = client_for(Role.MANAGER).post(
        "/site/", {"site": other_site.pk, "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_the_site_switch_rejects_get(client_for):
    assert client_for(Role.MANAGER).get("/site/").status_code == 405


def test_the_manager_page_counts_only_todays_visits_at_the_current_site(client_for, site, other_site):
    from tests.factories import ParticipantFactory, VisitFactory

    VisitFactory(participant=ParticipantFactory(site=site))
    VisitFactory(participant=ParticipantFactory(site=other_site))
    response = client_for(Role.MANAGER).get("/manage/")
    assert response.context["visit_count"] == 1
    assert response.context["participant_count"] == 1


def test_a_two_site_manager_finds_a_person_by_one_rule_the_site_they_are_working_at(
    client_for, staff, site, other_site
):
    """Attack first (#17): working at site B, a two-site manager opened a site-A person's referral
    (checked against all their sites) but got 404 on that person's page and history (checked against
    the current site). One rule now: the site they are working at, for every page of a person."""
    from tests.factories import AgencyFactory, ParticipantFactory, ReferralFactory

    manager = staff[Role.MANAGER]
    other_site.staff.add(manager)
    person = ParticipantFactory(site=site)
    referral = ReferralFactory(participant=person, agency=AgencyFactory(), site=site)
    pages = [
        f"/participants/{person.pk}/",
        f"/referrals/participant/{person.pk}/",
        f"/referrals/{referral.pk}/",
        f"/history/dagsverket/participant/{person.pk}/",
    ]
    client = client_for(Role.MANAGER)
    client.post("/site/", {"site": site.pk})
    assert [client.get(url).status_code for url in pages] == [200] * len(pages)
    client.post("/site/", {"site": other_site.pk})
    assert [client.get(url).status_code for url in pages] == [404] * len(pages)


def test_a_sites_organisation_number_is_checked_as_a_customers_is(site):
    site.organisation_number = "974760673"
    site.full_clean()
    site.organisation_number = "974760674"  # one digit off: the mod-11 check digit is wrong
    with pytest.raises(ValidationError) as refused:
        site.full_clean()
    assert refused.value.message_dict["organisation_number"] == [
        "Dette er ikke et gyldig norsk organisasjonsnummer (9 siffer, kontrollsiffer etter mod-11)."
    ]
