"""The IPS fidelity scale (IPS-25, Becker, Swanson, Reese, Bond and McLeman, revised 2015, after
Drake and Bond): 25 items, each scored 1-5, total 25-125, and the four bands of the total.

Only the item titles are kept here, as data; the anchors for each score are in the published
manual the reviewers use.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ITEM_COUNT = 25
SCORE_MIN, SCORE_MAX = 1, 5
TOTAL_MIN, TOTAL_MAX = ITEM_COUNT * SCORE_MIN, ITEM_COUNT * SCORE_MAX

# (number, section, title). Sections: staffing 1-3, organisation 4-11, services 12-25.
STAFFING, ORGANISATION, SERVICES = _("Staffing"), _("Organisation"), _("Services")
ITEMS = [
    (1, STAFFING, _("Caseload size")),
    (2, STAFFING, _("Employment services staff")),
    (3, STAFFING, _("Vocational generalists")),
    (
        4,
        ORGANISATION,
        _("Integration of rehabilitation with mental health treatment through team assignment"),
    ),
    (
        5,
        ORGANISATION,
        _("Integration of rehabilitation with mental health treatment through frequent team member contact"),
    ),
    (
        6,
        ORGANISATION,
        _("Collaboration between employment specialists and vocational rehabilitation counselors"),
    ),
    (7, ORGANISATION, _("Vocational unit")),
    (8, ORGANISATION, _("Role of employment supervisor")),
    (9, ORGANISATION, _("Zero exclusion criteria")),
    (10, ORGANISATION, _("Agency focus on competitive employment")),
    (11, ORGANISATION, _("Executive team support for supported employment")),
    (12, SERVICES, _("Work incentives planning")),
    (13, SERVICES, _("Disclosure")),
    (14, SERVICES, _("Ongoing, work-based vocational assessment")),
    (15, SERVICES, _("Rapid search for competitive job")),
    (16, SERVICES, _("Individualized job search")),
    (17, SERVICES, _("Job development: frequent employer contact")),
    (18, SERVICES, _("Job development: quality of employer contact")),
    (19, SERVICES, _("Diversity of job types")),
    (20, SERVICES, _("Diversity of employers")),
    (21, SERVICES, _("Competitive jobs")),
    (22, SERVICES, _("Individualized follow-along supports")),
    (23, SERVICES, _("Time-unlimited follow-along supports")),
    (24, SERVICES, _("Community-based services")),
    (25, SERVICES, _("Assertive engagement and outreach by integrated treatment team")),
]
ITEM_TITLES = {number: title for number, _section, title in ITEMS}


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    lowest_total: int


# Highest band first; a total belongs to the first band whose lowest total it reaches.
BANDS = [
    Band("exemplary", _("Exemplary fidelity"), 115),
    Band("good", _("Good fidelity"), 100),
    Band("fair", _("Fair fidelity"), 74),
    Band("not_ips", _("Not supported employment (not IPS)"), TOTAL_MIN),
]


def fidelity_total(scores: dict[int, int]) -> int:
    """The sum of the 25 item scores; every item must have a score from 1 to 5."""
    if sorted(scores) != list(range(1, ITEM_COUNT + 1)):
        raise ValueError("every one of the 25 items needs a score")
    if any(not SCORE_MIN <= score <= SCORE_MAX for score in scores.values()):
        raise ValueError("scores go from 1 to 5")
    return sum(scores.values())


def fidelity_band(total: int) -> Band:
    """115-125 exemplary, 100-114 good, 74-99 fair, 73 and below not IPS."""
    if not TOTAL_MIN <= total <= TOTAL_MAX:
        raise ValueError(f"a total goes from {TOTAL_MIN} to {TOTAL_MAX}")
    return next(band for band in BANDS if total >= band.lowest_total)
