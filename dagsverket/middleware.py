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
