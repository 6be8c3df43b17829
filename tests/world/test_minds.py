"""Minds with the database: goals succeed and fail, needs give rise to goals, day plans and
re-plans (world.minds); players' object actions (world.player_actions); Spectra's life goals
achieved by a change in the world (spectra.life_goals)."""

from datetime import UTC, datetime, timedelta

import pytest

from htrae.errors import DomainError
from htrae.vocabulary import EventType
from spectra.models import SpectraGoal
from spectra.services import goals_advance
from tests.factories import (
    CharacterFactory,
    FactionFactory,
    LocationFactory,
    PathFactory,
    PlayerFactory,
    WorldClockFactory,
    WorldObjectFactory,
)
from tests.ticking import tick_until
from world.events import publish
from world.minds import GOAL_TAKEN_UP_AGAIN_AFTER_TICKS, minds_tick
from world.models import Character, CharacterGoal, GameEvent, RoutineSlot, WorldObject
from world.player_actions import player_drop, player_give, player_take, player_use
from world.tick import TickContext, run_tick

MORNING = datetime(1247, 3, 21, 9, 0, tzinfo=UTC)


def context(tick, events=(), when=MORNING):
    return TickContext(
        tick=tick, seed=1, world_time=when, previous_world_time=when - timedelta(minutes=30), events=tuple(events)
    )


def npc_event(character, kind, tick, **payload):
    return publish(
        f"NPC_{kind}",
        {"actor_id": character.id, "actor_name": character.name, "actor_kind": "npc", "tick": tick, **payload},
        tick=tick,
        location_id=character.location_id,
        actor_id=character.id,
        broadcast=False,
    )


@pytest.fixture
def npc(db):
    home, work = LocationFactory(slug="home"), LocationFactory(slug="work")
    character = CharacterFactory(location=work, needs={"social": 0.1, "rest": 0.1, "curiosity": 0.1, "purpose": 0.1})
    RoutineSlot.objects.create(character=character, start_hour=22, end_hour=6, location=home, activity="sleep")
    RoutineSlot.objects.create(character=character, start_hour=6, end_hour=22, location=work, activity="work")
    return character


def goal_for(character, **fields):
    defaults = {"title": "Chart the stars", "verb": "visit", "location": character.location, "priority": 6}
    return CharacterGoal.objects.create(character=character, **{**defaults, **fields})


def test_pursuing_a_goal_where_it_is_served_moves_it_to_success(npc):
    goal = goal_for(npc)
    for tick in range(1, 6):
        minds_tick(context(tick, [npc_event(npc, "PURSUED_GOAL", tick, goal_id=goal.id, goal=goal.title)]))
    goal.refresh_from_db()
    assert goal.status == CharacterGoal.Status.ACHIEVED and goal.progress == 1.0 and goal.ended_tick == 5
    assert GameEvent.objects.filter(type=EventType.GOAL_ACHIEVED, payload__goal_id=goal.id).count() == 1
    npc.refresh_from_db()
    assert goal.title not in npc.goals  # never lists an achieved goal


def test_a_goal_to_use_a_thing_somewhere_is_done_only_by_using_it_there(npc):
    fen = LocationFactory(slug="fen")
    clapper = WorldObjectFactory(location=npc.location)
    goal = goal_for(npc, title="Ring the bell", verb="use", target_object=clapper, location=fen)
    minds_tick(context(1, [npc_event(npc, "TOOK_OBJECT", 1, goal_id=goal.id, object_id=clapper.id)]))
    minds_tick(context(2, [npc_event(npc, "USED_OBJECT", 2, goal_id=goal.id, object_id=clapper.id)]))  # not at the fen
    goal.refresh_from_db()
    assert goal.status == CharacterGoal.Status.ACTIVE and goal.progress < 0.5
    Character.objects.filter(id=npc.id).update(location=fen)
    npc.refresh_from_db()
    for tick in (3, 4):
        minds_tick(context(tick, [npc_event(npc, "USED_OBJECT", tick, goal_id=goal.id, object_id=clapper.id)]))
    goal.refresh_from_db()
    assert goal.status == CharacterGoal.Status.ACHIEVED


