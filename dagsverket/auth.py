import contextvars
import functools

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.db import connection, connections
from django.db.models import Model, Sum, signals
from django.db.models.base import ModelState

from .models import Site


class ThrottledLoginBackend(AxesStandaloneBackend):
    """django-axes' throttling for logins over HTTP.

    Code that authenticates without a request (management commands, tests) is not a login attempt
    from outside; it passes on to the next backend instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AddressLimitedAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second limit: failures from one address, any username.

    Axes compares every lock-out parameter with one failure limit, so it cannot say "5 per username
    and address" and "20 per address" at once. The per-pair count stays axes' own
    (`AXES_LOCKOUT_PARAMETERS`); this adds the address's failures over all usernames within the
    cool-off (`AXES_FAILURE_LIMIT_PER_ADDRESS`) and reports the pair's limit as reached when the
    address has reached its own, so axes locks the address out as it would the pair.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures >= limit or not getattr(request, "axes_ip_address", None):
            return failures
        from_address = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            from_address = from_address.filter(attempt_time__gte=get_cool_off_threshold(request))
        total = from_address.aggregate(total=Sum("failures_since_start"))["total"] or 0
        return limit if total >= settings.AXES_FAILURE_LIMIT_PER_ADDRESS else failures


# The user's rows read with this request's session (`dagsverket/session_store.py`): (user id, rows),
# taken once by `OneQueryPermissionBackend.get_user` for that same id; cleared when the session is
# read and when a request starts and ends, so they never serve another request.
_read_with_the_session: contextvars.ContextVar = contextvars.ContextVar("read_with_the_session", default=None)


def remember_user_rows(user_id, rows: list) -> None:
    _read_with_the_session.set((user_id, rows))


def forget_user_rows(**_signal) -> None:
    _read_with_the_session.set(None)


def _user_rows_read_with_the_session(user_id) -> list | None:
    """The rows `_user_sql` would read for `user_id`, if this request's session was read with them
    for that user; else None (the backend reads them itself)."""
    read = _read_with_the_session.get()
    if read is None or read[0] != user_id:
        return None
    _read_with_the_session.set(None)
    return read[1]


request_started.connect(forget_user_rows, dispatch_uid="dagsverket_forget_user_rows_on_start")
request_finished.connect(forget_user_rows, dispatch_uid="dagsverket_forget_user_rows_on_finish")


# A user's own permissions and their groups' (the user's id twice as parameters), with their apps.
PERMISSIONS_OF_USER = (
    "FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id "
    "WHERE p.id IN (SELECT permission_id FROM {user_permissions} WHERE user_id = %s) "
    "OR p.id IN (SELECT gp.permission_id FROM {group_permissions} gp "
    "JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)"
)


def rows_to_instance(model, values, using, fields: tuple[str, ...] | None = None):
    """A model instance from the raw values of its concrete fields, converted as the ORM would
    (SQLite returns text for times and integers for booleans). With `fields` (names), the values
    are those fields' alone and the rest is deferred, as `QuerySet.only` leaves them."""
    connection = connections[using]
    concrete = fields_in_order(model, fields)
    converted = []
    for field, field_converters, value in zip(
        concrete, _converters(model, fields, connection), values, strict=True
    ):
        for converter in field_converters:
            value = converter(value, field.cached_col, connection)
        converted.append(value)
    attnames = _attnames(model, fields)
    if not _built_directly(model):
        return model.from_db(using, attnames, converted)
    # What `Model.from_db` and `Model.__init__` do with the values of concrete fields, without the
    # loop over every field of the model: the search builds eight people per keystroke.
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, converted, strict=True))
    state = instance._state = ModelState()
    state.adding, state.db = False, using
    return instance


@functools.cache
def _attnames(model, names: tuple[str, ...] | None) -> list[str]:
    return [field.attname for field in fields_in_order(model, names)]


def _built_directly(model) -> bool:
    """Whether `rows_to_instance` may set a `model` instance's values itself: the model keeps
    `Model.__init__` and `Model.from_db`, and nothing listens for its `pre_init` or `post_init`
    (an `ImageField` with dimensions does, say). Asked each time: a receiver may be connected
    later."""
    return (
        model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__
        and not signals.pre_init.has_listeners(model)
        and not signals.post_init.has_listeners(model)
    )


@functools.cache
def fields_in_order(model, names: tuple[str, ...] | None):
    """The concrete fields named (all without `names`), in the model's order: `Model.from_db` reads
    the values of some fields in that order."""
    fields = model._meta.concrete_fields
    if names is None:
        return fields
    wanted = {model._meta.get_field(name) for name in names}
    return tuple(field for field in fields if field in wanted)


@functools.cache
def _converters(model, names, connection):
    """Each field's converters, worked out once per connection (each thread has its own, and a
    converter may read its connection's settings)."""
    return [
        connection.ops.get_db_converters(field.cached_col) + field.get_db_converters(connection)
        for field in fields_in_order(model, names)
    ]


