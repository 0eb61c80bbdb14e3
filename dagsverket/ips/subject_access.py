"""The IPS log's part of the subject-access export: the caseload entries with the career profile,
the employer contacts made for the person, and their jobs. Registered from `IpsConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from dagsverket.models import Participant
from dagsverket.subject_access import Section, _model_section, subject_access_section

from .models import CareerProfile, CaseloadEntry, EmployerContact, JobStart


def _profile(field: str):
    def value(entry: CaseloadEntry) -> str:
        try:
            return getattr(entry.profile, field)
        except CareerProfile.DoesNotExist:
            return ""

    return (CareerProfile._meta.get_field(field).verbose_name, value)


@subject_access_section
def ips_caseload_section(participant: Participant) -> Section:
    fields = ["work_history", "preferences", "goals", "strengths", "barriers"]
    return _model_section(
        "ips_caseload",
        _("IPS caseload"),
        CaseloadEntry.objects.filter(participant=participant)
        .select_related("site", "specialist", "profile")
        .order_by("started_on", "pk"),
        ["site", "specialist", "started_on", "ended_on", "end_reason", *fields],
        extra={field: _profile(field) for field in fields},
    )


@subject_access_section
def ips_contacts_section(participant: Participant) -> Section:
    return _model_section(
        "ips_employer_contacts",
        _("Employer contacts"),
        EmployerContact.objects.filter(entry__participant=participant)
        .select_related("specialist")
        .order_by("date", "pk"),
        ["date", "employer_name", "organisation_number", "face_to_face", "notes", "specialist"],
    )


@subject_access_section
def ips_jobs_section(participant: Participant) -> Section:
    return _model_section(
        "ips_jobs",
        _("Jobs and job starts"),
        JobStart.objects.filter(entry__participant=participant).order_by("started_on", "pk"),
        [
            "employer_name",
            "organisation_number",
            "started_on",
            "hours_per_week",
            "hourly_wage",
            "job_type",
            "four_paid_hours_on",
            "ended_on",
            "end_reason",
        ],
    )
