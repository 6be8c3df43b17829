"""The quest engine against the database: emergent quests started from the world's state,
deadlines and failure, completion effects, players accepting and abandoning quests through
`player_action`, quests on offer in the API, and NPCs pursuing their quests on their own."""

import pytest

from htrae.errors import DomainError
from htrae.vocabulary import EventType
from memory.models import Memory
from narrative.factions.selectors import relation_standings
from narrative.models import (
    FactionRelation,
    LoreDiscovery,
    Quest,
    QuestAssignment,
    QuestStep,
    QuestTemplate,
    RelationModifier,
)
from narrative.quests.emergent import emergent_quests_start
from narrative.quests.services import quests_advance, quests_fail_overdue
from tests.factories import (
    CharacterFactory,
    FactionFactory,
    FactionRelationFactory,
    LocationFactory,
    LoreEntryFactory,
    PathFactory,
    PlayerFactory,
    QuestFactory,
    QuestStepFactory,
    WorldClockFactory,
)
from tests.ticking import tick_until
from world.models import GameEvent
from world.services import player_action_apply, player_move

pytestmark = pytest.mark.django_db

MEND_STEPS = [
    {"type": "reach_location", "target": "other_home", "objective": "Go to {other_home}."},
    {"type": "talk_to", "target": "other_member", "objective": "Talk with {other_member}."},
]


@pytest.fixture
def rivals():
    """The Luminari (home: Sunspire) regard the Thornwake (home: Bramble Court) warily."""
    sunspire, bramble = LocationFactory(name="Sunspire"), LocationFactory(name="Bramble Court")
    PathFactory(source=sunspire, target=bramble)
    WorldClockFactory(seed=3, tick=10)
    luminari = FactionFactory(name="The Luminari", slug="luminari", home=sunspire)
    thornwake = FactionFactory(name="The Thornwake", slug="thornwake", home=bramble)
    FactionRelationFactory(faction=luminari, other=thornwake, standing=-45)
    FactionRelationFactory(faction=thornwake, other=luminari, standing=0)
    oren = CharacterFactory(name="Oren", faction=luminari, location=sunspire)
    rhosyn = CharacterFactory(name="Rhosyn", faction=thornwake, location=bramble)
    template = QuestTemplate.objects.create(
        name="Mend ties",
        slug="mend",
        trigger=QuestTemplate.Trigger.RELATION,
        standing_at_most=-30,
        title="Mend ties with {other}",
        description="{holder} walks to {other_home}.",
        steps=MEND_STEPS,
        reward_standing=10,
        failure_standing=-5,
        time_limit_ticks=30,
        cooldown_ticks=100,
    )
    return {
        "sunspire": sunspire,
        "bramble": bramble,
        "luminari": luminari,
        "thornwake": thornwake,
        "oren": oren,
        "rhosyn": rhosyn,
        "template": template,
    }


# --- Emergent quests -------------------------------------------------------------------------


def test_a_wary_relation_starts_an_emergent_quest_held_by_a_member(rivals):
    [quest] = emergent_quests_start(tick=12, seed=3)
    quest.refresh_from_db()
    assert quest.title == "Mend ties with The Thornwake"
    assert quest.is_emergent and quest.status == Quest.Status.AVAILABLE
    assert quest.template == rivals["template"] and quest.origin_key == "mend:luminari:thornwake"
    assert quest.giver == rivals["oren"] and quest.faction == rivals["luminari"]
    assert quest.rewards == {"standing": {"thornwake": 10}, "failure_standing": {"thornwake": -5}}
    steps = list(quest.steps.values_list("order", "objective_type", "target_location_id", "target_character_id"))
    assert steps == [(1, "reach_location", rivals["bramble"].id, None), (2, "talk_to", None, rivals["rhosyn"].id)]
    assignment = QuestAssignment.objects.get(quest=quest)
    assert assignment.character == rivals["oren"] and assignment.status == QuestAssignment.Status.ACTIVE
    assert assignment.current_step.order == 1 and assignment.deadline_tick == 42
    started = GameEvent.objects.get(type=EventType.QUEST_STARTED)
    assert started.actor_id == rivals["oren"].id and started.payload["objective"] == "Go to Bramble Court."

    assert emergent_quests_start(tick=13, seed=3) == [], "the occasion waits for its cooldown"


