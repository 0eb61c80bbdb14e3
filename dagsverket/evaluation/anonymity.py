"""k-anonymity over everything the exports of one project can be joined on.

The row-level exports of a project share its pseudonyms, so an evaluator can join them: the visit
export gives each pseudonym its sites, the person-period export its age band and sex, the trial's
exports (a study whose project this is) its arm, recruiting site, sex, age band and enrolment month.
k must hold over the union of what they publish, not export by export.

The exports take their turn in a fixed order, and each one coarsens its own columns until every
combination of *its* columns together with the columns of the exports before it (at the finest they
can be published) holds at least k people of its population:
  1. the trial exports (their own columns only: arm is never dropped; enrolment month → quarter →
     year → dropped, then age band, recruiting site and sex are dropped, and the export is refused
     when fewer than k people share an arm);
  2. the visit export (its sites, with the trial's columns at the level the trial export uses now);
  3. the person-period export (age band and sex, with every site a person visited in the project's
     period and the trial's columns).
So any two or all three, joined, still give groups of at least k. An export that adds no column of
its own adds nothing to a join.
"""

from collections import Counter
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from ..services import DagsverketError

K_ANONYMITY = 5

# The trial export's levels: which of its person columns it publishes, and the enrolment month as
# what (month, quarter, year, or not at all). Arm is always published (it is the analysis).
STUDY_LEVELS = [
    ("site", "sex", "age_band", "enrolled:month"),
    ("site", "sex", "age_band", "enrolled:quarter"),
    ("site", "sex", "age_band", "enrolled:year"),
    ("site", "sex", "age_band"),
    ("site", "sex"),
    ("sex",),
    (),
]


def smallest_group(profiles: Iterable[tuple]) -> int:
    """Size of the smallest group of identical profiles (0 when there is nobody)."""
    counts = Counter(profiles)
    return min(counts.values(), default=0)


def refuse_small() -> DagsverketError:
    """The refusal: no number in it, neither the people counted nor the size of any group."""
    return DagsverketError(
        _(
            "Refused: this export would hold too few people to keep them from being recognised. "
            "Choose a longer period or all sites."
        ),
        code="k_anonymity",
    )


def enrolled_as(month: str, how: str) -> str:
    """`2026-03` as month, quarter (`2026-Q1`) or year."""
    if not month or how == "month":
        return month
    year, number = month[:4], int(month[5:7])
    return f"{year}-Q{(number - 1) // 3 + 1}" if how == "quarter" else year


def study_profile(person: dict, level: tuple) -> tuple:
    values = [person.get("arm", "")]
    for column in level:
        name, _sep, how = column.partition(":")
        values.append(enrolled_as(person.get(name, ""), how) if how else person.get(name, ""))
    return tuple(values)


def study_level(people: list[dict]) -> tuple:
    """The finest level of the trial's person columns at which every group holds k people."""
    for level in STUDY_LEVELS:
        if not people or smallest_group(study_profile(person, level) for person in people) >= K_ANONYMITY:
            return level
    raise refuse_small()


STUDY_PROFILE_COLUMNS = ("arm", "site", "sex", "age_band", "enrolled")


def study_coarsen(people: list[dict]) -> tuple:
    """Coarsen the trial's person columns in place to the finest level that keeps k; returns it.
    A dropped column is left empty; the enrolment month may become a quarter or a year."""
    level = study_level(people)
    kept = {column.partition(":")[0]: column.partition(":")[2] for column in level}
    for person in people:
        for column in ("site", "sex", "age_band", "enrolled"):
            if column not in kept:
                person[column] = ""
            elif kept[column]:
                person[column] = enrolled_as(person[column], kept[column])
    return level


# What other exports of a project publish about its people, joinable on its pseudonyms. The trial
# (dagsverket.research, a layer above this one) registers its exports' columns here in its
# AppConfig.ready(), so the k-anonymity check never imports it.
JoinedProfiles = Callable[[object, list[int]], dict[int, tuple]]
_joined_profiles: list[JoinedProfiles] = []


def register_joined_profiles(function: JoinedProfiles) -> JoinedProfiles:
    """`function(project, participant_ids)` → {participant id: what that export publishes about
    them, as it would now}; people it publishes nothing about are left out."""
    if function not in _joined_profiles:
        _joined_profiles.append(function)
    return function


def joined_profiles_for_project(project, participant_ids) -> dict[int, tuple]:
    """Everything the project's other exports publish about each of these people, one tuple per
    registered export; people none of them publishes are left out (an empty profile when compared)."""
    ids = list(participant_ids)
    found = [function(project, ids) for function in _joined_profiles]
    people = {pid for profiles in found for pid in profiles}
    return {pid: tuple(profiles.get(pid, ()) for profiles in found) for pid in people}


def sites_in_project(project, participant_ids) -> dict[int, frozenset]:
    """Every site a person visited in the project's whole period: the finest the visit export shows."""
    from ..models import Visit

    found: dict[int, set] = {}
    for site_id, pid in (
        Visit.objects.active()
        .filter(
            date__gte=project.starts_on, date__lte=project.ends_on, participant_id__in=list(participant_ids)
        )
        .values_list("site_id", "participant_id")
        .distinct()
    ):
        found.setdefault(pid, set()).add(site_id)
    return {pid: frozenset(sites) for pid, sites in found.items()}
