from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from . import tablet
from .access import has_perm

# (permission, URL name, label): the main menu, filtered by what the user may use.
MENU = [
    ("use_checkin", "checkin", _("Check-in")),
    ("view_participants", "participant_list", _("Participants")),
    ("view_participants", "attendance", _("Attendance")),
    ("view_health_data", "referrals:follow_up", _("Referrals")),
    ("manage_jobs", "jobs:today", _("Jobs")),
    ("manage_jobs", "jobs:customer_list", _("Customers")),
    ("use_checkin", "jobs:lottery", _("Lottery")),
    ("manage_payroll", "payroll:today", _("Pay")),
    ("manage_site", "manage_today", _("Manage")),
    ("export_evaluation", "evaluation_home", _("Evaluation")),
    ("manage_study", "ips:caseload", _("IPS")),
    ("manage_study", "research:home", _("Research")),
]


def navigation(request):
    """The main menu, built only when a template shows it: the small partials that answer the
    tablet's taps (search results, a new row) never do, and skip the work."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        # A locked session shows no menu; the view may have locked it just now.
        "tablet_locked": tablet.is_locked(request),
        "tablet_idle_minutes": SimpleLazyObject(lambda: _idle_minutes(request, user)),
        "main_menu": SimpleLazyObject(
            lambda: [
                {"url": reverse(url_name), "label": label}
                for perm, url_name, label in MENU
                if has_perm(user, perm)
            ]
        ),
    }


def _idle_minutes(request, user) -> int:
    """Every page of a session that may use the tablet runs the idle timer (0: no timer)."""
    site = getattr(request, "site", None)
    if site is None or not has_perm(user, "use_checkin"):
        return 0
    return site.idle_lock_minutes
