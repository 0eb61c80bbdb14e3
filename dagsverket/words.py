"""Codes as words: what a page shows instead of `national_id`, `person_period` or
`age_band=18-34|sex=f|site=3`, and staff by their names instead of their usernames.

One place for each, so the access log, its filter, the export log and the trial's strata read the
same on every page. A code without a word (an old log entry) is shown as it is.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACCESS_WHAT = {
    "national_id": _("National ID number"),
    "national_id_tax_card": _("National ID number (tax card)"),
    "national_id_monthly_report": _("National ID numbers (monthly report)"),
    "readiness": _("Readiness and its reasons"),
    "readiness_notes": _("Readiness notes"),
    "referrals": _("Referrals"),
    "referral": _("Referral"),
    "referral letter": _("Referral letter"),
    "consents": _("Consents"),
    "exclusions": _("Exclusions"),
    "history": _("Change history"),
    "ips_career_profile": _("IPS career profile"),
    "research_enrolment": _("Trial enrolment and scores"),
    "research_history": _("Trial corrections and history"),
    "subject-access export (json)": _("Subject access export (JSON)"),
    "subject-access export (pdf)": _("Subject access export (PDF)"),
}

EXPORT_KIND = {
    "attendance": _("Attendance per visit"),
    "person_period": _("Person-periods"),
    "statistics": _("Statistics"),
    "study_long": _("Trial data, one row per wave"),
    "study_wide": _("Trial data, one row per person"),
}

STRATUM_FACTOR = {"site": _("Site"), "sex": _("Sex"), "age_band": _("Age")}
SEX = {"f": _("woman"), "m": _("man"), "x": _("other")}


def staff_name(user) -> str:
    """A staff member by name: the full name, the username only when no name is set."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def access_what(code: str) -> str:
    return str(ACCESS_WHAT.get(code, code))


def export_kind(code: str) -> str:
    return str(EXPORT_KIND.get(code, code))


def stratum_words(key: str, site_names: dict | None = None) -> str:
    """`age_band=18-34|sex=f|site=3` as "Age 18-34 · Sex: woman · Site: Trondheim"."""
    if not key or key == "all":
        return gettext("Everyone (one stratum)")
    parts = []
    for part in key.split("|"):
        factor, _sep, value = part.partition("=")
        if factor == "sex":
            value = str(SEX.get(value, value))
        elif factor == "site" and site_names:
            value = site_names.get(value, value)
        parts.append(f"{STRATUM_FACTOR.get(factor, factor)}: {value}")
    return " · ".join(parts)
