"""The shared tablet's session state: locked or not, and how much an unlock by PIN may see.

The lock belongs to the whole session, not to the check-in screens: `TabletLockMiddleware` sends
every request of a locked session to the lock screen. A PIN unlock scopes the session to the
front-desk role's permissions, so a manager's PIN on the front desk's tablet opens the front desk's
screens, not the manager's; their own login (or their password on the lock screen) gives the rest.
"""

from django.urls import reverse

from .roles import ROLE_PERMISSIONS, Role

LOCK_KEY = "checkin_locked"
SCOPE_KEY = "tablet_scope"
FRONT_DESK_SCOPE = "frontdesk"


def is_locked(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(LOCK_KEY))


def paths_open_while_locked() -> tuple[str, ...]:
    """The lock screen (where the PIN and the password unlock), logging out, the language."""
    return (reverse("checkin_locked"), reverse("logout"), reverse("set_language"))


def apply_scope(request) -> None:
    """Cut the user's permissions down to the front desk's for a session unlocked by PIN.

    The permission backend keeps a user's permissions in `_perm_cache`; replacing it for this
    request's user object limits every `has_perm` check. Nothing is saved."""
    if request.session.get(SCOPE_KEY) != FRONT_DESK_SCOPE:
        return
    user = request.user
    allowed = {f"dagsverket.{codename}" for codename in ROLE_PERMISSIONS[Role.FRONT_DESK]}
    permissions = user.get_all_permissions()
    user.is_superuser = False  # in memory only: a superuser's has_perm would skip the cache
    user._perm_cache = permissions & allowed
