"""Per-project pseudonyms: a keyed hash of the participant with the project's own secret.

The same participant gets the same code in one project every time, and codes of two projects have
nothing in common; without the secret (never exported) a code cannot be traced back to an ID.
The codes are also stored (ProjectPseudonym) so SQL exports can join them.
"""

import base64
import datetime
import hashlib
import hmac

from django.db import connection
from django.db.models import QuerySet

from ..models import Visit
from .models import EvaluationProject, ProjectPseudonym

CODE_LENGTH = 12  # 60 bits of base32: no collisions in practice, still short to read aloud
ANALYZE_AFTER = 1000  # new codes in one go that make the table's statistics worth refreshing


def pseudonym_for(project: EvaluationProject, participant_id: int) -> str:
    digest = hmac.new(project.secret.encode(), f"participant:{participant_id}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()).decode()[:CODE_LENGTH]


def pseudonyms_ensure(*, project: EvaluationProject, participant_ids) -> int:
    """Store the codes of the given participants that the project does not have yet; returns how many."""
    known = set(
        ProjectPseudonym.objects.filter(project=project, participant_id__in=participant_ids).values_list(
            "participant_id", flat=True
        )
    )
    missing = [pid for pid in participant_ids if pid not in known]
    ProjectPseudonym.objects.bulk_create(
        [
            ProjectPseudonym(project=project, participant_id=pid, code=pseudonym_for(project, pid))
            for pid in missing
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    if len(missing) >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # The export that follows joins every visit to these codes. Until autovacuum comes by, the
        # planner would think the table nearly empty and loop over visits per participant instead of
        # hashing: tell it now what it holds (a few milliseconds for thousands of rows).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dagsverket_projectpseudonym")
    return len(missing)


def pseudonyms_ensure_for_visits(*, project: EvaluationProject, visits: QuerySet) -> int:
    ids = list(visits.order_by().values_list("participant_id", flat=True).distinct())
    return pseudonyms_ensure(project=project, participant_ids=ids)


def visits_in_period(start: datetime.date, end: datetime.date) -> QuerySet:
    return Visit.objects.active().filter(date__gte=start, date__lte=end)
