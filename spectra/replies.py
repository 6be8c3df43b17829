"""Services: Spectra or an NPC answering a player who spoke to them.

`reply_to_player` runs in the background (`htrae.background`: a Celery worker, a thread of
the server, or inline), never in the tick or the player's request. It reads what the speaker
knows and the conversation so far (`spectra.dialogue_selectors`), asks the dialogue
provider (`spectra.dialogue`) for the words outside any transaction, since a model may take
seconds, then publishes them as the speaker's `SPECTRA_TALKED` / `NPC_TALKED` event: the
place hears it as a `chat_message` and narrative adds it to the conversation.
"""

from __future__ import annotations

import logging

from django.db import transaction

from htrae.vocabulary import EventType
from memory.selectors import beliefs_touching
from memory.services import memories_retrieve
from spectra.dialogue import DialogueRequest, dialogue_provider_get
from spectra.dialogue_selectors import conversation_turns_get, speaker_knowledge_get
from world.broadcast import event_frames, send_frames
from world.events import publish
from world.locks import mind_writer, retrying
from world.models import Character, GameEvent, GrammarSymbol
from world.selectors import world_seed_get
from world.voice import grammar_rules_get

logger = logging.getLogger(__name__)

REPLY_MEMORIES = 5
_TALKED = {Character.Kind.SPECTRA: EventType.SPECTRA_TALKED, Character.Kind.NPC: EventType.NPC_TALKED}


def speaker_memories(*, speaker: Character, heard: str, limit: int = REPLY_MEMORIES) -> tuple[str, ...]:
    """What a character brings to a conversation: the memories the player's words call up,
    best first (`memory.services.memories_retrieve`: recency, importance and relevance to
    `heard`). Recalling them refreshes them, as in Generative Agents: what was just talked
    about is fresh in mind. At most three queries, whatever the number of memories."""
    return tuple(memory.content for memory in memories_retrieve(character=speaker, query=heard, limit=limit))


def reply_to_player(
    *,
    speaker_id: int,
    player_id: int,
    heard: str,
    location_id: int,
    tick: int,
    in_reply_to: int | None = None,
    in_reply_to_request_id: str | None = None,
    close_channel_pools: bool = False,
) -> GameEvent | None:
    """Have Spectra or an NPC answer what a player said at `location_id`; returns the event,
    or None if the speaker can no longer answer (gone, inactive, not a speaker).

    `close_channel_pools` is for Celery workers (see `world.broadcast.send_frames`).
    """
    people = {
        character.id: character
        for character in Character.objects.select_related("location").filter(id__in=[speaker_id, player_id])
    }
    speaker, player = people.get(speaker_id), people.get(player_id)
    if speaker is None or player is None or speaker.kind not in _TALKED:
        return None
    if not speaker.is_active or speaker.location_id != location_id:
        return None

    provider = dialogue_provider_get()
    request = DialogueRequest(
        speaker_id=speaker.id,
        speaker_name=speaker.name,
        speaker_kind=speaker.kind,
        persona=speaker.description,
        personality={
            trait: float(score)
            for trait, score in (speaker.personality or {}).items()
            if isinstance(score, int | float)
        },
        goals=tuple(str(goal) for goal in (speaker.goals or []) if goal),
        mood=str((speaker.emotional_state or {}).get("mood") or "calm"),
        listener_name=player.name,
        heard=heard,
        location_name=speaker.location.name,
        memories=speaker_memories(speaker=speaker, heard=heard),
        beliefs=tuple(belief.statement for belief in beliefs_touching(character=speaker, text=heard)),
        seed=world_seed_get() + tick,
        listener_id=player.id,
        request_id=in_reply_to_request_id or (str(in_reply_to) if in_reply_to else ""),
        knowledge=speaker_knowledge_get(speaker=speaker, player=player, heard=heard, tick=tick),
        history=conversation_turns_get(speaker_id=speaker.id, player_id=player.id, heard=heard),
        voices_rules=grammar_rules_get(GrammarSymbol.Grammar.REPLIES),
    )
    text = provider.reply(request)  # outside the transaction: a model may take seconds

    payload = {
        "actor_id": speaker.id,
        "actor_name": speaker.name,
        "actor_kind": speaker.kind,
        "tick": tick,
        "listener_id": player.id,
        "listener_name": player.name,
        "location_name": speaker.location.name,
        "text": text,
        "in_reply_to": in_reply_to,  # the line's event id
        "in_reply_to_request_id": in_reply_to_request_id,  # the speaker's client's id for it
        "provider": provider.name,
    }
    return retrying(
        lambda: _reply_publish(
            speaker=speaker, payload=payload, location_id=location_id, tick=tick, close_pools=close_channel_pools
        ),
        what="a reply to a player",
    )


def _reply_publish(
    *, speaker: Character, payload: dict, location_id: int, tick: int, close_pools: bool
) -> GameEvent | None:
    # Mind work (world.locks): the reply moves feelings, goals and conversations of others.
    with mind_writer():
        # The world went on while the words were found: a speaker who has left since stays quiet.
        still_here = Character.objects.filter(id=speaker.id, location_id=location_id, is_active=True).exists()
        if not still_here or not payload["text"]:
            return None
        event = publish(
            _TALKED[speaker.kind],
            payload,
            tick=tick,
            location_id=location_id,
            actor_id=speaker.id,
            broadcast=False,  # sent below, so a worker can close its channel pools after
        )
        transaction.on_commit(lambda: _broadcast(event, close_pools=close_pools))
    return event


def _broadcast(event: GameEvent, *, close_pools: bool) -> None:
    """The reply as the place hears it (what `world.broadcast.broadcast_events` sends)."""
    try:
        send_frames(event_frames([event]), close_pools=close_pools)
    except Exception:  # the reply is stored; clients resync from /api/events
        logger.exception("broadcasting reply %s failed", event.id)
