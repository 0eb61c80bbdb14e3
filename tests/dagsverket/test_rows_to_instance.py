"""`auth.rows_to_instance`: instances from a written-out query's rows, as the ORM would build them."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import signals

from dagsverket.auth import fields_in_order, rows_to_instance
from dagsverket.models import Participant
from tests.factories import ParticipantFactory

SOME = ("id", "site", "name", "last_seen", "merged_into")


def _raw(model, pk, names=None):
    """The row as a written-out query returns it: the columns' raw values, before any conversion."""
    fields = fields_in_order(model, names)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def _values(instance):
    return {key: value for key, value in instance.__dict__.items() if key != "_state"}


@pytest.mark.parametrize("names", [None, SOME])
def test_an_instance_from_raw_values_is_what_the_orm_reads(site, names):
    person = ParticipantFactory(site=site, name="Kari", birth_year=1971, last_seen=datetime.date(2026, 3, 1))
    built = rows_to_instance(Participant, _raw(Participant, person.pk, names), connection.alias, fields=names)
    read = (Participant.objects.only(*names) if names else Participant.objects).get(pk=person.pk)
    assert type(built) is Participant
    assert _values(built) == _values(read)
    assert built.get_deferred_fields() == read.get_deferred_fields()
    assert (built._state.adding, built._state.db) == (False, connection.alias)
    assert isinstance(built.last_seen, datetime.date) and built.site == site
    if names:  # a deferred field is read when asked for, as after `only`
        assert built.birth_year == 1971
    # Saved again, it is an update of the same row, not a second person.
    built.name = "Kari H."
    built.save(update_fields=["name"])
    assert Participant.objects.filter(site=site).count() == 1
    assert Participant.objects.get(pk=person.pk).name == "Kari H."


def test_a_model_with_init_listeners_is_built_by_the_orm(site, admin_user):
    user_model = get_user_model()
    person = ParticipantFactory(site=site)
    seen = []

    def listen(sender, instance, **kwargs):
        seen.append(instance)

    signals.post_init.connect(listen, sender=Participant)
    try:
        built = rows_to_instance(Participant, _raw(Participant, person.pk), connection.alias)
    finally:
        signals.post_init.disconnect(listen, sender=Participant)
    assert seen == [built]
    user = rows_to_instance(user_model, _raw(user_model, admin_user.pk), connection.alias)
    assert _values(user) == _values(user_model.objects.get(pk=admin_user.pk))
