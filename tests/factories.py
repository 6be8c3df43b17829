"""factory-boy factories for the world's models."""

from datetime import UTC, datetime

import factory
from django.contrib.auth import get_user_model

from memory.models import Memory
from narrative.models import Faction, FactionRelation, LoreEntry, Quest, QuestStep
from world.models import Character, Location, Path, WorldClock, WorldObject


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    region = "Heartlands"


class PathFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Path

    source = factory.SubFactory(LocationFactory)
    target = factory.SubFactory(LocationFactory)
    travel_cost = 1


class FactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Faction

    name = factory.Sequence(lambda n: f"Faction {n}")
    slug = factory.Sequence(lambda n: f"faction-{n}")


class FactionRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FactionRelation

    faction = factory.SubFactory(FactionFactory)
    other = factory.SubFactory(FactionFactory)
    standing = 0


class CharacterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Character

    name = factory.Sequence(lambda n: f"Wanderer {n}")
    slug = factory.Sequence(lambda n: f"wanderer-{n}")
    kind = Character.Kind.NPC
    location = factory.SubFactory(LocationFactory)
    emotional_state = {"mood": "calm"}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"player{n}")
    password = factory.django.Password("a-long-enough-passphrase")


class PlayerFactory(CharacterFactory):
    kind = Character.Kind.PLAYER
    user = factory.SubFactory(UserFactory)


class WorldObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorldObject

    name = factory.Sequence(lambda n: f"Trinket {n}")
    slug = factory.Sequence(lambda n: f"trinket-{n}")
    location = factory.SubFactory(LocationFactory)


class QuestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quest

    title = factory.Sequence(lambda n: f"Errand {n}")
    slug = factory.Sequence(lambda n: f"errand-{n}")


class QuestStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestStep

    quest = factory.SubFactory(QuestFactory)
    order = factory.Sequence(lambda n: n + 1)
    objective = "Do the thing."
    objective_type = QuestStep.Objective.WAIT
    wait_ticks = 1


class LoreEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoreEntry

    title = factory.Sequence(lambda n: f"Tale {n}")
    slug = factory.Sequence(lambda n: f"tale-{n}")
    category = LoreEntry.Category.MYTH
    body = "Once, long ago."


class MemoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Memory

    character = factory.SubFactory(CharacterFactory)
    content = factory.Sequence(lambda n: f"I remember thing {n}.")
    importance_score = 3.0


class WorldClockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorldClock
        django_get_or_create = ("id",)

    id = WorldClock.SINGLETON_ID
    # A fixed mid-morning, not the wall clock: what a tick does depends on the hour (routines,
    # the part of the day turning), and a test must not pass or fail by when it runs.
    world_time = datetime(1247, 3, 21, 10, 0, tzinfo=UTC)
