"""Login throttling, Content-Security-Policy and security headers."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User

from dagsverket.roles import Role

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_five_wrong_passwords_lock_the_username_for_a_while(client, staff):
    for _ in range(5):
        response = client.post("/login/", {"username": "frontdesk", "password": "wrong"})
    assert response.status_code == 429
    assert "For mange forsøk" in response.content.decode()
    locked = client.post("/login/", {"username": "frontdesk", "password": "demo"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_failure_count(client, staff):
    for _ in range(4):
        client.post("/login/", {"username": "leader", "password": "wrong"})
    assert client.post("/login/", {"username": "leader", "password": "demo"}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post("/login/", {"username": "leader", "password": "wrong"})
    assert client.post("/login/", {"username": "leader", "password": "demo"}).status_code == 302


def _at(minutes):
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    return time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False)


def test_tries_during_a_lock_out_do_not_extend_it(client, staff):
    """Attack: keep a colleague locked out for ever by trying once every few minutes."""
    with _at(0):
        for _ in range(5):
            response = client.post("/login/", {"username": "frontdesk", "password": "wrong"})
        assert response.status_code == 429
    for minute in (4, 8, 12, 14):
        with _at(minute):
            assert client.post("/login/", {"username": "frontdesk", "password": "wrong"}).status_code == 429
    with _at(14):
        assert client.post("/login/", {"username": "frontdesk", "password": "demo"}).status_code == 429
    # 15 minutes after the lock, not after the last try: the right password opens again.
    with _at(16):
        assert client.post("/login/", {"username": "frontdesk", "password": "demo"}).status_code == 302


def test_password_spraying_from_one_address_is_limited(client, staff, settings):
    """Attack: 4 guesses on each of many usernames stays under the per-username limit of 5."""
    limit = settings.AXES_FAILURE_LIMIT_PER_ADDRESS
    refused_after = None
    with _at(0):
        for n in range(limit):  # limit / 4 usernames x 4 guesses, and more
            for _ in range(4):
                response = client.post("/login/", {"username": f"user{n}", "password": "Sommer2026"})
                if response.status_code == 429 and refused_after is None:
                    refused_after = n * 4 + _
        assert refused_after is not None and refused_after <= limit
        # The address is locked as a whole, right password or not; another address is not.
        assert client.post("/login/", {"username": "leader", "password": "demo"}).status_code == 429
        other = client.post("/login/", {"username": "leader", "password": "demo"}, REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 302
    with _at(16):
        assert client.post("/login/", {"username": "leader", "password": "demo"}).status_code == 302


def test_a_wrong_password_answers_with_a_message_and_no_session(client, staff):
    response = client.post("/login/", {"username": "payroll", "password": "nope"})
    assert response.status_code == 400  # bad input, as on every other form
    assert "Feil brukernavn eller passord" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_carry_a_strict_content_security_policy(client_for):
    response = client_for(Role.MANAGER).get("/manage/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_have_no_inline_scripts_or_event_handlers(template):
    text = template.read_text(encoding="utf-8")
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", text)
        if "src=" not in tag and "application/json" not in tag
    ]
    assert inline_scripts == []
    assert re.search(r"\son[a-z]+\s*=", text) is None


def test_passwords_are_validated_for_length_and_commonness(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("demo", User(username="x"))
    validate_password("a long enough passphrase 2026", User(username="x"))


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
