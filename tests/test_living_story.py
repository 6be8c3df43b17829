"""The Memory Cortex and the narrative engines together, as the issue's "done when" says:
500 ticks of the seed world, left to itself, and what the endpoints then show.

Nothing here nudges the world: every memory, relation change and quest comes from the tick,
the event bus and the engines' own rules.
"""

import pytest
from django.db.models import Count

from memory.models import Memory
from narrative.factions.selectors import relation_standings
from narrative.models import FactionRelation, Quest, QuestAssignment, RelationModifier
from tests.factories import UserFactory
from world.models import Character, GameEvent, WorldClock
from world.tick import run_tick

# 500 ticks of the whole world: minutes on a loaded 2-core machine (PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.timeout(1200)]
TICKS = 500


@pytest.fixture
def five_hundred_ticks(seeded_world):
    WorldClock.objects.update(paused=False)
    for _ in range(TICKS):
        assert run_tick(force=True).ran
    return WorldClock.objects.get().tick


def test_five_hundred_ticks_of_the_seed_world(five_hundred_ticks, api_client):
    tick = five_hundred_ticks
    api_client.force_authenticate(UserFactory(is_staff=True))

    # Characters remember what they lived; some of it lasts, and they reflect on it.
    kinds = set(Memory.objects.values_list("type", flat=True))
    assert {"short_term", "long_term", "reflection"} <= kinds
    # A reflection cites what it came from (a source forgotten since takes its link along, so
    # which reflection still cites two depends on the world's course: the newest such one,
    # as a reflection per belief formed or revised makes many, and the API pages them).
    reflection = (
        Memory.objects.filter(type="reflection")
        .annotate(cited=Count("sources"))
        .filter(cited__gte=2)
        .order_by("-id")
        .first()
    )
    assert reflection is not None
    shown = api_client.get(f"/api/character/{reflection.character_id}/memories", {"type": "reflection"}).json()
    assert reflection.id in [memory["id"] for memory in shown["results"]]

    # Faction relations move with what happens: standings differ from the designers' bases.
    assert RelationModifier.objects.exists()
    standings = relation_standings(tick=tick)
    bases = {(r.faction_id, r.other_id): r.standing for r in FactionRelation.objects.all()}
    moved = [pair for pair, base in bases.items() if standings[pair] != base]
    assert moved
    assert GameEvent.objects.filter(type="FACTION_RELATION_CHANGED").exists()
    factions = api_client.get("/api/factions", {"limit": 100}).json()["results"]
    shown_standings = {
        (faction["slug"], other["other"]): other["standing"] for faction in factions for other in faction["relations"]
    }
    assert any(
        shown_standings[(r.faction.slug, r.other.slug)] != r.standing
        for r in FactionRelation.objects.select_related("faction", "other")
    )

    # The world starts quests of its own, and quests complete through events alone.
    assert Quest.objects.filter(is_emergent=True).exists()
    assert GameEvent.objects.filter(type="QUEST_STARTED").exists()
    completed = QuestAssignment.objects.filter(status=QuestAssignment.Status.COMPLETED).first()
    assert completed is not None
    assert GameEvent.objects.filter(type="QUEST_COMPLETED", payload__assignment_id=completed.id).exists()
    holder = Character.objects.get(id=completed.character_id)
    listed = api_client.get(f"/api/character/{holder.id}/quests", {"status": "completed", "limit": 100}).json()
    assert completed.id in [quest["id"] for quest in listed["results"]]
    assert Memory.objects.filter(character=holder, content__startswith="I saw it through").exists()
