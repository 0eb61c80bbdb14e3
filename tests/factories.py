"""factory-boy factories. Fake people come from Faker's Norwegian locale; nothing here is real."""

import datetime

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from dagsverket.demo import FAKER_LOCALE
from dagsverket.models import Participant, Site, Visit

factory.Faker._DEFAULT_LOCALE = FAKER_LOCALE


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Testby {n}")
    address = factory.Faker("street_address")
    places_per_day = 18
    employer_name = factory.LazyAttribute(lambda o: f"Dagsverket {o.name}")
    organisation_number = "974760673"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    # Staff names are plain and fixed, so they never collide with the fake participants a test
    # searches for in a page.
    first_name = "Ansatt"
    last_name = factory.LazyAttribute(lambda o: o.username.capitalize())
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=str(extracted)))
        if create:
            self.save()

    @factory.post_generation
    def site(self, create, extracted, **kwargs):
        if create and extracted:
            extracted.staff.add(self)


def staff_at(site) -> dict:
    """One user per role (username = the role's name, password "demo"), all at `site`."""
    from django.contrib.auth.models import Permission

    from dagsverket.roles import Role, sync_role_groups

    # Transactional tests flush the tables, groups included; permissions come back by themselves.
    sync_role_groups(Group, Permission)
    return {role: UserFactory(username=role.value, role=role, site=site) for role in Role}


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    site = factory.SubFactory(SiteFactory)

    class Params:
        surname = factory.Faker("last_name")

    name = factory.Faker("first_name")
    full_name = factory.LazyAttribute(lambda o: f"{o.name} {o.surname}")
    # Under 55 by default: from the year a worker turns 59 the holiday pay rate is higher
    # (12.5 %, DOMAIN.md), so a random older age would change a test's expected pay at random.
    # Tests about older workers give the birth date themselves.
    birth_date = factory.Faker("date_of_birth", minimum_age=20, maximum_age=55)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    participant = factory.SubFactory(ParticipantFactory)
    site = factory.SelfAttribute("participant.site")
    date = factory.LazyFunction(timezone.localdate)
    arrived_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime.combine(o.date, datetime.time(8, 15)))
    )


# --- Check-in, readiness, exclusions (issue 3) ---


def reason(kind: str = "readiness", code: str = "unwell"):
    """A seeded reason code (the data migration creates them; transactional tests flush them)."""
    import importlib

    from dagsverket.models import ReasonCode

    seeded = importlib.import_module("dagsverket.migrations.0006_default_reason_codes")
    labels = {row[0]: row[1:] for row in seeded.READINESS + seeded.EXCLUSION}
    label_nb, label_en = labels.get(code, (code, code))
    found, _created = ReasonCode.objects.get_or_create(
        kind=kind, code=code, site=None, defaults={"label_nb": label_nb, "label_en": label_en}
    )
    return found


class ExclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dagsverket.Exclusion"

    participant = factory.SubFactory(ParticipantFactory)
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=14))
    reason = factory.LazyFunction(lambda: reason("exclusion", "intoxicated-at-work"))


# --- referrals and consent (dagsverket/referrals/models.py) ------------------------------------------

from dagsverket.referrals.models import (  # noqa: E402
    Agency,
    AgencyType,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Referral,
    ReferralArea,
    ReferralReason,
)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"NAV Testby {n}")
    type = AgencyType.NAV
    contact_person = factory.Faker("name")
    phone = factory.Faker("phone_number")
    address = factory.Faker("street_address")


class ReferralReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralReason
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"reason-{n}")
    label_nb = factory.LazyAttribute(lambda o: f"Grunn {o.code}")
    label_en = factory.LazyAttribute(lambda o: f"Reason {o.code}")


class ConsentFactory(factory.django.DjangoModelFactory):
    """A sharing consent given today, valid for 180 days, naming no agency until told."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    purpose = ConsentPurpose.SHARING
    given_on = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyAttribute(lambda o: o.given_on + datetime.timedelta(days=180))
    method = ConsentMethod.SPOKEN
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.agencies.set(extracted)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A draft referral written today."""

    class Meta:
        model = Referral

    participant = factory.SubFactory(ParticipantFactory)
    site = factory.SelfAttribute("participant.site")
    agency = factory.SubFactory(AgencyFactory)
    area = ReferralArea.WORK
    text = "Trenger hjelp med meldekort"
    staff = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(timezone.localdate)


# --- Evaluation (dagsverket/evaluation) ---
from dagsverket.evaluation.models import EvaluationProject  # noqa: E402


class EvaluationProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationProject
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Evaluering {n}")
    purpose = "Does same-day paid work help?"
    approval_reference = factory.Sequence(lambda n: f"REK 2026/{1000 + n}")
    starts_on = datetime.date(2026, 1, 1)
    # Whole blocks of the release grid both in weeks (13 from Monday 5 January) and in months.
    ends_on = datetime.date(2027, 1, 3)
    requires_research_consent = False
    date_coarsening = "day"

    @factory.post_generation
    def evaluators(self, create, extracted, **kwargs):
        if create and extracted:
            self.evaluators.set(extracted)


