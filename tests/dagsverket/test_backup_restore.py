"""Backup and restore on PostgreSQL, end to end: pg_dump the test database, pg_restore it into a copy,
and compare every table's row count and the sum of every money column."""

import shutil
import subprocess
from decimal import Decimal

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

pytestmark = pytest.mark.django_db(transaction=True)


def _dsn(dbname: str) -> str:
    params = connection.settings_dict
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or "5432"
    user = params.get("USER") or "postgres"
    return f"host={host} port={port} user={user} dbname={dbname}"


def _figures(dsn: str) -> dict[str, object]:
    """Row count of every project table and the sum of each of its decimal columns."""
    figures = {}
    with psycopg.connect(dsn) as conn:
        for model in apps.get_models():
            if model._meta.app_label not in {"dagsverket", "jobs", "payroll", "ips", "research"}:
                continue
            table = model._meta.db_table
            figures[f"{table}.count"] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DecimalField):
                    total = conn.execute(
                        f'SELECT coalesce(sum("{field.column}"), 0) FROM "{table}"'
                    ).fetchone()[0]
                    figures[f"{table}.{field.column}.sum"] = Decimal(total)
    return figures


def test_a_dump_restores_with_identical_counts_and_money_totals(
    on_postgres, migration_data, settings, tmp_path, capsys
):
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    settings.DEBUG = True
    call_command("seed_demo", participants=20, days=20)
    source = connection.settings_dict["NAME"]
    copy = f"{source}_restore"
    dump = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", _dsn(source)], check=True)
    with psycopg.connect(_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        admin.execute(f'CREATE DATABASE "{copy}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={_dsn(copy)}", str(dump)], check=True)
        before, after = _figures(_dsn(source)), _figures(_dsn(copy))
        assert before["dagsverket_visit.count"] > 0
        assert after == before
        rows = sum(value for key, value in after.items() if key.endswith(".count"))
        tables = sum(1 for key in after if key.endswith(".count"))
        sums = len(after) - tables
        with capsys.disabled():  # the figure goes into docs/SECURITY.md
            print(f"\nbackup: {rows} rows in {tables} tables and {sums} money totals restored identically")
    finally:
        with psycopg.connect(_dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
