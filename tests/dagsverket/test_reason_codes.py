"""The reason codes a manager keeps: listed, added, edited and switched off, never deleted."""

import pytest
from django.urls import reverse

from dagsverket.models import ReasonCode
from dagsverket.roles import Role
from dagsverket.selectors import readiness_reasons
from tests.factories import SiteFactory, reason


@pytest.fixture
def manager(client_for):
    return client_for(Role.MANAGER)


def test_the_list_shows_shared_and_own_codes_but_not_another_sites(manager, site, django_assert_num_queries):
    reason("readiness", "unwell")
    ReasonCode.objects.create(kind="readiness", code="rain", label_nb="Regnvær", site=site)
    ReasonCode.objects.create(kind="readiness", code="elsewhere", label_nb="Annet sted", site=SiteFactory())
    manager.get(reverse("reason_list"))
    with django_assert_num_queries(3):  # session with user, sites, permissions; count and page of codes
        page = manager.get(reverse("reason_list")).content.decode()
    assert "Uvel eller syk" in page and "Regnvær" in page
    assert "Annet sted" not in page
    for _ in range(5):
        ReasonCode.objects.create(kind="exclusion", code=f"x{_}", label_nb=f"Grunn {_}", site=site)
    with django_assert_num_queries(3):
        manager.get(reverse("reason_list"))


def test_a_manager_adds_a_code_for_this_site_and_the_board_offers_it(manager, site):
    response = manager.post(
        reverse("reason_new"),
        {
            "kind": "readiness",
            "code": "no-boots",
            "label_nb": "Mangler støvler",
            "label_en": "No boots",
            "sort_order": "3",
            "active": "on",
        },
    )
    assert response.status_code == 302
    code = ReasonCode.objects.get(code="no-boots")
    assert code.site == site
    assert code in readiness_reasons(site)
    assert code not in readiness_reasons(SiteFactory())
    assert code.history.first().history_user.username == "manager"


def test_a_switched_off_code_is_no_longer_offered_but_stays(manager, site):
    code = ReasonCode.objects.create(kind="readiness", code="rain", label_nb="Regnvær", site=site)
    response = manager.post(
        reverse("reason_edit", args=[code.pk]),
        {"label_nb": "Regnvær", "label_en": "", "sort_order": "0"},  # "active" unticked
    )
    assert response.status_code == 302
    code.refresh_from_db()
    assert not code.active and code.code == "rain"
    assert code not in readiness_reasons(site)


def test_bad_input_and_a_duplicate_code_get_a_message_and_write_nothing(manager, site):
    ReasonCode.objects.create(kind="readiness", code="rain", label_nb="Regnvær", site=site)
    before = ReasonCode.objects.count()
    duplicate = manager.post(
        reverse("reason_new"),
        {"kind": "readiness", "code": "rain", "label_nb": "Regn igjen", "sort_order": "0"},
    )
    assert duplicate.status_code == 400
    assert "Denne koden står allerede i listen." in duplicate.content.decode()
    bad = manager.post(reverse("reason_new"), {"kind": "mood", "code": "not a slug!", "label_nb": ""})
    assert bad.status_code == 400
    assert ReasonCode.objects.count() == before


def test_the_kind_and_code_of_a_code_in_use_cannot_be_changed(manager, site):
    code = ReasonCode.objects.create(kind="readiness", code="rain", label_nb="Regnvær", site=site)
    manager.post(
        reverse("reason_edit", args=[code.pk]),
        {"kind": "exclusion", "code": "sun", "label_nb": "Regn", "sort_order": "1", "active": "on"},
    )
    code.refresh_from_db()
    assert (code.kind, code.code, code.label_nb) == ("readiness", "rain", "Regn")


def test_another_sites_code_cannot_be_opened(manager):
    other = ReasonCode.objects.create(kind="readiness", code="far", label_nb="Langt unna", site=SiteFactory())
    assert manager.get(reverse("reason_edit", args=[other.pk])).status_code == 404
    assert manager.post(reverse("reason_edit", args=[other.pk]), {"label_nb": "x"}).status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("every_site", [False, True], ids=["this site", "every site"])
