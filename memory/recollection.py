"""What an event means to whom: the pure rules that turn world events into memories.

No ORM: the caller passes each event's plain data and who stands at its place, and gets back
memory drafts. Who remembers:

- the actor, of what they did (not every step: resting and leaving are not worth a memory);
- the listener of speech (not the speaker), with the words; the character a player turned to;
- bystanders at the event's place, only for what Spectra or a player says or where they
  arrive (bounded by the caller to a few per place), so an NPC crowd talking among itself
  does not multiply memories;
- a character whose mood moved strongly (an emotional memory).

Players are skipped: their memory is their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from htrae.vocabulary import DREAM, EMPATHY, EventType

ACTOR, LISTENER, WITNESS = "actor", "listener", "witness"
PLAYER, SPECTRA = "player", "spectra"
QUEST_EVENTS = frozenset({EventType.QUEST_STARTED, EventType.QUEST_COMPLETED, EventType.QUEST_FAILED})
# Published by tick phases, after the tick's own list of events was handed to memory_tick.
PHASE_EVENTS = EventType.EMOTION_CHANGES | QUEST_EVENTS

# Importance (0..10) by event type and role; a missing entry means "not remembered".
IMPORTANCE: dict[str, dict[str, float]] = {
    # Speakers do not remember their own words (the conversation log keeps them): what a
    # character brings to its next reply should be what happened to it, not an echo.
    EventType.NPC_TALKED: {LISTENER: 4.0},
    EventType.SPECTRA_TALKED: {LISTENER: 6.0, WITNESS: 4.0},
    EventType.PLAYER_SPOKE: {LISTENER: 5.0, WITNESS: 4.0},
    EventType.SPECTRA_MOVED: {ACTOR: 1.0, WITNESS: 4.0},
    EventType.PLAYER_MOVED: {WITNESS: 2.0},
    EventType.PLAYER_JOINED: {WITNESS: 3.0},
    EventType.PLAYER_INTERACTED: {LISTENER: 3.0},
    EventType.NPC_EXPLORED: {ACTOR: 1.5},
    EventType.SPECTRA_EXPLORED: {ACTOR: 2.0},
    EventType.NPC_CREATED: {ACTOR: 4.0},
    EventType.SPECTRA_CREATED: {ACTOR: 5.0},
    EventType.NPC_PURSUED_GOAL: {ACTOR: 3.0},
    EventType.SPECTRA_PURSUED_GOAL: {ACTOR: 3.0},
    # The holder of a quest (the quest engine's events name it as the actor).
    EventType.QUEST_STARTED: {ACTOR: 5.0},
    EventType.QUEST_COMPLETED: {ACTOR: 7.0},
    EventType.QUEST_FAILED: {ACTOR: 6.0},
}
REMEMBERED_TYPES = frozenset(IMPORTANCE) | EventType.EMOTION_CHANGES


@dataclass(frozen=True)
class EventView:
    """The plain data of one event."""

    id: int
    type: str
    tick: int
    location_id: int | None
    actor_id: int | None
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class MemoryDraft:
    character_id: int
    content: str
    type: str
    importance: float
    event_id: int
    tick: int
    feeling: str = ""  # the rememberer's mood then
    tone: str = ""  # the mood of the one who acted or spoke, when it was someone else


def needs_witnesses(event: EventView) -> bool:
    return WITNESS in IMPORTANCE.get(event.type, {}) and event.location_id is not None


def drafts_for(
    events: Iterable[EventView],
    *,
    bystanders: Mapping[int, Sequence[int]],
    players: frozenset[int] = frozenset(),
    max_witnesses: int,
    emotion_threshold: float,
    moods: Mapping[int, str] | None = None,
) -> list[MemoryDraft]:
    """Every memory these events leave. `bystanders` lists non-player characters per place;
    `players` are character ids never given memories (listeners the payload names); `moods`
    (character id → mood when it happened) give each memory its feeling and tone."""
    drafts: list[MemoryDraft] = []
    for event in events:
        drafts += _for_event(
            event,
            bystanders=bystanders,
            players=players,
            max_witnesses=max_witnesses,
            emotion_threshold=emotion_threshold,
            moods=moods or {},
        )
    return drafts


def _for_event(event, *, bystanders, players, max_witnesses, emotion_threshold, moods) -> list[MemoryDraft]:
    payload = event.payload

    def draft(character_id: int, content: str, importance: float, kind: str = "short_term") -> MemoryDraft:
        other = event.actor_id if event.actor_id != character_id else None
        return MemoryDraft(
            character_id=character_id,
            content=content[:4000],
            type=kind,
            importance=round(min(max(importance, 0.0), 10.0), 2),
            event_id=event.id,
            tick=event.tick,
            feeling=moods.get(character_id, "") or "",
            tone=(moods.get(other, "") or "") if other is not None else "",
        )

    actor_kind = payload.get("actor_kind")
    actor_name = payload.get("actor_name") or "Someone"
    if event.type in EventType.EMOTION_CHANGES:
        # how strongly the mood moved, or the emotion felt at the moment if that was stronger
        felt = float(payload.get("felt") or 0.0)
        strength = max(float(payload.get("intensity") or 0.0), felt)
        if event.actor_id is None or strength < emotion_threshold or actor_kind == PLAYER:
            return []
        if payload.get("emotion") == DREAM:
            return []  # dreams fade on waking; remembered, they would be dreamt again and again
        named = (payload.get("emotion") if felt >= emotion_threshold else "") or payload.get("to", "changed")
        content = _felt_in_words(named, str(payload.get("cause") or ""))
        memory = draft(event.actor_id, content, 3.0 + 7.0 * strength, "emotional")
        return [replace(memory, feeling=str(payload.get("to") or memory.feeling)[:20])]

    table = IMPORTANCE.get(event.type)
    if not table:
        return []
    out: list[MemoryDraft] = []
    involved: set[int] = set()
    if ACTOR in table and event.actor_id is not None and actor_kind != PLAYER:
        out.append(draft(event.actor_id, _as_actor(event.type, payload), table[ACTOR]))
    if event.actor_id is not None:
        involved.add(event.actor_id)

    listener_id = payload.get("listener_id")
    if event.type == EventType.PLAYER_INTERACTED:
        target = payload.get("target") or {}
        listener_id = target.get("id") if target.get("type") == "character" else None
    if LISTENER in table and isinstance(listener_id, int) and listener_id not in players:
        out.append(draft(listener_id, _as_listener(event.type, payload, actor_name), table[LISTENER]))
    if isinstance(listener_id, int):
        involved.add(listener_id)

    if WITNESS in table and (actor_kind in (SPECTRA, PLAYER)) and event.location_id is not None:
        content = _as_witness(event.type, payload, actor_name)
        witnesses = [c for c in bystanders.get(event.location_id, ()) if c not in involved][:max_witnesses]
        out += [draft(character_id, content, table[WITNESS]) for character_id in witnesses]
    return out


def _quote(payload: Mapping[str, Any]) -> str:
    return f"“{payload.get('text', '')}”"


def _as_actor(event_type: str, payload: Mapping[str, Any]) -> str:
    if event_type in EventType.SPEECH:
        return f"I said to {payload.get('listener_name') or 'no one in particular'}: {_quote(payload)}"
    if event_type.endswith("_MOVED"):
        return f"I arrived at {payload.get('to_name') or 'a new place'}."
    if event_type.endswith("_EXPLORED"):
        found = payload.get("object_name")
        return f"I explored and found {found}." if found else "I explored my surroundings."
    if event_type.endswith("_CREATED"):
        return f"I made {payload.get('creation') or 'something'}."
    if event_type in QUEST_EVENTS:
        title = payload.get("quest_title") or "a quest"
        return {
            EventType.QUEST_STARTED: f"I set out on a quest: {title}.",
            EventType.QUEST_COMPLETED: f"I saw it through: {title}.",
            EventType.QUEST_FAILED: f"I failed at {title}; time ran out.",
        }[event_type]
    if event_type.endswith("_PURSUED_GOAL"):
        return f"I worked toward my goal: {payload.get('goal') or 'what matters to me'}."
    return f"I did something ({event_type.lower()})."


def _as_listener(event_type: str, payload: Mapping[str, Any], actor_name: str) -> str:
    if event_type == EventType.PLAYER_INTERACTED:
        return f"{actor_name} turned to me."
    return f"{actor_name} said to me: {_quote(payload)}"


def _as_witness(event_type: str, payload: Mapping[str, Any], actor_name: str) -> str:
    place = payload.get("location_name") or payload.get("to_name")
    at = f" at {place}" if place else ""
    if event_type in EventType.SPEECH:
        listener = payload.get("listener_name")
        to = f" to {listener}" if listener else ""
        return f"I heard {actor_name} say{to}{at}: {_quote(payload)}"
    if event_type == EventType.PLAYER_JOINED:
        return f"I saw {actor_name} appear{at}."
    return f"I saw {actor_name} arrive{at}."


# Why a feeling came, as the one who felt it would say it: the cause is stored as the event
# type that stirred it (NPC_TALKED), which is not words anyone says.
_CAUSES_IN_WORDS = {
    EventType.GOAL_ACHIEVED: "when what I set out to do was done",
    EventType.GOAL_FAILED: "when what I set out to do came to nothing",
    EventType.QUEST_COMPLETED: "when a task was done",
    EventType.QUEST_FAILED: "when a task came to nothing",
    EventType.PLAYER_SPOKE: "at what was said to me",
    EventType.PLAYER_INTERACTED: "when someone turned to me",
    EventType.PLAYER_JOINED: "when someone new came",
    EventType.PLAYER_MOVED: "when someone came",
    EventType.TIME_OF_DAY_CHANGED: "as the hour turned",
}
_ACTIONS_IN_WORDS = {  # NPC_* and SPECTRA_* alike
    "TALKED": "at what was said",
    "CONFRONTED": "at a quarrel",
    "MOVE_ACTION": "when someone went away",
    "MOVED": "when someone came",
    "CREATED": "at something made",
    "RESTED": "at rest",
    "EXPLORED": "at something found",
    "PURSUED_GOAL": "at work toward a goal",
    "TOOK_OBJECT": "over something taken",
    "GAVE_OBJECT": "over something given",
    "USED_OBJECT": "over something used",
    "DROPPED_OBJECT": "over something left behind",
}


def _felt_in_words(emotion: str, cause: str) -> str:
    """'I felt satisfaction when what I set out to do was done.'; a feeling caught from
    another is that one's ('I felt Vess Lorne's unease.'); a cause in words is kept as given."""
    emotion = emotion.replace("_", " ")
    if emotion == EMPATHY and cause:
        return f"I felt {cause}."
    if not cause:
        return f"I felt {emotion}."
    action = cause.split("_", 1)[1] if cause.startswith(("NPC_", "SPECTRA_")) else ""
    words = _CAUSES_IN_WORDS.get(cause) or _ACTIONS_IN_WORDS.get(action)
    if words:
        return f"I felt {emotion} {words}."
    if cause.isupper() and " " not in cause:  # an event type with no words yet
        return f"I felt {emotion} ({cause.lower().replace('_', ' ')})."
    return f"I felt {emotion} ({cause})."
