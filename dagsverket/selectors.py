"""Reads of the core domain that other apps rely on."""

import datetime

from .models import Exclusion, Participant


def excluded_participant_ids(participant_ids, day: datetime.date) -> set[int]:
    """Which of these participants are excluded (karantene) on `day`; one query."""
    return set(
        Exclusion.objects.filter(
            participant_id__in=list(participant_ids),
            starts_on__lte=day,
            ends_on__gte=day,
            lifted_at__isnull=True,
        ).values_list("participant_id", flat=True)
    )


def participant_is_excluded(participant: Participant, day: datetime.date) -> Exclusion | None:
    """The exclusion in force for `participant` on `day`, if any."""
    return (
        Exclusion.objects.filter(
            participant=participant, starts_on__lte=day, ends_on__gte=day, lifted_at__isnull=True
        )
        .order_by("-ends_on")
        .first()
    )