def test_a_goal_fails_at_its_deadline_and_when_its_thing_is_taken_by_another(npc):
    late = goal_for(npc, title="Be quick", deadline_tick=3)
    shard = WorldObjectFactory(location=npc.location)
    wanted = goal_for(npc, title="Take the shard", verb="take", target_object=shard, location=None)
    minds_tick(context(3))
    late.refresh_from_db()
    assert late.status == CharacterGoal.Status.ACTIVE
    WorldObject.objects.filter(id=shard.id).update(location=None, holder=CharacterFactory())
    minds_tick(context(4, [npc_event(npc, "RESTED", 4)]))
    late.refresh_from_db(), wanted.refresh_from_db()
    assert (late.status, late.outcome) == (CharacterGoal.Status.FAILED, "deadline")
    assert (wanted.status, wanted.outcome) == (CharacterGoal.Status.FAILED, "object_taken_by_another")
    assert GameEvent.objects.filter(type=EventType.GOAL_FAILED).count() == 2


def test_an_urgent_need_gives_rise_to_a_goal_served_by_the_routine(npc):
    Character.objects.filter(id=npc.id).update(needs={"rest": 0.9})
    minds_tick(context(1, [npc_event(npc, "TALKED", 1)]))
    goal = CharacterGoal.objects.get(character=npc, need="rest")
    assert goal.source == CharacterGoal.Source.NEED and goal.location.slug == "home" and goal.deadline_tick
    adopted = GameEvent.objects.get(type=EventType.GOAL_ADOPTED)
    assert adopted.payload["goal_id"] == goal.id
    minds_tick(context(2, [npc_event(npc, "TALKED", 2)]))
    assert CharacterGoal.objects.filter(character=npc, need="rest").count() == 1  # not twice


def test_a_factions_cause_is_taken_up_again_a_day_after_it_ended_never_sooner(npc):
    """Purpose gives rise to one of the faction's goals; once it has ended, the member takes it
    up again GOAL_TAKEN_UP_AGAIN_AFTER_TICKS later, not before (held once for ever, the
    faction's goals ran out and every NPC was left with none)."""
    faction = FactionFactory(goals=["Keep the lamps lit"], home=npc.location)
    Character.objects.filter(id=npc.id).update(needs={"purpose": 0.9}, faction=faction)
    minds_tick(context(1, [npc_event(npc, "TALKED", 1)]))
    first = CharacterGoal.objects.get(character=npc, need="purpose")
    assert first.title == "Keep the lamps lit" and first.source == CharacterGoal.Source.FACTION
    CharacterGoal.objects.filter(id=first.id).update(status=CharacterGoal.Status.ACHIEVED, ended_tick=2)
    soon = 2 + GOAL_TAKEN_UP_AGAIN_AFTER_TICKS - 1
    minds_tick(context(soon, [npc_event(npc, "TALKED", soon)]))
    assert CharacterGoal.objects.filter(character=npc, need="purpose").count() == 1  # too soon
    minds_tick(context(soon + 1, [npc_event(npc, "TALKED", soon + 1)]))
    again = CharacterGoal.objects.filter(character=npc, need="purpose", status=CharacterGoal.Status.ACTIVE).get()
    assert again.id != first.id and again.title == first.title and again.started_tick == soon + 1
    npc.refresh_from_db()
    assert npc.goals == ["Keep the lamps lit"]


