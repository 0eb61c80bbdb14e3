"""Reads of the IPS log that join tables, each in a fixed number of queries."""

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from dagsverket.models import Site

from . import metrics


def specialists_for(site: Site) -> QuerySet:
    """Staff at `site` who may keep the IPS log (study staff and managers)."""
    User = get_user_model()
    holds = Q(
        groups__permissions__codename="manage_study",
        groups__permissions__content_type__app_label="dagsverket",
    )
    return (
        User.objects.filter(sites=site, is_active=True)
        .filter(holds | Q(user_permissions__codename="manage_study") | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def caseload_rows(*, site: Site, day: datetime.date) -> QuerySet:
    """Caseload entries with what the list shows: first contact, first counted job, working on `day`."""
    from .models import CaseloadEntry, EmployerContact, JobStart

    counted = JobStart.objects.filter(entry=OuterRef("pk"), four_paid_hours_on__isnull=False)
    first_contact = (
        EmployerContact.objects.filter(entry=OuterRef("pk"), date__gte=OuterRef("started_on"))
        .order_by("date")
        .values("date")[:1]
    )
    first_job = counted.order_by("started_on").values("started_on")[:1]
    working = counted.filter(started_on__lte=day, four_paid_hours_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )
    return (
        CaseloadEntry.objects.filter(site=site)
        .select_related("participant", "specialist")
        .annotate(
            first_contact_on=Subquery(first_contact),
            first_job_on=Subquery(first_job),
            working_now=Exists(working),
        )
    )


def caseload_sizes(*, site: Site, day: datetime.date) -> list[dict]:
    """People on each specialist's caseload on `day`, with the warning above 20."""
    from .models import CaseloadEntry

    rows = (
        CaseloadEntry.objects.filter(site=site, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .values("specialist", "specialist__first_name", "specialist__last_name", "specialist__username")
        .annotate(size=Count("pk"))
        .order_by("specialist__first_name", "specialist__last_name", "specialist__username")
    )
    return [
        {
            "specialist_id": row["specialist"],
            "name": " ".join(filter(None, [row["specialist__first_name"], row["specialist__last_name"]]))
            or row["specialist__username"],
            "size": row["size"],
            "too_large": metrics.caseload_too_large(row["size"]),
        }
        for row in rows
    ]


def metric_clients(
    *, site: Site, first: datetime.date, last: datetime.date, specialist=None
) -> dict[int, list[metrics.Client]]:
    """The clients on the caseload at any time from `first` to `last`, by specialist id, as plain data
    for `metrics` (three queries: entries, contacts, jobs)."""
    from .models import CaseloadEntry, EmployerContact, JobStart

    entries = CaseloadEntry.objects.filter(site=site, started_on__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )
    if specialist is not None:
        entries = entries.filter(specialist=specialist)
    entries = list(entries.values("pk", "specialist_id", "started_on", "ended_on"))
    ids = [entry["pk"] for entry in entries]
    contacts = defaultdict(list)
    face_to_face = defaultdict(list)
    for entry_id, date, in_person in EmployerContact.objects.filter(entry_id__in=ids).values_list(
        "entry_id", "date", "face_to_face"
    ):
        contacts[entry_id].append(date)
        if in_person:
            face_to_face[entry_id].append(date)
    jobs = defaultdict(list)
    for entry_id, started, counted, ended, job_type in JobStart.objects.filter(entry_id__in=ids).values_list(
        "entry_id", "started_on", "four_paid_hours_on", "ended_on", "job_type"
    ):
        jobs[entry_id].append(metrics.Job(started, counted, ended, competitive=job_type == "competitive"))
    result: dict[int, list[metrics.Client]] = defaultdict(list)
    for entry in entries:
        result[entry["specialist_id"]].append(
            metrics.Client(
                entry["started_on"],
                entry["ended_on"],
                tuple(contacts[entry["pk"]]),
                tuple(jobs[entry["pk"]]),
                tuple(face_to_face[entry["pk"]]),
            )
        )
    return dict(result)


def caseload_people(sites) -> QuerySet:
    """The people with a caseload entry at these sites: whose health data the study role may read
    (registered as a health scope in `ready()`)."""
    from .models import CaseloadEntry

    return CaseloadEntry.objects.filter(site__in=sites).values("participant_id")
