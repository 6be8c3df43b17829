"""What characters learn from a tick's events (pure): the facts told in talk reach each
turn's listener, from its speaker; a deed (a clash, a theft) reaches the one it was done to
and those who stood by, up to `max_witnesses` of them (the first by id: the same bystanders
who remember seeing it, `memory.recollection`). In a crowd of four hundred nobody follows
every deed; without the bound a crowded tick at 10,000 NPCs learned 34,000 facts, people x
deeds, and the table of what is known grew by as much every tick."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from htrae.vocabulary import EventType

NEWS_KINDS = ("heard", "gathering", "deed")  # what is learned from talk (lore and memories are not news)
CLASH_IMPORTANCE, THEFT_IMPORTANCE = 0.6, 0.7


@dataclass(frozen=True)
class Learned:
    character_id: int
    key: str
    text: str
    tick: int
    kind: str = "heard"
    subject: str = ""
    importance: float = 0.5
    secret: bool = False
    faction_id: int | None = None
    location_id: int | None = None
    starts_tick: int | None = None
    ends_tick: int | None = None
    told_by_id: int | None = None
    source: str = "heard"


def learned_from_events(
    events: Iterable,
    *,
    tick: int,
    present: Mapping[int, Iterable[int]],
    place_names: Mapping[int, str] | None = None,
    max_witnesses: int | None = None,
) -> list[Learned]:
    """`events` are the tick's (type, payload, actor_id, location_id, id); `present` who stood
    at each place as the tick ended. In event order, so the first teller of a fact is kept."""
    place_names = place_names or {}
    found: list[Learned] = []
    for event in events:
        payload = event.payload or {}
        if event.type in EventType.TALK:
            fact = payload.get("fact")
            listener = payload.get("listener_id")
            if isinstance(fact, dict) and fact.get("kind") in NEWS_KINDS and isinstance(listener, int):
                found.append(_told(fact, listener, event.actor_id, tick))
        elif event.type in EventType.CLASHES and payload.get("target_name"):
            text = f"{payload.get('actor_name', 'someone')} had it out with {payload['target_name']}"
            text += f" at {place_names.get(event.location_id, 'the square')}"
            found += _seen(event, present, text, CLASH_IMPORTANCE, tick, max_witnesses)
        elif event.type in EventType.OBJECT_TAKEN and payload.get("stolen"):
            text = f"{payload.get('actor_name', 'someone')} made off with the {payload.get('object_name', 'thing')}"
            text += f" that wasn't theirs, at {place_names.get(event.location_id, 'the market')}"
            found += _seen(event, present, text, THEFT_IMPORTANCE, tick, max_witnesses)
    return found


def _told(fact: Mapping, listener: int, teller: int | None, tick: int) -> Learned:
    def number(name: str) -> int | None:
        value = fact.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    importance = fact.get("importance", 0.5)
    return Learned(
        character_id=listener,
        key=str(fact.get("key", "")),
        text=str(fact.get("text", "")),
        tick=tick,
        kind=str(fact["kind"]),
        subject=str(fact.get("subject", "")),
        importance=float(importance) if isinstance(importance, int | float) else 0.5,
        secret=bool(fact.get("secret")),
        faction_id=number("faction_id"),
        location_id=number("location_id"),
        starts_tick=number("starts_tick"),
        ends_tick=number("ends_tick"),
        told_by_id=teller,
    )


def _seen(
    event, present: Mapping[int, Iterable[int]], text: str, importance: float, tick: int, max_witnesses: int | None
) -> list[Learned]:
    target = (event.payload or {}).get("target_id")
    here = [character for character in present.get(event.location_id, ()) if character != event.actor_id]
    bystanders = [character for character in here if character != target]
    noticed = set(bystanders if max_witnesses is None else bystanders[:max_witnesses])
    return [
        Learned(
            character_id=witness,
            key=f"deed:{event.id}",
            text=text,
            tick=tick,
            kind="deed",
            subject=str((event.payload or {}).get("actor_name", "")),
            importance=importance,
            location_id=event.location_id,
            source="witnessed",
        )
        for witness in here
        if witness == target or witness in noticed
    ]
