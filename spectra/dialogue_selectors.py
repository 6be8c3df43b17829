"""Reads for answering a player: what the speaker knows (`speaker_knowledge_get`) and the
conversation so far between the two (`conversation_turns_get`), as the plain data of
`spectra.knowledge`. Each costs a constant number of queries, whatever the world's size.

What a speaker knows: every place and road, faction and thing; the people the line may name
(a coarse filter on its words, the exact match is `spectra.understanding`'s), those who give
quests and hold things, and everyone the speaker has an opinion of, with that opinion faded
to now; who else stands at its place (`_present`); its own faction's standing toward each
faction; the lore (a secret only if the speaker has discovered it or is in it); the quests on
offer and the player's own, with their steps.
"""

from __future__ import annotations

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When, Window

from htrae.text import content_words
from narrative.factions.selectors import relation_standings
from narrative.models import (
    Conversation,
    ConversationMessage,
    Faction,
    LoreDiscovery,
    LoreEntry,
    Quest,
    QuestAssignment,
    QuestStep,
)
from relationships.logic import Stored
from relationships.models import Relationship
from relationships.selectors import fade
from spectra.knowledge import (
    FactionFact,
    Knowledge,
    LoreFact,
    ObjectFact,
    PathFact,
    PersonFact,
    PlaceFact,
    QuestFact,
    Regard,
    Turn,
)
from world.autonomy.state import Regard as StoredRegard
from world.models import Character, Location, Path, WorldObject

MAX_NAME_WORDS = 30  # a line is at most 500 characters
HISTORY_TURNS = 10
_PEOPLE_LIMIT = 400  # named, quest givers, holders and acquaintances: a speaker's circle


def speaker_knowledge_get(*, speaker: Character, player: Character, heard: str, tick: int) -> Knowledge:
    """What `speaker` knows to answer `player`, who said `heard` (seventeen queries at most)."""
    places = tuple(
        PlaceFact(id=row[0], name=row[1], region=row[2], description=row[3])
        for row in Location.objects.order_by("id").values_list("id", "name", "region", "description")
    )
    paths = tuple(
        PathFact(source_id=row[0], target_id=row[1], cost=row[2], two_way=row[3], description=row[4])
        for row in Path.objects.order_by("id").values_list(
            "source_id", "target_id", "travel_cost", "two_way", "description"
        )
    )
    standings = (
        {
            other: standing
            for (holder, other), standing in relation_standings(tick=tick, faction_ids=[speaker.faction_id]).items()
            if holder == speaker.faction_id
        }
        if speaker.faction_id
        else {}
    )
    factions = tuple(
        FactionFact(
            id=row[0],
            name=row[1],
            description=row[2],
            ethos=row[3],
            status=row[4],
            home_id=row[5],
            standing=standings.get(row[0]),
            goals=tuple(str(goal) for goal in (row[6] or []) if goal),
        )
        for row in Faction.objects.order_by("id").values_list(
            "id", "name", "description", "ethos", "status", "home_id", "goals"
        )
    )
    objects = tuple(
        ObjectFact(id=row[0], name=row[1], description=row[2], place_id=row[3], holder_id=row[4])
        for row in WorldObject.objects.order_by("id").values_list(
            "id", "name", "description", "location_id", "holder_id"
        )
    )
    quests, giver_ids = _quests(player=player)
    present, present_count = _present(speaker=speaker)
    people, player_trust = _people(
        speaker=speaker,
        player=player,
        heard=heard,
        tick=tick,
        also=giver_ids | {o.holder_id for o in objects} | set(present),
    )
    return Knowledge(
        speaker_id=speaker.id,
        speaker_place_id=speaker.location_id,
        speaker_faction_id=speaker.faction_id,
        places=places,
        people=people,
        factions=factions,
        lore=_lore(speaker=speaker),
        quests=quests,
        objects=objects,
        paths=paths,
        player_trust=player_trust,
        present=present,
        present_count=present_count,
    )


PRESENT_NAMED = 4  # "who is here?" in a crowd: the first few by name, then how many more


def _present(*, speaker: Character) -> tuple[tuple[int, ...], int]:
    """Who else stands where the speaker does, players aside: the first PRESENT_NAMED, those
    it knows best first, and how many there are in all (one query, however big the crowd)."""
    known = Relationship.objects.filter(character_id=speaker.id, other_id=OuterRef("id")).values("familiarity")[:1]
    rows = list(
        Character.objects.filter(location_id=speaker.location_id, is_active=True)
        .exclude(kind=Character.Kind.PLAYER)
        .exclude(id=speaker.id)
        .annotate(known=Subquery(known), crowd=Window(Count("id")))
        .order_by(F("known").desc(nulls_last=True), "id")
        .values_list("id", "crowd")[:PRESENT_NAMED]
    )
    return tuple(row[0] for row in rows), (rows[0][1] if rows else 0)


