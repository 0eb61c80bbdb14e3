from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

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
        "main_menu": SimpleLazyObject(
            lambda: [
                {"url": reverse(url_name), "label": label}
                for perm, url_name, label in MENU
                if has_perm(user, perm)
            ]
        )
    }
