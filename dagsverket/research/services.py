"""Writes of the research trial: studies, lists, enrolment, lock, reveal, answers and follow-up."""

import csv
import datetime
import io
import secrets
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..evaluation.models import DateCoarsening
from ..evaluation.services import evaluation_project_create
from ..models import Participant, Site
from ..referrals.models import ConsentPurpose
from ..referrals.selectors import valid_consents
from ..referrals.services import consent_withdraw
from ..services import DagsverketError, log_action
from .models import (
    EQ5D5L_DIMENSIONS,
    AllocationExtension,
    AllocationList,
    AllocationSlot,
    Arm,
    Benefit,
    Correction,
    CourseSession,
    Deviation,
    EligibilityCriterion,
    EmploymentStatus,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Instrument,
    ResearchError,
    Response,
    SessionAttendance,
    StratificationFactor,
    Study,
    TrialStatus,
    ValueSet,
    Wave,
    WaveClosure,
    WaveKind,
)
from .randomisation import age_band_label, age_band_labels, allocation_list, strata_keys, stratum_sequence
from .scoring import score_answers
from .selectors import wave_window

# Wave names are data, in the language of the staff who use them.
DEFAULT_WAVES = [
    ("baseline", "Baseline", 0, WaveKind.QUESTIONNAIRE),
    ("m6", "6 måneder", 6, WaveKind.QUESTIONNAIRE),
    ("m12", "12 måneder", 12, WaveKind.QUESTIONNAIRE),
    ("m18", "18 måneder (registre)", 18, WaveKind.REGISTRY),
]
SEXES = ["f", "m", "x"]


def _create_once(model, *, message, lookup: dict, field: str | None = None, **fields):
    """Create the row unless one with `lookup` exists; a racing second request hits the unique
    constraint and gets the same refusal."""
    if model.objects.filter(**lookup).exists():
        raise ResearchError(message, code="duplicate", field=field)
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, **fields)
    except IntegrityError:
        raise ResearchError(message, code="duplicate", field=field) from None


def study_create(
    *,
    by,
    name: str,
    ethics_reference: str,
    purpose: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    sites: list[Site],
    arms: list[tuple],  # (code, name, ratio, has course[, delivers IPS])
    stratification: list[str],
    age_band_starts: list[int],
    block_multiples: list[int],
    criteria: list[str],
    instruments: list[Instrument],
    window_days: int = 30,
    slots_per_stratum: int = 120,
    evaluators=(),
    min_block_size: int = 4,
    prorated_instruments: list[str] = (),
) -> Study:
    """Register a study with its arms, waves and a development list; the live list comes at start."""
    name = name.strip()
    if not ethics_reference.strip():
        raise ResearchError(
            _("An ethics approval reference is required."), code="no_approval", field="ethics_reference"
        )
    if len(arms) < 2:
        raise ResearchError(_("A trial needs at least two arms."), code="arms", field="arms")
    codes, names = {code for code, *_rest in arms}, {arm[1].strip().casefold() for arm in arms}
    if len(codes) != len(arms) or len(names) != len(arms):
        raise ResearchError(_("Two arms have the same name."), code="arms", field="arm_2")
    if set(stratification) - set(StratificationFactor.values):
        raise ResearchError(_("Unknown stratification factor."), code="strata", field="stratification")
    if not sites:
        raise ResearchError(_("Choose at least one recruiting site."), code="sites", field="sites")
    if not block_multiples or min(block_multiples) < 1 or max(block_multiples) > 10:
        raise ResearchError(
            _("Block size multiples must be whole numbers from 1 to 10."),
            code="blocks",
            field="block_multiples",
        )
    ratio_sum = sum(arm[2] for arm in arms)
    if min_block_size < 2 or ratio_sum * min(block_multiples) < min_block_size:
        raise ResearchError(
            _("The smallest block would hold %(size)s allocations; this study allows no fewer than %(min)s.")
            % {"size": ratio_sum * min(block_multiples), "min": min_block_size},
            code="blocks",
            field="block_multiples",
        )
    if not age_band_starts or min(age_band_starts) < 0:
        raise ResearchError(_("Give the ages where bands start."), code="age_bands", field="age_band_starts")
    if Study.objects.filter(name=name).exists():
        raise ResearchError(_("A study with this name exists."), code="duplicate", field="name")
    with transaction.atomic():
        try:
            project = evaluation_project_create(
                by=by,
                name=name,
                purpose=purpose or name,
                approval_reference=ethics_reference,
                starts_on=starts_on,
                ends_on=ends_on,
                requires_research_consent=True,
                date_coarsening=DateCoarsening.MONTH,
                evaluators=evaluators,
            )
        except DagsverketError as error:
            raise ResearchError(error.message, code=error.code, field=error.field) from None
        study = Study.objects.create(
            name=name,
            ethics_reference=ethics_reference.strip(),
            project=project,
            stratification=sorted(set(stratification)),
            age_band_starts=sorted(set(age_band_starts)),
            block_multiples=sorted(set(block_multiples)),
            slots_per_stratum=slots_per_stratum,
            min_block_size=min_block_size,
            approved_from=starts_on,
            approved_until=ends_on,
            prorated_instruments=sorted(set(prorated_instruments)),
            created_by=by,
        )
        study.sites.set(sites)
        for order, (code, arm_name, ratio, has_course, *ips) in enumerate(arms):
            Arm.objects.create(
                study=study,
                code=code,
                name=arm_name,
                ratio=ratio,
                has_course=has_course,
                delivers_ips=bool(ips and ips[0]),
                order=order,
            )
        for order, text in enumerate(criteria):
            EligibilityCriterion.objects.create(study=study, text=text, order=order)
        for code, wave_name, months, kind in DEFAULT_WAVES:
            wave = Wave.objects.create(
                study=study, code=code, name=wave_name, months=months, window_days=window_days, kind=kind
            )
            if kind == WaveKind.QUESTIONNAIRE:
                wave.instruments.set(instruments)
        _generate_list(study=study, is_live=False, by=by)
        log_action(actor=by, action="study_create", obj=study, name=name)
    return study


