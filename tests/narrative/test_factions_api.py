"""Faction relations: opinion modifiers and their decay (pure), stances, the modifier
service and its event, and GET /api/factions[/{slug}]."""

import pytest

from htrae.vocabulary import EventType
from narrative.factions.relations import Modifier, Stance, current_standing, modifier_value, stance_for
from narrative.factions.services import faction_modifier_add
from narrative.models import FactionRelation, RelationModifier
from tests.factories import FactionFactory, FactionRelationFactory, UserFactory, WorldClockFactory
from world.models import GameEvent

# --- Pure arithmetic ---------------------------------------------------------------------


def test_a_modifier_without_decay_keeps_its_value_until_it_expires():
    modifier = Modifier(value=20, started_tick=10, duration_ticks=5)
    assert [modifier_value(modifier=modifier, tick=t) for t in (10, 12, 14, 15, 40)] == [20, 20, 20, 0, 0]


def test_a_permanent_modifier_never_expires():
    assert modifier_value(modifier=Modifier(value=-15, started_tick=0), tick=10**6) == -15


def test_decay_is_exponential_and_rounds_toward_zero():
    modifier = Modifier(value=40, started_tick=0, decay=0.5)
    assert [modifier_value(modifier=modifier, tick=t) for t in range(7)] == [40, 20, 10, 5, 2, 1, 0]
    negative = Modifier(value=-40, started_tick=0, decay=0.5)
    assert [modifier_value(modifier=negative, tick=t) for t in range(4)] == [-40, -20, -10, -5]


def test_full_decay_is_gone_after_one_tick_and_a_future_start_counts_whole():
    assert modifier_value(modifier=Modifier(value=30, started_tick=0, decay=1.0), tick=1) == 0
    assert modifier_value(modifier=Modifier(value=30, started_tick=9, decay=0.5), tick=3) == 30


def test_current_standing_adds_active_modifiers_and_clamps():
    modifiers = [Modifier(value=30, started_tick=0), Modifier(value=50, started_tick=0, duration_ticks=2)]
    assert current_standing(base=10, modifiers=modifiers, tick=1) == 90
    assert current_standing(base=10, modifiers=modifiers, tick=2) == 40
    assert current_standing(base=90, modifiers=modifiers, tick=1) == 100
    assert current_standing(base=-90, modifiers=[Modifier(value=-50, started_tick=0)], tick=0) == -100


@pytest.mark.parametrize(
    ("standing", "stance"),
    [
        (100, Stance.ALLIED),
        (75, Stance.ALLIED),
        (74, Stance.FRIENDLY),
        (30, Stance.FRIENDLY),
        (29, Stance.NEUTRAL),
        (0, Stance.NEUTRAL),
        (-29, Stance.NEUTRAL),
        (-30, Stance.WARY),
        (-59, Stance.WARY),
        (-60, Stance.HOSTILE),
        (-89, Stance.HOSTILE),
        (-90, Stance.AT_WAR),
        (-100, Stance.AT_WAR),
    ],
)
def test_stance_thresholds(standing, stance):
    assert stance_for(standing) == stance


# --- The service --------------------------------------------------------------------------


@pytest.mark.django_db
def test_modifier_add_is_mutual_and_publishes_only_when_a_stance_changes():
    a, b = FactionFactory(slug="a"), FactionFactory(slug="b")
    FactionRelationFactory(faction=a, other=b, standing=20)
    created = faction_modifier_add(faction=a, other=b, value=5, reason="a gift", tick=3)
    assert len(created) == 2
    assert not GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED).exists()  # 20→25, 0→5: no change
    assert FactionRelation.objects.get(faction=b, other=a).standing == 0  # created at a neutral base

    faction_modifier_add(faction=a, other=b, value=-60, reason="a raid", tick=4, duration_ticks=10, decay=0.1)
    events = list(GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED).order_by("id"))
    assert [(e.payload["faction"], e.payload["stance_before"], e.payload["stance"]) for e in events] == [
        ("a", Stance.NEUTRAL, Stance.WARY),
        ("b", Stance.NEUTRAL, Stance.WARY),
    ]
    assert events[0].payload["standing"] == -35 and events[0].tick == 4


@pytest.mark.django_db
def test_modifier_add_one_way_and_refuses_bad_decay():
    a, b = FactionFactory(), FactionFactory()
    faction_modifier_add(faction=a, other=b, value=10, reason="trade", tick=0, mutual=False)
    assert RelationModifier.objects.count() == 1
    assert not FactionRelation.objects.filter(faction=b, other=a).exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        faction_modifier_add(faction=a, other=b, value=10, reason="x", tick=0, decay=1.5)
    with pytest.raises(ValueError):
        faction_modifier_add(faction=a, other=a, value=10, reason="x", tick=0)


# --- The endpoints ------------------------------------------------------------------------


@pytest.fixture
def player_client(api_client, db):
    api_client.force_authenticate(UserFactory())
    return api_client


@pytest.mark.django_db
def test_factions_list_shows_current_standing_and_stance(player_client):
    WorldClockFactory(tick=10)
    a = FactionFactory(slug="a", name="A", goals=["shine"], power=70, color="#ffcc00", ethos="Light.")
    b = FactionFactory(slug="b", name="B")
    c = FactionFactory(slug="c", name="C")
    ab = FactionRelationFactory(faction=a, other=b, standing=20)
    FactionRelationFactory(faction=b, other=a, standing=-95)
    RelationModifier.objects.create(relation=ab, reason="aid", value=40, started_tick=8, decay=0.5)  # 10 now
    RelationModifier.objects.create(relation=ab, reason="old", value=90, started_tick=0, duration_ticks=5)

    response = player_client.get("/api/factions")
    assert response.status_code == 200
    body = {f["slug"]: f for f in response.json()["results"]}
    assert set(body) == {"a", "b", "c"}
    first = body["a"]
    assert {k: first[k] for k in ("name", "status", "goals", "power", "ethos", "color")} == {
        "name": "A",
        "status": "stable",
        "goals": ["shine"],
        "power": 70,
        "ethos": "Light.",
        "color": "#ffcc00",
    }
    relations = {r["other"]: r for r in first["relations"]}
    assert relations["b"]["standing"] == 30 and relations["b"]["stance"] == "friendly"
    assert relations["c"] == {"other": "c", "name": "C", "standing": 0, "stance": "neutral"}
    assert {r["other"]: r["stance"] for r in body["b"]["relations"]}["a"] == "at_war"
    assert c.slug == "c"


def _factions(count: int) -> None:
    factions = FactionFactory.create_batch(count)
    for faction in factions:
        for other in factions:
            if faction != other:
                relation = FactionRelationFactory(faction=faction, other=other, standing=5)
                RelationModifier.objects.create(relation=relation, reason="r", value=3, started_tick=0)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [6, 12])
def test_factions_list_queries_are_constant(player_client, django_assert_max_num_queries, count):
    WorldClockFactory(tick=1)
    _factions(count)
    with django_assert_max_num_queries(5):
        response = player_client.get("/api/factions")
    assert response.status_code == 200
    assert len(response.json()["results"]) == count
    assert all(r["standing"] == 8 for f in response.json()["results"] for r in f["relations"])


@pytest.mark.django_db
def test_faction_detail_and_unknown_slug(player_client, seeded_world):
    response = player_client.get("/api/factions/luminari")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "luminari"
    assert len(body["relations"]) >= 1 and all(r["other"] != "luminari" for r in body["relations"])

    missing = player_client.get("/api/factions/nobody")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


@pytest.mark.django_db
def test_factions_need_authentication(api_client):
    assert api_client.get("/api/factions").status_code in (401, 403)
