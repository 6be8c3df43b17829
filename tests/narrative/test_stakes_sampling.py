"""What the report learns of factions and quests (`narrative.reporting`), and the rule that
no two open quests share a title (a database constraint)."""

import pytest
from django.db import IntegrityError, transaction

from narrative.models import Quest, QuestAssignment, RelationModifier
from narrative.reporting import emergent_quests_final, factions_tick_sample, incident_kind_of
from tests.factories import CharacterFactory, FactionRelationFactory, QuestFactory, WorldClockFactory


def test_a_modifiers_reason_names_its_incident_kind():
    assert incident_kind_of("kind words at Mossgate and 2 other places") == "kind_word"
    assert incident_kind_of("a clash at the Glass Market") == "clash"
    assert incident_kind_of("a gift") == "gift"
    assert incident_kind_of("Quest completed: a clash at dawn") is None
    assert incident_kind_of("a clashing of cymbals") is None


@pytest.mark.django_db
def test_the_tick_sample_holds_standings_power_and_this_ticks_incidents():
    WorldClockFactory(tick=10)
    relation = FactionRelationFactory(standing=-20, faction__power=100, other__power=3)
    RelationModifier.objects.create(relation=relation, reason="a clash at the Market", value=-4, started_tick=10)
    RelationModifier.objects.create(relation=relation, reason="kind words at Mossgate", value=6, started_tick=9)
    RelationModifier.objects.create(
        relation=relation, reason="an alliance (their people are fond of each other)", value=20, started_tick=10
    )
    found = factions_tick_sample()
    pair = (relation.faction.slug, relation.other.slug)
    assert found["faction_standings"] == {pair: 2}
    assert found["faction_power"] == {relation.faction.slug: 100, relation.other.slug: 3}
    incidents = found["faction_incidents"]
    assert {kind: count for kind, count in incidents.items() if count} == {
        "clash": 1,
        "alliance": 1,
    }  # kind words: last tick
    assert set(incidents) == {
        "gift",
        "kind_word",
        "trade",
        "clash",
        "theft",
        "betrayal",
        "alliance",
        "treaty",
        "rivalry",
    }


@pytest.mark.django_db
def test_the_final_sample_holds_emergent_quests_outcomes_and_chains():
    holder = CharacterFactory()
    first = QuestFactory(is_emergent=True, created_tick=5, status=Quest.Status.COMPLETED)
    second = QuestFactory(is_emergent=True, created_tick=9, follows=first)
    QuestFactory(is_emergent=True, created_tick=1)  # before the run
    QuestFactory(is_emergent=False, created_tick=6)  # a designer's
    QuestAssignment.objects.create(character=holder, quest=first, status=QuestAssignment.Status.COMPLETED)
    QuestAssignment.objects.create(character=holder, quest=second, status=QuestAssignment.Status.FAILED)
    rows = emergent_quests_final(first_tick=2)["emergent_quests"]
    assert [(r["id"], r["outcome"], r["follows_id"]) for r in rows] == [
        (first.id, "completed", None),
        (second.id, "failed", first.id),
    ]


@pytest.mark.django_db
def test_two_open_quests_cannot_share_a_title_but_an_ended_one_can():
    QuestFactory(title="Mend ties with The Luminari", status=Quest.Status.ACTIVE)
    QuestFactory(title="Mend ties with The Luminari", status=Quest.Status.COMPLETED)
    QuestFactory(title="Mend ties with The Luminari", status=Quest.Status.ARCHIVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestFactory(title="Mend ties with The Luminari", status=Quest.Status.AVAILABLE)
    ended = Quest.objects.get(status=Quest.Status.COMPLETED)
    ended.status = Quest.Status.ACTIVE
    with pytest.raises(IntegrityError), transaction.atomic():
        ended.save()