def study_levels(study: Study) -> dict[str, list[str]]:
    levels = {}
    if StratificationFactor.SITE in study.stratification:
        levels["site"] = [str(pk) for pk in study.sites.order_by("pk").values_list("pk", flat=True)]
    if StratificationFactor.SEX in study.stratification:
        levels["sex"] = SEXES
    if StratificationFactor.AGE_BAND in study.stratification:
        levels["age_band"] = age_band_labels(study.age_band_starts)
    return levels


def stratum_of(study: Study, *, site_id: int, sex: str, age: int) -> str:
    values = {
        "site": str(site_id),
        "sex": sex,
        "age_band": age_band_label(age, study.age_band_starts),
    }
    factors = sorted(study.stratification)
    if not factors:
        return "all"
    return "|".join(f"{factor}={values[factor]}" for factor in factors)


def _generate_list(*, study: Study, is_live: bool, by) -> AllocationList:
    seed = secrets.randbits(62)
    arms = list(study.arms.order_by("order", "pk"))
    strata = strata_keys(study_levels(study))
    parameters = {
        "arms": [[arm.code, arm.ratio] for arm in arms],
        "strata": strata,
        "block_multiples": study.block_multiples,
        "length": study.slots_per_stratum,
    }
    listing = AllocationList.objects.create(
        study=study, is_live=is_live, seed=seed, parameters=parameters, created_by=by
    )
    by_code = {arm.code: arm for arm in arms}
    positions = allocation_list(
        seed=seed,
        strata=strata,
        arms=[(arm.code, arm.ratio) for arm in arms],
        block_multiples=study.block_multiples,
        length=study.slots_per_stratum,
    )
    AllocationSlot.objects.bulk_create(
        [
            AllocationSlot(
                allocation_list=listing,
                stratum=stratum,
                sequence=position.sequence,
                block=position.block,
                block_size=position.block_size,
                arm=by_code[position.arm],
            )
            for stratum, stratum_positions in positions.items()
            for position in stratum_positions
        ],
        batch_size=2000,
    )
    return listing


def study_start(*, study: Study, by) -> Study:
    """Generate the live allocation list, once; from now on enrolments are live."""
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        if study.is_started:
            raise ResearchError(_("The study has already started."), code="already_started")
        _generate_list(study=study, is_live=True, by=by)
        study.started_at = timezone.now()
        study.started_by = by
        study.save(update_fields=["started_at", "started_by"])
        log_action(actor=by, action="study_start", obj=study)
    return study


def research_consent_for(*, study: Study, participant: Participant, day: datetime.date):
    """The participant's research consent for this study in force on `day`, or None."""
    return (
        valid_consents(purpose=ConsentPurpose.RESEARCH, day=day)
        .filter(participant=participant)
        .filter(Q(project="") | Q(project__iexact=study.project.name))
        .order_by("-given_on", "-pk")
        .first()
    )