def test_the_day_is_planned_in_the_morning_and_re_planned_when_something_important_happens(npc):
    goal = goal_for(npc, location=LocationFactory(slug="tower"))
    minds_tick(context(1, [npc_event(npc, "RESTED", 1)]))
    npc.refresh_from_db()
    assert npc.plan["day"] == "1247-03-21" and npc.plan["revisions"] == 0
    assert any(entry.get("goal_id") == goal.id for entry in npc.plan["entries"])
    assert GameEvent.objects.filter(type=EventType.DAY_PLANNED).count() == 1
    minds_tick(context(2, [npc_event(npc, "RESTED", 2)]))  # nothing important: no new plan
    assert not GameEvent.objects.filter(type=EventType.PLAN_REVISED).exists()
    Character.objects.filter(id=npc.id).update(location=goal.location)  # where the goal is served
    npc.refresh_from_db()
    for tick in range(3, 8):  # the goal is achieved: the rest of the day is planned again
        minds_tick(context(tick, [npc_event(npc, "PURSUED_GOAL", tick, goal_id=goal.id)]))
    revised = GameEvent.objects.get(type=EventType.PLAN_REVISED)
    assert "achieved" in revised.payload["reason"]
    npc.refresh_from_db()
    assert npc.plan["revisions"] == 1 and not any(e.get("goal_id") == goal.id for e in npc.plan["entries"])
    minds_tick(context(30, [npc_event(npc, "RESTED", 30)], when=MORNING + timedelta(days=1)))
    assert GameEvent.objects.filter(type=EventType.DAY_PLANNED).count() == 2


def test_an_owl_plans_its_night_later_and_a_lark_earlier_than_the_routine_says(npc):
    lark = CharacterFactory(location=npc.location, personality={"conscientiousness": 0.9, "extraversion": 0.2})
    for slot in RoutineSlot.objects.filter(character=npc):
        RoutineSlot.objects.create(
            character=lark,
            start_hour=slot.start_hour,
            end_hour=slot.end_hour,
            location=slot.location,
            activity=slot.activity,
        )
    Character.objects.filter(id=npc.id).update(
        personality={"conscientiousness": 0.1, "extraversion": 0.9, "openness": 0.9}
    )
    npc.refresh_from_db()
    rested = [npc_event(npc, "RESTED", 1), npc_event(lark, "RESTED", 1)]
    minds_tick(context(1, rested, when=MORNING.replace(hour=5)))  # the day is planned from 5

    def night(character):
        character.refresh_from_db()
        entry = next(e for e in character.plan["entries"] if e["activity"] == "sleep")
        return entry["from"], entry["to"]

    assert night(npc) == (1, 9)  # an owl: three hours later, its long work slot gives way
    assert night(lark) == (19, 3)
    # the routine as the designer wrote it is unchanged
    assert RoutineSlot.objects.get(character=lark, activity="sleep").start_hour == 22


def test_a_thing_taken_from_its_owner_gives_the_owner_a_goal_and_a_new_plan(npc):
    thief = CharacterFactory(location=npc.location)
    lantern = WorldObjectFactory(location=None, holder=thief, properties={"owner_id": npc.id, "value": 6})
    minds_tick(context(1, [npc_event(npc, "RESTED", 1)]))  # the morning plan
    taken = npc_event(
        thief, "TOOK_OBJECT", 2, object_id=lantern.id, object_name=lantern.name, owner_id=npc.id, stolen=True
    )
    minds_tick(context(2, [taken]))
    goal = CharacterGoal.objects.get(character=npc, source=CharacterGoal.Source.EVENT)
    assert goal.partner_id == thief.id and goal.target_object_id == lantern.id
    assert GameEvent.objects.filter(type=EventType.PLAN_REVISED, actor_id=npc.id).exists()
    WorldObject.objects.filter(id=lantern.id).update(holder=npc)  # given back
    minds_tick(context(3, [npc_event(npc, "RESTED", 3)]))
    goal.refresh_from_db()
    assert goal.status == CharacterGoal.Status.ACHIEVED


# --- Players' object actions -----------------------------------------------------------------


@pytest.fixture
def place(db):
    WorldClockFactory()
    return LocationFactory(slug="square")


def test_a_player_takes_what_lies_here_and_nothing_else(place):
    player = PlayerFactory(location=place)
    here, elsewhere = WorldObjectFactory(location=place), WorldObjectFactory()
    held = WorldObjectFactory(location=None, holder=CharacterFactory(location=place))
    bell = WorldObjectFactory(location=place, properties={"fixed": True})
    for thing, code in ((elsewhere, "unknown_target"), (held, "held_by_another"), (bell, "fixed_object")):
        with pytest.raises(DomainError) as refused:
            player_take(character=player, data={"object": thing.id}, tick=1)
        assert refused.value.code == code
    with pytest.raises(DomainError) as missing:
        player_take(character=player, data={}, tick=1)
    assert missing.value.code == "missing_field"
    with pytest.raises(DomainError) as bad:
        player_take(character=player, data={"object": "one"}, tick=1)
    assert bad.value.code == "invalid_field"
    reply = player_take(character=player, data={"object": here.id}, tick=1)
    here.refresh_from_db()
    assert reply["action"] == "take" and here.holder_id == player.id and here.location_id is None
    with pytest.raises(DomainError) as again:
        player_take(character=player, data={"object": here.id}, tick=1)
    assert again.value.code == "already_carried"


