"""A worker keeps its database connection (CONN_MAX_AGE > 0); when the database drops it (restart,
failover, pg_terminate_backend), the next request must not fail: CONN_HEALTH_CHECKS notices the dead
connection at the request's first query and opens a new one.

Requests go through Django's WSGI handler as a gunicorn worker calls it (the test client skips the
request signals that close and check connections), in one thread, one connection.
"""

import io

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from dagsverket.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def _terminate_the_other_backends() -> int:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0]
    finally:
        other.close()


def _requests(cookie: str, count: int) -> list[int]:
    handler = WSGIHandler()
    statuses = []
    for _ in range(count):
        environ = RequestFactory().get(reverse("participant_list")).environ
        environ["HTTP_COOKIE"] = cookie
        environ["wsgi.input"] = io.BytesIO(b"")
        started: list[str] = []
        response = handler(environ, lambda status, headers, *args, started=started: started.append(status))
        b"".join(response)
        response.close()  # request_finished: the connection is kept (CONN_MAX_AGE)
        statuses.append(int(started[0].split()[0]))
    return statuses


@pytest.fixture
def kept_connections(on_postgres, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()  # the next connection reads the settings
    yield connection.settings_dict
    connection.close()


@pytest.fixture
def cookie(staff):
    client = Client()
    client.force_login(staff[Role.FRONT_DESK])
    assert client.session[SESSION_KEY]
    return f"sessionid={client.cookies['sessionid'].value}"


def test_requests_after_the_database_dropped_the_connections_succeed(kept_connections, cookie):
    assert kept_connections["CONN_HEALTH_CHECKS"] is True  # the setting itself, not the test's
    assert _requests(cookie, 3) == [200, 200, 200]
    before = connection.connection
    assert _terminate_the_other_backends() >= 1
    assert _requests(cookie, 3) == [200, 200, 200]
    assert connection.connection is not before


def test_without_health_checks_the_first_request_after_the_drop_fails(kept_connections, cookie, monkeypatch):
    # The failure this guards against, shown: the same run without the setting.
    monkeypatch.setitem(kept_connections, "CONN_HEALTH_CHECKS", False)
    connection.close()
    assert _requests(cookie, 2) == [200, 200]
    _terminate_the_other_backends()
    assert _requests(cookie, 2)[0] == 500
