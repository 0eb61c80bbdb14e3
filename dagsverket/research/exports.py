"""Research exports of a study, long and wide, under the rules of the evaluation exports.

Intention to treat: every randomised live enrolment is a row, in the arm it was allocated to, with
its trial status and the month it took effect. Data is removed only where the consent says so: a
withdrawal of consent whose form says the data collected so far may not be kept (or a research
consent withdrawn elsewhere, where the answer was not recorded) leaves the person's row with arm
and status and no measures. The study's own pseudonyms (its evaluation project's key); no name,
ID, phone, address or free text (deviation and correction reasons stay in the system); dates as
months, with the window flags worked out on the exact dates. Every export is logged first.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..access import permission_required
from ..evaluation.anonymity import STUDY_PROFILE_COLUMNS, study_coarsen
from ..evaluation.coarsening import coarsen_date
from ..evaluation.downloads import export_busy, export_response
from ..evaluation.exporters import Exporter, safe_text
from ..evaluation.models import DateCoarsening, ProjectPseudonym
from ..evaluation.pseudonyms import pseudonyms_ensure
from ..evaluation.selectors import projects_for_user
from ..evaluation.services import export_log_record
from ..referrals.models import Consent, ConsentPurpose
from ..services import DagsverketError
from .forms import ResearchExportForm
from .models import (
    EQ5D5L_DIMENSIONS,
    AllocationSlot,
    Correction,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Item,
    Response,
    ScoringMethod,
    SessionAttendance,
    Study,
    TrialStatus,
    Wave,
    WaveClosure,
)
from .randomisation import age_band_label
from .scoring import WHOQOL_DOMAINS

OUTCOME_MEASURES = [
    "employment_status",
    "hours_worked",
    "income",
    "benefits",
    "gp_contacts",
    "specialist_contacts",
    "emergency_contacts",
]
PERSON_COLUMNS = [
    "pseudonym",
    "arm",
    "site",
    "sex",
    "age_band",
    "enrolled",
    "randomised",
    "trial_status",
    "status_from",
    "data_removed",
]
EQ5D5L = "eq5d5l"
WAVE_FLAGS = ["completed", "deviations", "corrected", "missed"]
SCORE_SUFFIXES = ["raw_sum", "score", "valid", "missing", "bands"]
WHOQOL_SUBSCORES = ["q1", "q2"] + [
    f"{domain}_{scale}" for domain in WHOQOL_DOMAINS for scale in ("4_20", "0_100")
]


def instrument_columns(instrument, item_codes: list[str]) -> list[str]:
    """The measures of one instrument in a wave: dates and flags, item answers, then scores."""
    code = instrument.code
    columns = [f"{code}_answered", f"{code}_deviations", f"{code}_corrected", *item_codes]
    if instrument.scoring == ScoringMethod.WHOQOL:
        columns += [f"{code}_raw_sum", f"{code}_valid", f"{code}_missing"]
        columns += [f"{code}_{name}" for name in WHOQOL_SUBSCORES]
    elif not instrument.score_only:
        columns += [f"{code}_{suffix}" for suffix in SCORE_SUFFIXES]
    if code == EQ5D5L:
        columns.append(f"{code}_index")  # blank unless the study names a loaded value set
    return columns


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(part) for part in value)
    return str(value)


class StudyExporter(Exporter):
    """Collects the study's rows once in `prepare()` (a trial has hundreds of people, not millions)."""

    def __init__(self, *, study: Study, progress=None):
        super().__init__(
            project=study.project, start=study.project.starts_on, end=study.project.ends_on, progress=progress
        )
        self.study = study

    def parameters(self) -> dict:
        return {"study": self.study.name}

    def metadata(self) -> dict:
        return {
            **super().metadata(),
            "study": self.study.name,
            "ethics_reference": self.study.ethics_reference,
            "date_coarsening": DateCoarsening.MONTH,
            "codebook": "docs/CODEBOOK.md#research-trial-exports",
            "eq5d5l_value_set": str(self.study.eq5d_value_set or ""),
        }

    def _people(self) -> list[dict]:
        enrolments = list(
            Enrolment.objects.filter(study=self.study, is_live=True, status=EnrolmentStatus.ALLOCATED)
            .select_related("site")
            .order_by("pk")
        )
        ids = [enrolment.participant_id for enrolment in enrolments]
        pseudonyms_ensure(project=self.project, participant_ids=ids)
        codes = dict(
            ProjectPseudonym.objects.filter(project=self.project, participant_id__in=ids).values_list(
                "participant_id", "code"
            )
        )
        allocations = {
            row["enrolment_id"]: row
            for row in AllocationSlot.objects.filter(enrolment__in=enrolments).values(
                "enrolment_id", "arm__code", "revealed_at"
            )
        }
        in_force = self._consented() or set()
        # A research consent withdrawn outside the trial-status page: the status is a withdrawal
        # of consent, and with no answer on keeping the data, the data is removed.
        withdrawn = dict(
            Consent.objects.filter(
                purpose=ConsentPurpose.RESEARCH, participant_id__in=ids, withdrawn_on__isnull=False
            )
            .filter(project__iexact=self.study.project.name)
            .values_list("participant_id", "withdrawn_on")
        )
        people = []
        for enrolment in enrolments:
            status, since, kept = (
                enrolment.trial_status,
                enrolment.trial_status_on,
                enrolment.data_may_be_kept,
            )
            if status != TrialStatus.WITHDREW_CONSENT and (
                enrolment.participant_id in withdrawn and enrolment.participant_id not in in_force
            ):
                status, since, kept = TrialStatus.WITHDREW_CONSENT, withdrawn[enrolment.participant_id], None
            allocation = allocations.get(enrolment.pk, {})
            people.append(
                {
                    "enrolment": enrolment,
                    "withdrawn_on": since if status == TrialStatus.WITHDREW_CONSENT else None,
                    "data_removed": status == TrialStatus.WITHDREW_CONSENT and not kept,
                    "pseudonym": codes[enrolment.participant_id],
                    "arm": allocation.get("arm__code", ""),
                    "site": safe_text(enrolment.site.name),
                    "sex": enrolment.sex,
                    "age_band": age_band_label(enrolment.age, self.study.age_band_starts)
                    if enrolment.age
                    else "",
                    "enrolled": coarsen_date(enrolment.baseline_on, DateCoarsening.MONTH),
                    "randomised": coarsen_date(
                        timezone.localtime(allocation["revealed_at"]).date(), DateCoarsening.MONTH
                    )
                    if allocation
                    else "",
                    "trial_status": str(status),
                    "status_from": coarsen_date(since, DateCoarsening.MONTH) if since else "",
                }
            )
        for person in people:
            person["data_removed"] = "1" if person["data_removed"] else "0"
        people.sort(key=lambda person: person["pseudonym"])
        # k over the trial's own person columns (the evaluation exports of the project take the
        # trial's columns into their own k check): coarsened, or refused without a number.
        self.notes.append(f"quasi-identifier level: {', '.join(study_coarsen(people)) or 'arm only'}")
        if any(person["data_removed"] == "1" for person in people):
            self.notes.append(
                _(
                    "Rows with data_removed=1 keep their arm and status (intention to treat); their "
                    "measures are removed as their consent says."
                )
            )
        return people

    def _measures(self, people) -> dict:
        """(enrolment id, wave code) -> {measure: value}, plus course attendance; six queries.
        Nothing for a person whose data is removed, nothing dated on or after a withdrawal."""
        keep = {
            person["enrolment"].pk: person["withdrawn_on"]
            for person in people
            if person["data_removed"] == "0"
        }
        enrolments = list(keep)

        def allowed(enrolment_id, day) -> bool:
            cutoff = keep.get(enrolment_id)
            return cutoff is None or day < cutoff

        corrected: dict[tuple[str, int], set[str]] = {}
        for row in Correction.objects.filter(enrolment__in=enrolments).values(
            "response_id", "follow_up_id", "field"
        ):
            key = (
                ("response", row["response_id"]) if row["response_id"] else ("follow_up", row["follow_up_id"])
            )
            corrected.setdefault(key, set()).add(row["field"].removeprefix("item:"))
        values: dict[tuple[int, str], dict[str, object]] = {}
        for follow_up in FollowUp.objects.filter(enrolment__in=enrolments).select_related("wave"):
            if not allowed(follow_up.enrolment_id, follow_up.done_on):
                continue
            cell = values.setdefault((follow_up.enrolment_id, follow_up.wave.code), {})
            cell["completed"] = coarsen_date(follow_up.done_on, DateCoarsening.MONTH)
            cell["deviations"] = _text(follow_up.deviations)
            cell["corrected"] = _text(sorted(corrected.get(("follow_up", follow_up.pk), ())))
            for measure in OUTCOME_MEASURES:
                cell[measure] = _text(getattr(follow_up, measure))
        for enrolment_id, wave_code in WaveClosure.objects.filter(enrolment__in=enrolments).values_list(
            "enrolment_id", "wave__code"
        ):
            values.setdefault((enrolment_id, wave_code), {})["missed"] = "1"
        value_set = self.study.eq5d_value_set
        for response in Response.objects.filter(enrolment__in=enrolments).select_related(
            "wave", "instrument"
        ):
            if not allowed(response.enrolment_id, response.answered_on):
                continue
            cell = values.setdefault((response.enrolment_id, response.wave.code), {})
            code = response.instrument.code
            cell[f"{code}_answered"] = coarsen_date(response.answered_on, DateCoarsening.MONTH)
            cell[f"{code}_deviations"] = _text(response.deviations)
            cell[f"{code}_corrected"] = _text(sorted(corrected.get(("response", response.pk), ())))
            for item_code, value in response.answers.items():
                cell[item_code] = _text(value)
            if response.instrument.scoring == ScoringMethod.WHOQOL:
                cell[f"{code}_raw_sum"] = _text(response.raw_sum)
                cell[f"{code}_valid"] = "1" if response.valid else "0"
                cell[f"{code}_missing"] = str(response.missing)
                for name, value in response.subscores.items():
                    cell[f"{code}_{name}"] = value
            elif not response.instrument.score_only:
                cell[f"{code}_raw_sum"] = _text(response.raw_sum)
                cell[f"{code}_score"] = response.shown_score
                cell[f"{code}_valid"] = "1" if response.valid else "0"
                cell[f"{code}_missing"] = str(response.missing)
                cell[f"{code}_bands"] = _text(response.bands)
            if code == EQ5D5L and value_set is not None:
                levels = {
                    dimension: response.answers.get(f"{EQ5D5L}_{dimension}")
                    for dimension in EQ5D5L_DIMENSIONS
                }
                cell[f"{code}_index"] = _text(value_set.index(levels))
        attended: dict[int, int] = {}
        for enrolment_id, came in SessionAttendance.objects.filter(enrolment__in=enrolments).values_list(
            "enrolment_id", "attended"
        ):
            attended[enrolment_id] = attended.get(enrolment_id, 0) + int(came)
        for enrolment_id, count in attended.items():
            values.setdefault((enrolment_id, "course"), {})["sessions_attended"] = str(count)
        return values

    def _person_values(self, person) -> list:
        return [person[column] for column in PERSON_COLUMNS]


