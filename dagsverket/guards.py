"""Request guards that hold for every page: browser features off, and input no database can hold.

PostgreSQL refuses a NUL byte in any text column ("A string literal cannot contain NUL"), and no
column here holds a whole number beyond 64 bits (SQLite raises OverflowError, PostgreSQL an
out-of-range error, both before a form could answer: a choice field looks the number up). Either
in any field of any form would otherwise end as a server error. Both are refused here, before any
view, with the project's own 400 page; nothing is written. Narrower limits (a small integer
column, a CharField's length) are the forms' own validation.
"""

import re

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


BIGGEST = 2**63 - 1
WHOLE_NUMBER = re.compile(r"\s*[+-]?\d{19,}\s*")  # 19 digits and more: near or past 64 bits


def _unstorable(value: str) -> bool:
    if "\x00" in value:
        return True
    if WHOLE_NUMBER.fullmatch(value) is None:
        return False
    digits = value.strip().lstrip("+-")
    return len(digits) > 19 or int(digits) > BIGGEST  # never int() of thousands of digits


def _refused(data) -> bool:
    return any(
        _unstorable(key) or any(_unstorable(value) for value in values) for key, values in data.lists()
    )


class RefuseUnstorableInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        posted = request.method == "POST" and request.content_type in FORM_TYPES
        if "\x00" in request.path or _refused(request.GET) or (posted and _refused(request.POST)):
            message = _(
                "The form contained what cannot be stored: a NUL byte, or a number far too large. "
                "Nothing was saved."
            )
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
