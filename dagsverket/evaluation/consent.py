"""Research consent, as the referrals part of the core app records it.

The referrals work adds `participants_with_valid_consent(purpose, day)` to
`dagsverket.referral_services`; until it exists nobody has research consent, so a project that
requires it exports no rows at all (the safe side).
"""

import datetime


def research_consent_participant_ids(day: datetime.date) -> set[int]:
    """IDs of participants whose research consent is valid on `day`; one query."""
    try:
        from dagsverket.referral_services import participants_with_valid_consent
    except ImportError:
        return set()
    found = participants_with_valid_consent("research", day)
    if hasattr(found, "values_list"):
        return set(found.values_list("pk", flat=True))
    return {getattr(item, "pk", item) for item in found}
