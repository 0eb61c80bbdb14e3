"""Staff roles: each is a Django group whose permissions decide what its members may see and do.

The groups are created by a data migration and kept in step by `sync_role_groups()`; a role's
name in the database is its stable key, its label is translated on screen.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_DESK = "frontdesk", _("Front desk")
    WORK_LEADER = "leader", _("Work leader")
    PAYROLL = "payroll", _("Payroll")
    MANAGER = "manager", _("Manager")
    EVALUATOR = "evaluator", _("Evaluator")
    STUDY = "study", _("Study staff")
    STATISTICIAN = "statistician", _("Trial statistician")


# Permission codenames live on dagsverket.Site (see its Meta); a role is the set it holds.
PERMISSIONS = {
    "use_checkin": _("Can check people in, record readiness and run the lottery"),
    "view_participants": _("Can see participants by name"),
    "view_health_data": _("Can see health-related data (readiness reasons, notes, referrals)"),
    "view_national_id": _("Can see national ID numbers, bank accounts and tax cards"),
    "manage_jobs": _("Can manage customers, tasks, crews and hours"),
    "manage_payroll": _("Can handle pay, payslips, the cash box and reports"),
    "manage_site": _("Can configure sites, codes and staff"),
    "export_evaluation": _("Can export pseudonymised data and statistics"),
    "manage_study": _("Can enrol study participants, follow them up and keep the job-specialist log"),
    "correct_trial_data": _("Can correct recorded trial data, with a reason"),
    "trial_statistics": _("Can see the trial's allocation balance, extend and export allocation lists"),
}

# Recruiters must not see running balances per stratum, so no recruiting role holds this.
STATISTICIAN_ONLY = {"trial_statistics"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.FRONT_DESK: {"use_checkin", "view_participants", "view_health_data"},
    Role.WORK_LEADER: {"manage_jobs", "view_participants"},
    Role.PAYROLL: {"manage_payroll", "view_participants", "view_national_id"},
    Role.MANAGER: set(PERMISSIONS) - STATISTICIAN_ONLY,
    Role.EVALUATOR: {"export_evaluation"},
    # Trial staff and IPS job specialists: questionnaires hold health-related answers.
    Role.STUDY: {"manage_study", "view_participants", "view_health_data"},
    # Sees the allocation side of the trial, never names; to get the study's exports as well, the
    # statistician is named on the study as an evaluator and given that role too.
    Role.STATISTICIAN: {"trial_statistics"},
}

# Where each role starts its day, in the order used when a person holds several roles.
START_PAGES = [
    (Role.MANAGER, "manage_today"),
    (Role.FRONT_DESK, "checkin"),
    (Role.WORK_LEADER, "jobs:today"),
    (Role.PAYROLL, "payroll:today"),
    (Role.EVALUATOR, "evaluation_home"),
    (Role.STUDY, "research:home"),
    (Role.STATISTICIAN, "research:statistics"),
]


def sync_role_groups(group_model, permission_model) -> None:
    """Create the role groups and give each exactly its permissions."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=str(role.value))
        perms = permission_model.objects.filter(content_type__app_label="dagsverket", codename__in=codenames)
        group.permissions.set(perms)


def roles_of(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    names = {group.name for group in user.groups.all()}
    return [role for role in Role if role.value in names]


def start_page_for(user) -> str | None:
    """The URL name of the user's own start page, or None for a user without a role."""
    if user.is_superuser:
        return "manage_today"
    held = set(roles_of(user))
    for role, url_name in START_PAGES:
        if role in held:
            return url_name
    return None
