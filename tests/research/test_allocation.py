"""Enrolment, lock and reveal: concealment, reproducibility, immutability and the two lists."""

import functools

import pytest
from django.contrib import admin
from django.db import IntegrityError, InternalError, transaction

from dagsverket.models import ActivityLog
from dagsverket.research.models import AllocationList, AllocationSlot, EnrolmentStatus, ResearchError
from dagsverket.research.randomisation import allocation_list
from dagsverket.research.services import allocation_reveal, enrolment_lock, study_start
from dagsverket.roles import Role
from tests.concurrency import run_at_once


def _start(study, staff):
    return study_start(study=study, by=staff[Role.STUDY])


def test_a_new_study_has_a_development_list_and_no_live_list(study):
    lists = list(AllocationList.objects.filter(study=study))
    assert [listing.is_live for listing in lists] == [False]
    # 3 sexes x 3 age bands x 1 site, each with at least 12 positions in whole blocks
    strata = set(AllocationSlot.objects.filter(allocation_list=lists[0]).values_list("stratum", flat=True))
    assert len(strata) == 9
    assert f"age_band=18-34|sex=f|site={study.sites.get().pk}" in strata


def test_a_study_starts_once(study, staff):
    _start(study, staff)
    assert AllocationList.objects.filter(study=study, is_live=True).count() == 1
    with pytest.raises(ResearchError) as error:
        _start(study, staff)
    assert error.value.code == "already_started"
    assert AllocationList.objects.filter(study=study).count() == 2


def test_the_stored_list_is_the_list_the_seed_gives(study, staff):
    _start(study, staff)
    for listing in AllocationList.objects.filter(study=study):
        expected = allocation_list(
            seed=listing.seed,
            strata=listing.parameters["strata"],
            arms=[tuple(arm) for arm in listing.parameters["arms"]],
            block_multiples=listing.parameters["block_multiples"],
            length=listing.parameters["length"],
        )
        stored = {}
        for stratum, sequence, block, size, arm in AllocationSlot.objects.filter(
            allocation_list=listing
        ).values_list("stratum", "sequence", "block", "block_size", "arm__code"):
            stored.setdefault(stratum, []).append((sequence, block, size, arm))
        assert stored == {
            stratum: [(p.sequence, p.block, p.block_size, p.arm) for p in positions]
            for stratum, positions in expected.items()
        }


def test_the_live_and_development_lists_have_different_seeds(study, staff):
    _start(study, staff)
    seeds = set(AllocationList.objects.filter(study=study).values_list("seed", flat=True))
    assert len(seeds) == 2


def test_nothing_is_revealed_before_the_enrolment_is_locked(study, staff, screened):
    enrolment = screened()
    with pytest.raises(ResearchError) as error:
        allocation_reveal(enrolment=enrolment, by=staff[Role.STUDY])
    assert error.value.code == "not_locked"
    assert not AllocationSlot.objects.filter(enrolment__isnull=False).exists()
    assert not hasattr(type(enrolment), "next_allocation")


def test_lock_needs_research_consent_for_the_study(screened, staff):
    enrolment = screened(consent=False)
    with pytest.raises(ResearchError) as error:
        enrolment_lock(enrolment=enrolment, by=staff[Role.STUDY])
    assert error.value.code == "no_consent"
    enrolment.refresh_from_db()
    assert enrolment.locked_at is None


def test_lock_needs_every_criterion_met(screened, staff):
    enrolment = screened(eligible=False)
    assert enrolment.status == EnrolmentStatus.NOT_ELIGIBLE
    with pytest.raises(ResearchError) as error:
        enrolment_lock(enrolment=enrolment, by=staff[Role.STUDY])
    assert error.value.code == "not_eligible"


def test_reveal_takes_the_next_position_of_the_stratum_once_and_logs_it(study, staff, screened):
    _start(study, staff)
    by = staff[Role.STUDY]
    first, second, other = screened(sex="f"), screened(sex="f"), screened(sex="m")
    slots = []
    for enrolment in (first, second, other):
        enrolment_lock(enrolment=enrolment, by=by)
        slots.append(allocation_reveal(enrolment=enrolment, by=by))
    assert [slot.sequence for slot in slots] == [1, 2, 1]
    assert all(slot.allocation_list.is_live for slot in slots)
    assert slots[0].stratum == slots[1].stratum != slots[2].stratum
    again = allocation_reveal(enrolment=first, by=by)
    assert again.pk == slots[0].pk
    assert AllocationSlot.objects.filter(enrolment__isnull=False).count() == 3
    first.refresh_from_db()
    assert first.status == EnrolmentStatus.ALLOCATED
    logged = ActivityLog.objects.filter(action="allocation_reveal", object_id=str(first.pk))
    assert logged.count() == 1
    assert logged.get().data["arm"] == slots[0].arm.code


