"""Research consent, as the referrals part of the core app records it.

A research consent counts for a project when it is in force on the day of the export and either
names no project or names this one (the consent's `project` is the project's name as told to the
participant). Without the referrals module nobody has research consent, so a project that requires
it exports no rows at all (the safe side).
"""

import datetime

from django.db.models import Q


def research_consent_participant_ids(day: datetime.date, project_name: str = "") -> set[int]:
    """IDs of participants whose research consent for this project is valid on `day`; one query."""
    try:
        from dagsverket.referral_services import valid_consents
    except ImportError:
        try:
            from dagsverket.referral_services import participants_with_valid_consent
        except ImportError:
            return set()
        return set(participants_with_valid_consent("research", day).values_list("pk", flat=True))
    consents = valid_consents(purpose="research", day=day).filter(
        Q(project="") | Q(project__iexact=project_name.strip())
    )
    return set(consents.values_list("participant_id", flat=True))
