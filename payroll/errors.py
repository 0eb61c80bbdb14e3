from dagsverket.errors import DagsverketError


class PayrollError(DagsverketError):
    """A payroll rule was broken; the view shows `message` and writes nothing."""
