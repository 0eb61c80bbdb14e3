"""A session in use stays alive without a database write per request, and an idle one ends."""

import datetime

import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dagsverket.roles import Role

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    ]


def _expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_session_is_written_at_most_once_per_refresh_interval(client_for, settings):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(Role.FRONT_DESK)
        client.get("/checkin/")  # the first request refreshes
        first_expiry = _expiry(client)
        with CaptureQueriesContext(connection) as queries:
            for _ in range(5):
                clock.shift(datetime.timedelta(seconds=30))
                assert client.get("/checkin/").status_code == 200
        assert _writes(queries) == []
        assert _expiry(client) == first_expiry

        clock.shift(datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/checkin/").status_code == 200
        assert len(_writes(queries)) == 1
        assert _expiry(client) > first_expiry


def test_a_session_used_every_few_minutes_outlives_the_cookie_age_and_an_idle_one_ends(client_for, settings):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(Role.FRONT_DESK)
        step = datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS + 1)
        used_for = datetime.timedelta(0)
        while used_for <= datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE):
            assert client.get("/checkin/").status_code == 200
            clock.shift(step)
            used_for += step
        assert client.get("/checkin/").status_code == 200  # still logged in after a long day of use

        clock.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        response = client.get("/checkin/")
        assert response.status_code == 302
        assert response.url.startswith("/login/")


def test_an_anonymous_visit_creates_no_session(client, db):
    before = Session.objects.count()
    client.get("/login/")
    assert Session.objects.count() == before


def test_the_one_query_permission_backend_agrees_with_djangos_in_one_query(
    db, staff, django_assert_num_queries
):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission, User

    from dagsverket.auth import OneQueryPermissionBackend

    ours, django = OneQueryPermissionBackend(), ModelBackend()
    desk = staff[Role.FRONT_DESK]
    desk.user_permissions.add(Permission.objects.get(codename="manage_payroll"))
    superuser = User.objects.create(username="root", is_superuser=True)
    inactive = User.objects.create(username="gone", is_active=False)
    inactive.groups.add(*desk.groups.all())
    for user in [*staff.values(), desk, superuser, inactive]:
        user = User.objects.get(pk=user.pk)  # no cached permissions
        expected = django.get_all_permissions(User.objects.get(pk=user.pk))
        with django_assert_num_queries(0 if not user.is_active else 1):
            assert ours.get_all_permissions(user) == expected
    assert "dagsverket.manage_payroll" in ours.get_all_permissions(User.objects.get(pk=desk.pk))
    assert "dagsverket.use_checkin" in ours.get_all_permissions(User.objects.get(pk=desk.pk))
