"""The role matrix: every URL pattern, for anonymous and every role, with the expected answer.

A URL pattern without a row in MATRIX fails `test_every_url_pattern_has_a_row`, so a new page
cannot ship without deciding who may see it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from dagsverket.roles import Role
from tests.urlwalk import all_routes

F, L, P, M, E = Role.FRONT_DESK, Role.WORK_LEADER, Role.PAYROLL, Role.MANAGER, Role.EVALUATOR
EVERYONE = {F, L, P, M, E}
LOGIN = "login"  # anonymous is sent to the login page
OPEN = "open"  # anonymous may use it too

# name: (method, kwargs builder name or None, roles allowed, anonymous answer)
MATRIX = {
    "home": ("get", None, EVERYONE, LOGIN),
    "login": ("get", None, EVERYONE, OPEN),
    "logout": ("post", None, EVERYONE, OPEN),
    "select_site": ("post", None, EVERYONE, LOGIN),
    "checkin": ("get", None, {F, M}, LOGIN),
    "jobs:today": ("get", None, {L, M}, LOGIN),
    "payroll:today": ("get", None, {P, M}, LOGIN),
    "manage_today": ("get", None, {M}, LOGIN),
    "evaluation_home": ("get", None, {E, M}, LOGIN),
}


def build_kwargs(name, world) -> dict:
    """Objects the parameterised URLs point at."""
    return {}


@pytest.fixture
def world(staff, site):
    return {"staff": staff, "site": site}


def test_every_url_pattern_has_a_row():
    names = {route.name for route in all_routes()}
    assert sorted(names - set(MATRIX)) == [], "add these URL names to MATRIX"
    assert sorted(set(MATRIX) - names) == [], "these rows name URLs that no longer exist"


CASES = [(name, role) for name in MATRIX for role in [None, *Role]]


@pytest.mark.parametrize(
    ("name", "role"), CASES, ids=[f"{n}-{r.value if r else 'anonymous'}" for n, r in CASES]
)
def test_each_role_gets_the_expected_answer(world, name, role):
    method, builder, allowed, anonymous = MATRIX[name]
    url = reverse(name, kwargs=build_kwargs(builder, world) if builder else {})
    client = Client(raise_request_exception=False)
    if role is not None:
        client.force_login(world["staff"][role])
    response = getattr(client, method)(url)
    if role is None:
        if anonymous == LOGIN:
            assert response.status_code == 302
            assert response.url.startswith("/login/")
        else:
            assert response.status_code in {200, 302}
    elif role in allowed:
        assert response.status_code in {200, 302, 400}, response.status_code
    else:
        assert response.status_code == 403
