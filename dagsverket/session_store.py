"""Django's database sessions, read together with the logged-in user in one round trip."""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone

from .auth import OneQueryPermissionBackend, forget_user_rows, remember_user_rows


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
        with connection.cursor() as cursor:
            cursor.execute(OneQueryPermissionBackend.session_sql(), [self.session_key, now])
            rows = cursor.fetchall()
        if not rows:
            self._session_key = None
            return None
        data, user_id = rows[0][0], rows[0][1]
        if user_id is not None and rows[0][2] is not None:
            remember_user_rows(user_id, [row[2:] for row in rows])
        return model(session_key=self.session_key, session_data=data)
