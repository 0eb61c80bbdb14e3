"""The one error every service raises: the core's and every app's (their errors subclass it)."""


class DagsverketError(Exception):
    """A rule was broken; `message` is translated and shown next to the field, `code` is for code."""

    def __init__(self, message, *, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def form_error(form, error: DagsverketError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
