"""The login page writes its two fields out by hand (for speed); they must stay what the form's
widgets would render, in every state the page can be in."""

import re

import pytest

from dagsverket.forms import LoginForm

INPUT = re.compile(r'<input type="(?:text|password)"[^>]*>')


def _inputs(html: str) -> list[str]:
    return INPUT.findall(html)


def _widgets(form) -> list[str]:
    return [str(form["username"]), str(form["password"])]


def test_the_empty_login_page_has_the_forms_own_inputs(client, db):
    response = client.get("/login/")
    assert _inputs(response.content.decode()) == _widgets(LoginForm())


@pytest.mark.parametrize(
    "data",
    [
        {"username": "", "password": ""},
        {"username": "someone <b>", "password": "wrong"},
        {"username": "x" * 151, "password": "wrong"},
    ],
)
def test_a_refused_login_shows_the_forms_own_inputs_with_its_errors(client, db, data):
    response = client.post("/login/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert _inputs(response.content.decode()) == _widgets(form)
    body = response.content.decode()
    for name in ("username", "password"):
        for error in form[name].errors:
            assert f'<p class="error" role="alert">{error}</p>' in body
        assert ("field field-error" in body) == bool(
            form.errors.get("username") or form.errors.get("password")
        )
    assert 'value="someone <b>"' not in body  # escaped, never raw
    # Every field that says where its error is described points at an element that is there.
    for described in re.findall(r'aria-describedby="([^"]+)"', body):
        assert f'id="{described}"' in body, described
