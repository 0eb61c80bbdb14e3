"""How the evaluation's exports and releases coarsen what they publish: dates to weeks or months,
ages to bands. Shared by the exporters and the release grid, so neither imports the other."""

import datetime

from .models import DateCoarsening


def coarsen_date(day: datetime.date | str | None, how: str) -> str:
    if day is None:
        return ""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day[:10])
    if how == DateCoarsening.MONTH:
        return f"{day:%Y-%m}"
    if how == DateCoarsening.WEEK:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def age_band(age: int | None, width: int = 10) -> str:
    """`30-39` for width 10; under 20 and 60 and over are open bands so the ends are never small."""
    if age is None:
        return "unknown"
    if age < 20:
        return "-19"
    if age >= 60:
        return "60-"
    low = 20 + (age - 20) // width * width
    return f"{low}-{min(low + width - 1, 59)}"
