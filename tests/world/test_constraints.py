"""The database refuses data that breaks the world's invariants, whatever writes it."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from memory.models import Memory
from narrative.models import FactionRelation, QuestStep
from tests.factories import (
    CharacterFactory,
    FactionFactory,
    FactionRelationFactory,
    LocationFactory,
    MemoryFactory,
    PathFactory,
    PlayerFactory,
    QuestFactory,
    QuestStepFactory,
    UserFactory,
    WorldObjectFactory,
)
from world.models import Character, Location, WorldClock

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_location_light_stays_between_0_and_1():
    refused(lambda: LocationFactory(light=1.5))
    refused(lambda: LocationFactory(light=-0.1))


def test_only_one_starting_location():
    LocationFactory(is_starting_location=True)
    refused(lambda: LocationFactory(is_starting_location=True))
    LocationFactory(is_starting_location=False)  # any number of ordinary places


def test_location_slugs_are_unique():
    LocationFactory(slug="reedmere")
    refused(lambda: LocationFactory(slug="reedmere"))


def test_paths_join_two_different_places_once_at_positive_cost():
    a, b = LocationFactory(), LocationFactory()
    PathFactory(source=a, target=b)
    refused(lambda: PathFactory(source=a, target=a))
    refused(lambda: PathFactory(source=a, target=b))
    refused(lambda: PathFactory(source=b, target=a, travel_cost=0))


def test_character_energy_stays_between_0_and_100():
    refused(lambda: CharacterFactory(energy=101))
    refused(lambda: CharacterFactory(energy=-1))


def test_players_and_only_players_have_a_user():
    refused(lambda: CharacterFactory(kind=Character.Kind.PLAYER, user=None))
    refused(lambda: CharacterFactory(kind=Character.Kind.NPC, user=UserFactory()))
    PlayerFactory()


def test_there_is_only_one_spectra():
    CharacterFactory(kind=Character.Kind.SPECTRA)
    refused(lambda: CharacterFactory(kind=Character.Kind.SPECTRA))


def test_a_location_with_characters_cannot_be_deleted():
    character = CharacterFactory()
    with pytest.raises(Exception, match="protected"), transaction.atomic():
        character.location.delete()
    assert Location.objects.filter(pk=character.location_id).exists()


def test_an_object_lies_somewhere_or_is_carried_not_both():
    refused(lambda: WorldObjectFactory(holder=CharacterFactory()))


def test_the_world_clock_is_a_single_row():
    WorldClock.objects.create(world_time=timezone.now())
    refused(lambda: WorldClock.objects.create(id=2, world_time=timezone.now()))
    refused(lambda: WorldClock.objects.filter(id=1).update(time_scale=0))


def test_faction_relations_are_between_two_factions_within_standing_range():
    luminari, verdant = FactionFactory(), FactionFactory()
    FactionRelationFactory(faction=luminari, other=verdant, standing=-100)
    FactionRelationFactory(faction=verdant, other=luminari, standing=100)
    refused(lambda: FactionRelationFactory(faction=luminari, other=luminari))
    refused(lambda: FactionRelation.objects.filter(faction=luminari).update(standing=101))
    refused(lambda: FactionRelation.objects.filter(faction=verdant).update(standing=-101))
    refused(lambda: FactionRelationFactory(faction=luminari, other=verdant))


def test_faction_power_is_at_most_100():
    refused(lambda: FactionFactory(power=101))


def test_quest_steps_have_unique_positive_numbers():
    quest = QuestFactory()
    QuestStepFactory(quest=quest, order=1)
    refused(lambda: QuestStepFactory(quest=quest, order=1))
    refused(lambda: QuestStep.objects.filter(quest=quest).update(order=0))


def test_memory_importance_is_between_0_and_10_and_type_is_known():
    MemoryFactory(importance_score=0)
    MemoryFactory(importance_score=10)
    refused(lambda: MemoryFactory(importance_score=10.5))
    refused(lambda: MemoryFactory(importance_score=-1))
    refused(lambda: MemoryFactory(type="dream"))
    assert Memory.objects.count() == 2
