"""The two PostgreSQL roles (docs/DEPLOYMENT.md) and the one way into the retention role.

The web application connects as `dagsverket_app`: it owns no table and is not a member of
`dagsverket_retention`, the only role whose deletes and clearing updates the append-only triggers
let through. `manage.py apply_retention` connects as a login that is a member and becomes the
retention role for its transaction only. On SQLite the model layer guards alone and this does nothing.
"""

import contextlib

from django.core.exceptions import ImproperlyConfigured
from django.db import ProgrammingError, connection, transaction

APP_ROLE = "dagsverket_app"
RETENTION_ROLE = "dagsverket_retention"


@contextlib.contextmanager
def as_retention_role():
    """Act as the retention role until the block ends (SET LOCAL: never past the transaction)."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("as_retention_role() needs a transaction (transaction.atomic()).")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        previous = cursor.fetchone()[0]
        try:
            with transaction.atomic():
                cursor.execute(f"SET LOCAL ROLE {RETENTION_ROLE}")
        except ProgrammingError as error:
            raise ImproperlyConfigured(
                f"Retention must run as a database login that is a member of {RETENTION_ROLE} "
                f"(docs/DEPLOYMENT.md); {previous} is not: {error}"
            ) from error
    yield
    # Reached only without an error (after one, the transaction is rolled back and the role with it).
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(previous)}")
