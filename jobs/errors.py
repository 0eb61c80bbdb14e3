from dagsverket.errors import DagsverketError


class JobsError(DagsverketError):
    """A rule of the jobs app was broken; the view shows `message` next to `field` and writes nothing."""
