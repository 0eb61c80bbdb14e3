"""The CONSORT flow of a study's live enrolments: counts, an export and an SVG flow diagram.

Screened: every live screening. Excluded: not eligible (with the unmet criteria; a person can
miss more than one), declined (eligible, no research consent recorded), not yet randomised
(eligible with consent, not yet allocated). Per arm: allocated, received the intervention (an arm
with course sessions: attended at least one; an arm that delivers IPS: on an IPS caseload, from
the IPS log, that had not ended before the allocation day; other arms are not recorded here), followed up per
questionnaire wave (outcomes recorded), wave closed as missed, withdrew from the intervention,
withdrew consent, lost to follow-up, died, and analysed (intention to treat: every allocated
person except those whose consent says their data must be removed).
"""

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from dagsverket.ips.models import CaseloadEntry

from .models import (
    AllocationSlot,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    SessionAttendance,
    Study,
    TrialStatus,
    WaveClosure,
    WaveKind,
)


@dataclass
class ArmFlow:
    code: str
    name: str
    has_course: bool
    allocated: int = 0
    received: int | None = None
    followed_up: dict[str, int] = field(default_factory=dict)
    missed: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    data_removed: int = 0

    @property
    def analysed(self) -> int:
        return self.allocated - self.data_removed


@dataclass
class ConsortFlow:
    screened: int
    not_eligible: int
    not_eligible_reasons: list[tuple[str, int]]
    declined: int
    pending: int
    randomised: int
    waves: list[tuple[str, str]]  # (code, name) of the questionnaire waves after baseline
    arms: list[ArmFlow]


def consort_flow(study: Study) -> ConsortFlow:
    """The flow of the live enrolments; a fixed number of queries however many people."""
    enrolments = list(
        Enrolment.objects.filter(study=study, is_live=True).values(
            "pk", "status", "eligibility", "consent_id", "trial_status", "data_may_be_kept", "participant_id"
        )
    )
    participant_of = {e["pk"]: e["participant_id"] for e in enrolments}
    criteria = list(study.criteria.order_by("order", "pk"))
    not_eligible = [e for e in enrolments if e.get("status") == EnrolmentStatus.NOT_ELIGIBLE]
    reasons = [
        (criterion.text, sum(1 for e in not_eligible if not e["eligibility"].get(str(criterion.pk), False)))
        for criterion in criteria
    ]
    eligible_waiting = [
        e for e in enrolments if e["status"] in {EnrolmentStatus.SCREENING, EnrolmentStatus.LOCKED}
    ]
    declined = sum(
        1 for e in eligible_waiting if e["status"] == EnrolmentStatus.SCREENING and not e["consent_id"]
    )
    by_pk = {e["pk"]: e for e in enrolments}
    revealed = AllocationSlot.objects.filter(
        allocation_list__study=study, allocation_list__is_live=True, enrolment__isnull=False
    ).values_list("enrolment_id", "arm_id", "revealed_at")
    arm_of = {enrolment_id: arm_id for enrolment_id, arm_id, _at in revealed}
    revealed_on = {enrolment_id: timezone.localdate(at) for enrolment_id, _arm, at in revealed}
    waves = list(study.waves.filter(kind=WaveKind.QUESTIONNAIRE, months__gt=0).order_by("months"))
    arms = []
    for arm in study.arms.order_by("order", "pk"):
        flow = ArmFlow(code=arm.code, name=arm.name, has_course=arm.has_course)
        members = [pk for pk, arm_id in arm_of.items() if arm_id == arm.pk]
        flow.allocated = len(members)
        for status in TrialStatus.values:
            if status != TrialStatus.ON_STUDY:
                flow.statuses[status] = sum(1 for pk in members if by_pk[pk]["trial_status"] == status)
        flow.data_removed = sum(
            1
            for pk in members
            if by_pk[pk]["trial_status"] == TrialStatus.WITHDREW_CONSENT and not by_pk[pk]["data_may_be_kept"]
        )
        if arm.delivers_ips:
            # From the IPS log: on an IPS caseload that had not ended before the allocation day.
            ips_ends: dict[int, list] = {}
            for participant_id, ended_on in CaseloadEntry.objects.filter(
                participant_id__in=[participant_of[pk] for pk in members]
            ).values_list("participant_id", "ended_on"):
                ips_ends.setdefault(participant_id, []).append(ended_on)
            on_ips = {
                pk
                for pk in members
                if any(end is None or end >= revealed_on[pk] for end in ips_ends.get(participant_of[pk], ()))
            }
            flow.received = len(on_ips)
        elif arm.has_course:
            flow.received = (
                SessionAttendance.objects.filter(enrolment__in=members, attended=True)
                .values("enrolment_id")
                .distinct()
                .count()
            )
        done = dict(
            FollowUp.objects.filter(enrolment__in=members, wave__in=waves)
            .values("wave__code")
            .annotate(n=Count("enrolment", distinct=True))
            .values_list("wave__code", "n")
        )
        missed = dict(
            WaveClosure.objects.filter(enrolment__in=members, wave__in=waves)
            .values("wave__code")
            .annotate(n=Count("enrolment", distinct=True))
            .values_list("wave__code", "n")
        )
        flow.followed_up = {wave.code: done.get(wave.code, 0) for wave in waves}
        flow.missed = {wave.code: missed.get(wave.code, 0) for wave in waves}
        arms.append(flow)
    return ConsortFlow(
        screened=len(enrolments),
        not_eligible=len(not_eligible),
        not_eligible_reasons=reasons,
        declined=declined,
        pending=len(eligible_waiting) - declined,
        randomised=len(arm_of),
        waves=[(wave.code, wave.name) for wave in waves],
        arms=arms,
    )


