"""Quests with stakes against the database: chains (a completed quest opens the next for its
holder), failure when the giver has a change of heart or a rival wins the prize first, and
ended emergent quests archived."""

import pytest

from htrae.vocabulary import EventType
from narrative.factions.services import ModifierChange, faction_modifiers_add_many
from narrative.models import Quest, QuestAssignment, QuestTemplate
from narrative.quests.emergent import (
    chain_openings_load,
    emergent_quests_archive,
    emergent_quests_start,
    quests_called_off,
)
from narrative.quests.logic import giver_changed_heart, rivals_beaten
from narrative.quests.services import quests_advance
from tests.factories import CharacterFactory, LoreEntryFactory, QuestFactory
from tests.narrative.test_quest_engine import rivals  # noqa: F401  (the fixture)
from world.models import GameEvent

pytestmark = pytest.mark.django_db


def test_the_giver_calls_a_quest_off_only_well_past_its_band():
    assert not giver_changed_heart(standing=-25, at_most=-30, at_least=-59)  # within the margin
    assert giver_changed_heart(standing=-19, at_most=-30, at_least=-59)
    assert giver_changed_heart(standing=-70, at_most=-30, at_least=-59)
    assert not giver_changed_heart(standing=90, at_most=None, at_least=None)  # a chain's quest: no band
    assert not giver_changed_heart(standing=None, at_most=-30, at_least=None)


def test_a_rival_beats_only_other_quests_after_the_same_prize():
    still_open = [(1, 10, ("bell",)), (2, 11, ("thorn",)), (3, 12, ()), (4, 13, ("bell", "thorn"))]
    assert rivals_beaten(won=[(20, ("bell",))], still_open=still_open) == [1, 4]
    assert rivals_beaten(won=[(10, ("bell",))], still_open=still_open) == [4]  # not itself
    assert rivals_beaten(won=[], still_open=still_open) == []


def _complete(quest: Quest, world: dict, *, tick: int) -> None:
    oren = world["oren"]
    oren.location = world["bramble"]
    oren.save()
    reach = GameEvent.objects.create(type="NPC_MOVED", tick=tick, location=world["bramble"], actor=oren, payload={})
    talk = GameEvent.objects.create(
        type="NPC_TALKED",
        tick=tick + 1,
        location=world["bramble"],
        actor=oren,
        payload={"listener_id": world["rhosyn"].id},
    )
    quests_advance(events=[reach], tick=tick)
    quests_advance(events=[talk], tick=tick + 1)
    assert QuestAssignment.objects.get(quest=quest).status == QuestAssignment.Status.COMPLETED


def test_a_completed_quest_opens_the_next_of_its_chain_for_its_holder_once(rivals):  # noqa: F811
    seal = QuestTemplate.objects.create(
        name="Seal the peace",
        slug="seal",
        trigger=QuestTemplate.Trigger.RELATION,
        title="{holder} seals the peace with {other}",
        steps=[{"type": "reach_location", "target": "faction_home", "objective": "Home to {faction_home}."}],
        time_limit_ticks=20,
    )
    QuestTemplate.objects.filter(pk=rivals["template"].pk).update(leads_to=seal)
    [mend] = emergent_quests_start(tick=12, seed=3)
    assert emergent_quests_start(tick=13, seed=3) == []  # nothing completed yet: the chain is shut
    _complete(mend, rivals, tick=14)

    [follow] = emergent_quests_start(tick=24, seed=3)
    assert follow.title == f"{rivals['oren'].name} seals the peace with The Thornwake"
    assert follow.follows == mend and follow.template == seal
    assert QuestAssignment.objects.get(quest=follow).character == rivals["oren"]
    started = GameEvent.objects.filter(type=EventType.QUEST_STARTED).order_by("id").last()
    assert started.payload["follows"] == mend.slug
    assert chain_openings_load(tick=30) == (), "a chain opens its next quest once"
    Quest.objects.filter(pk=follow.pk).delete()
    assert [opening.quest_id for opening in chain_openings_load(tick=30)] == [mend.id]
    assert chain_openings_load(tick=mend.created_tick + 241) == (), "a chain left too long stays shut"


def test_the_giver_has_a_change_of_heart_when_the_relation_warms_past_the_band(rivals):  # noqa: F811
    [mend] = emergent_quests_start(tick=12, seed=3)
    warm = ModifierChange(faction_id=rivals["luminari"].id, other_id=rivals["thornwake"].id, value=20, reason="x")
    faction_modifiers_add_many(changes=[warm], tick=13)  # -45 + 20 = -25: within the margin
    assert quests_called_off(tick=13) == []
    faction_modifiers_add_many(changes=[warm], tick=14)  # -5: nobody wants it mended any more
    [called_off] = quests_called_off(tick=14)
    assert QuestAssignment.objects.get(id=called_off).status == QuestAssignment.Status.FAILED
    failed = GameEvent.objects.get(type=EventType.QUEST_FAILED)
    assert failed.payload["reason"] == "change_of_heart"
    mend.refresh_from_db()
    assert mend.status == Quest.Status.FAILED


def test_a_rival_who_wins_the_secret_first_fails_the_other_quest_after_it(rivals):  # noqa: F811
    LoreEntryFactory(slug="the-gilded-thorn", category="secret")
    [mend] = emergent_quests_start(tick=12, seed=3)
    Quest.objects.filter(pk=mend.pk).update(rewards={"discover": ["the-gilded-thorn"]})
    rival = QuestFactory(is_emergent=True, rewards={"discover": ["the-gilded-thorn"]}, status=Quest.Status.ACTIVE)
    bystander = QuestFactory(is_emergent=True, rewards={"discover": ["another"]}, status=Quest.Status.ACTIVE)
    rival_holder = QuestAssignment.objects.create(character=rivals["rhosyn"], quest=rival)
    other_holder = QuestAssignment.objects.create(character=CharacterFactory(), quest=bystander)

    _complete(mend, rivals, tick=14)

    rival_holder.refresh_from_db()
    other_holder.refresh_from_db()
    assert rival_holder.status == QuestAssignment.Status.FAILED
    assert other_holder.status == QuestAssignment.Status.ACTIVE
    failed = GameEvent.objects.get(type=EventType.QUEST_FAILED)
    assert (failed.payload["reason"], failed.actor_id) == ("rival_first", rivals["rhosyn"].id)


def test_ended_emergent_quests_are_archived_designers_quests_are_not(rivals):  # noqa: F811
    [mend] = emergent_quests_start(tick=12, seed=3)
    failed = QuestFactory(is_emergent=True, status=Quest.Status.FAILED)
    done_by_designer = QuestFactory(is_emergent=False, status=Quest.Status.COMPLETED)
    assert emergent_quests_archive() == 1
    statuses = dict(Quest.objects.values_list("id", "status"))
    assert statuses[failed.id] == "archived"
    assert statuses[mend.id] == "available"  # still open
    assert statuses[done_by_designer.id] == "completed"