def study_profiles_for_project(project, participant_ids) -> dict[int, tuple]:
    """What the trial of this project publishes about each of these people, as its export does now
    (registered with the evaluation's k-anonymity check in `ResearchConfig.ready()`); people outside
    the trial are left out."""
    study = Study.objects.filter(project=project).first()
    if study is None:
        return {}
    try:
        people = StudyExporter(study=study)._people()
    except DagsverketError:
        return {}  # the trial export is refused: it publishes nothing to join on
    wanted = set(participant_ids)
    return {
        person["enrolment"].participant_id: tuple(person[column] for column in STUDY_PROFILE_COLUMNS)
        for person in people
        if person["enrolment"].participant_id in wanted
    }


class StudyLongExporter(StudyExporter):
    """One row per pseudonym, wave and measure."""

    kind = "study_long"

    def prepare(self) -> "StudyLongExporter":
        people = self._people()
        values = self._measures(people)
        months = dict(Wave.objects.filter(study=self.study).values_list("code", "months"))
        self.rows = []
        for person in people:
            cells = sorted(
                (
                    (wave, measures)
                    for (enrolment_id, wave), measures in values.items()
                    if enrolment_id == person["enrolment"].pk
                ),
                key=lambda pair: (months.get(pair[0], 999), pair[0]),
            )
            for wave, measures in cells:
                for measure, value in sorted(measures.items()):
                    self.rows.append(
                        [*self._person_values(person), wave, months.get(wave, ""), measure, value]
                    )
        self.row_count = len(self.rows)
        return self

    def header(self) -> list[str]:
        return [*PERSON_COLUMNS, "wave", "months", "measure", "value"]

    def iter_rows(self):
        yield self.header()
        yield from self.rows


