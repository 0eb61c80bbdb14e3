"""Demo payroll data: wage rates, site settings, tax cards, and paid payslips for past signed-off days."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from dagsverket.models import Participant

from .models import Payslip, SitePayrollSettings, TaxCard, WageRate
from .selectors import employer_of
from .services import PayrollError, payout_confirm, payslips_prepare_day


def _bank_account(rng) -> str:
    """A fake Norwegian account number with a valid mod-11 check digit."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(10)]
        weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        check = 0 if remainder == 0 else 11 - remainder
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def seed_people(people: list[Participant], context, year: int) -> None:
    rng = context.rng
    for person in people:
        if rng.random() < 0.7:
            person.national_id = context.fake.ssn()
        if rng.random() < 0.55:
            person.bank_account = _bank_account(rng)
        person.save(update_fields=["national_id", "bank_account"])
        roll = rng.random()
        if roll < 0.6:
            card = {
                "kind": TaxCard.Kind.FRIKORT,
                "frikort_amount": Decimal(rng.choice([100000, 60000, 20000])),
            }
        elif roll < 0.8:
            card = {"kind": TaxCard.Kind.PERCENTAGE, "percentage": Decimal(rng.choice([22, 28, 34]))}
        else:
            continue  # no tax card: 50 %
        TaxCard.objects.create(
            participant=person,
            year=year,
            employer=employer_of(person.site).key,
            source="Skatteetaten (demo)",
            received_on=datetime.date(year, 1, 5),
            **card,
        )


def seed(context) -> None:
    today = timezone.localdate()
    payer = User.objects.filter(username="payroll").first()
    for site in context.sites:
        WageRate.objects.get_or_create(
            site=site, valid_from=datetime.date(today.year - 1, 1, 1), defaults={"amount": Decimal("150.00")}
        )
        SitePayrollSettings.objects.get_or_create(site=site)
        seed_people(context.participants[site.pk], context, today.year)
        if payer is None:
            continue
        days = [today - datetime.timedelta(days=offset) for offset in range(context.work_days, 0, -1)]
        progress = context.progress(f"Pay at {site.name}")
        count = 0
        for index, day in enumerate(days, start=1):
            try:
                slips = payslips_prepare_day(site=site, day=day)
            except PayrollError:
                continue
            for slip in slips:
                method = "bank" if slip.participant.bank_account and context.rng.random() < 0.5 else "cash"
                payout_confirm(payslip=slip, method=method, nonce=f"demo-{slip.pk}", by=payer)
                count += 1
            progress(index, len(days))
        context.stdout.write(
            f"{site.name}: {count} payslips paid, {Payslip.objects.filter(site=site).count()} rows"
        )
