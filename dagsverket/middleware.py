import time

from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from . import tablet
from .sites import current_site


class CurrentSiteMiddleware:
    """Puts `request.staff_sites` (the sites the user works at) and `request.site` on every request.

    One query for a logged-in user; none for an anonymous one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.staff_sites, request.site = current_site(request)
        return self.get_response(request)


class SessionRefreshMiddleware:
    """Keeps a logged-in session alive while it is used, writing it at most every few minutes.

    Django's SESSION_SAVE_EVERY_REQUEST writes the session row on every request; at the front desk's
    pace that is a write per tap. Here a session is saved (which moves its expiry forward) only when
    its last refresh is older than SESSION_REFRESH_SECONDS, so an idle session still ends
    SESSION_COOKIE_AGE after its last use, give or take those few minutes.
    """

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: SessionMiddleware saves it
        return response


def session_refreshed_at_login(sender, request, user, **kwargs):
    """Logging in saves the session anyway: the next refresh is due a full interval later."""
    if request is not None and hasattr(request, "session"):
        request.session[SessionRefreshMiddleware.KEY] = int(time.time())


class TabletLockMiddleware:
    """The shared tablet's lock holds for the whole session, and nothing personal stays in a cache.

    While a session is locked (by the button or the idle timer), every request except the lock
    screen and logging out is sent to the lock screen before its view runs: no page, no menu, no
    form processed. htmx requests get the redirect as `HX-Redirect`. A session unlocked by PIN has
    the front desk's permissions only (`tablet.apply_scope`). Every answer to a logged-in user says
    `Cache-Control: no-store`, so the back button after a lock shows nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)
        tablet.apply_scope(request)
        if tablet.is_locked(request) and request.path_info not in tablet.paths_open_while_locked():
            response = self._to_lock_screen(request)
        else:
            response = self.get_response(request)
        add_never_cache_headers(response)
        return response

    @staticmethod
    def _to_lock_screen(request):
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("checkin_locked")
            return response
        return redirect("checkin_locked")


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Norwegian unless someone chose English with the switcher (its cookie).

    Django's LocaleMiddleware also follows the browser's Accept-Language, so a tablet bought with
    an English browser showed English until someone switched once. The browser is not asked here.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
