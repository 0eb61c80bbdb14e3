"""Each role lands on its own start page and gets 403 on the others' pages."""

import pytest
from django.contrib.auth.models import Group

from dagsverket.roles import ROLE_PERMISSIONS, Role
from tests.factories import UserFactory

START = {
    Role.FRONT_DESK: "/checkin/",
    Role.WORK_LEADER: "/jobs/",
    Role.PAYROLL: "/payroll/",
    Role.MANAGER: "/manage/",
    Role.EVALUATOR: "/evaluation/",
}
# Which start pages each role may open (the manager sees every page at its sites).
ALLOWED = {
    Role.FRONT_DESK: {"/checkin/"},
    Role.WORK_LEADER: {"/jobs/"},
    Role.PAYROLL: {"/payroll/"},
    Role.MANAGER: set(START.values()),
    Role.EVALUATOR: {"/evaluation/"},
}


def test_the_migration_creates_one_group_per_role_with_its_permissions(db):
    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        assert set(group.permissions.values_list("codename", flat=True)) == codenames


def test_the_evaluator_role_cannot_see_names_or_national_ids(db):
    assert "view_participants" not in ROLE_PERMISSIONS[Role.EVALUATOR]
    assert "view_national_id" not in ROLE_PERMISSIONS[Role.FRONT_DESK]
    assert "view_national_id" not in ROLE_PERMISSIONS[Role.WORK_LEADER]


@pytest.mark.parametrize("role", list(START))
def test_each_role_lands_on_its_own_start_page(client_for, role):
    response = client_for(role).get("/")
    assert response.status_code == 302
    assert response.url == START[role]


def test_study_staff_start_at_the_research_home_page(client_for):
    response = client_for(Role.STUDY).get("/")
    assert response.status_code == 302
    assert response.url == "/research/"


@pytest.mark.parametrize("role", list(START))
@pytest.mark.parametrize("url", list(START.values()))
def test_each_role_gets_403_on_the_start_pages_of_other_roles(client_for, role, url):
    response = client_for(role).get(url)
    assert response.status_code == (200 if url in ALLOWED[role] else 403)


@pytest.mark.parametrize("url", list(START.values()))
def test_anonymous_visitors_are_sent_to_the_login_page(client_for, url):
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response.url.startswith("/login/?next=")


@pytest.mark.parametrize("url", list(START.values()))
def test_start_pages_reject_post(client_for, url):
    assert client_for(Role.MANAGER).post(url).status_code == 405


def test_a_user_without_a_role_is_told_to_ask_a_manager(client, db):
    user = UserFactory(username="norole")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert "Ingen rolle" in response.content.decode()


def test_a_front_desk_user_without_a_site_gets_a_clear_page(client, db):
    client.force_login(UserFactory(username="nosite", role=Role.FRONT_DESK))
    response = client.get("/checkin/")
    assert response.status_code == 403
    assert "ikke knyttet til" in response.content.decode()


def test_the_menu_shows_only_what_the_role_may_use(client_for):
    page = client_for(Role.FRONT_DESK).get("/checkin/").content.decode()
    assert 'href="/checkin/"' in page
    assert 'href="/payroll/"' not in page
    assert 'href="/evaluation/"' not in page