class StudyWideExporter(StudyExporter):
    """One row per pseudonym; a column per wave and measure (`m6_audit_score`)."""

    kind = "study_wide"

    def prepare(self) -> "StudyWideExporter":
        people = self._people()
        values = self._measures(people)
        waves = list(Wave.objects.filter(study=self.study).prefetch_related("instruments").order_by("months"))
        item_codes: dict[int, list[str]] = {}
        for instrument_id, code in Item.objects.order_by("instrument_id", "number").values_list(
            "instrument_id", "code"
        ):
            item_codes.setdefault(instrument_id, []).append(code)
        columns = []
        for wave in waves:
            columns += [(wave.code, flag) for flag in WAVE_FLAGS]
            if wave.kind == "registry":
                continue
            columns += [(wave.code, measure) for measure in OUTCOME_MEASURES]
            for instrument in wave.instruments.all():
                columns += [
                    (wave.code, column)
                    for column in instrument_columns(instrument, item_codes.get(instrument.pk, []))
                ]
        columns.append(("course", "sessions_attended"))
        self.columns = columns
        self.rows = [
            [
                *self._person_values(person),
                *(
                    values.get((person["enrolment"].pk, wave), {}).get(measure, "")
                    for wave, measure in columns
                ),
            ]
            for person in people
        ]
        self.row_count = len(self.rows)
        return self

    def header(self) -> list[str]:
        return [*PERSON_COLUMNS, *(f"{wave}_{measure}" for wave, measure in self.columns)]

    def iter_rows(self):
        yield self.header()
        yield from self.rows


