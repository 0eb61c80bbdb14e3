from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value) -> str:
    """A Decimal fraction as a whole percentage ('40 %'); a dash when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{number_format((Decimal(value) * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP))} %"


@register.filter
def ratio(value) -> str:
    """A metrics.Ratio as 'part/whole (percent)'."""
    if value is None or not value.whole:
        return "—"
    return f"{value.part}/{value.whole} ({percent(value.share)})"
