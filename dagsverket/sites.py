"""Which site a staff member is working at right now."""

from django.http import HttpRequest

from .models import Site

SESSION_KEY = "current_site_id"


def sites_for(user):
    if not user.is_authenticated:
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    return user.sites.all()


def current_site(request: HttpRequest) -> tuple[list[Site], Site | None]:
    """The user's sites, and the one chosen in this session (or the first)."""
    if not request.user.is_authenticated:
        return [], None
    # Read with the user in the same query by the permission backend, when it logged them in.
    sites = getattr(request.user, "staff_sites_loaded", None)
    if sites is None:
        sites = list(sites_for(request.user))
    chosen = request.session.get(SESSION_KEY)
    for site in sites:
        if site.pk == chosen:
            return sites, site
    return sites, sites[0] if sites else None
