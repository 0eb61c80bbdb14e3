from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "inactive": _("This account is not active."),
    }
