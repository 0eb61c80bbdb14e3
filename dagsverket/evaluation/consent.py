"""Research consent, as the core's referrals package records it (`dagsverket.referrals`).

A research consent counts for a project when it is in force on the day of the export and either
names no project or names this one by key (`evaluation_project`; the consent's `project` text is
the project's name as told to the participant, linked to the registered project when recorded or
when the project is registered).
"""

import datetime

from django.db.models import Q


def research_consent_participant_ids(day: datetime.date, project_name: str = "", project=None) -> set[int]:
    """IDs of participants whose research consent for this project is valid on `day`; one query."""
    from dagsverket.referrals.selectors import valid_consents

    if project is not None:
        # By key: the consent names this project, or names none at all. A consent not linked to any
        # registered project (recorded before the project was registered) still counts by its name.
        scope = Q(evaluation_project=project) | Q(
            Q(project="") | Q(project__iexact=project.name.strip()), evaluation_project__isnull=True
        )
    else:
        scope = Q(project="") | Q(project__iexact=project_name.strip())
    consents = valid_consents(purpose="research", day=day).filter(scope)
    return set(consents.values_list("participant_id", flat=True))
