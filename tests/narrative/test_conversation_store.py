"""Speech kept as conversations (narrative/conversations/subscribers.py): one open conversation
per place, closed by a quiet spell; found by its latest line's tick, at the same cost however
much was ever said there."""

import importlib

import pytest
from django.apps import apps

from narrative.conversations.subscribers import CONVERSATION_GAP_TICKS, store_speech
from narrative.models import Conversation, ConversationMessage
from tests.factories import CharacterFactory, LocationFactory
from world.models import GameEvent


@pytest.fixture
def inn(db):
    place = LocationFactory(name="Tallow & Tide")
    return place, CharacterFactory(location=place), CharacterFactory(location=place)


def said(speaker, listener, tick, text="Fair winds."):
    return GameEvent(
        type="NPC_TALKED",
        tick=tick,
        location_id=speaker.location_id,
        actor_id=speaker.id,
        payload={"text": text, "listener_id": listener.id, "location_name": "Tallow & Tide"},
    )


def test_lines_join_the_open_conversation_until_a_quiet_spell_closes_it(inn):
    place, mags, oren = inn
    store_speech([said(mags, oren, 10)])
    store_speech([said(oren, mags, 10 + CONVERSATION_GAP_TICKS)])  # just within the spell
    first = Conversation.objects.get()
    assert (first.started_tick, first.last_tick, first.messages.count()) == (10, 10 + CONVERSATION_GAP_TICKS, 2)
    assert set(first.participants.values_list("id", flat=True)) == {mags.id, oren.id}

    quiet_until = 10 + 2 * CONVERSATION_GAP_TICKS + 1  # a line more than the spell after the last
    store_speech([said(mags, oren, quiet_until, "Back again?")])
    second = Conversation.objects.exclude(id=first.id).get()
    assert (second.location_id, second.started_tick, second.last_tick) == (place.id, quiet_until, quiet_until)
    assert list(second.messages.values_list("text", flat=True)) == ["Back again?"]
    first.refresh_from_db()
    assert first.last_tick == 10 + CONVERSATION_GAP_TICKS  # a closed conversation keeps its last line's tick


def test_each_place_keeps_its_own_conversation(inn):
    place, mags, oren = inn
    elsewhere = LocationFactory()
    far = CharacterFactory(location=elsewhere)
    store_speech([said(mags, oren, 5), said(far, far, 5)])
    store_speech([said(far, far, 6)])
    assert sorted(Conversation.objects.values_list("location_id", "last_tick")) == sorted(
        [(place.id, 5), (elsewhere.id, 6)]
    )


def test_finding_the_open_conversation_costs_the_same_however_much_was_said(inn, django_assert_num_queries):
    _, mags, oren = inn
    for start in range(0, 40 * CONVERSATION_GAP_TICKS, 2 * CONVERSATION_GAP_TICKS):  # twenty closed talks
        store_speech([said(mags, oren, start + turn) for turn in range(5)])
    tick = 40 * CONVERSATION_GAP_TICKS + 1
    store_speech([said(mags, oren, tick)])  # a new one opens
    with django_assert_num_queries(4):  # find it, add the lines, note the tick, add the participants
        store_speech([said(oren, mags, tick + 1), said(mags, oren, tick + 1)])
    assert Conversation.objects.count() == 21
    assert Conversation.objects.order_by("-id").first().messages.count() == 3


def test_the_migration_gives_old_conversations_their_last_lines_tick(inn):
    place, mags, _ = inn
    spoken = Conversation.objects.create(location=place, started_tick=3)
    ConversationMessage.objects.bulk_create(
        [ConversationMessage(conversation=spoken, speaker=mags, text="…", tick=tick) for tick in (3, 9, 7)]
    )
    silent = Conversation.objects.create(location=place, started_tick=12)
    migration = importlib.import_module("narrative.migrations.0007_conversation_last_tick")
    migration.last_ticks_from_lines(apps, None)
    assert dict(Conversation.objects.values_list("id", "last_tick")) == {spoken.id: 9, silent.id: 12}
