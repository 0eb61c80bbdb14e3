"""Decorators and helpers that decide who may see what.

Anonymous users are sent to the login page; a logged-in user whose role is too weak gets 403;
a staff member not attached to any site gets a page that says so.
"""

import operator
from collections.abc import Callable
from functools import reduce, wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render

from . import extensions


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


HEALTH = "view_health_data"


def health_data_limited_to_study(user) -> bool:
    """Whether the user holds `view_health_data` only through the study role.

    Trial staff and IPS job specialists need health data for the people in their trials and
    caseloads, not for everyone at the site; any other role that grants it (the front desk, the
    manager) or a superuser sees all of the site's people. A user holds a role's permissions when
    they hold every one of them.
    """
    if user.is_superuser or not has_perm(user, HEALTH) or not has_perm(user, "manage_study"):
        return False
    from .roles import ROLE_PERMISSIONS, Role

    # From the permissions (cached on the user), not the groups: no query of its own.
    return not any(
        all(has_perm(user, codename) for codename in codenames)
        for role, codenames in ROLE_PERMISSIONS.items()
        if role != Role.STUDY and HEALTH in codenames
    )


def in_health_scope(request, queryset, participant_field: str = "participant_id"):
    """`queryset` cut down to rows about people whose health data this request's user may read.

    Everything, for a user whose health data is not limited to the study role (the view has
    checked `view_health_data`); for study staff, the people with an enrolment in a trial or an
    IPS caseload entry at one of their sites (the study apps say who: `extensions.health_scopes`).
    """
    if not health_data_limited_to_study(request.user):
        return queryset
    scopes = [
        Q(**{f"{participant_field}__in": people}) for people in extensions.health_scopes(request.staff_sites)
    ]
    if not scopes:
        return queryset.none()  # no study app installed: nobody
    return queryset.filter(reduce(operator.or_, scopes))


def sees_health_data_of(request, participant) -> bool:
    """The one rule for reading a person's health data (readiness reasons, notes, referrals,
    consents, exclusions): `view_health_data`, and for the study role, that the person is in a
    trial or on an IPS caseload at one of the user's sites."""
    if not has_perm(request.user, HEALTH):
        return False
    if not health_data_limited_to_study(request.user):
        return True
    from .models import Participant

    return in_health_scope(request, Participant.objects.filter(pk=participant.pk), "pk").exists()


def get_participant_for_user(request, pk, *, health: bool = False, queryset=None):
    """The one rule for fetching a person by id, used by every view that takes one: a participant
    of the site the user is working at now (`request.site`); 404 for anyone else's, so other sites'
    people stay unknown. With `health`, for a view of their health data, 404 as well for a person
    whose health data the user may not read (`sees_health_data_of`).

    One rule matters: a two-site manager working at site B used to open a site-A person's
    referrals (checked against all their sites) but got 404 on the same person's page and history
    (checked against the current site)."""
    from django.http import Http404

    from .models import Participant

    queryset = Participant.objects.all() if queryset is None else queryset
    try:
        participant = queryset.select_related("site").get(pk=int(pk), site=request.site)
    except (Participant.DoesNotExist, TypeError, ValueError) as missing:
        raise Http404 from missing
    if health and not sees_health_data_of(request, participant):
        raise Http404
    return participant
