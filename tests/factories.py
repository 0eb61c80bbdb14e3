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
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
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


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    site = factory.SubFactory(SiteFactory)

    class Params:
        surname = factory.Faker("last_name")

    name = factory.Faker("first_name")
    full_name = factory.LazyAttribute(lambda o: f"{o.name} {o.surname}")
    birth_date = factory.Faker("date_of_birth", minimum_age=20, maximum_age=65)


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
