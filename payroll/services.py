"""Writes of the payroll app: tax cards, payslips, payouts, reversals and the cash box."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from dagsverket.history import history_rows_bulk_create
from dagsverket.models import Participant, Site
from dagsverket.services import log_action

from .engine import WorkLine, day_pay, holiday_pay, money
from .errors import PayrollError
from .models import (
    CashBox,
    CashMovement,
    MonthFiling,
    Payout,
    PayoutMethod,
    Payslip,
    PayslipLine,
    Repayment,
    SitePayrollSettings,
    TaxCard,
    WageRate,
    YearSettings,
)
from .selectors import (
    card_of,
    cash_expected,
    employer_of,
    paid_in_year,
    paid_in_year_by_participant,
    repayment_outstanding,
    site_settings_or_default,
    tax_cards_for,
    year_settings_for,
)
from .templatetags.payroll_tags import nok
from .work import day_lines, lines_for_work, signed_off_work, wage_rate_or_refuse

ZERO = Decimal("0")


# Tax cards -----------------------------------------------------------------------------------------


def tax_card_add(
    *,
    participant: Participant,
    year: int,
    kind: str,
    source: str,
    received_on: datetime.date,
    by,
    frikort_amount: Decimal | None = None,
    percentage: Decimal | None = None,
    main_employer: bool = False,
    site: Site | None = None,
) -> TaxCard:
    """Record the tax card a participant got for a year at the employer of `site` (by default the
    participant's own site); the latest entered for a year and employer applies."""
    if kind not in TaxCard.Kind.values:
        raise PayrollError(_("Choose a kind of tax card."), code="kind", field="kind")
    if kind == TaxCard.Kind.FRIKORT:
        if frikort_amount is None or frikort_amount < 0:
            raise PayrollError(
                _("A frikort needs the amount allotted to this employer."),
                code="amount",
                field="frikort_amount",
            )
        limit = _year_settings_or_refuse(year)
        if frikort_amount > limit.frikort_limit:
            raise PayrollError(
                _("The frikort amount is above the year's limit."), code="above_limit", field="frikort_amount"
            )
    else:
        frikort_amount = None
    if kind == TaxCard.Kind.PERCENTAGE and percentage is None:
        raise PayrollError(
            _("A percentage tax card needs its percentage."), code="percentage", field="percentage"
        )
    if kind == TaxCard.Kind.NONE:
        percentage = None
    if percentage is not None and not (0 <= percentage <= 100):
        raise PayrollError(_("A percentage is between 0 and 100."), code="percentage", field="percentage")
    employer = employer_of(site or participant.site)
    card = TaxCard.objects.create(
        participant=participant,
        year=year,
        employer=employer.key,
        kind=kind,
        frikort_amount=frikort_amount,
        percentage=percentage,
        main_employer=main_employer and kind == TaxCard.Kind.PERCENTAGE,
        source=source,
        received_on=received_on,
        entered_by=by,
    )
    log_action(
        actor=by,
        action="tax_card_add",
        obj=card,
        site=site or participant.site,
        year=year,
        kind=kind,
        employer=employer.key,
    )
    return card


def year_settings_save(*, year: int, by, **values) -> YearSettings:
    """Create or change a year's settings; a value left empty keeps the stored one (or the default)."""
    values = {name: value for name, value in values.items() if value not in (None, "")}
    settings, _created = YearSettings.objects.update_or_create(year=year, defaults=values)
    log_action(actor=by, action="year_settings_save", obj=settings, **values)
    return settings


def wage_rate_set(
    *,
    site: Site,
    valid_from: datetime.date,
    kind: str,
    amount: Decimal,
    by,
    holiday_pay_with_wage: bool,
    charity_exempt: bool,
) -> WageRate:
    """Set the site's wage from a date on (replacing a rate set for the same date) and its pay settings."""
    if amount is None or amount <= 0:
        raise PayrollError(_("The wage must be more than zero."), code="amount", field="amount")
    if kind not in WageRate.Kind.values:
        raise PayrollError(_("Choose per hour or a day rate."), code="kind", field="kind")
    with transaction.atomic():
        rate, _created = WageRate.objects.update_or_create(
            site=site,
            valid_from=valid_from,
            defaults={"kind": kind, "amount": money(amount), "created_by": by},
        )
        SitePayrollSettings.objects.update_or_create(
            site=site,
            defaults={"holiday_pay_with_wage": holiday_pay_with_wage, "charity_exempt": charity_exempt},
        )
        # The exemption belongs to the employer (organisation number): keep its sites the same.
        for site_id in employer_of(site).site_ids:
            SitePayrollSettings.objects.update_or_create(
                site_id=site_id, defaults={"charity_exempt": charity_exempt}
            )
        log_action(actor=by, action="wage_rate_set", obj=rate, site=site, amount=rate.amount, kind=kind)
    return rate


# Payslips ------------------------------------------------------------------------------------------


def _year_settings_or_refuse(year: int) -> YearSettings:
    """The year's settings; a year without them is refused, never paid by a guess."""
    settings = year_settings_for(year)
    if settings is None:
        raise PayrollError(
            _(
                "There are no pay settings for %(year)d (frikort limit, employer's contribution, "
                "holiday pay): a manager adds them under Payroll, Pay rules, before anyone is paid."
            )
            % {"year": year},
            code="no_year_settings",
        )
    return settings


@dataclass(frozen=True)
class _PayInputs:
    """What the figures of a day's payslips depend on besides their lines, read once for everyone."""

    tax_year: int
    year: YearSettings
    settings: SitePayrollSettings
    cards: dict[int, TaxCard]
    paid: dict[int, dict[str, Decimal]]


def _pay_inputs(*, site: Site, participant_ids, paid_on: datetime.date, exclude_pk=None) -> _PayInputs:
    # Kontantprinsippet: pay belongs to the year it is paid in (sktl. § 14-3; ferieloven § 10 (1) for
    # the holiday-pay basis). The tax card, the year's settings, the frikort used and the holiday-pay
    # basis are those of `paid_on`'s year, not of the work date.
    tax_year = paid_on.year
    year = _year_settings_or_refuse(tax_year)
    settings = site_settings_or_default(site)
    employer = employer_of(site)
    return _PayInputs(
        tax_year=tax_year,
        year=year,
        settings=settings,
        cards=tax_cards_for(participant_ids=participant_ids, year=tax_year, employer=employer),
        paid=paid_in_year_by_participant(
            participant_ids=participant_ids, year=tax_year, employer=employer, exclude_pk=exclude_pk
        ),
    )


def _computed_fields(
    *,
    site: Site,
    participant: Participant,
    lines: list[WorkLine],
    previously_paid,
    paid_on: datetime.date,
    exclude_pk=None,
) -> dict:
    inputs = _pay_inputs(site=site, participant_ids=[participant.pk], paid_on=paid_on, exclude_pk=exclude_pk)
    return _fields_from(inputs, participant=participant, lines=lines, previously_paid=previously_paid)


def _fields_from(
    inputs: _PayInputs, *, participant: Participant, lines: list[WorkLine], previously_paid
) -> dict:
    """A payslip's figures from its lines and the inputs read for the day: no query."""
    card_row = inputs.cards.get(participant.pk)
    if card_row is not None and card_row.main_employer:
        # The main employer withholds by the card's table (Skatteetaten's published tables with their
        # one-day period); not implemented, so never withheld by a guess.
        raise PayrollError(
            _(
                "This tax card says the program is the main employer, so tax is withheld by the "
                "card's table, which Dagsverket cannot do yet. Nothing was paid: ask the participant "
                "whether the program is a secondary employer (then the card's percentage applies), or "
                "pay through the ordinary payroll system."
            ),
            code="table_not_supported",
        )
    card = card_of(card_row)
    paid = inputs.paid[participant.pk]
    year = inputs.year
    birth_year = participant.birth_date.year if participant.birth_date else participant.birth_year
    gross = money(sum((line.amount for line in lines), ZERO))
    holiday = holiday_pay(
        basis=gross,
        basis_before=paid["holiday_basis"],
        birth_year=birth_year,
        year=inputs.tax_year,
        rules=year.holiday_rules(),
    )
    result = day_pay(
        lines=lines,
        holiday_rate=holiday.rate,
        holiday_amount=holiday.amount,
        holiday_pay_with_wage=inputs.settings.holiday_pay_with_wage,
        card=card,
        ytd_taxable=paid["taxable"],
        rounding=year.withholding_rounding,
    )
    held = result.withholding
    return {
        "gross": result.gross,
        "holiday_pay_rate": result.holiday_pay_rate,
        "holiday_pay_basis": result.gross,
        "holiday_pay": result.holiday_pay,
        "holiday_pay_accrued": result.holiday_pay_accrued,
        "taxable": held.taxable,
        "tax_card_kind": card.kind,
        "tax_percentage": held.percentage,
        "frikort_amount": card.frikort_amount,
        "frikort_left_before": held.frikort_left_before,
        "tax_free_part": held.tax_free_part,
        "tax_basis": held.tax_basis,
        "tax": held.tax,
        "net": result.net,
        "previously_paid": previously_paid,
        "amount_due": result.net - previously_paid,
        "ytd_gross": paid["taxable"] + held.taxable,
        "ytd_tax": paid["tax"] + held.tax,
    }


MAX_HOURS_PER_DAY = Decimal("12")


def _check_lines(lines: list[WorkLine]) -> None:
    """The service checks its own input, whoever calls it: refused with a code, nothing written."""
    if not lines:
        raise PayrollError(_("There is no signed-off work to pay."), code="no_work")
    for line in lines:
        if line.hours is not None and line.hours <= 0:
            raise PayrollError(_("A line's hours must be more than zero."), code="line_hours")
        if line.amount < 0 or line.rate < 0:
            raise PayrollError(_("A pay line cannot be negative."), code="line_negative")
        if line.amount == 0 and line.rate != 0:
            raise PayrollError(_("A pay line cannot be zero."), code="line_zero")
        if line.hours is None and line.amount <= 0:
            raise PayrollError(_("A day rate must be more than zero."), code="line_zero")
    hours = sum((line.hours for line in lines if line.hours is not None), ZERO)
    if hours > MAX_HOURS_PER_DAY:
        raise PayrollError(
            _("More than %(max)s hours for one person on one day: check the hours.")
            % {"max": MAX_HOURS_PER_DAY},
            code="too_many_hours",
        )
    if hours == 0:
        raise PayrollError(
            _("A day rate is paid only with hours worked that day."), code="day_rate_without_hours"
        )


@dataclass(frozen=True)
class _DraftWanted:
    participant: Participant
    lines: list[WorkLine]
    corrects: Payslip | None = None
    reason: str = ""


def payslip_prepare(
    *,
    site: Site,
    participant: Participant,
    day: datetime.date,
    lines: list[WorkLine],
    corrects: Payslip | None = None,
    reason: str = "",
) -> Payslip:
    """Create or refresh the draft payslip of a participant's day (paid payslips stay as they are)."""
    wanted = _DraftWanted(participant=participant, lines=lines, corrects=corrects, reason=reason)
    return _drafts_write(site=site, day=day, wanted=[wanted])[0]


def payslips_prepare_day(*, site: Site, day: datetime.date) -> list[Payslip]:
    """Drafts for everyone with signed-off work on the day who has not been paid for it yet: all of
    them or none, in the same number of queries for two people or sixty."""
    paid = set(
        Payslip.objects.filter(
            site=site, date=day, kind=Payslip.Kind.REGULAR, paid_at__isnull=False, reversed_by__isnull=True
        ).values_list("participant_id", flat=True)
    )
    # Reversed as not owed (a reversal without a correction): the work does not become payable again.
    # Reversed to correct: the correction draft exists and is refreshed (it keeps its link).
    paid |= set(
        Payslip.objects.filter(
            site=site, date=day, kind=Payslip.Kind.REGULAR, paid_at__isnull=False, reversed_by__isnull=False
        )
        .exclude(corrections__isnull=False)
        .values_list("participant_id", flat=True)
    )
    work = [(person, tasks) for person, tasks in signed_off_work(site=site, day=day) if person.pk not in paid]
    if not work:
        return []
    rate = wage_rate_or_refuse(site=site, day=day)
    wanted = [
        _DraftWanted(participant=person, lines=lines)
        for person, tasks in work
        if (lines := lines_for_work(tasks, rate))
    ]
    return _drafts_write(site=site, day=day, wanted=wanted) if wanted else []


def _drafts_write(*, site: Site, day: datetime.date, wanted: list[_DraftWanted]) -> list[Payslip]:
    """Write the drafts of a site's day, one per person in `wanted`, in place of their drafts (a
    retried prepare leaves one draft a person): the same queries for one person or sixty."""
    for item in wanted:
        _check_lines(item.lines)
    ids = [item.participant.pk for item in wanted]
    with transaction.atomic():
        # Everyone in one statement, by id (the one lock order, docs/ARCHITECTURE.md), before any
        # of their payslips: a payout or a reversal takes the person first too.
        locked = Participant.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
        list(locked.values_list("pk", flat=True))
        _check_signed_off(site=site, day=day, work=[(item.participant, item.lines) for item in wanted])
        # A draft shows what paying it today would give; the payout works it out again when paid.
        inputs = _pay_inputs(site=site, participant_ids=ids, paid_on=timezone.localdate())
        # Filtered by the day and the people, not by the drafts' ids, so that these run (and cost
        # the same) when there are none; under the people's locks nobody else writes their drafts.
        drafts_of_day = Payslip.objects.filter(
            site=site, date=day, paid_at__isnull=True, participant_id__in=ids
        ).order_by()
        drafts = {draft.participant_id: draft for draft in drafts_of_day.select_related("corrects")}
        slips = []
        for item in wanted:
            draft = drafts.get(item.participant.pk)
            corrects = item.corrects or (draft.corrects if draft is not None else None)
            reason = item.reason or (draft.reason if draft is not None else "")
            previously_paid = corrects.net if corrects is not None else ZERO
            fields = _fields_from(
                inputs, participant=item.participant, lines=item.lines, previously_paid=previously_paid
            )
            slips.append(
                Payslip(
                    site=site,
                    participant=item.participant,
                    date=day,
                    corrects=corrects,
                    reason=reason,
                    **fields,
                )
            )
        lines_of_drafts = PayslipLine.objects.filter(payslip__in=drafts_of_day)
        replaced_lines = list(lines_of_drafts)
        # Drafts only (never a paid row: the triggers would refuse it), and the history rows are
        # written below, so the rows go without the per-row delete signals.
        lines_of_drafts._raw_delete(lines_of_drafts.db)
        drafts_of_day._raw_delete(drafts_of_day.db)
        Payslip.objects.bulk_create(slips)
        history_rows_bulk_create(Payslip, deleted=drafts.values(), created=slips)
        lines = [
            PayslipLine(
                payslip=slip,
                description=line.description,
                hours=line.hours,
                rate=line.rate,
                amount=line.amount,
                source=_source_of(line),
            )
            for slip, item in zip(slips, wanted, strict=True)
            for line in item.lines
        ]
        PayslipLine.objects.bulk_create(lines)
        history_rows_bulk_create(PayslipLine, deleted=replaced_lines, created=lines)
    return slips


def _check_signed_off(
    *, site: Site, day: datetime.date, work: list[tuple[Participant, list[WorkLine]]]
) -> None:
    """Every line from an assignment must be the person's own work that day at the site, on a task
    whose hours are signed off (not removed, not cancelled): the rule `payable_work` follows, checked
    here too so that no caller can pay hours that are not signed off. One query for everyone."""
    from jobs.models import Assignment, TaskStatus

    claimed = {
        (line.assignment_id, participant.pk)
        for participant, lines in work
        for line in lines
        if line.assignment_id is not None
    }
    if not claimed:
        return
    payable = set(
        Assignment.objects.active()
        .filter(
            pk__in={assignment_id for assignment_id, _person in claimed},
            date=day,
            task__site=site,
            task__signed_off_at__isnull=False,
        )
        .exclude(task__status=TaskStatus.CANCELLED)
        .values_list("pk", "participant_id")
    )
    if not claimed <= payable:
        raise PayrollError(
            _("Hours on an assignment that is not signed off cannot be paid: sign the hours off first."),
            code="not_signed_off",
        )


ASSIGNMENT_SOURCE = "assignment:"


def _source_of(line: WorkLine) -> str:
    # The line remembers the assignment it pays, so that the payout can check the sign-off again.
    return f"{ASSIGNMENT_SOURCE}{line.assignment_id}" if line.assignment_id is not None else ""


def _assignment_of(source: str) -> int | None:
    if source.startswith(ASSIGNMENT_SOURCE) and source[len(ASSIGNMENT_SOURCE) :].isdigit():
        return int(source[len(ASSIGNMENT_SOURCE) :])
    return None


def _lines_of(slip: Payslip) -> list[WorkLine]:
    return [
        WorkLine(line.description, line.hours, line.rate, line.amount, _assignment_of(line.source))
        for line in slip.lines.all()
    ]


def payout_confirm(
    *, payslip: Payslip, method: str, nonce: str, by, shown_amount: Decimal | None = None
) -> Payout:
    """Pay a draft payslip once. A repeated request with the same nonce returns the first payout;
    another request for a paid payslip is refused. The tax is worked out again under the lock, from
    what has been paid this year at that moment. `shown_amount` is what staff saw and hand over: if
    the amount worked out now differs, nothing is paid, the draft gets the new figures and the error
    says why (confirm again to pay the new amount)."""
    if method not in PayoutMethod.values:
        raise PayrollError(_("Choose how the pay is handed over."), code="method", field="method")
    if not nonce or len(nonce) > 64:
        raise PayrollError(_("The request is missing its key; reload the page."), code="nonce")
    try:
        with transaction.atomic():
            participant = Participant.objects.select_for_update().get(pk=payslip.participant_id)
            slip = Payslip.objects.select_for_update().get(pk=payslip.pk)
            existing = Payout.objects.filter(nonce=nonce).first()
            if existing is not None:
                if existing.payslip_id != slip.pk:
                    raise PayrollError(_("The request key was used for another payslip."), code="nonce")
                return existing
            if slip.is_paid:
                raise PayrollError(_("This payslip has already been paid."), code="already_paid")
            if method == PayoutMethod.BANK and not participant.bank_account:
                raise PayrollError(
                    _("This person has no bank account: pay in cash or on a card."),
                    code="no_bank_account",
                    field="method",
                )
            # Cash belongs to the day it is handed over, not the day the work was done.
            handed_over_on = timezone.localdate()
            if method == PayoutMethod.CASH:
                # Cash leaves the day's box: wait for a closing in progress, and once the box is
                # counted and closed, no more cash goes out of it (the count would be wrong).
                box = CashBox.objects.select_for_update().get(
                    pk=cash_box_for(site=slip.site, day=handed_over_on).pk
                )
                if box.is_closed:
                    raise PayrollError(
                        _("The cash box is closed for the day: pay by bank transfer or on a card."),
                        code="cash_box_closed",
                        field="method",
                    )
            lines = _lines_of(slip)
            # A sign-off withdrawn after the draft was made: the hours are no longer payable.
            _check_signed_off(site=slip.site, day=slip.date, work=[(participant, lines)])
            fields = _computed_fields(
                site=slip.site,
                participant=participant,
                lines=lines,
                previously_paid=slip.previously_paid,
                paid_on=handed_over_on,
                exclude_pk=slip.pk,
            )
            shown_ytd = slip.ytd_gross - slip.taxable
            for name, value in fields.items():
                setattr(slip, name, value)
            refused = None
            if shown_amount is not None and money(shown_amount) != slip.amount_due:
                why = (
                    _("this year's earlier pay at the employer changed (a payout at another site?)")
                    if slip.ytd_gross - slip.taxable != shown_ytd
                    else _("the tax card or the pay rules changed")
                )
                refused = PayrollError(
                    _(
                        "The amount changed since it was shown: %(new)s instead of %(shown)s, because "
                        "%(why)s. Nothing was paid: check the new figures and confirm again."
                    )
                    % {"new": nok(slip.amount_due), "shown": nok(money(shown_amount)), "why": why},
                    code="amount_changed",
                )
                slip.save()  # still a draft: the day's page now shows the new figures
            else:
                slip.paid_at = timezone.now()
                slip.save()
                payout = Payout.objects.create(
                    payslip=slip,
                    site=slip.site,
                    date=handed_over_on,
                    method=method,
                    amount=slip.amount_due,
                    bank_account=participant.bank_account if method == PayoutMethod.BANK else "",
                    nonce=nonce,
                    paid_by=by,
                )
                log_action(
                    actor=by,
                    action="payout_confirm",
                    obj=payout,
                    site=slip.site,
                    amount=payout.amount,
                    method=method,
                )
        # Outside the transaction, so the draft's new figures are kept while nothing is paid.
        if refused is not None:
            raise refused
        return payout
    except IntegrityError:
        # Another request won the race for this nonce or payslip; answer as it would have.
        existing = Payout.objects.filter(nonce=nonce).first()
        if existing is not None and existing.payslip_id == payslip.pk:
            return existing
        raise PayrollError(_("This payslip has already been paid."), code="already_paid") from None


def payslip_reverse(*, payslip: Payslip, reason: str, by) -> Payslip:
    """Cancel a paid payslip by a paid reversal with every amount negated; the original stays."""
    reason = (reason or "").strip()
    if not reason:
        raise PayrollError(_("Give the reason for the correction."), code="reason", field="reason")
    with transaction.atomic():
        Participant.objects.select_for_update().get(pk=payslip.participant_id)
        slip = Payslip.objects.select_for_update().get(pk=payslip.pk)
        if not slip.is_paid or slip.kind != Payslip.Kind.REGULAR:
            raise PayrollError(_("Only a paid payslip can be reversed."), code="not_paid")
        if Payslip.objects.filter(reverses=slip).exists():
            raise PayrollError(_("This payslip has already been reversed."), code="already_reversed")
        negated = {
            name: -getattr(slip, name)
            for name in (
                "gross",
                "holiday_pay_basis",
                "holiday_pay",
                "holiday_pay_accrued",
                "taxable",
                "tax_free_part",
                "tax_basis",
                "tax",
                "net",
            )
        }
        # The reversal is paid now: it belongs to this year, whatever year the original was paid in.
        paid = paid_in_year(
            participant=slip.participant, year=timezone.localdate().year, employer=employer_of(slip.site)
        )
        reversal = Payslip.objects.create(
            site=slip.site,
            participant=slip.participant,
            date=slip.date,
            kind=Payslip.Kind.REVERSAL,
            holiday_pay_rate=slip.holiday_pay_rate,
            tax_card_kind=slip.tax_card_kind,
            tax_percentage=slip.tax_percentage,
            frikort_amount=slip.frikort_amount,
            frikort_left_before=None,
            amount_due=ZERO,
            ytd_gross=paid["taxable"] - slip.taxable,
            ytd_tax=paid["tax"] - slip.tax,
            paid_at=timezone.now(),
            reverses=slip,
            reason=reason,
            **negated,
        )
        bulk_create_with_history(
            [
                PayslipLine(
                    payslip=reversal,
                    description=line.description,
                    hours=-line.hours if line.hours else None,
                    rate=line.rate,
                    amount=-line.amount,
                )
                for line in slip.lines.all()
            ],
            PayslipLine,
            default_user=by,
            default_change_reason=reason[:100],
        )
        log_action(
            actor=by, action="payslip_reverse", obj=reversal, site=slip.site, reverses=slip.pk, reason=reason
        )
    return reversal


def payslip_correct(*, payslip: Payslip, reason: str, by, lines: list[WorkLine] | None = None) -> Payslip:
    """Reverse a paid payslip and prepare a new draft for the same day (from the current signed-off
    work, or the given lines); paying the draft hands over only the difference."""
    with transaction.atomic():
        payslip_reverse(payslip=payslip, reason=reason, by=by)
        if lines is None:
            tasks = next(
                (
                    tasks
                    for person, tasks in signed_off_work(site=payslip.site, day=payslip.date)
                    if person.pk == payslip.participant_id
                ),
                None,
            )
            lines = (
                day_lines(site=payslip.site, day=payslip.date, tasks=tasks) if tasks else _lines_of(payslip)
            )
        draft = payslip_prepare(
            site=payslip.site,
            participant=payslip.participant,
            day=payslip.date,
            lines=lines,
            corrects=payslip,
            reason=reason,
        )
        log_action(
            actor=by,
            action="payslip_correct",
            obj=draft,
            site=payslip.site,
            corrects=payslip.pk,
            reason=reason,
        )
    return draft


# Repayments ----------------------------------------------------------------------------------------


def repayment_record(
    *, payslip: Payslip, amount: Decimal, method: str, nonce: str, by, note: str = ""
) -> Repayment:
    """Record money the worker paid back on a payslip that was paid but not owed (a reversal "not
    owed", or a negative correction not settled in cash). Never an edit of the payout: a new row,
    once per nonce. Cash goes into today's cash box, which must be open; no more than is still owed."""
    if method not in Repayment.Method.values:
        raise PayrollError(_("Choose how the money was paid back."), code="method", field="method")
    if not nonce or len(nonce) > 64:
        raise PayrollError(_("The request is missing its key; reload the page."), code="nonce")
    if amount is None or amount <= 0:
        raise PayrollError(_("Enter the amount paid back, more than zero."), code="amount", field="amount")
    amount = money(amount)
    with transaction.atomic():
        Participant.objects.select_for_update().get(pk=payslip.participant_id)
        slip = Payslip.objects.select_related("payout").get(pk=payslip.pk)
        existing = Repayment.objects.filter(nonce=nonce).first()
        if existing is not None:
            if existing.payslip_id != slip.pk:
                raise PayrollError(_("The request key was used for another payslip."), code="nonce")
            return existing
        outstanding = repayment_outstanding(slip)
        if outstanding <= 0:
            raise PayrollError(_("Nothing is owed back on this payslip."), code="nothing_owed")
        if amount > outstanding:
            raise PayrollError(
                _("That is more than is still owed back (%(owed)s).") % {"owed": nok(outstanding)},
                code="more_than_owed",
                field="amount",
            )
        received_on = timezone.localdate()
        if method == Repayment.Method.CASH:
            box = CashBox.objects.select_for_update().get(pk=cash_box_for(site=slip.site, day=received_on).pk)
            if box.is_closed:
                raise PayrollError(
                    _("The cash box is closed for the day: record the repayment as a bank transfer."),
                    code="cash_box_closed",
                    field="method",
                )
        repayment = Repayment.objects.create(
            payslip=slip,
            site=slip.site,
            date=received_on,
            method=method,
            amount=amount,
            note=(note or "").strip()[:200],
            nonce=nonce,
            received_by=by,
        )
        log_action(
            actor=by, action="repayment_record", obj=repayment, site=slip.site, amount=amount, method=method
        )
    return repayment


# Reported months -----------------------------------------------------------------------------------


def month_file(*, site: Site, year: int, month: int, by) -> MonthFiling:
    """Mark a month as reported (the a-melding filed) for the site's employer. Its figures are kept
    as they are now and never change; only a month that is over can be filed, so no payment can
    land in it afterwards (payments belong to the month they are made in)."""
    from .reports import monthly_report, row_as_data

    if not 1 <= month <= 12:
        raise PayrollError(_("Choose a month."), code="month")
    first_after = datetime.date(year + month // 12, month % 12 + 1, 1)
    if timezone.localdate() < first_after:
        raise PayrollError(_("A month can be marked as reported once it is over."), code="month_not_over")
    employer = employer_of(site)
    with transaction.atomic():
        if MonthFiling.objects.filter(employer=employer.key, year=year, month=month).exists():
            raise PayrollError(_("This month is already marked as reported."), code="already_filed")
        rows, settings = monthly_report(site=site, year=year, month=month)
        if settings is None:
            raise PayrollError(
                _("There are no pay settings for the year: add them before reporting."),
                code="no_year_settings",
            )
        try:
            with transaction.atomic():
                filing = MonthFiling.objects.create(
                    employer=employer.key,
                    year=year,
                    month=month,
                    rows=[row_as_data(row) for row in rows],
                    filed_by=by,
                )
        except IntegrityError:
            raise PayrollError(_("This month is already marked as reported."), code="already_filed") from None
        log_action(actor=by, action="month_file", obj=filing, site=site, year=year, month=month)
    return filing


# Cash box ------------------------------------------------------------------------------------------


def cash_box_for(*, site: Site, day: datetime.date) -> CashBox:
    box, _created = CashBox.objects.get_or_create(site=site, date=day)
    return box


def cash_box_open(*, site: Site, day: datetime.date, opening_float: Decimal, by) -> CashBox:
    """Set the morning's float (until the box is closed)."""
    if opening_float is None or opening_float < 0:
        raise PayrollError(_("The float cannot be negative."), code="float", field="opening_float")
    with transaction.atomic():
        box = CashBox.objects.select_for_update().get(pk=cash_box_for(site=site, day=day).pk)
        if box.is_closed:
            raise PayrollError(_("The cash box is closed for the day."), code="closed")
        box.opening_float = money(opening_float)
        box.save(update_fields=["opening_float"])
        log_action(actor=by, action="cash_box_open", obj=box, site=site, opening_float=box.opening_float)
    return box


def cash_movement_add(*, site: Site, day: datetime.date, amount: Decimal, reason: str, by) -> CashMovement:
    """Cash in (positive) or out (negative) for another reason than a payout."""
    reason = (reason or "").strip()
    if not reason:
        raise PayrollError(_("Give the reason for the movement."), code="reason", field="reason")
    if amount is None or amount == 0:
        raise PayrollError(_("Enter an amount other than zero."), code="amount", field="amount")
    with transaction.atomic():
        box = CashBox.objects.select_for_update().get(pk=cash_box_for(site=site, day=day).pk)
        if box.is_closed:
            raise PayrollError(_("The cash box is closed for the day."), code="closed")
        movement = CashMovement.objects.create(cash_box=box, amount=money(amount), reason=reason, by=by)
        log_action(
            actor=by,
            action="cash_movement_add",
            obj=movement,
            site=site,
            amount=movement.amount,
            reason=reason,
        )
    return movement


def cash_box_close(
    *,
    site: Site,
    day: datetime.date,
    counted: Decimal,
    explanation: str,
    by,
    witness_username: str,
    witness_password: str,
) -> CashBox:
    """Close the day's cash box: counted by one staff member, confirmed by a second with their password."""
    explanation = (explanation or "").strip()
    if counted is None or counted < 0:
        raise PayrollError(_("Enter the counted amount."), code="counted", field="counted")
    witness = authenticate(username=witness_username, password=witness_password)
    if witness is None or not site.staff.filter(pk=witness.pk).exists():
        raise PayrollError(
            _("The second staff member's name or password is wrong."),
            code="witness",
            field="witness_username",
        )
    if witness.pk == by.pk:
        raise PayrollError(
            _("The second staff member must be someone else."), code="witness", field="witness_username"
        )
    with transaction.atomic():
        box = CashBox.objects.select_for_update().get(pk=cash_box_for(site=site, day=day).pk)
        if box.is_closed:
            raise PayrollError(_("The cash box is closed for the day."), code="closed")
        expected = cash_expected(box)
        difference = money(counted) - expected
        if difference != 0 and not explanation:
            raise PayrollError(
                _("The count differs from the expected amount: explain the difference."),
                code="explain",
                field="explanation",
            )
        box.counted_closing = money(counted)
        box.expected_closing = expected
        box.difference = difference
        box.explanation = explanation
        box.closed_at = timezone.now()
        box.closed_by = by
        box.witnessed_by = witness
        box.save()
        log_action(
            actor=by, action="cash_box_close", obj=box, site=site, difference=difference, witness=witness.pk
        )
    return box