# ---------------------------------------------------------------------------------------------------
# jobs: customers, tasks, lottery, assignments

from decimal import Decimal  # noqa: E402

from jobs.models import (  # noqa: E402
    Assignment,
    Category,
    Customer,
    LotteryDraw,
    LotteryEntry,
    Outcome,
    Sector,
    Task,
    hours_between,
)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Borettslag {n}")
    sector = Sector.HOUSING
    organisation_number = "974760673"
    contact_name = factory.Faker("name")
    invoice_address = factory.Faker("address")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    customer = factory.SubFactory(CustomerFactory)
    site = factory.SelfAttribute("customer.site")
    description = factory.Sequence(lambda n: f"Hagearbeid {n}")
    address = factory.Faker("street_address")
    date = factory.LazyFunction(timezone.localdate)
    starts_at = datetime.time(9, 0)
    ends_at = datetime.time(13, 0)
    workers_min = 1
    workers_max = 3
    category = Category.GARDEN
    price = Decimal("450.00")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An active assignment; pass `visit` (its participant and date are used)."""

    class Meta:
        model = Assignment

    visit = factory.SubFactory(VisitFactory)
    participant = factory.SelfAttribute("visit.participant")
    task = factory.SubFactory(
        TaskFactory,
        customer__site=factory.SelfAttribute("...visit.site"),
        date=factory.SelfAttribute("..visit.date"),
    )
    date = factory.SelfAttribute("task.date")
    starts_at = factory.SelfAttribute("task.starts_at")
    ends_at = factory.SelfAttribute("task.ends_at")
    break_minutes = 30
    hours = factory.LazyAttribute(lambda o: hours_between(o.starts_at, o.ends_at, o.break_minutes))


class LotteryDrawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LotteryDraw

    site = factory.SubFactory(SiteFactory)
    date = factory.LazyFunction(timezone.localdate)
    seed = factory.Sequence(lambda n: 1000 + n)
    places = 3
    light_places = 0


class LotteryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LotteryEntry

    draw = factory.SubFactory(LotteryDrawFactory)
    visit = factory.SubFactory(
        VisitFactory,
        participant__site=factory.SelfAttribute("...draw.site"),
        date=factory.SelfAttribute("..draw.date"),
    )
    participant = factory.SelfAttribute("visit.participant")
    outcome = Outcome.DRAWN


# --- payroll ---------------------------------------------------------------------------------------


class WageRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payroll.WageRate"

    site = factory.SubFactory(SiteFactory)
    valid_from = datetime.date(2020, 1, 1)
    kind = "hourly"
    amount = Decimal("150.00")


class TaxCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payroll.TaxCard"

    participant = factory.SubFactory(ParticipantFactory)
    year = 2026
    # the employer of the participant's own site (its organisation number, or the lone site)
    employer = factory.LazyAttribute(
        lambda card: card.participant.site.organisation_number or f"site-{card.participant.site_id}"
    )
    kind = "frikort"
    frikort_amount = Decimal("100000.00")
    source = "Skatteetaten"
    received_on = datetime.date(2026, 1, 5)


# --- IPS job-specialist log (issue 9) ---


class CaseloadEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ips.CaseloadEntry"

    participant = factory.SubFactory(ParticipantFactory)
    site = factory.SelfAttribute("participant.site")
    specialist = factory.SubFactory(UserFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))


class EmployerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ips.EmployerContact"

    entry = factory.SubFactory(CaseloadEntryFactory)
    site = factory.SelfAttribute("entry.site")
    specialist = factory.SelfAttribute("entry.specialist")
    date = factory.LazyAttribute(lambda o: o.entry.started_on + datetime.timedelta(days=7))
    employer_name = factory.Faker("company")
    face_to_face = True


class JobStartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ips.JobStart"

    entry = factory.SubFactory(CaseloadEntryFactory)
    employer_name = factory.Faker("company")
    started_on = factory.LazyAttribute(lambda o: o.entry.started_on + datetime.timedelta(days=20))
    hours_per_week = Decimal("20.00")
    hourly_wage = Decimal("210.00")


class FidelityReviewFactory(factory.django.DjangoModelFactory):
    """A review with every item scored 4 (total 100, good fidelity)."""

    class Meta:
        model = "ips.FidelityReview"
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    reviewed_on = factory.LazyFunction(timezone.localdate)
    reviewers = "Ekstern gjennomgang"
    total = 100

    @factory.post_generation
    def scores(self, create, extracted, **kwargs):
        if create:
            from dagsverket.ips.models import FidelityScore

            FidelityScore.objects.bulk_create(
                FidelityScore(review=self, item=item, score=4) for item in range(1, 26)
            )