def test_a_broken_or_disabled_template_starts_nothing(rivals):
    QuestTemplate.objects.filter(pk=rivals["template"].pk).update(steps=[{"type": "fly"}])
    assert emergent_quests_start(tick=12, seed=3) == []
    QuestTemplate.objects.filter(pk=rivals["template"].pk).update(steps=MEND_STEPS, enabled=False)
    assert emergent_quests_start(tick=12, seed=3) == []


def test_starting_emergent_quests_costs_the_same_queries_for_a_bigger_world(
    rivals, django_assert_max_num_queries, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        emergent_quests_start(tick=12, seed=3)
    Quest.objects.all().delete()
    GameEvent.objects.all().delete()
    for number in range(40):
        CharacterFactory(faction=rivals["luminari" if number % 2 else "thornwake"], goals=["See the Sunspire"])
    with django_assert_max_num_queries(len(small.captured_queries) + 2):  # more plans write nothing extra per row
        emergent_quests_start(tick=12, seed=3)


def test_an_overdue_quest_fails_with_its_failure_effects(rivals):
    [quest] = emergent_quests_start(tick=12, seed=3)
    assert quests_fail_overdue(tick=41) == []
    [failed_id] = quests_fail_overdue(tick=42)
    assert QuestAssignment.objects.get(id=failed_id).status == QuestAssignment.Status.FAILED
    quest.refresh_from_db()
    assert quest.status == Quest.Status.FAILED, "an emergent quest is settled with its holder's errand"
    failed = GameEvent.objects.get(type=EventType.QUEST_FAILED)
    assert failed.payload["reason"] == "deadline" and failed.actor_id == rivals["oren"].id
    relation = FactionRelation.objects.get(faction=rivals["thornwake"], other=rivals["luminari"])
    assert list(relation.modifiers.values_list("value", flat=True)) == [-5]
    assert Memory.objects.filter(character=rivals["oren"], content__contains="I failed at Mend ties").exists()


def test_completing_an_emergent_quest_grants_standing_that_fades_lore_and_a_memory(rivals):
    secret = LoreEntryFactory(slug="the-gilded-thorn", category="secret")
    [quest] = emergent_quests_start(tick=12, seed=3)
    Quest.objects.filter(pk=quest.pk).update(rewards={**quest.rewards, "discover": ["the-gilded-thorn"]})
    oren = rivals["oren"]
    oren.location = rivals["bramble"]
    oren.save()
    reach = GameEvent.objects.create(
        type="NPC_MOVED", tick=13, location=rivals["bramble"], actor=oren, payload={"actor_kind": "npc"}
    )
    talk = GameEvent.objects.create(
        type="NPC_TALKED",
        tick=14,
        location=rivals["bramble"],
        actor=oren,
        payload={"actor_kind": "npc", "listener_id": rivals["rhosyn"].id},
    )
    quests_advance(events=[reach], tick=13)
    quests_advance(events=[talk], tick=14)

    assert QuestAssignment.objects.get(quest=quest).status == QuestAssignment.Status.COMPLETED
    quest.refresh_from_db()
    assert quest.status == Quest.Status.COMPLETED
    assert LoreDiscovery.objects.filter(character=oren, entry=secret).exists()
    modifier = RelationModifier.objects.get(relation__faction=rivals["thornwake"], relation__other=rivals["luminari"])
    assert modifier.value == 10 and 0 < modifier.decay < 0.05
    standings_now = relation_standings(tick=14)[(rivals["thornwake"].id, rivals["luminari"].id)]
    standings_later = relation_standings(tick=400)[(rivals["thornwake"].id, rivals["luminari"].id)]
    assert standings_now == 10 and 0 <= standings_later < 3
    assert Memory.objects.filter(character=oren, content="I saw it through: Mend ties with The Thornwake.").exists()


# --- Players accept and abandon ----------------------------------------------------------------


@pytest.fixture
def offer(rivals):
    quest = QuestFactory(title="The Dimming Lamps", slug="dimming-lamps", giver=rivals["oren"], status="available")
    QuestStepFactory(
        quest=quest, order=1, objective_type=QuestStep.Objective.REACH_LOCATION, target_location=rivals["bramble"]
    )
    QuestStepFactory(quest=quest, order=2, objective_type=QuestStep.Objective.WAIT, wait_ticks=2)
    player = PlayerFactory(name="Wren", location=rivals["sunspire"])
    return {**rivals, "quest": quest, "player": player}


def _act(player, request_id, **data):
    return player_action_apply(character_id=player.id, request_id=request_id, action=data.pop("action"), data=data)


def test_a_player_accepts_a_quest_at_the_givers_side_and_completes_its_steps(offer):
    player = offer["player"]
    reply = _act(player, "a1", action="accept_quest", quest="dimming-lamps")
    assert reply["action"] == "accept_quest"
    assert reply["quest"]["slug"] == "dimming-lamps" and reply["step"]["order"] == 1
    assignment = QuestAssignment.objects.get(character=player)
    assert assignment.status == QuestAssignment.Status.ACTIVE and assignment.step_started_tick == 10
    accepted = GameEvent.objects.get(type=EventType.QUEST_ACCEPTED)
    assert accepted.actor_id == player.id and accepted.location_id == offer["sunspire"].id

    player_move(character=player, data={"to": offer["bramble"].id}, tick=11)
    assignment.refresh_from_db()
    assert assignment.current_step.order == 2


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({}, "missing_field"),
        ({"quest": 7}, "missing_field"),
        ({"quest": "no-such-quest"}, "unknown_quest"),
    ],
)
def test_bad_accepts_are_refused_and_write_nothing(offer, data, code):
    with pytest.raises(DomainError) as refused:
        _act(offer["player"], "bad", action="accept_quest", **data)
    assert refused.value.code == code
    assert not QuestAssignment.objects.exists() and not GameEvent.objects.filter(type=EventType.QUEST_ACCEPTED).exists()