def consort_rows(flow: ConsortFlow) -> list[list[str]]:
    """The flow as rows for an export: stage, arm (empty before allocation), what, n."""
    rows = [["stage", "arm", "measure", "n"]]
    rows.append(["enrolment", "", "screened", str(flow.screened)])
    rows.append(["enrolment", "", "not_eligible", str(flow.not_eligible)])
    for index, (_text, count) in enumerate(flow.not_eligible_reasons, 1):
        rows.append(["enrolment", "", f"not_eligible_criterion_{index}", str(count)])
    rows.append(["enrolment", "", "declined", str(flow.declined)])
    rows.append(["enrolment", "", "not_yet_randomised", str(flow.pending)])
    rows.append(["enrolment", "", "randomised", str(flow.randomised)])
    for arm in flow.arms:
        rows.append(["allocation", arm.code, "allocated", str(arm.allocated)])
        rows.append(
            [
                "allocation",
                arm.code,
                "received_intervention",
                "" if arm.received is None else str(arm.received),
            ]
        )
        for code, _name in flow.waves:
            rows.append(["follow_up", arm.code, f"{code}_followed_up", str(arm.followed_up[code])])
            rows.append(["follow_up", arm.code, f"{code}_missed", str(arm.missed[code])])
        for status, count in arm.statuses.items():
            rows.append(["follow_up", arm.code, status, str(count)])
        rows.append(["analysis", arm.code, "analysed", str(arm.analysed)])
        rows.append(["analysis", arm.code, "excluded_data_removed", str(arm.data_removed)])
    return rows


BOX_WIDTH = 300
LINE = 18


def _box(x: int, y: int, lines: list[str], width: int = BOX_WIDTH) -> tuple[str, int]:
    height = LINE * len(lines) + 14
    parts = [f'<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="#fff" stroke="#222"/>']
    for index, text in enumerate(lines):
        weight = ' font-weight="bold"' if index == 0 else ""
        parts.append(f'<text x="{x + 10}" y="{y + 20 + index * LINE}"{weight}>{escape(text)}</text>')
    return "".join(parts), height


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#222" marker-end="url(#arrow)"/>'


