"""htrae.bulk: one statement updates many rows' columns, JSON included, on either database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from htrae.bulk import bulk_update_columns
from tests.factories import CharacterFactory, LocationFactory
from world.models import Character

pytestmark = pytest.mark.django_db


def test_bulk_update_columns_sets_each_row_in_one_statement():
    here, there = LocationFactory(), LocationFactory()
    characters = CharacterFactory.create_batch(3, location=here, energy=50)
    untouched = CharacterFactory(location=here, energy=50)
    rows = [(c.id, there.id, 10.0 + i, {"social": i / 10, "note": "ünïcode"}) for i, c in enumerate(characters)]

    with CaptureQueriesContext(connection) as queries:
        bulk_update_columns(Character, ["location", "energy", "needs"], rows)

    assert len(queries) == 1
    for i, character in enumerate(characters):
        character.refresh_from_db()
        assert (character.location_id, character.energy) == (there.id, 10.0 + i)
        assert character.needs == {"social": i / 10, "note": "ünïcode"}
    untouched.refresh_from_db()
    assert (untouched.location_id, untouched.energy) == (here.id, 50)


def test_nothing_to_update_runs_nothing():
    with CaptureQueriesContext(connection) as queries:
        bulk_update_columns(Character, ["energy"], [])
    assert len(queries) == 0