def test_accepting_needs_the_giver_an_open_quest_and_room(offer, settings):
    player, quest = offer["player"], offer["quest"]
    oren = offer["oren"]
    oren.location = offer["bramble"]
    oren.save()
    with pytest.raises(DomainError) as away:
        _act(player, "b1", action="accept_quest", quest="dimming-lamps")
    assert away.value.code == "giver_not_here" and "Bramble Court" in away.value.message
    oren.location = offer["sunspire"]
    oren.save()

    Quest.objects.filter(pk=quest.pk).update(status=Quest.Status.DRAFT)
    with pytest.raises(DomainError) as closed:
        _act(player, "b2", action="accept_quest", quest="dimming-lamps")
    assert closed.value.code == "quest_unavailable"
    Quest.objects.filter(pk=quest.pk).update(status=Quest.Status.AVAILABLE)

    settings.QUEST_MAX_ACTIVE_PER_PLAYER = 1
    other = QuestFactory(status="available")
    QuestStepFactory(quest=other, order=1)
    _act(player, "b3", action="accept_quest", quest=other.slug)
    with pytest.raises(DomainError) as full:
        _act(player, "b4", action="accept_quest", quest="dimming-lamps")
    assert full.value.code == "too_many_quests"
    with pytest.raises(DomainError) as twice:
        _act(player, "b5", action="accept_quest", quest=other.slug)
    assert twice.value.code == "already_accepted"
    assert QuestAssignment.objects.filter(character=player).count() == 1


