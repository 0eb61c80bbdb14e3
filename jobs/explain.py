"""Why a person was or was not drawn, in words, from a stored lottery entry and the rules in force."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .lottery import GUARANTEE_EARNED, GUARANTEE_UNLUCKY, NOT_ELIGIBLE_WEEKLY_CAP
from .models import LotteryEntry, Outcome


def explain(entry: LotteryEntry, rules: dict) -> str:
    """For example "Not drawn; 2 unlucky days in a row; guaranteed next time"."""
    if entry.outcome == Outcome.DRAWN:
        if entry.guaranteed == GUARANTEE_EARNED:
            return _("Drawn; guaranteed place earned earlier")
        if entry.guaranteed == GUARANTEE_UNLUCKY:
            return ngettext(
                "Drawn; guaranteed after %(days)s unlucky day in a row",
                "Drawn; guaranteed after %(days)s unlucky days in a row",
                entry.unlucky_days,
            ) % {"days": entry.unlucky_days}
        return _("Drawn as number %(position)s") % {"position": entry.position}
    if entry.outcome == Outcome.FROM_WAITING:
        return _("Got a place that freed up (waiting list number %(position)s)") % {
            "position": entry.waiting_position
        }
    if entry.outcome == Outcome.WAITING:
        return _("Arrived after the draw; number %(position)s on the waiting list") % {
            "position": entry.waiting_position
        }
    if entry.outcome == Outcome.NOT_DRAWN:
        days = entry.unlucky_days + 1
        text = ngettext(
            "Not drawn (number %(position)s); %(days)s unlucky day in a row",
            "Not drawn (number %(position)s); %(days)s unlucky days in a row",
            days,
        ) % {"position": entry.position, "days": days}
        if rules.get("guarantee_enabled") and days >= rules.get("guarantee_after_days", 0):
            text += "; " + _("guaranteed next time")
        return text
    if entry.reason == NOT_ELIGIBLE_WEEKLY_CAP:
        return _("Not in the draw: has worked %(days)s days this week (at most %(cap)s)") % {
            "days": entry.worked_this_week,
            "cap": rules.get("weekly_cap_days"),
        }
    if entry.reason == "excluded":
        return _("Not in the draw: excluded today")
    return _("Not in the draw: not ready for work")
