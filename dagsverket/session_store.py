"""Django's database sessions, read together with the logged-in user in one round trip."""

import functools

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone

from .auth import OneQueryPermissionBackend, forget_user_rows, remember_user_rows


@functools.cache
def _prepared_debug_wrapper():
    """Django's query log wrapper for a prepared statement. Django's own logs the SQL psycopg kept
    of a client-bound query, which a prepared one does not keep; this one logs the SQL as Django
    would have bound it. (Imported here: the PostgreSQL backend needs psycopg, which a SQLite
    install may lack.)"""
    from django.db.backends.postgresql.base import CursorDebugWrapper
    from django.db.backends.utils import CursorWrapper

    class PreparedDebugWrapper(CursorDebugWrapper):
        def execute(self, sql, params=None):
            with self.debug_sql(self.db.ops.compose_sql(sql, params)):
                return CursorWrapper.execute(self, sql, params)

    return PreparedDebugWrapper


def cursor_planned_once(connection):
    """A cursor for a query of a fixed shape asked on every request (the session query, the
    check-in's marks), prepared on PostgreSQL so that it is planned once per connection instead of
    on every request.

    Planning the query (nine tables) took longer than running it: 0.5 ms of its 0.75 ms on every
    logged-in request (docs/PERFORMANCE.md). Django's cursors bind parameters on the client and
    never prepare, so this one is psycopg's server-binding cursor, which prepares every statement at
    its first run (`prepare_threshold` 0); Django's wrapper around it still counts and logs the
    query and translates its errors. Off (Django's own cursor) unless the connection allows
    prepared statements: settings set the threshold unless `DATABASE_PREPARED_STATEMENTS=0`, which a
    pooler in transaction mode before PgBouncer 1.21 needs.
    """
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
    ):
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return _prepared_debug_wrapper()(cursor, connection)
    return connection.make_cursor(cursor)


class SessionStore(db.SessionStore):
    """The `db` engine (logging out deletes the row, so a copied cookie stops working) on
    `StaffSession`, whose row also holds the logged-in user's id. Every logged-in request reads the
    session first and the user next; one written-out query reads both (the user with their sites
    and permissions, as `OneQueryPermissionBackend.get_user` would), and the backend takes the
    user's part instead of a second round trip. The signed payload stays what decides who is
    logged in: the rows are used only for the user id the payload names, and Django's checks
    (the backend's, active, the session hash) run on them as on any user read.
    """

    @classmethod
    def get_model_class(cls):
        from .models import StaffSession

        return StaffSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
        except ValidationError:
            instance.user_id = None
        return instance

    def _get_session_from_db(self):
        forget_user_rows()
        if not self.session_key:
            return None
        model = self.get_model_class()
        connection = connections[router.db_for_read(model)]
        # The time as the ORM would pass it (SQLite compares the stored text).
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with cursor_planned_once(connection) as cursor:
            cursor.execute(OneQueryPermissionBackend.session_sql(), [self.session_key, now])
            rows = cursor.fetchall()
        if not rows:
            self._session_key = None
            return None
        data, user_id = rows[0][0], rows[0][1]
        if user_id is not None and rows[0][2] is not None:
            remember_user_rows(user_id, [row[2:] for row in rows])
        return model(session_key=self.session_key, session_data=data)
