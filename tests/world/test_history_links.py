"""The world's history names characters, places and factions without database constraints
(`htrae.models.history_link`: a tick's commit no longer checks 100,000 of them one by one),
and its references still stay whole: Django applies each `on_delete`, and a designer's delete
of a character waits for a tick in flight, whose new rows name it."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from gossip.models import Knowledge
from memory.models import Belief, Memory
from narrative.models import Conversation, ConversationMessage
from spectra.models import EmotionSample
from tests.factories import CharacterFactory, FactionFactory, LocationFactory, MemoryFactory
from world.locks import world_exclusive
from world.models import Character, GameEvent

HISTORY_LINKS = {
    GameEvent: ("actor", "location"),
    Memory: ("character", "source_event"),
    Knowledge: ("character", "faction", "location", "told_by"),
    ConversationMessage: ("conversation", "speaker"),
    EmotionSample: ("character",),
    Belief: ("character", "reflection", "previous"),
}


@pytest.mark.django_db
def test_the_history_tables_carry_no_foreign_key_constraints_and_the_world_keeps_its_own():
    with connection.cursor() as cursor:
        for model, links in HISTORY_LINKS.items():
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            checked = {column for found in constraints.values() if found["foreign_key"] for column in found["columns"]}
            assert checked.isdisjoint(model._meta.get_field(link).column for link in links), model.__name__
        sources = connection.introspection.get_constraints(cursor, Memory.sources.through._meta.db_table)
        assert not any(found["foreign_key"] for found in sources.values())
        # the world's own state keeps them: a character's place
        constraints = connection.introspection.get_constraints(cursor, Character._meta.db_table)
        assert any(found["foreign_key"] and found["columns"] == ["location_id"] for found in constraints.values())


def _history_of(character: Character, *, place, faction) -> dict:
    event = GameEvent.objects.create(type="NPC_SPOKE", actor=character, location=place, tick=1)
    memory = MemoryFactory(character=character, source_event=event)
    reflection = MemoryFactory(character=character)
    reflection.sources.add(memory)
    other = CharacterFactory(location=character.location)
    heard = Knowledge.objects.create(
        character=other, key="news", text="News.", told_by=character, faction=faction, location=place
    )
    known = Knowledge.objects.create(character=character, key="own", text="Own.")
    conversation = Conversation.objects.create(location=place)
    line = ConversationMessage.objects.create(conversation=conversation, speaker=character, text="Hello.", tick=1)
    sample = EmotionSample.objects.create(
        character=character, tick=1, world_time=event.timestamp, mood="calm", pleasure=0, arousal=0, dominance=0,
        intensity=0,
    )  # fmt: skip
    held = Belief.objects.create(
        character=character, subject_kind="place", subject_key="place:1", reflection=reflection
    )
    revised = Belief.objects.create(
        character=other, subject_kind="place", subject_key="place:1", reflection=MemoryFactory(character=other)
    )
    return {
        "event": event, "memory": memory, "heard": heard, "known": known, "line": line, "sample": sample,
        "belief": held, "others_belief": revised,
    }  # fmt: skip


@pytest.mark.django_db
def test_deleting_a_character_takes_its_own_history_and_clears_it_from_others():
    place, faction = LocationFactory(), FactionFactory()
    character = CharacterFactory(location=place)
    rows = _history_of(character, place=place, faction=faction)

    character.delete()

    rows["event"].refresh_from_db()
    rows["line"].refresh_from_db()
    rows["heard"].refresh_from_db()
    assert rows["event"].actor_id is None  # the deed stays in the log, its doer gone
    assert rows["line"].speaker_id is None
    assert rows["heard"].told_by_id is None
    assert not Memory.objects.filter(character_id=character.id).exists()
    assert not Memory.sources.through.objects.exists()  # its reflection's links went with them
    assert not Knowledge.objects.filter(character_id=character.id).exists()
    assert not EmotionSample.objects.filter(character_id=character.id).exists()
    assert not Belief.objects.filter(character_id=character.id).exists()
    assert Belief.objects.filter(pk=rows["others_belief"].pk).exists()


@pytest.mark.django_db
def test_a_belief_outlives_its_reflection_and_the_belief_it_revised_by_losing_the_links():
    place = LocationFactory()
    character = CharacterFactory(location=place)
    rows = _history_of(character, place=place, faction=FactionFactory())
    first = rows["belief"]
    Belief.objects.filter(pk=first.pk).update(is_current=False)  # revised: one current belief a subject
    second = Belief.objects.create(
        character=character, subject_kind="place", subject_key="place:1", previous=first,
        reflection=MemoryFactory(character=character),
    )  # fmt: skip

    first.reflection.delete()
    first.delete()

    second.refresh_from_db()
    assert second.previous_id is None
    second.reflection.delete()
    second.refresh_from_db()
    assert second.reflection_id is None


@pytest.mark.django_db
def test_deleting_a_place_or_a_faction_clears_the_history_naming_it():
    place, faction = LocationFactory(), FactionFactory()
    character = CharacterFactory(location=LocationFactory())
    rows = _history_of(character, place=place, faction=faction)

    faction.delete()
    place.delete()  # nobody stands there: a place people stand in is protected

    rows["event"].refresh_from_db()
    rows["heard"].refresh_from_db()
    assert rows["event"].location_id is None
    assert (rows["heard"].location_id, rows["heard"].faction_id) == (None, None)


@pytest.mark.django_db
def test_deleting_a_conversation_takes_its_lines():
    place = LocationFactory()
    rows = _history_of(CharacterFactory(location=place), place=place, faction=FactionFactory())
    rows["line"].conversation.delete()
    assert not ConversationMessage.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_designer_deleting_a_character_waits_for_the_tick_in_flight_and_clears_what_it_wrote():
    """A tick holds the world and writes an event naming the character; the designer's delete
    starts meanwhile. Without waiting, Django's collector would not see the tick's new event
    and it would keep the id of a character that is gone."""
    place = LocationFactory()
    character = CharacterFactory(location=place)
    tick_wrote, deleted = threading.Event(), threading.Event()
    event_ids: list[int] = []

    def tick_in_flight() -> None:
        try:
            with transaction.atomic():
                world_exclusive()
                event_ids.append(GameEvent.objects.create(type="NPC_WAITED", actor_id=character.id, tick=1).id)
                tick_wrote.set()
                time.sleep(0.5)  # the delete must still be waiting when the tick commits
                assert not deleted.is_set()
        finally:
            close_old_connections()
            connection.close()

    tick = threading.Thread(target=tick_in_flight)
    tick.start()
    assert tick_wrote.wait(10)
    Character.objects.get(id=character.id).delete()
    deleted.set()
    tick.join(10)

    assert not Character.objects.filter(id=character.id).exists()
    assert GameEvent.objects.get(id=event_ids[0]).actor_id is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_admins_bulk_delete_waits_for_the_tick_in_flight_too(admin_client):
    place = LocationFactory()
    character = CharacterFactory(location=place)
    tick_wrote = threading.Event()

    def tick_in_flight() -> None:
        try:
            with transaction.atomic():
                world_exclusive()
                Memory.objects.create(character_id=character.id, content="A thing seen.", tick=1)
                tick_wrote.set()
                time.sleep(0.5)
        finally:
            close_old_connections()
            connection.close()

    tick = threading.Thread(target=tick_in_flight)
    tick.start()
    assert tick_wrote.wait(10)
    response = admin_client.post(
        "/admin/world/character/",
        {"action": "delete_selected", "_selected_action": [character.id], "post": "yes"},
    )
    tick.join(10)

    assert response.status_code == 302
    assert not Character.objects.filter(id=character.id).exists()
    assert not Memory.objects.filter(character_id=character.id).exists()
