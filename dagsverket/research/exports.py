"""Research exports of a study, long and wide, under the rules of the evaluation exports.

Only live, allocated enrolments of participants whose research consent for the study is in force
today; the study's own pseudonyms (its evaluation project's key); no name, ID, phone, address or
free text; dates as months; age in the study's age bands. Every export is logged first.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..access import permission_required
from ..evaluation.anonymity import study_coarsen
from ..evaluation.downloads import export_response
from ..evaluation.exporters import Exporter, coarsen_date, safe_text
from ..evaluation.models import DateCoarsening, ProjectPseudonym
from ..evaluation.pseudonyms import pseudonyms_ensure
from ..evaluation.selectors import projects_for_user
from ..evaluation.services import export_log_record
from ..services import DagsverketError
from .forms import ResearchExportForm
from .models import (
    AllocationSlot,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Item,
    Response,
    SessionAttendance,
    Study,
    Wave,
)
from .randomisation import age_band_label

OUTCOME_MEASURES = [
    "employment_status",
    "hours_worked",
    "income",
    "benefits",
    "gp_contacts",
    "specialist_contacts",
    "emergency_contacts",
]
PERSON_COLUMNS = ["pseudonym", "arm", "site", "sex", "age_band", "enrolled"]


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
        }

    def _people(self) -> list[dict]:
        enrolments = Enrolment.objects.filter(
            study=self.study, is_live=True, status=EnrolmentStatus.ALLOCATED
        ).select_related("site")
        consented = self._consented()
        if consented is not None:
            enrolments = enrolments.filter(participant_id__in=consented)
        enrolments = list(enrolments.order_by("pk"))
        ids = [enrolment.participant_id for enrolment in enrolments]
        pseudonyms_ensure(project=self.project, participant_ids=ids)
        codes = dict(
            ProjectPseudonym.objects.filter(project=self.project, participant_id__in=ids).values_list(
                "participant_id", "code"
            )
        )
        arms = dict(
            AllocationSlot.objects.filter(enrolment__in=enrolments).values_list("enrolment_id", "arm__code")
        )
        people = [
            {
                "enrolment": enrolment,
                "pseudonym": codes[enrolment.participant_id],
                "arm": arms.get(enrolment.pk, ""),
                "site": safe_text(enrolment.site.name),
                "sex": enrolment.sex,
                "age_band": age_band_label(enrolment.age, self.study.age_band_starts)
                if enrolment.age
                else "",
                "enrolled": coarsen_date(enrolment.baseline_on, DateCoarsening.MONTH),
            }
            for enrolment in enrolments
        ]
        people.sort(key=lambda person: person["pseudonym"])
        # k over the trial's own person columns (the evaluation exports of the project take the
        # trial's columns into their own k check): coarsened, or refused without a number.
        self.notes.append(f"quasi-identifier level: {', '.join(study_coarsen(people)) or 'arm only'}")
        return people

    def _measures(self, enrolments) -> dict:
        """(enrolment id, wave code) -> {measure: value}, plus course attendance; four queries."""
        values: dict[tuple[int, str], dict[str, object]] = {}
        for follow_up in FollowUp.objects.filter(enrolment__in=enrolments).select_related("wave"):
            cell = values.setdefault((follow_up.enrolment_id, follow_up.wave.code), {})
            cell["completed"] = coarsen_date(follow_up.done_on, DateCoarsening.MONTH)
            for measure in OUTCOME_MEASURES:
                cell[measure] = _text(getattr(follow_up, measure))
        for response in Response.objects.filter(enrolment__in=enrolments).select_related(
            "wave", "instrument"
        ):
            cell = values.setdefault((response.enrolment_id, response.wave.code), {})
            code = response.instrument.code
            if response.instrument.score_only:
                for item_code, value in response.answers.items():
                    cell[item_code] = _text(value)
            else:
                cell[f"{code}_score"] = response.shown_score
                cell[f"{code}_valid"] = "1" if response.valid else "0"
                cell[f"{code}_missing"] = str(response.missing)
                cell[f"{code}_bands"] = _text(response.bands)
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


class StudyLongExporter(StudyExporter):
    """One row per pseudonym, wave and measure."""

    kind = "study_long"

    def prepare(self) -> "StudyLongExporter":
        people = self._people()
        values = self._measures([person["enrolment"] for person in people])
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
        values = self._measures([person["enrolment"] for person in people])
        waves = list(Wave.objects.filter(study=self.study).prefetch_related("instruments").order_by("months"))
        columns = []
        for wave in waves:
            columns.append((wave.code, "completed"))
            columns += [(wave.code, measure) for measure in OUTCOME_MEASURES]
            for instrument in wave.instruments.all():
                if instrument.score_only:
                    codes = Item.objects.filter(instrument=instrument).values_list("code", flat=True)
                    columns += [(wave.code, code) for code in codes]
                else:
                    columns += [
                        (wave.code, f"{instrument.code}_{suffix}")
                        for suffix in ("score", "valid", "missing", "bands")
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
    return export_response(
        user=request.user,
        project=study.project,
        exporter=exporter,
        fmt=fmt,
        codebook=data["codebook"],
        name=f"{exporter.kind}-{study.pk}-{timezone.localdate():%Y%m%d}",
        parameters={**exporter.parameters(), "format": fmt, "codebook": data["codebook"]},
    )