def test_taking_anothers_thing_is_a_deed_everyone_sees(place):
    owner = CharacterFactory(location=place)
    player = PlayerFactory(location=place)
    lantern = WorldObjectFactory(location=place, properties={"owner_id": owner.id, "value": 6})
    player_take(character=player, data={"object": lantern.id}, tick=2)
    event = GameEvent.objects.get(type=EventType.PLAYER_TOOK_OBJECT)
    assert event.payload["stolen"] is True and event.payload["owner_id"] == owner.id and event.location_id == place.id


def test_give_needs_the_thing_in_hand_and_the_receiver_here(place):
    player = PlayerFactory(location=place)
    friend, away = CharacterFactory(location=place), CharacterFactory()
    thing = WorldObjectFactory(location=None, holder=player)
    lying = WorldObjectFactory(location=place)
    with pytest.raises(DomainError) as absent:
        player_give(character=player, data={"object": thing.id, "to": away.id}, tick=1)
    assert absent.value.code == "unknown_target"
    with pytest.raises(DomainError) as not_mine:
        player_give(character=player, data={"object": lying.id, "to": friend.id}, tick=1)
    assert not_mine.value.code == "not_carried"
    player_give(character=player, data={"object": thing.id, "to": friend.id}, tick=1)
    thing.refresh_from_db()
    assert thing.holder_id == friend.id
    assert GameEvent.objects.get(type=EventType.PLAYER_GAVE_OBJECT).payload["receiver_id"] == friend.id


def test_use_changes_the_world_only_where_it_is_meant_to_and_drop_leaves_it(place):
    fen = LocationFactory(slug="fen")
    player = PlayerFactory(location=place)
    bell = WorldObjectFactory(slug="bell", location=fen, properties={"fixed": True, "tolled": False})
    clapper = WorldObjectFactory(
        location=None, holder=player, properties={"on_use": {"target": "bell", "at": "fen", "sets": {"tolled": True}}}
    )
    assert player_use(character=player, data={"object": clapper.id}, tick=1)["effect"] is None
    bell.refresh_from_db()
    assert bell.properties["tolled"] is False
    Character.objects.filter(id=player.id).update(location=fen)
    player.refresh_from_db()
    reply = player_use(character=player, data={"object": clapper.id}, tick=2)
    bell.refresh_from_db()
    assert reply["effect"]["object_id"] == bell.id and bell.properties["tolled"] is True
    player_drop(character=player, data={"object": clapper.id}, tick=3)
    clapper.refresh_from_db()
    assert clapper.location_id == fen.id and clapper.holder_id is None


# --- Spectra's life goals --------------------------------------------------------------------


@pytest.fixture
def spectra(db):
    WorldClockFactory()
    fen = LocationFactory(slug="fen")
    spectra = CharacterFactory(kind=Character.Kind.SPECTRA, slug="spectra", location=fen, goals=["Hear the bell"])
    WorldObjectFactory(slug="bell", location=fen, properties={"fixed": True})
    SpectraGoal.objects.create(character=spectra, title="Hear the bell", priority=8, achieved_when={"hear": "bell"})
    return spectra


def test_counting_alone_never_achieves_a_goal_the_world_must_achieve(spectra):
    goal = SpectraGoal.objects.get()
    for tick in range(1, 40):
        goals_advance(
            events=[
                publish(
                    "SPECTRA_PURSUED_GOAL",
                    {"actor_kind": "spectra", "goal": goal.title},
                    tick=tick,
                    actor_id=spectra.id,
                )
            ]
        )
    goal.refresh_from_db()
    assert goal.status == SpectraGoal.Status.ACTIVE and goal.progress < 1.0


