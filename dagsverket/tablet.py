"""The shared tablet's session state: locked or not, and how much an unlock by PIN may see.

The lock belongs to the whole session, not to the check-in screens: `TabletLockMiddleware` sends
every request of a locked session to the lock screen. A PIN unlock scopes the session to the
front-desk role's permissions, so a manager's PIN on the front desk's tablet opens the front desk's
screens, not the manager's; their own login (or their password on the lock screen) gives the rest.
"""

import uuid

from django.urls import reverse

from .roles import ROLE_PERMISSIONS, Role

LOCK_KEY = "checkin_locked"
SCOPE_KEY = "tablet_scope"
FRONT_DESK_SCOPE = "frontdesk"
# Names one logged-in session for the offline queue: an action queued in a session that has ended
# (logged out, or another user unlocked) is refused when it arrives in the next one.
SYNC_TAG_KEY = "tablet_sync_tag"


def new_sync_tag_at_login(sender, request, user, **kwargs):
    """Every login starts a new session tag (Django flushes or cycles the session at login)."""
    if request is not None and hasattr(request, "session"):
        request.session[SYNC_TAG_KEY] = uuid.uuid4().hex


def sync_tag(request) -> str:
    """This session's tag; a session from before the tag came gets one now (saved once)."""
    tag = request.session.get(SYNC_TAG_KEY)
    if not tag:
        tag = request.session[SYNC_TAG_KEY] = uuid.uuid4().hex
    return tag


def is_locked(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(LOCK_KEY))


def paths_open_while_locked() -> tuple[str, ...]:
    """The lock screen (where the PIN and the password unlock), logging out, the language, and the
    offline queue's sync, which refuses every action of a locked session itself (with a code the
    tablet shows) and answers nothing about anyone."""
    return (reverse("checkin_locked"), reverse("logout"), reverse("set_language"), reverse("checkin_sync"))


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
