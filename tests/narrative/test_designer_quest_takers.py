"""NPCs take up designers' quests: who (pure) and the writes (the assignment, QUEST_ACCEPTED,
a deadline; never a second NPC, never one who held it before)."""

import pytest

from htrae.vocabulary import EventType
from narrative.models import Quest, QuestAssignment
from narrative.quests.logic import IdleFacts, OfferFacts, designer_quest_takers
from narrative.quests.takers import NPC_DESIGNER_QUEST_TICKS, designer_quests_take_up
from tests.factories import CharacterFactory, FactionFactory, LocationFactory, QuestFactory, QuestStepFactory
from world.models import GameEvent

MARKET, GROVE = 1, 2


def test_an_idle_npc_of_the_faction_by_the_giver_takes_the_quest():
    offers = [OfferFacts(quest_id=5, giver_id=1, giver_location_id=MARKET, faction_id=100)]
    idle = [
        IdleFacts(1, MARKET, 100),  # the giver
        IdleFacts(2, GROVE, 100),  # elsewhere
        IdleFacts(3, MARKET, 200),  # another faction
        IdleFacts(4, MARKET, 100),
    ]
    assert designer_quest_takers(offers=offers, idle=idle, seed=1, tick=12, limit=5) == [(5, 4)]
    tried = [OfferFacts(5, 1, MARKET, 100, tried_by=frozenset({4}))]
    assert designer_quest_takers(offers=tried, idle=idle, seed=1, tick=12, limit=5) == []


def test_one_quest_per_npc_and_the_limit_holds_and_the_draw_is_seeded():
    offers = [OfferFacts(q, None, MARKET, None) for q in (7, 5, 6)]
    idle = [IdleFacts(c, MARKET, None) for c in (10, 11)]
    pairs = designer_quest_takers(offers=offers, idle=idle, seed=1, tick=12, limit=5)
    assert [quest for quest, _ in pairs] == [5, 6] and {npc for _, npc in pairs} == {10, 11}
    assert designer_quest_takers(offers=offers, idle=idle, seed=1, tick=12, limit=1) == pairs[:1]
    assert pairs == designer_quest_takers(offers=offers, idle=idle, seed=1, tick=12, limit=5)


@pytest.mark.django_db
def test_an_npc_takes_up_a_designers_quest_once_and_holds_it_with_a_deadline():
    market = LocationFactory(name="The Glass Market")
    guild = FactionFactory(slug="guild", name="The Guild")
    giver = CharacterFactory(name="Ilse", faction=guild, location=market)
    taker = CharacterFactory(name="Bryn", faction=guild, location=market)
    quest = QuestFactory(title="A Lens for Every Mood", giver=giver, faction=guild, status=Quest.Status.AVAILABLE)
    QuestStepFactory(quest=quest, order=1)
    QuestFactory(title="A draft", giver=giver, status=Quest.Status.DRAFT)

    [assignment] = designer_quests_take_up(tick=12, seed=3)
    assert (assignment.character, assignment.quest, assignment.deadline_tick) == (
        taker,
        quest,
        12 + NPC_DESIGNER_QUEST_TICKS,
    )
    accepted = GameEvent.objects.get(type=EventType.QUEST_ACCEPTED)
    assert accepted.actor_id == taker.id and accepted.payload["quest"] == quest.slug

    CharacterFactory(faction=guild, location=market)
    assert designer_quests_take_up(tick=24, seed=3) == []  # an NPC holds it already
    QuestAssignment.objects.filter(id=assignment.id).update(status=QuestAssignment.Status.FAILED)
    [again] = designer_quests_take_up(tick=36, seed=3)
    assert again.character != taker  # Bryn tried it once; someone else takes it up
