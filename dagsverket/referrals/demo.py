"""Fake demo data for agencies, consents and referrals. Hook: `seed_referrals(context)` from seed_demo.

Every name here is invented; agencies are plausible kinds of services, not real offices.
"""

import datetime

from django.utils import timezone

from ..models import Participant
from .models import (
    Agency,
    AgencyType,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Referral,
    ReferralArea,
    ReferralEvent,
    ReferralOutcome,
    ReferralReason,
    ReferralStatus,
)

AGENCIES = [
    ("NAV Sentrum (demo)", AgencyType.NAV, True),
    ("Fastlegekontoret Torget (demo)", AgencyType.GP, False),
    ("Legevakten (demo)", AgencyType.EMERGENCY, False),
    ("LAR-poliklinikken (demo)", AgencyType.LAR, False),
    ("Rus- og psykisk helsetjenesten (demo)", AgencyType.MUNICIPAL, True),
    ("Boligkontoret (demo)", AgencyType.HOUSING, True),
    ("Gjeldsrådgivningen (demo)", AgencyType.DEBT, False),
    ("IPS-teamet (demo)", AgencyType.IPS, True),
    ("Rusbehandling Midt (demo)", AgencyType.SPECIALIST, False),
    ("Kirkens Bymisjon (demo)", AgencyType.NON_PROFIT, False),
]
REASONS = [
    ("bolig", "Trenger bolig", "Needs housing"),
    ("nav-ytelse", "Spørsmål om ytelser", "Questions about benefits"),
    ("behandling", "Ønsker behandling", "Wants treatment"),
    ("gjeld", "Gjeld og inkasso", "Debt and collection"),
    ("jobb", "Vil ha ordinært arbeid", "Wants ordinary work"),
]
# Roughly how often each state turns up in the demo.
DEMO_STATUSES = [
    ReferralStatus.DRAFT,
    ReferralStatus.SENT,
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.COMPLETED,
    ReferralStatus.COMPLETED,
    ReferralStatus.DECLINED,
    ReferralStatus.CANCELLED,
]
AREA_FOR_TYPE = {
    AgencyType.NAV: ReferralArea.MONEY,
    AgencyType.GP: ReferralArea.HEALTH,
    AgencyType.EMERGENCY: ReferralArea.HEALTH,
    AgencyType.LAR: ReferralArea.TREATMENT,
    AgencyType.MUNICIPAL: ReferralArea.HEALTH,
    AgencyType.HOUSING: ReferralArea.HOUSING,
    AgencyType.DEBT: ReferralArea.MONEY,
    AgencyType.IPS: ReferralArea.WORK,
    AgencyType.SPECIALIST: ReferralArea.TREATMENT,
    AgencyType.NON_PROFIT: ReferralArea.OTHER,
}


def seed_referrals(context) -> None:
    """Agencies, reasons, consents (sharing and research) and referrals in every state."""
    rng = context.rng
    today = timezone.localdate()
    agencies = [
        Agency.objects.get_or_create(name=name, type=kind, defaults={"on_the_system": on_system})[0]
        for name, kind, on_system in AGENCIES
    ]
    reasons = [
        ReferralReason.objects.get_or_create(code=code, defaults={"label_nb": nb, "label_en": en})[0]
        for code, nb, en in REASONS
    ]
    referrals = 0
    for site in context.sites:
        staff = list(site.staff.order_by("username"))
        people: list[Participant] = context.participants.get(site.pk, [])
        for person in people:
            roll = rng.random()
            if roll > 0.45:
                continue
            given = today - datetime.timedelta(days=rng.randint(5, 200))
            recorder = rng.choice(staff)
            consent = Consent.objects.create(
                participant=person,
                purpose=ConsentPurpose.SHARING,
                agency_types=rng.sample(
                    [AgencyType.NAV, AgencyType.HOUSING, AgencyType.IPS], k=rng.randint(0, 2)
                ),
                share_contact_details=rng.random() < 0.5,
                share_attendance=rng.random() < 0.3,
                given_on=given,
                valid_until=given + datetime.timedelta(days=365),
                method=rng.choice(ConsentMethod.values),
                recorded_by=recorder,
                withdrawn_on=given + datetime.timedelta(days=3) if roll < 0.03 else None,
                withdrawn_by=recorder if roll < 0.03 else None,
            )
            named = rng.sample(agencies, k=rng.randint(1, 3))
            consent.agencies.set(named)
            if rng.random() < 0.3:
                Consent.objects.create(
                    participant=person,
                    purpose=ConsentPurpose.RESEARCH,
                    project="Dagsverket-evalueringen (demo)",
                    given_on=given,
                    valid_until=given + datetime.timedelta(days=730),
                    method=ConsentMethod.PAPER,
                    recorded_by=recorder,
                )
            for agency in named[: rng.randint(1, 2)]:
                referrals += _demo_referral(person, site, agency, consent, rng, staff, reasons, given, today)
    context.stdout.write(f"Referrals: {len(agencies)} agencies, {referrals} referrals")


def _demo_referral(person, site, agency, consent, rng, staff, reasons, given, today) -> int:
    date = min(today, given + datetime.timedelta(days=rng.randint(0, 30)))
    by = rng.choice(staff)
    status = rng.choice(DEMO_STATUSES)
    sent = status not in (ReferralStatus.DRAFT, ReferralStatus.CANCELLED)
    closed = status in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED)
    referral = Referral.objects.create(
        participant=person,
        site=site,
        agency=agency,
        area=AREA_FOR_TYPE[agency.type],
        reason=rng.choice(reasons),
        text="",
        staff=by,
        date=date,
        follow_up_on=None if closed else date + datetime.timedelta(days=rng.choice([7, 14, 21, 30])),
        status=status,
        sent_on=date if sent else None,
        consent=consent if sent else None,
        decline_reason="Ikke kapasitet nå" if status == ReferralStatus.DECLINED else "",
        outcome=rng.choice(ReferralOutcome.values) if status == ReferralStatus.COMPLETED else "",
        closed_on=min(today, date + datetime.timedelta(days=14)) if closed else None,
    )
    at = timezone.make_aware(datetime.datetime.combine(date, datetime.time(10, 0)))
    path = {
        ReferralStatus.DRAFT: [],
        ReferralStatus.SENT: [ReferralStatus.SENT],
        ReferralStatus.ACCEPTED: [ReferralStatus.SENT, ReferralStatus.ACCEPTED],
        ReferralStatus.DECLINED: [ReferralStatus.SENT, ReferralStatus.DECLINED],
        ReferralStatus.COMPLETED: [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED],
        ReferralStatus.CANCELLED: [ReferralStatus.CANCELLED],
    }[status]
    events = [ReferralEvent(referral=referral, at=at, by=by, from_status="", to_status=ReferralStatus.DRAFT)]
    previous = ReferralStatus.DRAFT
    for step, target in enumerate(path, start=1):
        events.append(
            ReferralEvent(
                referral=referral,
                at=at + datetime.timedelta(days=step),
                by=by,
                from_status=previous,
                to_status=target,
            )
        )
        previous = target
    ReferralEvent.objects.bulk_create(events)
    return 1


# seed_demo calls `seed(context)` on every module listed in APP_DEMO_MODULES.
seed = seed_referrals