def _check_baseline(study: Study, *, sex: str, age: int | None, site: Site) -> None:
    if sex not in SEXES:
        raise ResearchError(_("Choose the participant's sex."), code="sex", field="sex")
    if age is None:
        raise ResearchError(_("Give the participant's age."), code="age", field="age")
    if not study.min_age <= age <= study.max_age:
        raise ResearchError(
            _("The study takes people aged %(low)s to %(high)s.")
            % {"low": study.min_age, "high": study.max_age},
            code="age",
            field="age",
        )
    if not study.sites.filter(pk=site.pk).exists():
        raise ResearchError(_("This site does not recruit to the study."), code="site", field="site")


def enrolment_screen(
    *,
    study: Study,
    participant: Participant,
    eligibility: dict[str, bool],
    sex: str,
    age: int | None,
    baseline_on: datetime.date,
    responsible,
    by,
) -> Enrolment:
    """Record the screening of a participant. Practice enrolments (study not started) use the
    development list; a person is screened once per study (live) and once for practice."""
    site = participant.site
    _check_baseline(study, sex=sex, age=age, site=site)
    criteria = list(study.criteria.all())
    answers = {str(criterion.pk): bool(eligibility.get(str(criterion.pk))) for criterion in criteria}
    eligible = all(answers.values())
    with transaction.atomic():
        # Read the start under a lock: an enrolment is live exactly when the study has started.
        study = Study.objects.select_for_update().get(pk=study.pk)
        is_live = study.is_started
        enrolment = _create_once(
            Enrolment,
            message=_("This person is already screened for the study."),
            field="participant",
            lookup={"study": study, "participant": participant, "is_live": is_live},
            site=site,
            eligibility=answers,
            status=EnrolmentStatus.SCREENING if eligible else EnrolmentStatus.NOT_ELIGIBLE,
            sex=sex,
            age=age,
            stratum=stratum_of(study, site_id=site.pk, sex=sex, age=age),
            baseline_on=baseline_on,
            responsible=responsible,
            screened_by=by,
        )
        log_action(actor=by, action="enrolment_screen", obj=enrolment, site=site, eligible=eligible)
    return enrolment


