"""Conversations kept from the world's events.

Speech (NPCs, Spectra, players) is kept as conversation history: one open conversation per
location, which a quiet spell of CONVERSATION_GAP_TICKS closes; the next words start a new one.
"""

from __future__ import annotations

from django.utils import timezone

from htrae.bulk import bulk_create, bulk_insert_columns, bulk_update_columns
from htrae.vocabulary import EventType
from narrative.models import Conversation, ConversationMessage
from world.events import subscribe
from world.models import GameEvent

CONVERSATION_GAP_TICKS = 10


@subscribe(*EventType.SPEECH)
def store_speech(events: list[GameEvent]) -> None:
    """Append the lines to each location's open conversation (four queries per call, five when
    a conversation opens)."""
    events = [event for event in events if event.location_id and event.payload.get("text")]
    if not events:
        return
    location_ids = {event.location_id for event in events}
    tick = max(event.tick for event in events)
    open_by_location = {
        conversation.location_id: conversation
        for conversation in Conversation.objects.filter(
            location_id__any=location_ids, last_tick__gte=tick - CONVERSATION_GAP_TICKS
        )
        .only("id", "location_id")
        .order_by("location_id", "-id")
    }
    missing = location_ids - open_by_location.keys()
    if missing:
        names = {event.location_id: event.payload.get("location_name", "") for event in events}
        created = bulk_create(
            [
                Conversation(
                    location_id=location_id, started_tick=tick, last_tick=tick, topic=names.get(location_id, "")
                )
                for location_id in sorted(missing)
            ]
        )
        open_by_location.update({conversation.location_id: conversation for conversation in created})

    # Plain rows, not model instances: a busy tick says thousands of lines.
    now = timezone.now()
    bulk_insert_columns(
        ConversationMessage,
        ("conversation", "speaker", "text", "tick", "timestamp"),
        [
            (open_by_location[event.location_id].id, event.actor_id, event.payload["text"][:2000], event.tick, now)
            for event in events
        ],
    )
    bulk_update_columns(Conversation, ["last_tick"], [(c.id, tick) for c in open_by_location.values()])
    pairs = {
        (open_by_location[event.location_id].id, character_id)
        for event in events
        for character_id in (event.actor_id, event.payload.get("listener_id"))
        if character_id
    }
    bulk_insert_columns(
        Conversation.participants.through, ("conversation", "character"), sorted(pairs), ignore_conflicts=True
    )
