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