def test_managers_saving_the_same_new_code_at_once_get_one_code_and_messages(
    on_postgres, site, staff, every_site
):
    """The form's duplicate check passes for all of them at once; the database lets one through and
    the others get the message next to the field, never a server error."""
    from django.test import Client

    from tests.concurrency import run_at_once

    statuses, bodies = [], []

    def save():
        client = Client()
        client.force_login(staff[Role.MANAGER])
        data = {"kind": "readiness", "code": "hail", "label_nb": "Hagl", "sort_order": "0", "active": "on"}
        if every_site:
            data["every_site"] = "on"
        response = client.post(reverse("reason_new"), data)
        statuses.append(response.status_code)
        bodies.append(response.content.decode())

    run_at_once([save] * 6)
    assert sorted(statuses) == [302] + [400] * 5
    refused = [body for body, status in zip(bodies, statuses, strict=True) if status == 400]
    assert all("Denne koden står allerede i listen." in body for body in refused)
    assert ReasonCode.objects.filter(code="hail").count() == 1
    assert ReasonCode.objects.get(code="hail").site_id == (None if every_site else site.pk)


def test_a_code_shared_by_every_site_is_unique_in_the_database_too(db):
    from django.db import IntegrityError, transaction

    ReasonCode.objects.create(kind="readiness", code="storm", label_nb="Storm")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReasonCode.objects.create(kind="readiness", code="storm", label_nb="Storm igjen")
    ReasonCode.objects.create(kind="exclusion", code="storm", label_nb="Storm")  # another kind is fine


def test_saving_a_code_goes_through_the_service_and_is_in_the_activity_log(manager, site):
    """Every write through a service: the reason code page used to save the form itself, so the
    activity log never heard of it."""
    from dagsverket.models import ActivityLog

    manager.post(
        reverse("reason_new"),
        {"kind": "readiness", "code": "rain", "label_nb": "Regn", "sort_order": "0", "active": "on"},
    )
    code = ReasonCode.objects.get(code="rain")
    response = manager.post(
        reverse("reason_edit", args=[code.pk]), {"label_nb": "Regnvær", "sort_order": "1", "active": ""}
    )
    assert response.status_code == 302
    code.refresh_from_db()
    assert (code.label_nb, code.sort_order, code.active, code.kind, code.code) == (
        "Regnvær",
        1,
        False,
        "readiness",
        "rain",
    )
    logged = ActivityLog.objects.filter(action="reason_code_save", object_id=str(code.pk))
    assert logged.count() == 2
    assert [row.label_nb for row in code.history.order_by("history_id")] == ["Regn", "Regnvær"]


def test_the_board_offers_the_sites_and_the_shared_active_readiness_codes_in_their_order(site):
    # `readiness_reasons` is written out in SQL: the ORM's filter and the model's order, by hand.
    ReasonCode.objects.filter(kind="readiness").delete()
    shared_late = ReasonCode.objects.create(kind="readiness", code="a-late", label_nb="Sen", sort_order=5)
    own_first = ReasonCode.objects.create(kind="readiness", code="z-first", label_nb="Først", site=site)
    own_tied = ReasonCode.objects.create(
        kind="readiness", code="b-tied", label_nb="Lik", sort_order=5, site=site
    )
    ReasonCode.objects.create(kind="readiness", code="off", label_nb="Av", active=False, site=site)
    ReasonCode.objects.create(kind="readiness", code="other", label_nb="Annen", site=SiteFactory())
    ReasonCode.objects.create(kind="exclusion", code="excl", label_nb="Utestengt", site=site)
    offered = readiness_reasons(site)
    assert offered == [own_first, shared_late, own_tied]  # by order, then by code
    assert [code.label_nb for code in offered] == ["Først", "Sen", "Lik"] and offered[0].site_id == site.pk
    assert offered[1].active is True and offered[1].site_id is None
