"""What characters know and may talk of, as the world's plain `Fact`s (the fact source the
world's talk reads, `world.autonomy.knowledge`): news and deeds they know (`Knowledge`), a few
of their weightiest memories, the lore they hold (discovered, or their faction's own) and
their faction's aims. Five queries, however many characters."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from gossip.models import Knowledge
from memory.models import Memory
from narrative.models import LoreDiscovery, LoreEntry
from world.autonomy.state import Fact
from world.models import Character

NEWS_HELD = 12  # the newest facts of each character that talk may draw on
MEMORIES_TOLD = 3  # its weightiest memories of its own (not of talk it heard)
LORE_TOLD = 3  # the lore entries it may bring up this tick (a different few each tick)


def known_facts(*, character_ids: list[int], tick: int) -> dict[int, list[Fact]]:
    found: dict[int, list[Fact]] = defaultdict(list)
    _news(character_ids, tick, found)
    factions = _allegiances(character_ids, found)
    _memories(character_ids, found)
    _lore(character_ids, factions, tick, found)
    return dict(found)


def _news(character_ids: list[int], tick: int, found: dict[int, list[Fact]]) -> None:
    """Learned before this tick: what is told this tick is learned after every batch acted."""
    rows = (
        Knowledge.objects.filter(character_id__any=character_ids, learned_tick__lt=tick)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("character_id")], order_by=[F("learned_tick").desc(), F("id").desc()]
            )
        )
        .filter(rank__lte=NEWS_HELD)
        .order_by("character_id", "-learned_tick", "-id")
        .values_list(
            "character_id",
            "key",
            "kind",
            "subject",
            "text",
            "importance",
            "secret",
            "faction_id",
            "location_id",
            "starts_tick",
            "ends_tick",
            "learned_tick",
            "told_by__name",
        )
    )
    for character_id, key, kind, subject, text, importance, secret, faction, place, starts, ends, learned, by in rows:
        found[character_id].append(
            Fact(key, text, kind, subject, importance, learned, by or "", secret, faction, place, starts, ends)
        )


def _allegiances(character_ids: list[int], found: dict[int, list[Fact]]) -> dict[int, int]:
    """Each member's faction, with its aim (the faction's first goal) to talk of."""
    factions: dict[int, int] = {}
    rows = (
        Character.objects.filter(id__any=character_ids, faction__isnull=False)
        .order_by("id")
        .values_list("id", "faction_id", "faction__name", "faction__goals")
    )
    for character_id, faction_id, name, goals in rows:
        factions[character_id] = faction_id
        aims = [str(goal) for goal in (goals or []) if goal]
        aim = aims[0].rstrip(".") if aims else "hold together"
        aim = aim[:1].lower() + aim[1:]
        found[character_id].append(Fact(f"faction:{faction_id}", aim, "allegiance", name, 0.0, faction_id=faction_id))
    return factions


def _memories(character_ids: list[int], found: dict[int, list[Fact]]) -> None:
    """Memories of its own life (seeded, or written by designers), not of lines it heard.
    Those have no hour: the world stamps the hour on every memory it forms from an event,
    which keeps it apart once the retention policy has dropped the event (and the link)."""
    rows = (
        Memory.objects.filter(character_id__any=character_ids, source_event__isnull=True, hour__isnull=True)
        .exclude(type=Memory.Type.REFLECTION)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("character_id")], order_by=[F("importance_score").desc(), F("id")])
        )
        .filter(rank__lte=MEMORIES_TOLD)
        .order_by("character_id", "rank")
        .values_list("id", "character_id", "content", "importance_score")
    )
    for memory_id, character_id, content, importance in rows:
        found[character_id].append(Fact(f"memory:{memory_id}", content.strip(), "memory", "", importance / 10))


def _lore(character_ids: list[int], factions: dict[int, int], tick: int, found: dict[int, list[Fact]]) -> None:
    """The lore each holds: entries it discovered and its faction's own; a secret stays
    within the faction it belongs to."""
    held: dict[int, dict[int, tuple]] = defaultdict(dict)
    entries: dict[int, tuple] = {}
    for character_id, entry_id in LoreDiscovery.objects.filter(character_id__any=character_ids).values_list(
        "character_id", "entry_id"
    ):
        held[character_id][entry_id] = None
    by_faction: dict[int, list[int]] = defaultdict(list)
    Through = LoreEntry.factions.through
    faction_ids = sorted(set(factions.values()))
    for entry_id, faction_id in (
        Through.objects.filter(faction_id__any=faction_ids)
        .order_by("loreentry_id")
        .values_list("loreentry_id", "faction_id")
        if faction_ids
        else ()
    ):
        by_faction[faction_id].append(entry_id)
    for character_id, faction_id in factions.items():
        for entry_id in by_faction.get(faction_id, ()):
            held[character_id].setdefault(entry_id, faction_id)
    wanted = sorted({entry_id for entries_held in held.values() for entry_id in entries_held})
    for entry_id, title, summary, category in LoreEntry.objects.filter(id__any=wanted).values_list(
        "id", "title", "summary", "category"
    ):
        entries[entry_id] = (title, summary, category)
    for character_id in sorted(held):
        ids = sorted(entry_id for entry_id in held[character_id] if entry_id in entries)
        if not ids:
            continue
        start = (tick + character_id) % len(ids)
        for entry_id in (ids[(start + step) % len(ids)] for step in range(min(LORE_TOLD, len(ids)))):
            title, summary, category = entries[entry_id]
            secret = category == LoreEntry.Category.SECRET
            owner = held[character_id][entry_id] or factions.get(character_id)
            found[character_id].append(
                Fact(f"lore:{entry_id}", summary or title, "lore", title, 0.4, secret=secret, faction_id=owner)
            )