class OneQueryPermissionBackend(ModelBackend):
    """Django's model backend, with what every staff request needs read in one query.

    Django reads the user, then (in CurrentSiteMiddleware) the sites they work at, then their own
    permissions and those of their groups: four round trips to the database before a staff page
    does anything. `get_user` reads the user's row, their sites and their permission names in one
    written-out query; the sites wait on the user object for `dagsverket.sites.current_site`, the
    permissions in the cache `get_all_permissions` reads. Nothing outlives the request: the next
    request reads them again, so a role taken away, a deactivated account or a changed password
    (the session hash) count at once, in every worker. The query is written out because the ORM
    took longer to build the queries than the database took to answer them (docs/PERFORMANCE.md).
    """

    @staticmethod
    def _tables() -> dict[str, str]:
        user_model = get_user_model()
        names = {
            "permission": Permission._meta.db_table,
            "content_type": ContentType._meta.db_table,
            "user_permissions": user_model.user_permissions.through._meta.db_table,
            "group_permissions": Group.permissions.through._meta.db_table,
            "user_groups": user_model.groups.through._meta.db_table,
            "user": user_model._meta.db_table,
            "site": Site._meta.db_table,
            "site_staff": Site.staff.through._meta.db_table,
        }
        return {key: connection.ops.quote_name(name) for key, name in names.items()}

    @classmethod
    @functools.cache
    def _permissions_sql(cls) -> str:
        # Table names from the models' own metadata; the user's id is the only parameter.
        return ("SELECT ct.app_label, p.codename " + PERMISSIONS_OF_USER).format(**cls._tables())

    @classmethod
    def _user_select(cls, user_id: str) -> tuple[str, str]:
        """What `_user_sql` and `session_sql` both read for the user whose id is `user_id` (a
        parameter or a column): the select list (the user's columns, each site's, and their
        permission names joined by commas) and the joins of the user to their sites."""
        quote = connection.ops.quote_name
        user_site = Site.staff.through._meta
        columns = [f"u.{quote(field.column)}" for field in get_user_model()._meta.concrete_fields]
        columns += [f"s.{quote(field.column)}" for field in Site._meta.concrete_fields]
        # Codenames and app labels are identifiers: a comma cannot occur in them.
        joined = "string_agg({}, ',')" if connection.vendor == "postgresql" else "group_concat({}, ',')"
        permissions = joined.format("ct.app_label || '.' || p.codename")
        tables = cls._tables()
        select = "{columns}, (SELECT {permissions} {of_user})".format(
            columns=", ".join(columns),
            permissions=permissions,
            of_user=PERMISSIONS_OF_USER.replace("%s", user_id).format(**tables),
        )
        joins = (
            "LEFT JOIN {site_staff} us ON us.{user_column} = u.id "
            "LEFT JOIN {site} s ON s.id = us.{site_column}"
        ).format(
            user_column=quote(user_site.get_field(get_user_model()._meta.model_name).column),
            site_column=quote(user_site.get_field("site").column),
            **tables,
        )
        return select, joins

    @classmethod
    @functools.cache
    def _user_sql(cls) -> str:
        """The user's row with each of their sites (one row per site, by name, or one row with no
        site), and their permission names in every row (a subquery on the parameters alone, so the
        database works it out once)."""
        select, joins = cls._user_select("%s")
        name = connection.ops.quote_name(Site._meta.get_field("name").column)
        # Names from the models' own metadata; the user's id (three times) is the only parameter.
        return f"SELECT {select} FROM {cls._tables()['user']} u {joins} WHERE u.id = %s ORDER BY s.{name}"  # noqa: S608

    @classmethod
    @functools.cache
    def session_sql(cls) -> str:
        """The session row (by key, unexpired) and, in the same round trip, what `_user_sql` reads
        for the user whose id the row holds: `session_data`, the user's id, then `_user_sql`'s
        columns (all empty for a session without a user or with a deleted one)."""
        from .models import StaffSession

        quote = connection.ops.quote_name
        meta = StaffSession._meta
        user_id = f"sess.{quote(meta.get_field('user').column)}"
        select, joins = cls._user_select(user_id)
        # Names from the models' own metadata; the session key and the time are the parameters.
        return (
            f"SELECT sess.{quote(meta.get_field('session_data').column)}, {user_id}, {select} "  # noqa: S608
            f"FROM {quote(meta.db_table)} sess "
            f"LEFT JOIN {cls._tables()['user']} u ON u.id = {user_id} {joins} "
            f"WHERE sess.{quote(meta.get_field('session_key').column)} = %s "
            f"AND sess.{quote(meta.get_field('expire_date').column)} > %s "
            f"ORDER BY s.{quote(Site._meta.get_field('name').column)}"
        )

    def get_user(self, user_id):
        user_model = get_user_model()
        using = user_model.objects.db
        try:
            user_id = user_model._meta.pk.to_python(user_id)  # the session keeps it as text
        except ValidationError:
            return None
        rows = _user_rows_read_with_the_session(user_id)
        if rows is None:
            with connections[using].cursor() as cursor:
                cursor.execute(self._user_sql(), [user_id, user_id, user_id])
                rows = cursor.fetchall()
        return self._user_from_rows(rows, using)

    def _user_from_rows(self, rows, using):
        user_model = get_user_model()
        if not rows:
            return None
        width = len(user_model._meta.concrete_fields)
        user = rows_to_instance(user_model, rows[0][:width], using)
        if not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:  # a superuser has every permission and every site: read as before
            user.staff_sites_loaded = [
                rows_to_instance(Site, row[width:-1], using) for row in rows if row[width] is not None
            ]
            names = rows[0][-1]
            user._perm_cache = set(names.split(",")) if names else set()
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                with connection.cursor() as cursor:
                    cursor.execute(self._permissions_sql(), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
