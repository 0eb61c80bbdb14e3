"""Data built once for a whole test module: pytest's form of Django's `setUpTestData`.

A module whose many tests read the same rows (the role matrix builds a participant, a payslip, a
referral, a study and a login per role, then asks one URL as one role per test) builds them once
inside a transaction. Each test's own transaction (pytest-django's `db`) nests in it as a
savepoint and is rolled back after the test, so what a test writes is gone for the next one, as
before; the shared rows are rolled back after the module's last test.
"""

import pytest
from django.db import transaction
from django.test import override_settings


def put_back_migration_data() -> None:
    """What the data migrations seed (roles, reason codes, tax years, instruments), back after a
    transactional test's flush removed it. Each seeding function is idempotent."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from dagsverket.roles import sync_role_groups

    sync_role_groups(Group, Permission)
    for module, function in [
        ("dagsverket.migrations.0006_default_reason_codes", "seed"),
        ("payroll.migrations.0002_seed_years_and_paid_row_triggers", "seed_years"),
        ("payroll.migrations.0005_year_settings_holiday_pay_and_rounding", "seed_basic_amounts"),
        ("dagsverket.research.migrations.0003_instruments", "seed_instruments"),
        ("dagsverket.research.migrations.0006_instruments_as_defined", "seed"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)


def module_data(build):
    """A module-scoped fixture whose value is `build()`, run once inside a rolled-back transaction.

    The tests must still ask for `db`: the shared rows are only readable inside a test that may use
    the database. Not for transactional tests (a flush would remove the shared rows).
    """

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                # The tests' own password hasher (conftest's `_test_settings` is function-scoped and
                # has not run yet): a log-in with "demo" then checks in microseconds, as elsewhere.
                with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                    # An earlier transactional test may have flushed the seeded rows.
                    put_back_migration_data()
                    data = build()
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        yield data
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    fixture.__doc__ = build.__doc__
    return fixture