def test_abandon_then_accept_again_from_the_first_step(offer):
    player = offer["player"]
    with pytest.raises(DomainError) as not_held:
        _act(player, "c0", action="abandon_quest", quest="dimming-lamps")
    assert not_held.value.code == "not_holding_quest"

    _act(player, "c1", action="accept_quest", quest="dimming-lamps")
    player_move(character=player, data={"to": offer["bramble"].id}, tick=11)
    reply = _act(player, "c2", action="abandon_quest", quest="dimming-lamps")
    assert reply == {
        **reply,
        "action": "abandon_quest",
        "quest": {"slug": "dimming-lamps", "title": "The Dimming Lamps"},
    }
    assignment = QuestAssignment.objects.get(character=player)
    assert assignment.status == QuestAssignment.Status.ABANDONED
    assert GameEvent.objects.filter(type="QUEST_ABANDONED", actor=player).count() == 1

    player.refresh_from_db()
    offer["oren"].location = player.location
    offer["oren"].save()
    _act(player, "c3", action="accept_quest", quest="dimming-lamps")
    assignment.refresh_from_db()
    assert assignment.status == QuestAssignment.Status.ACTIVE and assignment.current_step.order == 1
    assert _act(player, "c3", action="accept_quest", quest="dimming-lamps")["replayed"] is True


def test_unknown_actions_list_the_quest_actions_too(offer):
    with pytest.raises(DomainError) as unknown:
        _act(offer["player"], "d1", action="dance")
    assert unknown.value.code == "unknown_action"
    assert "accept_quest" in unknown.value.message and "abandon_quest" in unknown.value.message


def test_the_api_lists_quests_on_offer_then_the_accepted_one_as_active(offer, api_client):
    player = offer["player"]
    api_client.force_authenticate(player.user)
    url = f"/api/character/{player.id}/quests"
    offered = api_client.get(url, {"status": "available"}).json()["results"]
    assert [quest["quest"] for quest in offered] == ["dimming-lamps"]
    assert offered[0]["id"] is None and offered[0]["status"] == "available"
    assert offered[0]["giver"] == {
        "id": offer["oren"].id,
        "name": "Oren",
        "location": {"id": offer["sunspire"].id, "name": "Sunspire"},
    }
    _act(player, "e1", action="accept_quest", quest="dimming-lamps")
    assert api_client.get(url, {"status": "available"}).json()["results"] == []
    [active] = api_client.get(url).json()["results"]
    assert active["quest"] == "dimming-lamps" and active["current_step"]["order"] == 1
    assert api_client.get(url, {"status": "lost"}).status_code == 400


# --- NPCs pursue their quests ----------------------------------------------------------------


def test_an_npc_walks_to_its_quest_target_and_completes_it_through_the_tick(rivals):
    """A chain of four places: Oren has three paths to walk, pulled by his quest."""
    rivals["template"].delete()  # no emergent errand to distract him
    far = LocationFactory(name="Far Shore")
    middle = LocationFactory(name="Middle Reach")
    PathFactory(source=rivals["bramble"], target=middle)
    PathFactory(source=middle, target=far)
    quest = QuestFactory(title="Reach the far shore", status="available")
    step = QuestStepFactory(
        quest=quest, order=1, objective_type=QuestStep.Objective.REACH_LOCATION, target_location=far
    )
    assignment = QuestAssignment.objects.create(character=rivals["oren"], quest=quest, current_step=step)
    tick_until(assignment, QuestAssignment.Status.COMPLETED, limit=20)
    assert assignment.status == QuestAssignment.Status.COMPLETED
    moves = GameEvent.objects.filter(type="NPC_MOVED", actor=rivals["oren"])
    assert moves.filter(payload__purpose="Reach the far shore").count() >= 3
