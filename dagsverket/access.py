"""Decorators and helpers that decide who may see what.

Anonymous users are sent to the login page; a logged-in user whose role is too weak gets 403;
a staff member not attached to any site gets a page that says so.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def has_perm(user, codename: str) -> bool:
    return user.is_authenticated and user.has_perm(f"dagsverket.{codename}")


def permission_required(*codenames: str, site: bool = True) -> Callable:
    """Require every named permission (codenames on dagsverket.Site) and, by default, a site."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not all(has_perm(request.user, name) for name in codenames):
                raise PermissionDenied
            if site and request.site is None:
                return render(request, "dagsverket/no_site.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
