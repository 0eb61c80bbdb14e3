from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .. import tablet
from ..access import permission_required
from ..forms import LoginForm
from ..glance import day_figures
from ..models import Participant, Visit
from ..roles import roles_of, start_page_for
from ..sites import SESSION_KEY

# The login page as an anonymous visitor gets it, per language, with three holes: the CSRF token,
# the page's own address (the language switcher's `next`) and the address to go on to. Filled per
# request; emptied when a setting changes (tests change the static files' storage, the language).
_login_pages: dict[str, str] = {}
_HOLES = {
    "token": "dagsverketLoginHoleToken7c1e",
    "path": "dagsverketLoginHolePath7c1e",
    "next": "dagsverketLoginHoleNext7c1e",
}


@receiver(setting_changed)
def _forget_login_pages(**kwargs) -> None:
    _login_pages.clear()


class _PageWithHoles:
    """The request as the login page's template sees it, with its address left as a hole."""

    def __init__(self, request: HttpRequest):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_full_path(self) -> str:
        return _HOLES["path"]


class LoginView(auth_views.LoginView):
    """Django's login view. The empty form (a GET with no messages waiting) is the same page for
    every visitor but for the CSRF token and two addresses, and it is where every shift starts:
    it is rendered once per language and the three filled in (escaped as the template would)
    instead of rendering base.html and the form on every request (docs/PERFORMANCE.md).
    `tests/dagsverket/test_login_page.py` holds the filled page to the rendered one."""

    template_name = "dagsverket/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        if len(messages.get_messages(request)):  # shown once, on a page rendered for them
            return super().get(request, *args, **kwargs)
        language = translation.get_language()
        page = _login_pages.get(language)
        if page is None:
            context = self.get_context_data()
            context.update(request=_PageWithHoles(request), csrf_token=_HOLES["token"], next=_HOLES["next"])
            page = _login_pages[language] = self.render_to_response(context).render().content.decode()
        return HttpResponse(
            page.replace(_HOLES["token"], get_token(request))
            .replace(_HOLES["path"], escape(request.get_full_path()))
            .replace(_HOLES["next"], escape(self.get_redirect_url()))
        )

    def form_invalid(self, form):
        """A refused login (a field left empty, a wrong password) is bad input like any other: the
        page with the messages next to the fields, status 400. Too many tries answer 429 (axes)."""
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each staff member to the start page of their role."""
    if not request.user.is_authenticated:
        return redirect("login")
    if request.session.get(tablet.SCOPE_KEY):  # unlocked by PIN: the front desk's screens only
        return redirect("checkin")
    url_name = start_page_for(request.user)
    if url_name is None:
        return render(request, "dagsverket/no_role.html", status=403)
    return redirect(url_name)


@require_POST
@login_required
def select_site(request: HttpRequest) -> HttpResponse:
    """Switch the site this staff member works at; only their own sites can be chosen."""
    try:
        site_id = int(request.POST.get("site", ""))
    except ValueError:
        site_id = None
    if site_id not in {site.pk for site in request.staff_sites}:
        return render(request, "dagsverket/no_site.html", status=400)
    request.session[SESSION_KEY] = site_id
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    return redirect(next_url)


@require_GET
@permission_required("manage_site")
def manage_today(request: HttpRequest) -> HttpResponse:
    """The manager's start page: the day at the current site at a glance."""
    today = timezone.localdate()
    visits = Visit.objects.active().filter(site=request.site, date=today)
    return render(
        request,
        "dagsverket/manage_today.html",
        {
            "today": today,
            "visit_count": visits.count(),
            "figures": day_figures(site=request.site, day=today),
            "participant_count": Participant.objects.filter(
                site=request.site, merged_into__isnull=True
            ).count(),
            "staff": [
                (member, [role.label for role in roles_of(member)])
                for member in request.site.staff.order_by("username").prefetch_related("groups")
            ],
        },
    )