def enrolment_lock(*, enrolment: Enrolment, by) -> Enrolment:
    """Freeze screening and baseline. Needs every criterion met and a research consent in force."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("study__project")
            .get(pk=enrolment.pk)
        )
        if enrolment.is_locked:
            return enrolment
        if enrolment.status == EnrolmentStatus.NOT_ELIGIBLE or not all(enrolment.eligibility.values()):
            raise ResearchError(_("The person does not meet every criterion."), code="not_eligible")
        consent = research_consent_for(
            study=enrolment.study, participant=enrolment.participant, day=timezone.localdate()
        )
        if consent is None:
            raise ResearchError(
                _("Record the person's research consent for this study first."), code="no_consent"
            )
        enrolment.consent = consent
        enrolment.locked_at = timezone.now()
        enrolment.locked_by = by
        enrolment.status = EnrolmentStatus.LOCKED
        enrolment.save(update_fields=["consent", "locked_at", "locked_by", "status"])
        log_action(actor=by, action="enrolment_lock", obj=enrolment, site=enrolment.site)
    return enrolment


def allocation_reveal(*, enrolment: Enrolment, by) -> AllocationSlot:
    """Take the next unused position of the enrolment's stratum and reveal it, once. A repeated
    request returns the same allocation. Reveals of one list are serialised by locking the list."""
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if existing := AllocationSlot.objects.filter(enrolment=enrolment).select_related("arm").first():
            return existing
        if not enrolment.is_locked:
            raise ResearchError(_("Lock the enrolment before the allocation is revealed."), code="not_locked")
        listing = (
            AllocationList.objects.select_for_update()
            .filter(study_id=enrolment.study_id, is_live=enrolment.is_live)
            .first()
        )
        if listing is None:
            raise ResearchError(_("The study has no allocation list."), code="no_list")
        slot = (
            AllocationSlot.objects.filter(
                allocation_list=listing, stratum=enrolment.stratum, enrolment__isnull=True
            )
            .order_by("sequence")
            .select_related("arm")
            .first()
        )
        if slot is None:
            raise ResearchError(
                _("The allocation list of this stratum is used up; ask the trial statistician."),
                code="list_exhausted",
            )
        slot.enrolment = enrolment
        slot.revealed_at = timezone.now()
        slot.revealed_by = by
        slot.save(update_fields=["enrolment", "revealed_at", "revealed_by"])
        enrolment.status = EnrolmentStatus.ALLOCATED
        enrolment.save(update_fields=["status"])
        log_action(
            actor=by,
            action="allocation_reveal",
            obj=enrolment,
            site=enrolment.site,
            arm=slot.arm.code,
            live=enrolment.is_live,
        )
    return slot


def _clean_answers(instrument: Instrument, raw: dict) -> dict:
    answers = {}
    for item in instrument.items.all():
        value = raw.get(item.code)
        if value in (None, ""):
            answers[item.code] = None
            continue
        if instrument.score_only:
            number = Decimal(str(value))
            if (item.min_value is not None and number < item.min_value) or (
                item.max_value is not None and number > item.max_value
            ):
                raise ResearchError(
                    _("The score is outside the instrument's range."), code="range", field=item.code
                )
            answers[item.code] = float(number) if number != number.to_integral() else int(number)
        else:
            allowed = {option.value for option in item.options.all()}
            if int(value) not in allowed:
                raise ResearchError(_("Choose one of the answers."), code="option", field=item.code)
            answers[item.code] = int(value)
    return answers


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _check_entry(
    *, enrolment: Enrolment, wave: Wave, day: datetime.date, deviation_reason: str, field: str
) -> list[str]:
    """Refuse data that cannot be right (future, before the study, before consent, a follow-up
    wave on or before baseline, after a withdrawal of consent or death); return the protocol
    deviations (out of window, baseline after allocation), which need a reason."""
    study = enrolment.study
    if day > timezone.localdate():
        raise ResearchError(_("The date is in the future."), code="future", field=field)
    starts = study.approved_from or study.project.starts_on
    if day < starts:
        raise ResearchError(_("The date is before the study started."), code="before_study", field=field)
    if enrolment.trial_status == TrialStatus.WITHDREW_CONSENT and (
        not enrolment.data_may_be_kept or day >= enrolment.trial_status_on
    ):
        raise ResearchError(
            _("The person withdrew consent on %(day)s: no data is recorded after that.")
            % {"day": f"{enrolment.trial_status_on:%d.%m.%Y}"},
            code="withdrew_consent",
            field=field,
        )
    if enrolment.trial_status == TrialStatus.DIED and day > enrolment.trial_status_on:
        raise ResearchError(_("The date is after the person's death."), code="after_death", field=field)
    if enrolment.trial_status == TrialStatus.LOST and day >= enrolment.trial_status_on:
        raise ResearchError(
            _("The person is recorded as lost to follow-up; set the status back to on study first."),
            code="lost",
            field=field,
        )
    if research_consent_for(study=study, participant=enrolment.participant, day=day) is None:
        raise ResearchError(
            _("The person had no research consent for the study in force on that day."),
            code="no_consent",
            field=field,
        )
    if wave.months > 0 and enrolment.baseline_on and day <= enrolment.baseline_on:
        raise ResearchError(
            _("A follow-up wave cannot be dated on or before the baseline."),
            code="before_baseline",
            field=field,
        )
    if WaveClosure.objects.filter(enrolment=enrolment, wave=wave).exists():
        raise ResearchError(_("This wave is closed as missed."), code="wave_closed")
    deviations = []
    if enrolment.baseline_on:
        window = wave_window(enrolment, wave)
        if day < window.opens_on:
            deviations.append(Deviation.BEFORE_WINDOW)
        elif day > window.closes_on:
            deviations.append(Deviation.AFTER_WINDOW)
    allocation = AllocationSlot.objects.filter(enrolment=enrolment).only("revealed_at").first()
    if wave.months == 0 and allocation is not None:
        deviations.append(Deviation.AFTER_ALLOCATION)
    if deviations and not deviation_reason.strip():
        labels = ", ".join(str(Deviation(code).label) for code in deviations)
        raise ResearchError(
            _("Protocol deviation (%(what)s): give the reason.") % {"what": labels},
            code="deviation_reason",
            field="deviation_reason",
        )
    return [str(code) for code in deviations]


def _score(instrument: Instrument, answers: dict, enrolment: Enrolment):
    return score_answers(
        instrument,
        answers,
        sex=enrolment.sex,
        prorate=instrument.code in (enrolment.study.prorated_instruments or []),
    )


def response_record(
    *,
    enrolment: Enrolment,
    wave: Wave,
    instrument: Instrument,
    answers: dict,
    answered_on: datetime.date,
    by,
    deviation_reason: str = "",
) -> Response:
    """Store a questionnaire and its score. A second submit of the same wave and instrument is
    refused, never a second row: a wrong value is corrected with `response_correct`."""
    enrolment = Enrolment.objects.select_related("study__project", "participant").get(pk=enrolment.pk)
    if wave.study_id != enrolment.study_id or wave.kind != WaveKind.QUESTIONNAIRE:
        raise ResearchError(_("This wave has no questionnaires."), code="wave")
    if not wave.instruments.filter(pk=instrument.pk).exists():
        raise ResearchError(_("This instrument is not used in this wave."), code="instrument")
    if enrolment.status != EnrolmentStatus.ALLOCATED and wave.months > 0:
        raise ResearchError(_("Follow-up starts after allocation."), code="not_allocated")
    if not enrolment.is_locked and wave.months == 0 and enrolment.status == EnrolmentStatus.NOT_ELIGIBLE:
        raise ResearchError(_("The person is not eligible."), code="not_eligible")
    deviations = _check_entry(
        enrolment=enrolment,
        wave=wave,
        day=answered_on,
        deviation_reason=deviation_reason,
        field="answered_on",
    )
    clean = _clean_answers(instrument, answers)
    result = _score(instrument, clean, enrolment)
    with transaction.atomic():
        response = _create_once(
            Response,
            message=_("This questionnaire is already recorded for the wave; correct it instead."),
            lookup={"enrolment": enrolment, "wave": wave, "instrument": instrument},
            answered_on=answered_on,
            answers=clean,
            score=result.score,
            raw_sum=result.raw_sum,
            subscores=result.subscores,
            valid=result.valid,
            missing=result.missing,
            bands=result.bands,
            deviations=deviations,
            deviation_reason=deviation_reason.strip() if deviations else "",
            recorded_by=by,
        )
        log_action(
            actor=by,
            action="response_record",
            obj=response,
            instrument=instrument.code,
            wave=wave.code,
            deviations=deviations,
        )
    return response


def follow_up_record(
    *,
    enrolment: Enrolment,
    wave: Wave,
    done_on: datetime.date,
    employment_status: str,
    hours_worked: Decimal | None,
    income: Decimal | None,
    benefits: list[str],
    gp_contacts: int | None,
    specialist_contacts: int | None,
    emergency_contacts: int | None,
    by,
    deviation_reason: str = "",
) -> FollowUp:
    """Record a wave's outcomes once."""
    enrolment = Enrolment.objects.select_related("study__project", "participant").get(pk=enrolment.pk)
    if wave.study_id != enrolment.study_id:
        raise ResearchError(_("This wave belongs to another study."), code="wave")
    if wave.months > 0 and enrolment.status != EnrolmentStatus.ALLOCATED:
        raise ResearchError(_("Follow-up starts after allocation."), code="not_allocated")
    if employment_status not in EmploymentStatus.values:
        raise ResearchError(_("Choose an employment status."), code="status", field="employment_status")
    if unknown := set(benefits) - set(Benefit.values):
        raise ResearchError(_("Unknown benefit: %(b)s.") % {"b": ", ".join(sorted(unknown))}, code="benefit")
    deviations = _check_entry(
        enrolment=enrolment, wave=wave, day=done_on, deviation_reason=deviation_reason, field="done_on"
    )
    with transaction.atomic():
        follow_up = _create_once(
            FollowUp,
            message=_("This wave is already recorded; correct it instead."),
            lookup={"enrolment": enrolment, "wave": wave},
            done_on=done_on,
            employment_status=employment_status,
            hours_worked=hours_worked,
            income=income,
            benefits=sorted(set(benefits)),
            gp_contacts=gp_contacts,
            specialist_contacts=specialist_contacts,
            emergency_contacts=emergency_contacts,
            deviations=deviations,
            deviation_reason=deviation_reason.strip() if deviations else "",
            recorded_by=by,
        )
        log_action(actor=by, action="follow_up_record", obj=follow_up, wave=wave.code, deviations=deviations)
    return follow_up


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _need_reason(reason: str) -> str:
    if not reason.strip():
        raise ResearchError(_("Give the reason for the correction."), code="reason", field="reason")
    return reason.strip()