def test_practice_enrolments_use_the_development_list_only(study, staff, screened):
    by = staff[Role.STUDY]
    practice = screened()
    assert practice.is_live is False
    enrolment_lock(enrolment=practice, by=by)
    slot = allocation_reveal(enrolment=practice, by=by)
    assert slot.allocation_list.is_live is False
    _start(study, staff)
    live = screened(participant=practice.participant, consent=False)
    assert live.is_live is True
    enrolment_lock(enrolment=live, by=by)
    live_slot = allocation_reveal(enrolment=live, by=by)
    assert live_slot.allocation_list.is_live is True
    assert live_slot.sequence == 1


def test_a_person_is_screened_once_per_study(study, screened):
    enrolment = screened()
    with pytest.raises(ResearchError) as error:
        screened(participant=enrolment.participant)
    assert error.value.code == "duplicate"


def test_a_revealed_allocation_cannot_be_changed_or_deleted_through_django(study, staff, screened):
    by = staff[Role.STUDY]
    enrolment = screened()
    enrolment_lock(enrolment=enrolment, by=by)
    slot = allocation_reveal(enrolment=enrolment, by=by)
    other_arm = study.arms.exclude(pk=slot.arm_id).get()
    slot.arm = other_arm
    with pytest.raises(ResearchError):
        slot.save()
    with pytest.raises(ResearchError):
        slot.delete()
    slot.refresh_from_db()
    assert slot.enrolment_id == enrolment.pk


def test_an_unrevealed_position_cannot_be_rearranged_through_django(study):
    slot = AllocationSlot.objects.filter(allocation_list__study=study).first()
    slot.arm = study.arms.exclude(pk=slot.arm_id).get()
    with pytest.raises(ResearchError):
        slot.save()
    with pytest.raises(ResearchError):
        slot.delete()


def test_the_database_refuses_to_change_or_delete_allocations(study, staff, screened, on_postgres):
    by = staff[Role.STUDY]
    enrolment = screened()
    enrolment_lock(enrolment=enrolment, by=by)
    slot = allocation_reveal(enrolment=enrolment, by=by)
    other_arm = study.arms.exclude(pk=slot.arm_id).get()
    attempts = [
        lambda: AllocationSlot.objects.filter(pk=slot.pk).update(arm=other_arm),
        lambda: AllocationSlot.objects.filter(pk=slot.pk).update(enrolment=None, revealed_at=None),
        lambda: AllocationSlot.objects.filter(pk=slot.pk).delete(),
        # an unrevealed position cannot be rearranged either
        lambda: (
            AllocationSlot.objects.filter(enrolment__isnull=True)[:1]
            .get()
            .__class__.objects.filter(enrolment__isnull=True, allocation_list=slot.allocation_list)
            .update(arm=other_arm)
        ),
        lambda: AllocationList.objects.filter(pk=slot.allocation_list_id).update(seed=1),
        lambda: AllocationList.objects.filter(pk=slot.allocation_list_id).delete(),
    ]
    for attempt in attempts:
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
            attempt()
    slot.refresh_from_db()
    assert slot.arm_id != other_arm.pk and slot.enrolment_id == enrolment.pk


def test_the_allocation_tables_are_not_in_the_admin():
    assert AllocationSlot not in admin.site._registry
    assert AllocationList not in admin.site._registry


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reveals_in_one_stratum_take_different_positions(on_postgres, migration_data):
    from tests.factories import SiteFactory, UserFactory

    from .conftest import give_research_consent

    site = SiteFactory(name="Samtidig")
    by = UserFactory(username="studie", role=Role.STUDY, site=site)
    from django.utils import timezone

    from dagsverket.research.models import Instrument
    from dagsverket.research.services import enrolment_screen, study_create
    from tests.factories import ParticipantFactory

    today = timezone.localdate()
    study = study_create(
        by=by,
        name="Samtidig",
        ethics_reference="REK x",
        purpose="",
        starts_on=today,
        ends_on=today,
        sites=[site],
        arms=[("a", "A", 1, False), ("b", "B", 1, False)],
        stratification=["site"],
        age_band_starts=[18],
        block_multiples=[2],
        criteria=[],
        instruments=list(Instrument.objects.all()),
        slots_per_stratum=20,
    )
    study_start(study=study, by=by)
    enrolments = []
    for _ in range(6):
        person = ParticipantFactory(site=site)
        give_research_consent(person, study, by)
        enrolment = enrolment_screen(
            study=study,
            participant=person,
            eligibility={},
            sex="m",
            age=40,
            baseline_on=today,
            responsible=by,
            by=by,
        )
        enrolments.append(enrolment_lock(enrolment=enrolment, by=by))
    results = []

    def reveal(enrolment):
        results.append(allocation_reveal(enrolment=enrolment, by=by).sequence)

    run_at_once([functools.partial(reveal, enrolment) for enrolment in enrolments])
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
