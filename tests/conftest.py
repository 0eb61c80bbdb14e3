"""Shared fixtures: a site, one logged-in client per role, a frozen clock."""

import os

import pytest
from django.test import Client

from tests.factories import SiteFactory, staff_at
from tests.shared_data import put_back_migration_data

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Fixtures through which a test reaches the database (pytest-django's own, and the live server).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
    "on_postgres",  # asks which database it runs on (the load test runs its own server against it)
}


def _uses_database(item) -> bool:
    if item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None:
        from django.test import TransactionTestCase

        return issubclass(cls, TransactionTestCase)
    return False


def pytest_collection_modifyitems(config, items):
    """With DAGSVERKET_DATABASE_TESTS_ONLY=1, leave out the test modules that never touch the database.

    `.ci/run` runs the suite on SQLite and then on PostgreSQL; a module whose tests never reach the
    database (the pure engine rules, the lottery's and the randomisation's property tests) would
    give the same answers twice, so the second run leaves it out. pytest-django refuses database
    access to a test without one of the fixtures above, so such a test cannot depend on the
    database. Whole modules, not single tests: a module's tests may share state in file order. A
    module that starts `manage.py` with this DATABASE_URL says so with RUNS_MANAGE_PY_ON_THE_DATABASE.
    """
    if os.environ.get("DAGSVERKET_DATABASE_TESTS_ONLY") != "1":
        return
    modules_with_database = {
        item.module.__name__
        for item in items
        if _uses_database(item) or getattr(item.module, "RUNS_MANAGE_PY_ON_THE_DATABASE", False)
    }
    kept, left_out = [], []
    for item in items:
        (kept if item.module.__name__ in modules_with_database else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def _cheap_flush():
    """Transactional tests on PostgreSQL are emptied with DELETE, not TRUNCATE (see tests/flush.py)."""
    from tests import flush

    flush.install()
    yield
    flush.uninstall()


def _seed_again_after_a_flush(sender, **kwargs):
    # Django's flush ends with post_migrate (auth puts the permissions back first); the seeded rows
    # come back here too, so a test that runs after a transactional one on the same pytest-xdist
    # worker, in whatever order, finds the years, instruments and reason codes as after migrate.
    if sender.label == "dagsverket":
        put_back_migration_data()


@pytest.fixture(scope="session", autouse=True)
def _migration_data_survives_flushes():
    from django.db.models.signals import post_migrate

    post_migrate.connect(_seed_again_after_a_flush, dispatch_uid="tests-seed-after-flush")
    yield
    post_migrate.disconnect(dispatch_uid="tests-seed-after-flush")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "nb"


@pytest.fixture
def site(db):
    return SiteFactory(name="Trondheim")


@pytest.fixture
def other_site(db):
    return SiteFactory(name="Stjørdal", places_per_day=6)


@pytest.fixture
def staff(site):
    """One user per role, all at `site`."""
    return staff_at(site)


@pytest.fixture
def client_for(staff):
    """`client_for(Role.PAYROLL)` is a client logged in as that role; `client_for(None)` is anonymous."""

    def make(role):
        client = Client()
        if role is not None:
            client.force_login(staff[role])
        return client

    return make


@pytest.fixture
def on_postgres():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and triggers do nothing on SQLite")


@pytest.fixture
def migration_data(db):
    """Put back what the data migrations seed (roles, reason codes, tax years).

    Transactional tests flush every table after they run, so a later transactional test that needs
    these rows calls this first. Each seeding function is idempotent.
    """
    put_back_migration_data()


@pytest.fixture(autouse=True)
def _migration_data_after_a_flush(request):
    """A transactional test runs after others have flushed every table, the rows the data
    migrations seed too (a year without settings refuses to pay): put them back first."""
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if transactional or (marker is not None and marker.kwargs.get("transaction")):
        request.getfixturevalue("migration_data")