def _people(
    *, speaker: Character, player: Character, heard: str, tick: int, also: set[int | None]
) -> tuple[tuple[PersonFact, ...], float]:
    """The people the line may name, quest givers and holders (`also`), and those the speaker
    has an opinion of, with that opinion (two queries); and how far it trusts the player."""
    words = sorted(word for word in content_words(heard, min_length=3))[:MAX_NAME_WORDS]
    named = Q()
    for word in words:
        named |= Q(name__icontains=word)
        if len(word) >= 5:  # "the lamplighter": who they are, not their name
            named |= Q(description__icontains=word)
    opinions = Relationship.objects.filter(character_id=speaker.id).values("other_id")
    asked_for = Q(id__in=sorted(i for i in also if i)) | Q(kind=Character.Kind.SPECTRA)
    if named:
        asked_for |= named
    rows = (
        Character.objects.filter(asked_for | Q(id__in=opinions))
        .exclude(kind=Character.Kind.PLAYER)
        # a speaker who knows more than _PEOPLE_LIMIT people still knows those the line names,
        # those it stands with and the quest givers: they come first
        .annotate(acquaintance=Case(When(asked_for, then=Value(1)), default=Value(2)))
        .order_by("acquaintance", "id")
        .values_list("id", "name", "kind", "description", "faction_id", "location_id", "emotional_state")[
            :_PEOPLE_LIMIT
        ]
    )
    rows = sorted(rows)  # by id, as they always were: the order ties are broken in
    regards = {
        other: fade(Stored(StoredRegard(affinity, trust, familiarity), last_contact), tick=tick)
        for other, affinity, trust, familiarity, last_contact in Relationship.objects.filter(
            character_id=speaker.id, other_id__in=[row[0] for row in rows] + [player.id]
        ).values_list("other_id", "affinity", "trust", "familiarity", "last_contact_tick")
    }
    people = tuple(
        PersonFact(
            id=row[0],
            name=row[1],
            kind=row[2],
            description=row[3],
            faction_id=row[4],
            place_id=row[5],
            regard=(
                Regard(regards[row[0]].affinity, regards[row[0]].trust, regards[row[0]].familiarity)
                if row[0] in regards
                else None
            ),
            mood=str((row[6] or {}).get("mood") or ""),
        )
        for row in rows
    )
    trust = regards[player.id].trust if player.id in regards else 0.0
    return people, trust


def _lore(*, speaker: Character) -> tuple[LoreFact, ...]:
    """Every entry with its places, people and factions (four queries) and whether the
    speaker knows it (a fifth): all but the secrets it has not discovered and is not in."""
    links: dict[str, dict[int, list[int]]] = {"location": {}, "character": {}, "faction": {}}
    for field, through in (
        ("location", LoreEntry.locations.through),
        ("character", LoreEntry.characters.through),
        ("faction", LoreEntry.factions.through),
    ):
        for entry_id, linked in through.objects.order_by("id").values_list("loreentry_id", f"{field}_id"):
            links[field].setdefault(entry_id, []).append(linked)
    discovered = set(LoreDiscovery.objects.filter(character_id=speaker.id).values_list("entry_id", flat=True))
    facts = []
    for entry_id, title, category, summary, body in LoreEntry.objects.order_by("title", "id").values_list(
        "id", "title", "category", "summary", "body"
    ):
        people = tuple(links["character"].get(entry_id, ()))
        secret = category == LoreEntry.Category.SECRET
        facts.append(
            LoreFact(
                id=entry_id,
                title=title,
                category=category,
                summary=summary,
                body=body,
                known=not secret or entry_id in discovered or speaker.id in people,
                place_ids=tuple(links["location"].get(entry_id, ())),
                person_ids=people,
                faction_ids=tuple(links["faction"].get(entry_id, ())),
            )
        )
    return tuple(facts)


def _quests(*, player: Character) -> tuple[tuple[QuestFact, ...], set[int]]:
    """The quests on offer and those the player holds, with their steps and the player's
    current step (three queries); and the ids of their givers."""
    held = {
        quest_id: objective or ""
        for quest_id, objective in QuestAssignment.objects.filter(
            character_id=player.id, status=QuestAssignment.Status.ACTIVE
        ).values_list("quest_id", "current_step__objective")
    }
    rows = list(
        Quest.objects.filter(Q(status=Quest.Status.AVAILABLE) | Q(id__in=sorted(held)))
        .order_by("id")
        .values_list("id", "title", "description", "giver_id", "status")
    )
    steps: dict[int, list[str]] = {}
    for quest_id, objective in (
        QuestStep.objects.filter(quest_id__in=[row[0] for row in rows])
        .order_by("quest_id", "order")
        .values_list("quest_id", "objective")
    ):
        steps.setdefault(quest_id, []).append(objective)
    quests = tuple(
        QuestFact(
            id=quest_id,
            title=title,
            description=description,
            giver_id=giver_id,
            steps=tuple(steps.get(quest_id, ())),
            held_step=held.get(quest_id, ""),
            status=status,
        )
        for quest_id, title, description, giver_id, status in rows
    )
    return quests, {row[3] for row in rows if row[3]}


def conversation_turns_get(
    *, speaker_id: int, player_id: int, heard: str, limit: int = HISTORY_TURNS
) -> tuple[Turn, ...]:
    """The last lines the two said in conversations both took part in, oldest first (one
    query), from the player's first line among them: what the speaker said at the place before
    the player spoke was said to others (a newcomer is not greeted as one met before). The line
    being answered, already kept as the player's newest, is left out."""
    together = Conversation.objects.filter(participants=player_id).filter(participants=speaker_id).values("id")
    rows = list(
        ConversationMessage.objects.filter(conversation_id__in=together, speaker_id__in=[player_id, speaker_id])
        .order_by("-id")
        .values_list("speaker_id", "text", "tick")[: limit + 1]
    )
    rows.reverse()
    first_by_player = next((index for index, (who, _, _) in enumerate(rows) if who == player_id), len(rows))
    rows = rows[first_by_player:]
    if rows and rows[-1][0] == player_id and rows[-1][1].strip() == heard.strip():
        rows = rows[:-1]
    return tuple(Turn(by_player=who == player_id, text=text, tick=tick) for who, text, tick in rows[-limit:])