def consort_svg(flow: ConsortFlow) -> str:
    """A CONSORT 2010-style flow diagram: enrolment at the top with the exclusions beside it,
    then one column per arm for allocation, follow-up and analysis."""
    columns = max(len(flow.arms), 1)
    width = max(columns * (BOX_WIDTH + 40) + 40, 2 * BOX_WIDTH + 80)
    centre = width // 2
    parts = []
    y = 20
    box, height = _box(
        centre - BOX_WIDTH // 2 - 170, y, [_("Assessed for eligibility (n=%(n)s)") % {"n": flow.screened}]
    )
    parts.append(box)
    left_mid = centre - 170
    excluded = [
        _("Excluded (n=%(n)s)") % {"n": flow.not_eligible + flow.declined + flow.pending},
        _("Not meeting inclusion criteria (n=%(n)s)") % {"n": flow.not_eligible},
        *(f"  {text[:36]} (n={count})" for text, count in flow.not_eligible_reasons),
        _("Declined to participate (n=%(n)s)") % {"n": flow.declined},
        _("Not yet randomised (n=%(n)s)") % {"n": flow.pending},
    ]
    side_y = y + height + 20
    side, side_height = _box(centre + 20, side_y, excluded)
    parts.append(side)
    random_y = side_y + side_height + 20
    parts.append(_arrow(left_mid, y + height, left_mid, random_y))
    parts.append(_arrow(left_mid, side_y + side_height // 2, centre + 20, side_y + side_height // 2))
    box, height = _box(
        left_mid - BOX_WIDTH // 2, random_y, [_("Randomised (n=%(n)s)") % {"n": flow.randomised}]
    )
    parts.append(box)
    stage_y = random_y + height + 40
    column_width = (width - 40) // columns
    stages: list[list[list[str]]] = []
    for arm in flow.arms:
        allocation = [
            _("Allocated to %(arm)s (n=%(n)s)") % {"arm": arm.name[:28], "n": arm.allocated},
            _("Received the intervention (n=%(n)s)") % {"n": arm.received}
            if arm.received is not None
            else _("Received the intervention: not recorded"),
        ]
        follow = [_("Follow-up")]
        for code, name in flow.waves:
            follow.append(
                _("%(wave)s: followed up %(n)s, missed %(missed)s")
                % {"wave": name[:14], "n": arm.followed_up[code], "missed": arm.missed[code]}
            )
        labels = {
            TrialStatus.WITHDREW_INTERVENTION: _("Withdrew from the intervention"),
            TrialStatus.WITHDREW_CONSENT: _("Withdrew consent"),
            TrialStatus.LOST: _("Lost to follow-up"),
            TrialStatus.DIED: _("Died"),
        }
        for status, count in arm.statuses.items():
            follow.append(f"{labels[status]} (n={count})")
        analysis = [
            _("Analysed (n=%(n)s)") % {"n": arm.analysed},
            _("Excluded, data removed by consent (n=%(n)s)") % {"n": arm.data_removed},
        ]
        stages.append([allocation, follow, analysis])
    stage_heights = [
        max((LINE * len(stage[index]) + 14) for stage in stages) if stages else 0 for index in range(3)
    ]
    for column, stage in enumerate(stages):
        x = 20 + column * column_width + (column_width - BOX_WIDTH) // 2
        parts.append(_arrow(left_mid, random_y + height, x + BOX_WIDTH // 2, stage_y))
        top = stage_y
        for index, lines in enumerate(stage):
            box, _box_height = _box(x, top, lines)
            parts.append(box)
            if index < 2:
                parts.append(
                    _arrow(
                        x + BOX_WIDTH // 2,
                        top + _box_height,
                        x + BOX_WIDTH // 2,
                        top + stage_heights[index] + 30,
                    )
                )
            top += stage_heights[index] + 30
    total_height = stage_y + sum(stage_heights) + 100
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_height}" '
        f'viewBox="0 0 {width} {total_height}" font-family="sans-serif" font-size="13">'
        '<defs><marker id="arrow" markerWidth="10" markerHeight="10" refX="9" refY="3" orient="auto">'
        '<path d="M0,0 L9,3 L0,6 z" fill="#222"/></marker></defs>'
        f"<title>{escape(_('CONSORT flow diagram'))}</title>"
    )
    return head + "".join(parts) + "</svg>"
