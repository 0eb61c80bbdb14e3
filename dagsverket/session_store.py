"""Django's database sessions, with the row read by a written-out query."""

import functools

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    """The `db` engine (logging out deletes the row, so a copied cookie stops working), reading the
    session with a query written out once: every logged-in request reads it first, and the ORM
    took about as long to build that query as the database took to answer it (docs/PERFORMANCE.md).
    """

    @classmethod
    @functools.cache
    def _select_sql(cls, vendor: str) -> str:
        meta = cls.get_model_class()._meta
        quote = connections[router.db_for_read(cls.get_model_class())].ops.quote_name
        # Names from the model's own metadata; the key and the time are the parameters.
        return "SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s".format(  # noqa: S608
            data=quote(meta.get_field("session_data").column),
            table=quote(meta.db_table),
            key=quote(meta.get_field("session_key").column),
            expiry=quote(meta.get_field("expire_date").column),
        )

    def _get_session_from_db(self):
        if not self.session_key:
            return None
        model = self.get_model_class()
        connection = connections[router.db_for_read(model)]
        # The time as the ORM would pass it (SQLite compares the stored text).
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(self._select_sql(connection.vendor), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
