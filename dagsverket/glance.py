"""The manager's day at a glance (`/manage/`): figures for the current site and day, with links.

The core counts arrivals, readiness and referrals due; the apps built on it (jobs, payroll) add
their own figures by registering a function here in their `ready()`, so the core never imports them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Readiness, Site, Visit


@dataclass(frozen=True)
class Figure:
    value: object
    label: str
    url: str = ""


PANELS: list[Callable[[Site, datetime.date], list[Figure]]] = []


def register(panel: Callable[[Site, datetime.date], list[Figure]]):
    """Add an app's figures to the manager's day page (call from AppConfig.ready)."""
    if panel not in PANELS:
        PANELS.append(panel)
    return panel


def day_figures(*, site: Site, day: datetime.date) -> list[Figure]:
    from .referrals.models import Referral, ReferralStatus

    counts = (
        Visit.objects.active()
        .filter(site=site, date=day)
        .aggregate(
            arrived=Count("pk"),
            ready=Count("pk", filter=Q(readiness__in=[Readiness.READY, Readiness.LIGHT])),
            unassessed=Count("pk", filter=Q(readiness=Readiness.UNKNOWN)),
        )
    )
    due = Referral.objects.filter(
        site=site,
        follow_up_on__lte=day,
        status__in=[ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACCEPTED],
    ).count()
    checkin = reverse("checkin")
    figures = [
        Figure(counts["arrived"], _("arrived"), checkin),
        Figure(counts["ready"], _("ready or light duties"), checkin),
        Figure(counts["unassessed"], _("not yet assessed"), checkin),
        Figure(due, _("open referrals due"), reverse("referrals:follow_up")),
    ]
    for panel in PANELS:
        figures.extend(panel(site, day))
    return figures
