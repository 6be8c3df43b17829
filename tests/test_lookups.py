"""`field__any` (htrae/lookups.py): the rows `__in` gives, with the values bound as one array on
PostgreSQL, on every database the project runs on."""

import pytest
from django.db import connection
from django.db.models import Q

from tests.factories import CharacterFactory, LocationFactory
from world.models import Character


@pytest.fixture
def people(db):
    here, there = LocationFactory(), LocationFactory()
    return [CharacterFactory(location=here if n % 2 else there) for n in range(6)], here


def _ids(queryset) -> list[int]:
    return list(queryset.order_by("id").values_list("id", flat=True))


def test_any_finds_what_in_finds(people):
    folk, here = people
    wanted = [folk[4].id, folk[1].id, folk[1].id, None, 10**12]
    assert _ids(Character.objects.filter(id__any=wanted)) == _ids(Character.objects.filter(id__in=wanted))
    assert _ids(Character.objects.filter(id__any=wanted)) == sorted([folk[1].id, folk[4].id])
    # on a foreign key, in an OR, negated, from a set
    assert _ids(Character.objects.filter(location_id__any={here.id})) == _ids(Character.objects.filter(location=here))
    either = Q(id__any=[folk[0].id]) | Q(location_id__any=[here.id])
    assert _ids(Character.objects.filter(either)) == _ids(
        Character.objects.filter(Q(id__in=[folk[0].id]) | Q(location_id__in=[here.id]))
    )
    assert _ids(Character.objects.exclude(id__any=[folk[0].id])) == [c.id for c in folk[1:]]
    # a subquery is an IN (subquery), as with __in
    assert _ids(Character.objects.filter(id__any=Character.objects.filter(location=here).values("id"))) == _ids(
        Character.objects.filter(location=here)
    )


def test_nothing_wanted_finds_nothing_without_a_query(people, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(Character.objects.filter(id__any=[])) == []
        assert list(Character.objects.filter(id__any=[None])) == []
    folk, _ = people
    assert _ids(Character.objects.filter(Q(id__any=[]) | Q(id=folk[2].id))) == [folk[2].id]


def test_on_postgresql_the_values_are_one_parameter(people):
    folk, _ = people
    sql, params = Character.objects.filter(id__any=[c.id for c in folk]).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s)" in sql and list(params) == [[c.id for c in folk]]
    else:
        assert " IN (" in sql and len(params) == len(folk)