@require_GET
@permission_required("export_evaluation", site=False)
def export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A study's long or wide export, for evaluators named on the study (and managers)."""
    study = get_object_or_404(Study.objects.select_related("project"), pk=pk)
    if not projects_for_user(request.user).filter(pk=study.project_id).exists():
        raise Http404
    form = ResearchExportForm(request.GET)
    if not form.is_valid():
        return render(request, "dagsverket/evaluation/export_error.html", {"form": form}, status=400)
    data = form.cleaned_data
    exporter_class = StudyLongExporter if data["kind"] == "long" else StudyWideExporter
    fmt = data["format"]
    try:
        exporter = exporter_class(study=study).prepare()
    except DagsverketError as error:
        export_log_record(
            user=request.user,
            project=study.project,
            kind=exporter_class.kind,
            parameters={"study": study.name, "format": fmt, "refused": error.code},
            row_count=None,
        )
        form.add_error(None, error.message)
        return render(request, "dagsverket/evaluation/export_error.html", {"form": form}, status=400)
    try:
        return export_response(
            user=request.user,
            project=study.project,
            exporter=exporter,
            fmt=fmt,
            codebook=data["codebook"],
            name=f"{exporter.kind}-{study.pk}-{timezone.localdate():%Y%m%d}",
            parameters={**exporter.parameters(), "format": fmt, "codebook": data["codebook"]},
        )
    except DagsverketError as error:  # busy: too many big exports running
        return export_busy(request, form, error)
