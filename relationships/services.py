"""Changing relationships: in the tick (one phase, one read and one upsert), and as mind work
after a player's action (world.locks' order: the world shared, then the minds, then rows)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from htrae.bulk import bulk_upsert_columns
from relationships.logic import (
    EventView,
    combined,
    event_contacts,
    hearsay_contacts,
    near_contacts,
    opinions_after,
    siding_contacts,
    wronged,
)
from relationships.models import Relationship
from relationships.selectors import admirers_of, rules_load, stored_for_pairs
from world.autonomy.state import Regard
from world.locks import mind_writer, retrying
from world.models import Character, GameEvent
from world.selectors import world_now_get
from world.tick import TickContext


def relationships_write(changes: dict[tuple[int, int], Regard], *, tick: int) -> int:
    """Fade the changed pairs' opinions to `tick`, move them, and write them in one upsert
    (two queries whatever the number of pairs: `htrae.bulk.bulk_upsert_columns`).
    Returns how many pairs were written."""
    if not changes:
        return 0
    stored = stored_for_pairs(list(changes))
    opinions = opinions_after(
        stored,
        changes,
        tick=tick,
        affinity_half_life=settings.RELATIONSHIP_AFFINITY_HALF_LIFE_TICKS,
        familiarity_half_life=settings.RELATIONSHIP_FAMILIARITY_HALF_LIFE_TICKS,
    )
    now = timezone.now()
    bulk_upsert_columns(
        Relationship,
        ["character", "other", "affinity", "trust", "familiarity", "last_contact_tick", "created_at", "updated_at"],
        [
            (holder, other, regard.affinity, regard.trust, regard.familiarity, tick, now, now)
            for holder, other, regard in opinions
        ],
        unique=["character", "other"],
        update=["affinity", "trust", "familiarity", "last_contact_tick", "updated_at"],
    )
    return len(opinions)


def _views(events) -> list[EventView]:
    return [EventView(type=event.type, actor_id=event.actor_id, payload=event.payload or {}) for event in events]


def relationships_tick(context: TickContext) -> None:
    """Registered as a tick phase: what this tick's deeds did to opinions (the moods the
    characters acted in set the tone, witnesses take sides), and familiarity for everyone
    sharing a place."""
    places = _who_is_where()
    views = _views(context.events)
    changes = combined(
        event_contacts(views, rules_load(), moods=context.moods),
        near_contacts(places, tick=context.tick, familiarity=settings.RELATIONSHIP_NEAR_FAMILIARITY),
        _hearsay(context.events),
        _siding(context.events, views, places, tick=context.tick),
    )
    relationships_write(changes, tick=context.tick)


def _who_is_where(location_ids: set[int] | None = None) -> dict[int, list[int]]:
    """Place → the active characters there, by id (at these places only, if given; one query)."""
    characters = Character.objects.filter(is_active=True)
    if location_ids is not None:
        characters = characters.filter(location_id__any=location_ids)
    places: dict[int, list[int]] = defaultdict(list)
    for character_id, location_id in characters.order_by("id").values_list("id", "location_id"):
        places[location_id].append(character_id)
    return places


def _hearsay(events) -> dict:
    return hearsay_contacts(
        _views(events),
        familiarity=settings.RELATIONSHIP_HEARSAY_FAMILIARITY,
        sway=settings.RELATIONSHIP_HEARSAY_SWAY,
    )


def _siding(events, views: list[EventView], places: dict[int, list[int]] | None, *, tick: int) -> dict:
    """Witnesses' opinions of the wrongs done before them (`places`: place → who is there;
    None: looked up, one query). Only those who like the wronged one enough take sides, so
    they are asked for first: those who like each wronged one (one query), then which of them
    stood where the wrong was done. None without a wrong."""
    wrongs = [index for index, view in enumerate(views) if wronged(view) is not None]
    if not wrongs:
        return {}
    threshold = settings.RELATIONSHIP_SIDING_LIKING
    admirers = admirers_of(sorted({wronged(views[index]) for index in wrongs}), at_least=threshold, tick=tick)
    if not admirers:
        return {}
    wrong_places = {events[index].location_id for index in wrongs}
    if places is None:
        places = _who_is_where(location_ids=wrong_places)
    present = {place: set(places.get(place, ())) for place in wrong_places}
    witnesses = {
        index: [
            admirer
            for admirer in admirers.get(wronged(views[index]), {})
            if admirer in present[events[index].location_id]
        ]
        for index in wrongs
    }
    liking = {(admirer, person): affinity for person, held in admirers.items() for admirer, affinity in held.items()}
    return siding_contacts(views, witnesses, liking, sway=settings.RELATIONSHIP_SIDING_SWAY, threshold=threshold)


def relationships_from_events(events: list[GameEvent]) -> int:
    """Off the tick (inside mind work): what a player's action and the answers to it did to
    opinions. The moods are the ones stored now."""
    actors = {event.actor_id for event in events if event.actor_id is not None}
    moods = dict(Character.objects.filter(id__any=actors).order_by("id").values_list("id", "emotional_state__mood"))
    tick = world_now_get().tick
    views = _views(events)
    changes = combined(
        event_contacts(views, rules_load(), moods={k: v or "" for k, v in moods.items()}),
        _hearsay(events),
        _siding(events, views, None, tick=tick),
    )
    return relationships_write(changes, tick=tick)


def relationships_catch_up(*, event_ids: list[int]) -> None:
    """Mind work in its own transaction (run again once on a lock conflict)."""

    def catch_up() -> None:
        with mind_writer():
            events = list(GameEvent.objects.filter(id__in=event_ids).order_by("id"))
            if events:
                relationships_from_events(events)

    retrying(catch_up, what="mind work (relationships)")
