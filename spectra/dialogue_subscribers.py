"""Who answers when a player speaks: Spectra's and the NPCs' subscription to `PLAYER_SPOKE`.

Each line gets at most one answer: that of the NPC at the place whose first or full name the
player said (case-insensitive, whole words; the earliest named); else Spectra's, if she is at
the place; else that of the one who spoke to the player here last, within
`CONVERSATION_RECENT_TICKS` and still here (a conversation goes on without names); else, a
line said to the room, one of the NPCs there (a greeting in a full tavern is not met with
silence); else, at an empty place, none.
The answer is made after the action commits (nothing for a rolled-back one), in the
background (`htrae.background`), by `spectra.replies`.
"""

from __future__ import annotations

import re
from functools import partial

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from htrae.background import run_in_background
from htrae.text import mention_at
from htrae.vocabulary import EventType
from spectra.tasks import reply_to_player
from world.events import subscribe
from world.models import Character, GameEvent

# Words of the lines considered as names (a line is at most 500 characters).
MAX_NAME_WORDS = 100
# A line naming no one goes to whoever spoke to the player here this lately (ticks).
CONVERSATION_RECENT_TICKS = 6
# A line said to the room is answered by one of the first this many NPCs there (by id: a crowded
# square does not load its crowd).
BYSTANDERS_CONSIDERED = 8
_WORD = re.compile(r"\w+")


@subscribe(EventType.PLAYER_SPOKE)
def answer_players(events: list[GameEvent]) -> None:
    """Schedule one answer per line that someone present will answer (at most three queries
    per call: who is named or Spectra; who spoke to these players lately, and if anyone, whether
    they are still there)."""
    lines = [event for event in events if event.location_id and event.actor_id and event.payload.get("text")]
    if not lines:
        return
    said = (word.lower() for line in lines for word in _WORD.findall(line.payload["text"]) if len(word) > 1)
    words = list(dict.fromkeys(said))
    # Spectra, plus the NPCs whose name starts with a word that was said: a coarse filter so a
    # crowded place doesn't load every name; the exact, word-bounded match is `_addressed`.
    named = Q()
    for word in words[:MAX_NAME_WORDS]:
        named |= Q(name__istartswith=word)
    wanted = Q(kind=Character.Kind.SPECTRA)
    if named:
        wanted |= Q(kind=Character.Kind.NPC) & named
    location_ids = {line.location_id for line in lines}
    candidates = Character.objects.filter(wanted, location_id__in=location_ids, is_active=True)
    present: dict[int, list[dict]] = {}
    for candidate in candidates.values("id", "name", "kind", "location_id"):
        present.setdefault(candidate["location_id"], []).append(candidate)

    partners = _conversation_partners(lines)
    speakers = {}
    for line in lines:
        here = present.get(line.location_id, [])
        # A player who names an NPC is talking to them; otherwise Spectra, if she is here,
        # answers; otherwise the one they were talking with.
        speakers[line.id] = (
            _addressed(line.payload["text"], [c for c in here if c["kind"] == Character.Kind.NPC])
            or next((c for c in here if c["kind"] == Character.Kind.SPECTRA), None)
            or partners.get((line.actor_id, line.location_id))
        )
    unanswered = [line for line in lines if speakers[line.id] is None]
    bystanders = _bystanders({line.location_id for line in unanswered}) if unanswered else {}
    for line in lines:
        speaker = speakers[line.id]
        if speaker is None and bystanders.get(line.location_id):
            around = bystanders[line.location_id]
            speaker = around[line.id % len(around)]  # the same line, the same one answers
        if speaker is None:
            continue
        transaction.on_commit(
            partial(
                run_in_background,
                reply_to_player,
                speaker_id=speaker["id"],
                player_id=line.actor_id,
                heard=line.payload["text"],
                location_id=line.location_id,
                tick=line.tick,
                in_reply_to=line.id,
                in_reply_to_request_id=line.payload.get("request_id"),
            )
        )


def _conversation_partners(lines: list[GameEvent]) -> dict[tuple[int, int], dict]:
    """(player, place) → the NPC who last spoke to that player there lately and is still there
    (two queries for all the lines)."""
    players = sorted({line.actor_id for line in lines})
    places = sorted({line.location_id for line in lines})
    since = min(line.tick for line in lines) - CONVERSATION_RECENT_TICKS
    spoken = (
        GameEvent.objects.filter(
            type=EventType.NPC_TALKED, location_id__in=places, tick__gte=since, payload__listener_id__in=players
        )
        .order_by("-id")
        .values_list("actor_id", "location_id", "payload")[:200]
    )
    last: dict[tuple[int, int], int] = {}
    for actor_id, location_id, payload in spoken:
        last.setdefault((payload.get("listener_id"), location_id), actor_id)
    if not last:
        return {}
    still_here = {
        (row["id"], row["location_id"]): row
        for row in Character.objects.filter(id__in=set(last.values()), is_active=True).values(
            "id", "name", "kind", "location_id"
        )
    }
    return {key: still_here[(npc, key[1])] for key, npc in last.items() if (npc, key[1]) in still_here}


def _bystanders(location_ids: set[int]) -> dict[int, list[dict]]:
    """Place → the first `BYSTANDERS_CONSIDERED` NPCs there by id (one query for all places)."""
    first = Window(RowNumber(), partition_by=F("location_id"), order_by=F("id").asc())
    rows = (
        Character.objects.filter(kind=Character.Kind.NPC, is_active=True, location_id__in=location_ids)
        .annotate(rank=first)
        .filter(rank__lte=BYSTANDERS_CONSIDERED)
        .order_by("location_id", "id")
        .values("id", "name", "kind", "location_id")
    )
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(row["location_id"], []).append(row)
    return found


def _addressed(text: str, npcs: list[dict]) -> dict | None:
    """The NPC whose first or full name appears earliest in `text` (whole words, any case)."""
    best: tuple[int, int, int] | None = None
    chosen = None
    for npc in npcs:
        full = npc["name"].strip()
        for name in {full, full.split()[0]} if full else ():
            at = mention_at(text, name)
            if at is not None:
                # earliest mention; at the same place, the longer (full) name; then the lowest id
                rank = (at, -len(name), npc["id"])
                if best is None or rank < best:
                    best, chosen = rank, npc
    return chosen