def _check_correctable(enrolment: Enrolment) -> None:
    if enrolment.trial_status == TrialStatus.WITHDREW_CONSENT and not enrolment.data_may_be_kept:
        raise ResearchError(
            _("The person withdrew consent and their data may not be kept."), code="withdrew_consent"
        )


def response_correct(
    *, response: Response, answers: dict, answered_on: datetime.date, reason: str, by
) -> list[Correction]:
    """Correct a questionnaire: every changed answer (and the date) becomes a Correction row with
    the old and the new value and the reason; the score is computed again. Nothing changed, nothing
    written."""
    reason = _need_reason(reason)
    with transaction.atomic():
        response = (
            Response.objects.select_for_update(of=("self",))
            .select_related("enrolment__study__project", "enrolment__participant", "wave", "instrument")
            .get(pk=response.pk)
        )
        enrolment, instrument = response.enrolment, response.instrument
        _check_correctable(enrolment)
        clean = _clean_answers(instrument, answers)
        changes = [
            (f"item:{code}", response.answers.get(code), value)
            for code, value in clean.items()
            if response.answers.get(code) != value
        ]
        if answered_on != response.answered_on:
            deviations = _check_entry(
                enrolment=enrolment,
                wave=response.wave,
                day=answered_on,
                deviation_reason=reason,
                field="answered_on",
            )
            changes.append(("answered_on", response.answered_on.isoformat(), answered_on.isoformat()))
            response.answered_on = answered_on
            response.deviations = deviations
            response.deviation_reason = reason if deviations else ""
        if not changes:
            raise ResearchError(_("Nothing was changed."), code="unchanged")
        result = _score(instrument, clean, enrolment)
        if result.score != response.score:
            places = Decimal(1).scaleb(-instrument.score_decimals)
            old_score, new_score = (
                str(value.quantize(places)) if value is not None else None
                for value in (response.score, result.score)
            )
            changes.append(("score", old_score, new_score))
        response.answers = clean
        response.score, response.raw_sum, response.subscores = result.score, result.raw_sum, result.subscores
        response.valid, response.missing, response.bands = result.valid, result.missing, result.bands
        response.save()
        rows = Correction.objects.bulk_create(
            [
                Correction(
                    enrolment=enrolment,
                    response=response,
                    field=name,
                    old_value=old,
                    new_value=new,
                    reason=reason,
                    corrected_by=by,
                )
                for name, old, new in changes
            ]
        )
        log_action(
            actor=by,
            action="response_correct",
            obj=response,
            fields=[name for name, _old, _new in changes],
        )
    return rows


