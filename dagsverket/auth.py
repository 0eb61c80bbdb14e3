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
from django.db import connection
from django.db.models import Sum


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


class OneQueryPermissionBackend(ModelBackend):
    """Django's model backend, with a user's permissions read in one query instead of two.

    Django reads the user's own permissions and those of their groups separately; every staff page
    checks permissions, so the second round trip to the database is paid on every request. The one
    query is written out: the ORM took three times as long to build it as the database took to
    answer it (0.6 against 1.9 ms on PostgreSQL, docs/PERFORMANCE.md).
    """

    @staticmethod
    @functools.cache
    def _permissions_sql() -> str:
        user_model = get_user_model()
        names = {
            "permission": Permission._meta.db_table,
            "content_type": ContentType._meta.db_table,
            "user_permissions": user_model.user_permissions.through._meta.db_table,
            "group_permissions": Group.permissions.through._meta.db_table,
            "user_groups": user_model.groups.through._meta.db_table,
        }
        quoted = {key: connection.ops.quote_name(name) for key, name in names.items()}
        # Table names from the models' own metadata; the user's id is the only parameter.
        return (  # noqa: S608
            "SELECT ct.app_label, p.codename FROM {permission} p "
            "JOIN {content_type} ct ON ct.id = p.content_type_id "
            "WHERE p.id IN (SELECT permission_id FROM {user_permissions} WHERE user_id = %s) "
            "OR p.id IN (SELECT gp.permission_id FROM {group_permissions} gp "
            "JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)"
        ).format(**quoted)

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
