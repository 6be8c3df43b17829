"""Writes of who knows what: facts learned from the tick's talk and deeds, and a fact planted
in one character (a designer's, or the liveliness report's)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from gossip.logic import Learned, learned_from_events
from gossip.models import Knowledge
from htrae.bulk import bulk_insert_columns
from world.models import Character, Location

KNOWLEDGE_COLUMNS = (
    "character",
    "key",
    "kind",
    "subject",
    "text",
    "importance",
    "secret",
    "faction",
    "location",
    "starts_tick",
    "ends_tick",
    "learned_tick",
    "told_by",
    "source",
)


def knowledge_learn(learned: Iterable[Learned]) -> int:
    """Store what was learned (one query); a fact someone already knows stays as first learned.
    Written as plain rows, not model instances: a busy tick at 10,000 NPCs learns tens of
    thousands of facts, and building and preparing an instance of each cost more than the
    insert."""
    rows = [
        (
            item.character_id,
            item.key[:200],
            item.kind,
            item.subject[:200],
            item.text[:1000],
            item.importance,
            item.secret,
            item.faction_id,
            item.location_id,
            item.starts_tick,
            item.ends_tick,
            item.tick,
            item.told_by_id,
            item.source,
        )
        for item in learned
    ]
    bulk_insert_columns(Knowledge, KNOWLEDGE_COLUMNS, rows, ignore_conflicts=True)
    return len(rows)


def learn_from_events(events: Iterable, *, tick: int) -> int:
    """Facts told in the tick's talk reach their listeners; deeds reach the one they were done
    to and a bounded few who stood by (one query, and two more when there were deeds)."""
    events = list(events)
    places = sorted({e.location_id for e in events if e.location_id is not None and e.type.endswith(_DEED_SUFFIXES)})
    present: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    if places:
        names = dict(Location.objects.filter(id__in=places).values_list("id", "name"))
        rows = (
            Character.objects.filter(location_id__in=places, is_active=True, kind__in=_KNOWERS)
            .order_by("id")
            .values_list("location_id", "id")
        )
        for location_id, character_id in rows:
            present.setdefault(location_id, []).append(character_id)
    learned = learned_from_events(
        events, tick=tick, present=present, place_names=names, max_witnesses=settings.MEMORY_MAX_WITNESSES
    )
    return knowledge_learn(learned)


_DEED_SUFFIXES = ("_CONFRONTED", "_TOOK_OBJECT")
_KNOWERS = (Character.Kind.NPC, Character.Kind.SPECTRA)


def fact_plant(
    *,
    character: Character,
    key: str,
    text: str,
    tick: int,
    kind: str = Knowledge.Kind.HEARD,
    importance: float = 0.8,
    location_id: int | None = None,
    starts_tick: int | None = None,
    ends_tick: int | None = None,
) -> Knowledge:
    """Make one character know a fact (learned at `tick`), as if it had just heard it."""
    knowledge, _ = Knowledge.objects.get_or_create(
        character=character,
        key=key,
        defaults={
            "kind": kind,
            "text": text,
            "importance": importance,
            "location_id": location_id,
            "starts_tick": starts_tick,
            "ends_tick": ends_tick,
            "learned_tick": tick,
            "source": Knowledge.Source.PLANTED,
        },
    )
    return knowledge