FOLLOW_UP_FIELDS = [
    "done_on",
    "employment_status",
    "hours_worked",
    "income",
    "benefits",
    "gp_contacts",
    "specialist_contacts",
    "emergency_contacts",
]


def follow_up_correct(*, follow_up: FollowUp, values: dict, reason: str, by) -> list[Correction]:
    """Correct a wave's outcomes; each changed value is a Correction row with old, new and reason."""
    reason = _need_reason(reason)
    with transaction.atomic():
        follow_up = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("enrolment__study__project", "enrolment__participant", "wave")
            .get(pk=follow_up.pk)
        )
        enrolment = follow_up.enrolment
        _check_correctable(enrolment)
        if values.get("employment_status", follow_up.employment_status) not in EmploymentStatus.values:
            raise ResearchError(_("Choose an employment status."), code="status", field="employment_status")
        if "benefits" in values:
            values = {**values, "benefits": sorted(set(values["benefits"]))}
            if unknown := set(values["benefits"]) - set(Benefit.values):
                raise ResearchError(
                    _("Unknown benefit: %(b)s.") % {"b": ", ".join(sorted(unknown))}, code="benefit"
                )
        changes = []
        for name in FOLLOW_UP_FIELDS:
            if name not in values:
                continue
            old, new = getattr(follow_up, name), values[name]
            if isinstance(old, Decimal) and new is not None:
                new = Decimal(str(new))
            if old == new:
                continue
            if name == "done_on":
                follow_up.deviations = _check_entry(
                    enrolment=enrolment,
                    wave=follow_up.wave,
                    day=new,
                    deviation_reason=reason,
                    field="done_on",
                )
                follow_up.deviation_reason = reason if follow_up.deviations else ""
            changes.append((name, _json_value(old), _json_value(new)))
            setattr(follow_up, name, new)
        if not changes:
            raise ResearchError(_("Nothing was changed."), code="unchanged")
        follow_up.save()
        rows = Correction.objects.bulk_create(
            [
                Correction(
                    enrolment=enrolment,
                    follow_up=follow_up,
                    field=name,
                    old_value=old,
                    new_value=new,
                    reason=reason,
                    corrected_by=by,
                )
                for name, old, new in changes
            ]
        )
        log_action(
            actor=by, action="follow_up_correct", obj=follow_up, fields=[name for name, _old, _new in changes]
        )
    return rows


