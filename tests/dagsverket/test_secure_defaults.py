"""Secure by default (issue #17): DEBUG off unless asked for, the project's own error pages, the
Permissions-Policy header, and input no database can hold refused with a message."""

import pytest
from django.urls import reverse

from dagsverket.models import Participant
from dagsverket.roles import Role
from tests.dagsverket.test_settings import run_manage

PRODUCTION = {"DAGSVERKET_TESTING": ""}  # the tests' own switch off too: only what a server would have


def test_debug_is_off_unless_the_environment_turns_it_on():
    shown = "from django.conf import settings; print('DEBUG', settings.DEBUG)"
    off = run_manage(
        "shell", "-c", shown, SECRET_KEY="k" * 60, ALLOWED_HOSTS="dagsverket.example", **PRODUCTION
    )
    assert "DEBUG False" in off.stdout, off.stderr
    on = run_manage("shell", "-c", shown, DEBUG="1", **PRODUCTION)
    assert "DEBUG True" in on.stdout, on.stderr


def test_without_debug_and_without_a_secret_key_the_app_refuses_to_start_and_says_why():
    result = run_manage("check", ALLOWED_HOSTS="dagsverket.example", **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "set DEBUG=1" in result.stderr


@pytest.mark.django_db
def test_a_bad_address_gets_the_projects_own_norwegian_404_page(client, settings):
    settings.DEBUG = False
    response = client.get("/finnes-ikke/", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Siden finnes ikke" in page
    assert "Technical" not in page and "URLconf" not in page


@pytest.mark.django_db
def test_every_response_carries_a_permissions_policy(client):
    response = client.get(reverse("login"))
    policy = response.headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


@pytest.mark.django_db
def test_a_nul_byte_in_any_field_is_refused_with_a_message_and_nothing_is_written(client_for, site):
    client = client_for(Role.FRONT_DESK)
    before = Participant.objects.count()
    response = client.post(reverse("participant_new"), {"name": "Ola\x00", "site": site.pk})
    assert response.status_code == 400
    assert "NUL-byte" in response.content.decode()
    assert Participant.objects.count() == before
    assert client.get(reverse("participant_list"), {"q": "a\x00b"}).status_code == 400
    assert client_for(None).post(reverse("login"), {"username": "\x00", "password": "x"}).status_code == 400


@pytest.mark.django_db
def test_a_number_past_64_bits_is_refused_with_a_message(client_for):
    response = client_for(Role.MANAGER).post(reverse("evaluation_project_create"), {"sites": "9" * 30})
    assert response.status_code == 400
    assert "altfor stort" in response.content.decode()


@pytest.mark.django_db
def test_a_256_character_username_is_refused_at_login_with_the_form_not_a_server_error(client):
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "x" * 256, "password": "secret"})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not AccessAttempt.objects.exists()
