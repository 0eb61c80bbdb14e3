"""The role matrix: every URL pattern, for anonymous and every role, with the expected answer.

A URL pattern without a row in MATRIX fails `test_every_url_pattern_has_a_row`, so a new page
cannot ship without deciding who may see it. The objects a URL points at belong to the staff's own
site, so an allowed role gets a real answer (200, a redirect, or 400 for an empty form), never 403.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dagsverket.roles import Role
from payroll.engine import hourly_line
from payroll.services import payslip_prepare
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    CaseloadEntryFactory,
    ConsentFactory,
    CustomerFactory,
    ExclusionFactory,
    FidelityReviewFactory,
    JobStartFactory,
    LotteryDrawFactory,
    ParticipantFactory,
    ReferralFactory,
    SiteFactory,
    TaskFactory,
    VisitFactory,
    WageRateFactory,
    reason,
    staff_at,
)
from tests.research.conftest import research_world
from tests.shared_data import module_data
from tests.urlwalk import all_routes

F, L, P, M, E, S = Role.FRONT_DESK, Role.WORK_LEADER, Role.PAYROLL, Role.MANAGER, Role.EVALUATOR, Role.STUDY
T = Role.STATISTICIAN
EVERYONE = {F, L, P, M, E, S, T}
STAFF_WITH_NAMES = {F, L, P, M, S}  # everyone who may see participants by name
FRONT = {F, M}  # check-in and readiness
HEALTH = {F, M, S}  # health-related data: referrals and consents
JOBS = {L, M}
BOARD = {F, L, M}  # the day board and the lottery page: front desk and work leaders
PAY = {P, M}
MANAGER = {M}
EVALUATION = {E, M}
STUDY = {S, M}  # study staff (IPS job specialists) and managers
STATISTICS = {T}  # the trial statistician alone: balance per stratum, the allocation list
TRIAL_TEAM = {S, M, T}  # aggregate trial figures (CONSORT)
CORRECT = {M}  # manage_study and correct_trial_data: managers, or staff given the permission
LOGIN = "login"  # anonymous is sent to the login page
OPEN = "open"  # anonymous may use it too
UNAUTHORISED = "401"  # a JSON endpoint of the tablet: anonymous gets 401 (the tablet says "log in")

# name: (method, roles allowed, anonymous answer)
MATRIX = {
    "home": ("get", EVERYONE, LOGIN),
    "login": ("get", EVERYONE, OPEN),
    "logout": ("post", EVERYONE, OPEN),
    "select_site": ("post", EVERYONE, LOGIN),
    "manage_today": ("get", MANAGER, LOGIN),
    "reason_list": ("get", MANAGER, LOGIN),
    "reason_new": ("get", MANAGER, LOGIN),
    "reason_edit": ("get", MANAGER, LOGIN),
    # check-in
    "checkin": ("get", FRONT, LOGIN),
    "checkin_day": ("get", FRONT, LOGIN),
    "checkin_search": ("get", FRONT, LOGIN),
    "checkin_in": ("post", FRONT, LOGIN),
    "checkin_new": ("post", FRONT, LOGIN),
    "checkin_readiness": ("post", FRONT, LOGIN),
    "checkin_undo": ("post", FRONT, LOGIN),
    "checkin_sync": ("post", FRONT, UNAUTHORISED),
    "checkin_people": ("get", FRONT, LOGIN),
    "checkin_worker": ("get", FRONT, LOGIN),
    "checkin_lock": ("post", FRONT, LOGIN),
    "checkin_locked": ("get", FRONT, LOGIN),
    "checkin_pin": ("get", FRONT, LOGIN),
    # participants and the attendance log
    "participant_list": ("get", STAFF_WITH_NAMES, LOGIN),
    "participant_new": ("get", FRONT, LOGIN),
    "participant_edit": ("get", FRONT, LOGIN),
    "participant_detail": ("get", STAFF_WITH_NAMES, LOGIN),
    "participant_exclude": ("post", MANAGER, LOGIN),
    "participant_lift_exclusion": ("post", MANAGER, LOGIN),
    "participant_merge": ("post", MANAGER, LOGIN),
    "participant_import": ("get", MANAGER, LOGIN),
    "attendance": ("get", STAFF_WITH_NAMES, LOGIN),
    "record_history": ("get", MANAGER, LOGIN),
    # referrals and consent (health-related)
    "referrals:follow_up": ("get", HEALTH, LOGIN),
    "referrals:participant": ("get", STAFF_WITH_NAMES, LOGIN),
    "referrals:access_log": ("get", MANAGER, LOGIN),
    "referrals:consent_new": ("get", HEALTH, LOGIN),
    "referrals:consent_withdraw": ("post", HEALTH, LOGIN),
    "referrals:new": ("get", HEALTH, LOGIN),
    "referrals:detail": ("get", HEALTH, LOGIN),
    "referrals:send": ("post", HEALTH, LOGIN),
    "referrals:change": ("post", HEALTH, LOGIN),
    "referrals:letter": ("get", HEALTH, LOGIN),
    "referrals:overrides": ("get", MANAGER, LOGIN),
    "referrals:override_review": ("post", MANAGER, LOGIN),
    "referrals:agencies": ("get", MANAGER, LOGIN),
    "referrals:agency_new": ("get", MANAGER, LOGIN),
    "referrals:agency_edit": ("get", MANAGER, LOGIN),
    "referrals:subject_access_export": ("get", MANAGER, LOGIN),
    # jobs
    "jobs:today": ("get", JOBS, LOGIN),
    "jobs:board": ("get", BOARD, LOGIN),
    "jobs:crews_pdf": ("get", BOARD, LOGIN),
    "jobs:assign": ("post", BOARD, LOGIN),
    "jobs:assignment_remove": ("post", BOARD, LOGIN),
    "jobs:assignment_move": ("post", BOARD, LOGIN),
    "jobs:assignment_hours": ("post", JOBS, LOGIN),
    "jobs:task_hours": ("get", JOBS, LOGIN),
    "jobs:task_crew_hours": ("post", JOBS, LOGIN),
    "jobs:task_sign_off": ("post", JOBS, LOGIN),
    "jobs:lottery": ("get", BOARD, LOGIN),
    "jobs:lottery_draw": ("post", FRONT, LOGIN),
    "jobs:day_places_set": ("post", FRONT, LOGIN),
    "jobs:guarantee_grant": ("post", FRONT, LOGIN),
    "jobs:draw_list": ("get", STAFF_WITH_NAMES, LOGIN),
    "jobs:draw_detail": ("get", STAFF_WITH_NAMES, LOGIN),
    "jobs:lottery_rules": ("get", MANAGER, LOGIN),
    "jobs:customer_list": ("get", JOBS, LOGIN),
    "jobs:customer_new": ("get", JOBS, LOGIN),
    "jobs:customer_edit": ("get", JOBS, LOGIN),
    "jobs:customer_import": ("get", JOBS, LOGIN),
    "jobs:task_list": ("get", JOBS, LOGIN),
    "jobs:task_new": ("get", JOBS, LOGIN),
    "jobs:task_edit": ("get", JOBS, LOGIN),
    "jobs:invoice": ("get", JOBS, LOGIN),
    "jobs:invoice_mark": ("post", JOBS, LOGIN),
    # payroll
    "payroll:today": ("get", PAY, LOGIN),
    "payroll:day": ("get", PAY, LOGIN),
    "payroll:day_prepare": ("post", PAY, LOGIN),
    "payroll:day_pdf": ("get", PAY, LOGIN),
    "payroll:cash_box": ("get", PAY, LOGIN),
    "payroll:payslip_confirm": ("post", PAY, LOGIN),
    "payroll:payslip_reverse": ("post", PAY, LOGIN),
    "payroll:payslip_correct": ("post", PAY, LOGIN),
    "payroll:payslip_repay": ("post", PAY, LOGIN),
    "payroll:payslip_pdf": ("get", PAY, LOGIN),
    "payroll:participant": ("get", PAY, LOGIN),
    "payroll:reports": ("get", PAY, LOGIN),
    "payroll:year_report": ("get", PAY, LOGIN),
    "payroll:year_report_csv": ("get", PAY, LOGIN),
    "payroll:year_report_xlsx": ("get", PAY, LOGIN),
    "payroll:year_report_pdf": ("get", PAY, LOGIN),
    "payroll:year_report_worker_pdf": ("get", PAY, LOGIN),
    "payroll:month_report": ("get", PAY, LOGIN),
    "payroll:month_report_csv": ("get", PAY, LOGIN),
    "payroll:month_report_xlsx": ("get", PAY, LOGIN),
    "payroll:month_report_pdf": ("get", PAY, LOGIN),
    "payroll:rules": ("get", MANAGER, LOGIN),
    # evaluation
    "evaluation_home": ("get", EVALUATION, LOGIN),
    "evaluation_project_create": ("get", MANAGER, LOGIN),
    "evaluation_dashboard": ("get", EVALUATION, LOGIN),
    "evaluation_report": ("get", EVALUATION, LOGIN),
    "export_attendance": ("get", EVALUATION, LOGIN),
    "export_person_period": ("get", EVALUATION, LOGIN),
    "export_statistics": ("get", EVALUATION, LOGIN),
    # IPS job-specialist log
    "ips:caseload": ("get", STUDY, LOGIN),
    "ips:caseload_new": ("get", STUDY, LOGIN),
    "ips:caseload_detail": ("get", STUDY, LOGIN),
    "ips:caseload_end": ("post", STUDY, LOGIN),
    "ips:caseload_profile": ("get", STUDY, LOGIN),
    "ips:caseload_job_new": ("get", STUDY, LOGIN),
    "ips:participant": ("get", STUDY, LOGIN),
    "ips:job_count": ("post", STUDY, LOGIN),
    "ips:job_end": ("post", STUDY, LOGIN),
    "ips:contact_list": ("get", STUDY, LOGIN),
    "ips:contact_new": ("get", STUDY, LOGIN),
    "ips:fidelity_list": ("get", STUDY, LOGIN),
    "ips:fidelity_new": ("get", STUDY, LOGIN),
    "ips:fidelity_detail": ("get", STUDY, LOGIN),
    "ips:report": ("get", STUDY, LOGIN),
    "ips:report_pdf": ("get", STUDY, LOGIN),
    # research trial
    "research:home": ("get", STUDY, LOGIN),
    "research:due": ("get", STUDY, LOGIN),
    "research:instruments": ("get", STUDY, LOGIN),
    "research:study_new": ("get", STUDY, LOGIN),
    "research:study_detail": ("get", STUDY, LOGIN),
    "research:study_start": ("post", STUDY, LOGIN),
    "research:study_balance": ("get", STATISTICS, LOGIN),
    "research:statistics": ("get", STATISTICS, LOGIN),
    "research:study_extend": ("get", STATISTICS, LOGIN),
    "research:study_value_set": ("get", STATISTICS, LOGIN),
    "research:study_allocation_list": ("get", STATISTICS, LOGIN),
    "research:study_consort": ("get", TRIAL_TEAM, LOGIN),
    "research:study_consort_svg": ("get", TRIAL_TEAM, LOGIN),
    "research:study_consort_csv": ("get", TRIAL_TEAM, LOGIN),
    "research:enrolment_status": ("get", STUDY, LOGIN),
    "research:enrolment_history": ("get", STUDY, LOGIN),
    "research:enrolment_wave_close": ("post", STUDY, LOGIN),
    "research:response_correct": ("get", CORRECT, LOGIN),
    "research:follow_up_correct": ("get", CORRECT, LOGIN),
    "research:study_enrol": ("get", STUDY, LOGIN),
    "research:sessions": ("get", STUDY, LOGIN),
    "research:session": ("get", STUDY, LOGIN),
    "research:study_export": ("get", EVALUATION, LOGIN),
    "research:enrolment": ("get", STUDY, LOGIN),
    "research:enrolment_lock": ("post", STUDY, LOGIN),
    "research:enrolment_reveal": ("post", STUDY, LOGIN),
    "research:enrolment_response": ("get", STUDY, LOGIN),
    "research:enrolment_follow_up": ("get", STUDY, LOGIN),
}


def _build_world():
    """One of each object a URL can point at, at the staff's own site (built once for the module)."""
    today = timezone.localdate()
    site = SiteFactory(name="Trondheim")
    staff = staff_at(site)
    person = ParticipantFactory(site=site)
    visit = VisitFactory(participant=person)
    task = TaskFactory(customer=CustomerFactory(site=site), date=today)
    assignment = AssignmentFactory(visit=visit, task=task)
    WageRateFactory(site=site, amount=Decimal("150.00"))
    payslip = payslip_prepare(
        site=site, participant=person, day=today, lines=[hourly_line("Snow", Decimal("4"), Decimal("150"))]
    )
    agency = AgencyFactory()
    consent = ConsentFactory(participant=person)
    referral = ReferralFactory(participant=person, agency=agency)
    entry = CaseloadEntryFactory(participant=person, specialist=staff[Role.STUDY])
    job = JobStartFactory(entry=entry)
    research = research_world(staff, site, person)
    return {
        "staff": staff,
        "kwargs": {
            "pk": None,  # depends on the URL, see below
            "participant_id": person.pk,
            "exclusion_pk": ExclusionFactory(participant=person).pk,
            "day": today,
            "year": today.year,
            "month": today.month,
            "action": "cancel",
            "fmt": "json",
            "app_label": "dagsverket",
            "model": "participant",
            "wave_id": research["wave"].pk,
            "instrument_id": research["instrument"].pk,
        },
        "pk": {
            "checkin_": visit.pk,
            "participant_": person.pk,
            "referrals:consent_": consent.pk,
            "referrals:agency_": agency.pk,
            "referrals:override_": referral.pk,
            "referrals:": referral.pk,
            "jobs:assignment_": assignment.pk,
            "jobs:task_": task.pk,
            "jobs:customer_": task.customer.pk,
            "jobs:draw_": LotteryDrawFactory(site=site, date=today).pk,
            "payroll:payslip_": payslip.pk,
            "payroll:participant": person.pk,
            "payroll:year_report_worker": person.pk,
            "ips:caseload_": entry.pk,
            "ips:job_": job.pk,
            "ips:fidelity_": FidelityReviewFactory(site=site).pk,
            "record_history": person.pk,
            "reason_": reason("readiness", "unwell").pk,
            "research:study_": research["study"].pk,
            "research:sessions": research["study"].pk,
            "research:session": research["session"].pk,
            "research:enrolment": research["enrolment"].pk,
            "research:response_correct": research["response"].pk,
            "research:follow_up_correct": research["follow_up"].pk,
        },
    }


