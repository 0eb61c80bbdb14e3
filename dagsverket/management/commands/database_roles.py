"""`manage.py database_roles`: create the two PostgreSQL roles and grant them the tables.

The migrations do the same when the migrating login may create roles; otherwise a DBA runs this
(as a superuser or a login with CREATEROLE that owns the tables) after `migrate`. See
docs/DEPLOYMENT.md for the logins that use the roles.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dagsverket.migrations._append_only import ROLES_SQL


class Command(BaseCommand):
    help = "Create the roles dagsverket_app and dagsverket_retention and grant them the tables (PostgreSQL)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The database roles exist only on PostgreSQL.")
        with connection.cursor() as cursor:
            cursor.execute(ROLES_SQL)
            cursor.execute(
                "SELECT rolname FROM pg_roles WHERE rolname IN ('dagsverket_app', 'dagsverket_retention')"
                " ORDER BY rolname"
            )
            found = [row[0] for row in cursor.fetchall()]
        for name in ("dagsverket_app", "dagsverket_retention"):
            self.stdout.write(f"{name}: {'granted' if name in found else 'missing (needs CREATEROLE)'}")
