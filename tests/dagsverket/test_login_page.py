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
    assert response.status_code == 400  # bad input, as on every other form
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


TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # a masked CSRF token


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize(
    "query", ["", "?next=/checkin/", "?next=/checkin/%22%3E%3Cscript%3Ealert(1)%3C/script%3E"]
)
def test_the_filled_in_login_page_is_the_page_the_template_renders(
    client, db, settings, monkeypatch, language, query
):
    # The empty login page is rendered once per language and its holes filled per request: it must be
    # what the template renders for that request, the page's own address and `next` escaped alike.
    from django.contrib.auth import views as auth_views

    from dagsverket.views.home import LoginView

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.get("/login/")  # a first request renders the page with holes
    filled = client.get("/login/" + query)
    assert filled.status_code == 200 and not filled.templates  # filled in, not rendered
    monkeypatch.setattr(LoginView, "get", auth_views.LoginView.get)
    rendered = client.get("/login/" + query)
    assert rendered.templates  # rendered in full
    assert TOKEN.sub("TOKEN", filled.content.decode()) == TOKEN.sub("TOKEN", rendered.content.decode())
    assert "<script>alert" not in filled.content.decode()


def test_the_filled_in_token_lets_a_login_through_the_csrf_check(staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    page = client.get("/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert re.search(r'"X-CSRFToken": "' + token + '"', page)  # the same token for htmx
    response = client.post(
        "/login/", {"username": "frontdesk", "password": "demo", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert (
        Client(enforce_csrf_checks=True)
        .post("/login/", {"username": "frontdesk", "password": "demo"})
        .status_code
        == 403
    )
