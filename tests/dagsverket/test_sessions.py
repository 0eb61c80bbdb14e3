"""A session in use stays alive without a database write per request, and an idle one ends; logout,
a role or site taken away, a deactivated account and a changed password count on the next request."""

import datetime

import time_machine
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dagsverket.models import Site
from dagsverket.models import StaffSession as Session
from dagsverket.roles import Role

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "dagsverket_session" in q["sql"]
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


# What being logged in reads on every request (one query for the session and the user with their
# sites and permissions) must not outlive the request: each guarantee below is checked on the
# very next request, which in production may reach another worker process.


def test_a_logged_in_request_reads_the_session_and_the_user_with_sites_and_permissions_at_once(
    client_for, settings, django_assert_num_queries
):
    settings.ROOT_URLCONF = "dagsverket.bench.urls"
    client = client_for(Role.FRONT_DESK)
    client.get("/__bench__/empty-staff/")  # the first request refreshes the session (a write)
    with django_assert_num_queries(1) as captured:  # it was 2: the session, then the user
        response = client.get("/__bench__/empty-staff/")
    assert response.status_code == 200
    assert '"dagsverket_session"' in captured.captured_queries[0]["sql"]


def test_after_logout_a_copy_of_the_old_session_cookie_is_refused(client_for, settings):
    client = client_for(Role.FRONT_DESK)
    assert client.get("/checkin/").status_code == 200
    copied = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/logout/").status_code == 302

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = copied
    response = thief.get("/checkin/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    assert not Session.objects.filter(session_key=copied).exists()


def test_a_role_taken_away_counts_on_the_next_request(client_for, staff):
    client = client_for(Role.FRONT_DESK)
    assert client.get("/checkin/").status_code == 200
    staff[Role.FRONT_DESK].groups.remove(Group.objects.get(name=Role.FRONT_DESK.value))
    assert client.get("/checkin/").status_code == 403


def test_a_role_given_counts_on_the_next_request(client_for, staff):
    client = client_for(Role.PAYROLL)
    assert client.get("/checkin/").status_code == 403
    staff[Role.PAYROLL].groups.add(Group.objects.get(name=Role.FRONT_DESK.value))
    assert client.get("/checkin/").status_code == 200


def test_a_site_taken_away_counts_on_the_next_request(client_for, staff, site, other_site):
    client = client_for(Role.FRONT_DESK)
    desk = staff[Role.FRONT_DESK]
    other_site.staff.add(desk)
    response = client.get("/checkin/")
    assert response.wsgi_request.staff_sites == [other_site, site]  # by name: Stjørdal, Trondheim
    site.staff.remove(desk)
    response = client.get("/checkin/")
    assert response.wsgi_request.staff_sites == [other_site]
    assert response.wsgi_request.site == other_site
    other_site.staff.remove(desk)
    response = client.get("/checkin/")
    assert response.status_code == 403
    assert response.wsgi_request.staff_sites == []


def test_a_deactivated_user_is_logged_out_on_the_next_request(client_for, staff):
    client = client_for(Role.FRONT_DESK)
    assert client.get("/checkin/").status_code == 200
    User.objects.filter(pk=staff[Role.FRONT_DESK].pk).update(is_active=False)
    response = client.get("/checkin/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_a_password_change_ends_the_users_other_sessions(client_for, staff):
    tablet, office = client_for(Role.FRONT_DESK), client_for(Role.FRONT_DESK)
    assert tablet.get("/checkin/").status_code == 200
    assert office.get("/checkin/").status_code == 200
    desk = User.objects.get(pk=staff[Role.FRONT_DESK].pk)
    desk.set_password("a new and long passphrase")
    desk.save()
    response = tablet.get("/checkin/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_the_one_query_user_is_the_same_as_the_orms(staff, site, other_site, django_assert_num_queries):
    from dagsverket.auth import OneQueryPermissionBackend

    desk = staff[Role.FRONT_DESK]
    other_site.staff.add(desk)
    with django_assert_num_queries(1):
        loaded = OneQueryPermissionBackend().get_user(str(desk.pk))  # the session keeps the id as text
        permissions = loaded.get_all_permissions()
        sites = loaded.staff_sites_loaded
    orm = User.objects.get(pk=desk.pk)
    assert [(f.attname, getattr(loaded, f.attname)) for f in User._meta.concrete_fields] == [
        (f.attname, getattr(orm, f.attname)) for f in User._meta.concrete_fields
    ]
    assert permissions == ModelBackend().get_all_permissions(orm)
    assert sites == list(orm.sites.all())
    for one, other in zip(sites, orm.sites.all(), strict=True):
        # Times and booleans as the ORM gives them (SQLite returns them as text and integers).
        assert [getattr(one, f.attname) for f in Site._meta.concrete_fields] == [
            getattr(other, f.attname) for f in Site._meta.concrete_fields
        ]
        assert isinstance(one.opens_at, datetime.time)
    assert loaded._state.adding is False


def test_the_one_query_backend_refuses_unknown_inactive_and_malformed_ids(staff, db):
    from dagsverket.auth import OneQueryPermissionBackend

    backend = OneQueryPermissionBackend()
    gone = User.objects.create(username="gone", is_active=False)
    assert backend.get_user(gone.pk) is None
    assert backend.get_user(10**9) is None
    assert backend.get_user("not a number") is None


def test_a_user_with_no_permissions_and_no_sites_loads_with_empty_ones(db):
    from dagsverket.auth import OneQueryPermissionBackend

    nobody = User.objects.create(username="nobody")
    loaded = OneQueryPermissionBackend().get_user(nobody.pk)
    assert loaded.staff_sites_loaded == []
    assert loaded.get_all_permissions() == set()


def test_a_superuser_sees_every_site(client_for, site, other_site, db):
    root = User.objects.create(username="root", is_superuser=True)
    client = Client()
    client.force_login(root)
    response = client.get("/checkin/")
    assert set(response.wsgi_request.staff_sites) == {site, other_site}


def test_the_session_store_reads_a_live_session_and_refuses_an_expired_or_unknown_one(
    db, settings, django_assert_num_queries
):
    from django.utils.module_loading import import_string

    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    with time_machine.travel(START, tick=False) as clock:
        store = store_class()
        store["kept"] = "yes"
        store.save()
        with django_assert_num_queries(1):
            assert store_class(store.session_key).load() == {"kept": "yes"}
        clock.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 1))
        assert store_class(store.session_key).load() == {"kept": "yes"}
        clock.shift(datetime.timedelta(seconds=2))
        expired = store_class(store.session_key)
        assert expired.load() == {}
        assert expired.session_key is None  # a new key on the next save, never the old row
    unknown = store_class("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_the_session_rows_user_column_never_decides_who_is_logged_in(client_for, staff, db):
    # The column is a copy of the signed payload's user id, kept for the one-round-trip read. Were it
    # ever to name someone else (a bug, a hand edit), the payload's user is who is logged in.
    from django.contrib.auth.models import User

    client = client_for(Role.FRONT_DESK)
    client.get("/checkin/")
    desk = User.objects.get(pk=client.session["_auth_user_id"])
    other = User.objects.create(username="someone-else", is_superuser=True)
    Session.objects.filter(session_key=client.session.session_key).update(user=other)
    response = client.get("/checkin/")
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == desk.pk and not response.wsgi_request.user.is_superuser


def test_the_session_rows_user_column_follows_a_login_and_a_logout(client_for, settings):
    client = client_for(Role.FRONT_DESK)
    client.get("/checkin/")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).user_id == int(client.session["_auth_user_id"])
    client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()


def _session_query_prepared() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return any(statement.startswith("SELECT sess.") for (statement,) in cursor.fetchall())


def test_postgresql_plans_the_session_query_once_per_connection(client_for, on_postgres):
    # Planning the nine-table query took longer than running it, on every logged-in request.
    client = client_for(Role.FRONT_DESK)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/checkin/").status_code == 200
    assert _session_query_prepared()
    # Still counted and logged like any query, with its parameters bound as Django would show them.
    key = client.cookies["sessionid"].value
    logged = [q["sql"] for q in queries if q["sql"].startswith("SELECT sess.")]
    assert len(logged) == 1 and f"'{key}'" in logged[0]
    assert client.get("/checkin/").status_code == 200  # the next request runs the prepared plan


def test_without_prepared_statements_the_session_query_is_bound_on_the_client(
    client_for, on_postgres, monkeypatch
):
    # DATABASE_PREPARED_STATEMENTS=0 (a pooler that cannot keep them) leaves prepare_threshold unset.
    import psycopg

    from dagsverket.session_store import cursor_planned_once

    monkeypatch.delitem(connection.settings_dict["OPTIONS"], "prepare_threshold")
    with cursor_planned_once(connection) as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)
    client = client_for(Role.FRONT_DESK)
    assert client.get("/checkin/").wsgi_request.user.has_perm("dagsverket.use_checkin")