# 1 080 tests read the same world and each rolls back what its request wrote; building it per test
# was most of the module's time.
shared_world = module_data(_build_world)


@pytest.fixture
def world(shared_world, db):
    return shared_world


def _url(name: str, world) -> str:
    route = next(r for r in all_routes() if r.name == name)
    kwargs = {}
    for key, _converter in route.converters:
        if key == "pk":
            kwargs[key] = next(pk for prefix, pk in world["pk"].items() if name.startswith(prefix))
        else:
            kwargs[key] = world["kwargs"][key]
    return reverse(name, kwargs=kwargs)


def test_every_url_pattern_has_a_row():
    names = {route.name for route in all_routes()}
    assert sorted(names - set(MATRIX)) == [], "add these URL names to MATRIX"
    assert sorted(set(MATRIX) - names) == [], "these rows name URLs that no longer exist"


CASES = [(name, role) for name in MATRIX for role in [None, *Role]]


@pytest.mark.parametrize(
    ("name", "role"), CASES, ids=[f"{n}-{r.value if r else 'anonymous'}" for n, r in CASES]
)
def test_each_role_gets_the_expected_answer(world, name, role):
    method, allowed, anonymous = MATRIX[name]
    url = _url(name, world)
    client = Client(raise_request_exception=False)
    if role is not None:
        client.force_login(world["staff"][role])
    response = getattr(client, method)(url)
    if role is None:
        if anonymous == LOGIN:
            assert response.status_code == 302, response.status_code
            assert response.url.startswith("/login/")
        elif anonymous == UNAUTHORISED:
            assert response.status_code == 401, response.status_code
        else:
            assert response.status_code in {200, 302}
    elif role in allowed:
        assert response.status_code in {200, 302, 400}, f"{url}: {response.status_code}"
    else:
        assert response.status_code == 403, f"{url}: {response.status_code}"
