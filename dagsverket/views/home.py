from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .. import tablet
from ..access import permission_required
from ..forms import LoginForm
from ..glance import day_figures
from ..models import Participant, Visit
from ..roles import roles_of, start_page_for
from ..sites import SESSION_KEY


class LoginView(auth_views.LoginView):
    template_name = "dagsverket/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