def test_the_bell_tolling_where_she_stands_achieves_it_and_she_always_has_a_goal(spectra):
    bell = WorldObject.objects.get(slug="bell")
    npc = CharacterFactory(location=spectra.location)
    elsewhere = publish(
        "NPC_USED_OBJECT",
        {"actor_kind": "npc", "effect": {"object_id": bell.id}},
        tick=3,
        actor_id=npc.id,
        location_id=LocationFactory().id,
    )
    goals_advance(events=[elsewhere])
    assert SpectraGoal.objects.get(title="Hear the bell").status == SpectraGoal.Status.ACTIVE
    tolled = publish(
        "NPC_USED_OBJECT",
        {"actor_kind": "npc", "effect": {"object_id": bell.id}},
        tick=4,
        actor_id=npc.id,
        location_id=spectra.location_id,
    )
    goals_advance(events=[tolled])
    heard = SpectraGoal.objects.get(title="Hear the bell")
    assert heard.status == SpectraGoal.Status.ACHIEVED and heard.achieved_tick == 4
    active = SpectraGoal.objects.filter(character=spectra, status=SpectraGoal.Status.ACTIVE)
    assert active.count() == 1 and active.get().achieved_when.get("visit")  # a new wish
    spectra.refresh_from_db()
    assert spectra.goals == [active.get().title]
    assert GameEvent.objects.filter(type=EventType.GOAL_ADOPTED, actor_id=spectra.id).exists()


def test_a_set_aside_goal_wakes_when_the_last_active_one_is_achieved(spectra):
    SpectraGoal.objects.create(
        character=spectra, title="Hold the stone", priority=4, status="set_aside", achieved_when={"hold": "bell"}
    )
    bell = WorldObject.objects.get(slug="bell")
    goals_advance(
        events=[
            publish(
                "NPC_USED_OBJECT",
                {"actor_kind": "npc", "effect": {"object_id": bell.id}},
                tick=5,
                location_id=spectra.location_id,
            )
        ]
    )
    assert SpectraGoal.objects.get(title="Hold the stone").status == SpectraGoal.Status.ACTIVE


def test_a_life_goal_whose_thing_another_holds_is_achieved_beside_the_holder(spectra):
    """The Waking Lantern stays in its owner's hands; she seeks him out and touches it there
    (before, a held thing left her goal unreachable for the rest of the world's life)."""
    SpectraGoal.objects.filter(title="Hear the bell").update(status="set_aside")
    commons = LocationFactory(slug="commons")
    PathFactory(source=spectra.location, target=commons, two_way=True)
    keeper = CharacterFactory(location=commons, energy=5.0)  # too tired to wander off
    lantern = WorldObjectFactory(slug="lantern", location=None, holder=keeper, properties={"owner_id": keeper.id})
    goal = SpectraGoal.objects.create(
        character=spectra,
        title="Learn the lantern",
        priority=9,
        achieved_when={"use": "lantern"},
        pursue={"verb": "use", "object": "lantern"},
    )
    tick_until(goal, SpectraGoal.Status.ACHIEVED, limit=30)
    assert goal.status == SpectraGoal.Status.ACHIEVED
    used = GameEvent.objects.get(type=EventType.SPECTRA_USED_OBJECT, actor_id=spectra.id)
    assert used.payload["held_by_id"] == keeper.id and used.location_id == keeper.location_id
    lantern.refresh_from_db()
    assert lantern.holder_id == keeper.id  # never left his hands


@pytest.mark.django_db
def test_the_seed_world_ticks_with_plans_and_spectra_keeps_a_goal(seeded_world):
    for _ in range(3):
        run_tick(force=True)
    assert GameEvent.objects.filter(type=EventType.DAY_PLANNED).exists()
    spectra = Character.objects.get(kind=Character.Kind.SPECTRA)
    active = list(SpectraGoal.objects.filter(character=spectra, status="active").order_by("-priority", "id"))
    assert active and spectra.goals == [goal.title for goal in active]