def enrolment_status_set(
    *,
    enrolment: Enrolment,
    status: str,
    on: datetime.date,
    reason: str,
    by,
    data_may_be_kept: bool | None = None,
) -> Enrolment:
    """Record a randomised person's trial status with its date and reason. A withdrawal of consent
    needs the consent form's answer on keeping the data collected so far, and withdraws the
    research consent itself; a death is final. The person stays in the analysis either way."""
    if status not in TrialStatus.values:
        raise ResearchError(_("Choose a status."), code="status", field="status")
    if not reason.strip():
        raise ResearchError(_("Give the reason."), code="reason", field="reason")
    if status == TrialStatus.WITHDREW_CONSENT and data_may_be_kept is None:
        raise ResearchError(
            _("Say whether the data collected so far may be kept, as the consent form says."),
            code="data_may_be_kept",
            field="data_may_be_kept",
        )
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("study__project", "participant")
            .get(pk=enrolment.pk)
        )
        allocation = AllocationSlot.objects.filter(enrolment=enrolment).first()
        if allocation is None:
            raise ResearchError(_("Only a randomised person has a trial status."), code="not_allocated")
        if on > timezone.localdate():
            raise ResearchError(_("The date is in the future."), code="future", field="on")
        if on < _local_date(allocation.revealed_at):
            raise ResearchError(
                _("The date is before the randomisation."), code="before_allocation", field="on"
            )
        if enrolment.trial_status in {TrialStatus.DIED, TrialStatus.WITHDREW_CONSENT}:
            raise ResearchError(
                _("The status %(status)s is final.") % {"status": enrolment.get_trial_status_display()},
                code="final",
            )
        enrolment.trial_status = status
        enrolment.trial_status_on = on
        enrolment.trial_status_reason = reason.strip()
        enrolment.data_may_be_kept = data_may_be_kept if status == TrialStatus.WITHDREW_CONSENT else None
        enrolment.save(
            update_fields=["trial_status", "trial_status_on", "trial_status_reason", "data_may_be_kept"]
        )
        if status == TrialStatus.WITHDREW_CONSENT:
            for consent in valid_consents(purpose=ConsentPurpose.RESEARCH, day=on).filter(
                Q(project="") | Q(project__iexact=enrolment.study.project.name),
                participant=enrolment.participant,
            ):
                consent_withdraw(consent=consent, by=by, on=on)
        log_action(
            actor=by,
            action="trial_status_set",
            obj=enrolment,
            site=enrolment.site,
            status=status,
            on=on.isoformat(),
            data_may_be_kept=enrolment.data_may_be_kept,
        )
    return enrolment


def wave_close(*, enrolment: Enrolment, wave: Wave, reason: str, by) -> WaveClosure:
    """Close a wave that will not happen for this person as missed, with a reason."""
    if wave.study_id != enrolment.study_id:
        raise ResearchError(_("This wave belongs to another study."), code="wave")
    if not reason.strip():
        raise ResearchError(_("Give the reason."), code="reason", field="reason")
    if FollowUp.objects.filter(enrolment=enrolment, wave=wave).exists():
        raise ResearchError(_("This wave is recorded: it was not missed."), code="recorded")
    with transaction.atomic():
        closure = _create_once(
            WaveClosure,
            message=_("This wave is already closed."),
            lookup={"enrolment": enrolment, "wave": wave},
            reason=reason.strip(),
            closed_by=by,
        )
        log_action(actor=by, action="wave_close", obj=enrolment, wave=wave.code)
    return closure


def allocation_extend(
    *, study: Study, stratum: str, reason: str, by, length: int | None = None
) -> AllocationExtension:
    """Add positions to one stratum of the live list from a new seed, in whole blocks under the
    study's block rules; sequences continue after the last position. Logged; the seed stays in
    the database like the list's own."""
    if not reason.strip():
        raise ResearchError(_("Give the reason."), code="reason", field="reason")
    with transaction.atomic():
        listing = AllocationList.objects.select_for_update().filter(study=study, is_live=True).first()
        if listing is None:
            raise ResearchError(_("The study has no live allocation list yet."), code="no_list")
        if stratum not in listing.parameters.get("strata", []):
            raise ResearchError(_("Unknown stratum."), code="stratum", field="stratum")
        last = (
            AllocationSlot.objects.filter(allocation_list=listing, stratum=stratum)
            .order_by("-sequence")
            .values("sequence", "block")
            .first()
        ) or {"sequence": 0, "block": 0}
        length = length or study.slots_per_stratum
        seed = secrets.randbits(62)
        arms = list(study.arms.order_by("order", "pk"))
        positions = stratum_sequence(
            seed=seed,
            stratum=stratum,
            arms=[(arm.code, arm.ratio) for arm in arms],
            block_multiples=listing.parameters["block_multiples"],
            length=length,
        )
        extension = AllocationExtension.objects.create(
            allocation_list=listing,
            stratum=stratum,
            seed=seed,
            first_sequence=last["sequence"] + 1,
            last_sequence=last["sequence"] + len(positions),
            reason=reason.strip(),
            created_by=by,
        )
        by_code = {arm.code: arm for arm in arms}
        AllocationSlot.objects.bulk_create(
            [
                AllocationSlot(
                    allocation_list=listing,
                    stratum=stratum,
                    sequence=last["sequence"] + position.sequence,
                    block=last["block"] + position.block,
                    block_size=position.block_size,
                    arm=by_code[position.arm],
                )
                for position in positions
            ]
        )
        log_action(
            actor=by,
            action="allocation_extend",
            obj=study,
            stratum=stratum,
            first=extension.first_sequence,
            last=extension.last_sequence,
        )
    return extension


