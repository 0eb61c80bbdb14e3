"""The jobs app's figures on the manager's day page: drawn, on tasks, hours signed off."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dagsverket.glance import Figure

from .models import Assignment, LotteryEntry, Outcome, Task
from .selectors import day_place_counts


def day_figures(site, day) -> list[Figure]:
    drawn = LotteryEntry.objects.filter(
        draw__site=site,
        draw__date=day,
        draw__current=True,
        outcome__in=[Outcome.DRAWN, Outcome.FROM_WAITING, Outcome.NO_DRAW],
    ).count()
    tasks = list(Task.objects.filter(site=site, date=day).annotate(crew=Count("assignments")).order_by("pk"))
    at_work = Assignment.objects.filter(task__site=site, date=day).values("participant_id").distinct().count()
    signed_off = sum(1 for task in tasks if task.signed_off_at)
    # The day's places as the board and the lottery count them, not the site's default.
    places = day_place_counts(site=site, day=day).places
    return [
        Figure(places, _("places today"), reverse("jobs:lottery")),
        Figure(drawn, _("drawn"), reverse("jobs:lottery")),
        Figure(at_work, _("on %(count)s tasks") % {"count": len(tasks)}, reverse("jobs:today")),
        Figure(f"{signed_off}/{len(tasks)}", _("tasks with hours signed off"), reverse("jobs:today")),
    ]
