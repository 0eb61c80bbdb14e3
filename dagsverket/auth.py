from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class ThrottledLoginBackend(AxesStandaloneBackend):
    """django-axes' throttling for logins over HTTP.

    Code that authenticates without a request (management commands, tests) is not a login attempt
    from outside; it passes on to the next backend instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class OneQueryPermissionBackend(ModelBackend):
    """Django's model backend, with a user's permissions read in one query instead of two.

    Django reads the user's own permissions and those of their groups separately; every staff page
    checks permissions, so the second round trip to the database is paid on every request.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                perms = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in perms.values_list("content_type__app_label", "codename")
            }
        return user_obj._perm_cache