def course_session_create(
    *, study: Study, arm: Arm, site: Site, title: str, starts_at: datetime.datetime, hours: Decimal, by
) -> CourseSession:
    if arm.study_id != study.pk or not arm.has_course:
        raise ResearchError(_("This arm has no course."), code="arm", field="arm")
    if not title.strip():
        raise ResearchError(_("Give the session a title."), code="title", field="title")
    with transaction.atomic():
        session = _create_once(
            CourseSession,
            message=_("This arm already has a session at that time."),
            field="starts_at",
            lookup={"arm": arm, "site": site, "starts_at": starts_at},
            study=study,
            title=title.strip(),
            hours=hours,
            created_by=by,
        )
        log_action(actor=by, action="course_session_create", obj=session, site=site)
    return session


def attendance_record(
    *, session: CourseSession, enrolment: Enrolment, attended: bool, by
) -> SessionAttendance:
    """Mark whether an allocated course-arm participant came; a second mark updates the first."""
    allocation = AllocationSlot.objects.filter(enrolment=enrolment).first()
    if enrolment.study_id != session.study_id or allocation is None or allocation.arm_id != session.arm_id:
        raise ResearchError(_("The person is not in this course's arm."), code="arm")
    with transaction.atomic():
        row, _created = SessionAttendance.objects.update_or_create(
            session=session, enrolment=enrolment, defaults={"attended": attended, "recorded_by": by}
        )
        log_action(actor=by, action="attendance_record", obj=row, attended=attended)
    return row


# --- EQ-5D-5L value sets ----------------------------------------------------------------------------


def value_set_load(*, name: str, version: str, country: str, source: str, csv_text: str, by) -> ValueSet:
    """Load an EQ-5D-5L value set from CSV `dimension,level,decrement` (25 rows: five dimensions,
    levels 1-5) and optionally one row `constant,,<value>`. None is bundled (EuroQol licenses them)."""
    name, version, country, source = (" ".join((v or "").split()) for v in (name, version, country, source))
    if not (name and version and country and source):
        raise ResearchError(
            _("Give the value set's name, version, country and source."), code="value_set_meta", field="name"
        )
    if ValueSet.objects.filter(name=name, version=version).exists():
        raise ResearchError(
            _("This value set and version is loaded already."), code="duplicate", field="name"
        )
    constant, cells = Decimal(0), {}
    try:
        for row in csv.DictReader(io.StringIO(csv_text)):
            dimension = (row.get("dimension") or "").strip().lower()
            value = Decimal((row.get("decrement") or "").strip())
            if not value.is_finite() or abs(value) > 2:
                raise InvalidOperation
            if dimension == "constant":
                constant = value
                continue
            level = int((row.get("level") or "").strip())
            if dimension not in EQ5D5L_DIMENSIONS or not 1 <= level <= 5 or (dimension, level) in cells:
                raise ValueError
            cells[dimension, level] = value
    except (InvalidOperation, ValueError, TypeError, csv.Error):
        raise ResearchError(
            _("Each row must be a dimension, a level from 1 to 5 and a decrement, once each."),
            code="value_set_rows",
            field="file",
        ) from None
    if len(cells) != len(EQ5D5L_DIMENSIONS) * 5:
        raise ResearchError(
            _("The value set needs a decrement for every level of all five dimensions."),
            code="value_set_incomplete",
            field="file",
        )
    value_set = ValueSet.objects.create(
        name=name,
        version=version,
        country=country,
        source=source[:500],
        constant=constant,
        decrements={d: [str(cells[d, level]) for level in range(1, 6)] for d in EQ5D5L_DIMENSIONS},
    )
    log_action(actor=by, action="value_set_load", obj=value_set, name=name, version=version)
    return value_set


def study_value_set_set(*, study: Study, value_set: ValueSet | None, by) -> Study:
    """Name the value set the study's EQ-5D-5L index is computed from (None: no index)."""
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        study.eq5d_value_set = value_set
        study.save(update_fields=["eq5d_value_set"])
        log_action(
            actor=by, action="study_value_set", obj=study, value_set=value_set.pk if value_set else None
        )
    return study
