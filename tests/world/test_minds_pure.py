"""Minds, the pure parts: reactions to what a character perceives, routines and day plans,
goals failing, objects in hand (world/autonomy: reactions.py, planning.py, decision.py,
actions.py, intentions.py)."""

from dataclasses import replace

from world.autonomy import planning
from world.autonomy.actions import apply_decision
from world.autonomy.decision import GIVE, MOVE, PURSUE_GOAL, REST, TAKE, TALK, USE, decide, rng_for, score_actions
from world.autonomy.intentions import resolve_heading, staged
from world.autonomy.planning import Slot
from world.autonomy.reactions import CONFRONT, greeting_candidates, reactions
from world.autonomy.state import (
    CharacterState,
    Decision,
    EventSeen,
    Exit,
    Heading,
    Intention,
    Neighbour,
    ObjectSeen,
    Perception,
    Regard,
)

MIRA = CharacterState(
    id=7,
    name="Mira",
    kind="npc",
    location_id=1,
    faction_id=3,
    energy=80.0,
    needs={"social": 0.3, "rest": 0.2, "curiosity": 0.3},
    personality={"openness": 0.5, "extraversion": 0.5, "agreeableness": 0.7, "neuroticism": 0.6},
    regard={8: Regard(familiarity=0.5)},  # she knows Oren
)
EXITS = (Exit(2, "Fen", 1), Exit(3, "Spire", 1))
FRIEND = Neighbour(8, "Oren", "npc", 3)
RIVAL = Neighbour(9, "Vex", "npc", 5)


def seen(**changes) -> Perception:
    return replace(Perception(me=MIRA, location_name="Commons", exits=EXITS, standings={5: -60, 6: 20}), **changes)


def chosen(perception: Perception, ticks=range(40)) -> list[Decision]:
    return [decide(perception, rng=rng_for(seed=1, tick=tick, character_id=7)) for tick in ticks]


def share(decisions, action, target=None) -> float:
    return sum(d.action == action and (target is None or d.target_id == target) for d in decisions) / len(decisions)


# --- Perception used -------------------------------------------------------------------------


def test_a_commotion_next_door_draws_the_character_there():
    quiet, busy = seen(nearby_activity={2: 1, 3: 1}), seen(nearby_activity={2: 1, 3: 9})
    assert not [r for r in reactions(quiet) if "commotion" in r.reason]
    assert share(chosen(busy), MOVE, 3) > share(chosen(quiet), MOVE, 3) + 0.2


def test_a_clash_touching_a_friend_is_joined_and_one_touching_nobody_is_fled():
    clash = EventSeen("NPC_CONFRONTED", actor_id=9, target_id=8)
    joined = [r for r in reactions(seen(others_here=(FRIEND, RIVAL), recent_events=(clash,))) if r.action == CONFRONT]
    assert joined and joined[0].target_id == 9  # takes the friend's side against the rival
    strangers = (Neighbour(10, "A", "npc", 6), Neighbour(11, "B", "npc", 6))
    fled = reactions(seen(others_here=strangers, recent_events=(EventSeen("NPC_CONFRONTED", 10, 11),)))
    assert [r.action for r in fled] == [MOVE] and "flees" in fled[0].reason
    calm = seen(others_here=strangers)
    stormy = seen(others_here=strangers, recent_events=(EventSeen("NPC_CONFRONTED", 10, 11),))
    assert share(chosen(stormy), MOVE) > share(chosen(calm), MOVE) + 0.2


def test_a_friend_in_sorrow_is_comforted():
    sad, glad = replace(FRIEND, mood="melancholy"), replace(FRIEND, mood="joy")
    with_sad, with_glad = seen(others_here=(sad,)), seen(others_here=(glad,))
    assert share(chosen(with_sad), TALK, 8) > share(chosen(with_glad), TALK, 8) + 0.2
    comforting = [d for d in chosen(with_sad) if d.action == TALK]
    assert comforting and all(d.purpose == "comforts a friend" for d in comforting)


def test_a_rival_is_avoided_unless_the_character_is_heated():
    avoided = reactions(seen(others_here=(RIVAL,)))
    assert [r.action for r in avoided] == [MOVE] and "avoids" in avoided[0].reason
    heated = reactions(seen(me=replace(MIRA, mood="intensity"), others_here=(RIVAL,)))
    assert [r.action for r in heated] == [CONFRONT] and heated[0].target_id == 9
    # a faction not opposed is no rival (only a stranger, to be introduced to)
    ally = reactions(seen(others_here=(Neighbour(12, "Ally", "npc", 6),)))
    assert [(r.action, r.reason) for r in ally] == [(TALK, "introduces themself to Ally")]
    assert not [r for r in avoided if r.action == TALK]  # nor to a rival


def test_a_friend_just_arrived_is_greeted_once():
    arrived = (EventSeen("NPC_MOVED", actor_id=8),)
    greeting = seen(others_here=(FRIEND,), recent_events=arrived)
    assert share(chosen(greeting), TALK, 8) > share(chosen(seen(others_here=(FRIEND,))), TALK, 8) + 0.2
    already = replace(greeting, talked_recently=frozenset({8}))
    assert not [r for r in reactions(already) if "greets" in r.reason]


def test_only_friends_just_arrived_are_asked_about_lately():
    # the tick loads "spoke with them lately" for these pairs only, so no greeting may turn
    # on anyone else
    newcomers = (EventSeen("NPC_MOVED", actor_id=8), EventSeen("NPC_MOVED", actor_id=9))
    assert greeting_candidates(seen(others_here=(FRIEND, RIVAL), recent_events=newcomers)) == {8}
    assert greeting_candidates(seen(others_here=(FRIEND, RIVAL))) == frozenset()
    talked = (EventSeen("NPC_TALKED", actor_id=8),)
    assert greeting_candidates(seen(others_here=(FRIEND,), recent_events=talked)) == frozenset()


def test_the_sociable_introduce_themselves_to_strangers_and_say_who_they_are():
    stranger, player = Neighbour(12, "Tova", "npc", 6), Neighbour(13, "Ash", "player")
    with_stranger, with_known = seen(others_here=(stranger,)), seen(others_here=(FRIEND,))
    assert not [r for r in reactions(with_known) if "introduces" in r.reason]
    assert not [r for r in reactions(seen(others_here=(player,))) if "introduces" in r.reason]
    shy, sociable = (replace(MIRA, personality={**MIRA.personality, "extraversion": e}) for e in (0.1, 0.9))
    assert share(chosen(seen(me=sociable, others_here=(stranger,))), TALK, 12) > share(
        chosen(seen(me=shy, others_here=(stranger,))), TALK, 12
    )
    introductions = [d for d in chosen(with_stranger) if d.action == TALK]
    assert introductions and all(d.purpose == "introduces themself to Tova" for d in introductions)
    line = apply_decision(with_stranger, introductions[0], tick=1, rng=rng_for(seed=1, tick=1, character_id=7))
    text = line.events[0].payload["text"]
    assert "Mira" in text and "Tova" not in text  # her name given; theirs not yet known
    spectra = Neighbour(1, "Spectra", "spectra")
    meeting = [d for d in chosen(seen(others_here=(spectra,))) if d.action == TALK and d.purpose.startswith("intro")]
    said = apply_decision(seen(others_here=(spectra,)), meeting[0], tick=1, rng=rng_for(seed=1, tick=1, character_id=7))
    assert "Spectra" in said.events[0].payload["text"] and "Mira" in said.events[0].payload["text"]


# --- Routines and plans ----------------------------------------------------------------------

SLOTS = [
    planning.Slot(22, 6, 10, "sleep"),
    planning.Slot(6, 8, 10, "wake"),
    planning.Slot(8, 18, 11, "work"),
    planning.Slot(18, 22, 12, "gather"),
]


def test_routine_slots_cover_the_day_and_run_past_midnight():
    assert planning.slot_at(SLOTS, 23).activity == "sleep" and planning.slot_at(SLOTS, 3).activity == "sleep"
    assert planning.slot_at(SLOTS, 9).location_id == 11 and planning.slot_at(SLOTS, 19).location_id == 12


def test_the_routine_pulls_by_the_hour():
    plan = {"entries": planning.plan_day(slots=SLOTS, goals=[], hour=5)}
    at = {hour: planning.plan_intentions(plan=plan, goals=[], hour=hour)[0] for hour in (2, 10, 20)}
    assert (at[2].location_id, at[2].verb) == (10, "sleep")
    assert at[10].location_id == 11 and at[20].location_id == 12
    # at night, at home, the plan says sleep: rest is pulled harder than by day
    home = Heading("sleep", planning.SLEEP_WEIGHT, verb="sleep")
    night = chosen(seen(me=replace(MIRA, location_id=10), heading=home, hour=14))
    assert share(night, REST) > share(chosen(seen(me=replace(MIRA, location_id=10), hour=14)), REST) + 0.1


def test_home_in_its_sleep_hours_a_character_sleeps_through_its_housemates_chatter():
    sociable = replace(MIRA, location_id=10, needs={"social": 0.9, "rest": 0.0, "curiosity": 0.5}, energy=95.0)
    sociable = replace(sociable, personality={**MIRA.personality, "extraversion": 0.9})
    asleep = Heading("sleep", planning.SLEEP_WEIGHT, verb="sleep")
    night = chosen(seen(me=sociable, heading=asleep, hour=2, others_here=(FRIEND,)), ticks=range(200))
    assert share(night, REST) >= 0.95
    # awake at the same hour (no sleep in its plan), the same company keeps it talking
    up_late = chosen(seen(me=sociable, hour=2, others_here=(FRIEND,)), ticks=range(200))
    assert share(up_late, TALK) > 0.5


def hours(slots) -> list[tuple]:
    return [(slot.activity, slot.start_hour, slot.end_hour) for slot in slots]


def test_owls_and_larks_keep_the_routines_night_by_their_own_clock():
    day = [*SLOTS[:2], planning.Slot(8, 18, 11, "work"), planning.Slot(18, 22, 12, "gather")]
    assert hours(planning.kept_by_chronotype(day, 0.4)) == hours(day)
    lark = planning.kept_by_chronotype(day, -2.2)
    assert hours(lark) == [("sleep", 20, 4), ("wake", 4, 8), ("work", 8, 18), ("gather", 18, 20)]
    # an owl sleeps late, but its morning at home keeps an hour: work still starts at 8
    owl = planning.kept_by_chronotype(day, 2.8)
    assert hours(owl) == [("sleep", 23, 7), ("wake", 7, 8), ("work", 8, 18), ("gather", 18, 23)]
    assert planning.slot_at(owl, 22).activity == "gather" and planning.slot_at(lark, 22).activity == "sleep"
    # an extreme lark still spends an hour of the evening out
    assert hours(planning.kept_by_chronotype(day, -9))[-1] == ("gather", 18, 19)
    # midnight as an end is the 24th hour, as the routine table writes it
    shifted = planning.kept_by_chronotype(
        [Slot(17, 20, 1, "gather"), Slot(20, 1, 1, "sleep"), Slot(1, 17, 1, "work")], -1
    )
    assert hours(shifted) == [("gather", 17, 19), ("sleep", 19, 24), ("work", 0, 17)]
    shifted = planning.kept_by_chronotype(
        [Slot(17, 1, 1, "gather"), Slot(1, 8, 1, "sleep"), Slot(8, 17, 1, "work")], -1
    )
    assert hours(shifted) == [("gather", 17, 24), ("sleep", 0, 7), ("work", 7, 17)]
    assert planning.kept_by_chronotype(day[2:], 2.0) == day[2:]
    day_and_night = [Slot(6, 22, 1, "work"), Slot(22, 6, 2, "sleep")]  # one slot is evening and morning
    assert hours(planning.kept_by_chronotype(day_and_night, 2.0)) == [("work", 8, 24), ("sleep", 0, 8)]


def test_the_nights_sleep_outweighs_every_errand_and_friend_elsewhere():
    goals = [planning.GoalFacts(1, "Major", priority=10, location_id=21)]
    plan = {"entries": planning.plan_day(slots=SLOTS, goals=goals, hour=5)}
    intentions = planning.plan_intentions(plan=plan, goals=goals, hour=2)
    strongest = max(intentions, key=lambda intention: intention.weight)
    assert strongest.verb == "sleep" and strongest.location_id == 10


def test_the_plan_gives_work_hours_to_the_foremost_goal_and_re_plans_from_the_hour():
    goals = [
        planning.GoalFacts(1, "Minor", priority=2, location_id=20),
        planning.GoalFacts(2, "Major", priority=8, location_id=21),
    ]
    entries = planning.plan_day(slots=SLOTS, goals=goals, hour=6)
    goal_entries = [e for e in entries if e.get("goal_id")]
    assert [(e["goal_id"], e["location_id"], e["from"]) for e in goal_entries] == [(2, 21, 8)]
    split = [
        *SLOTS[:2],
        planning.Slot(8, 12, 11, "work"),
        planning.Slot(12, 13, 12, "eat"),
        planning.Slot(13, 18, 11, "work"),
    ]
    given = [e["from"] for e in planning.plan_day(slots=split, goals=goals, hour=6) if e.get("goal_id") == 2]
    assert given == [8, 13]  # every work hour of the day, so a far place can be reached
    later = planning.plan_day(slots=SLOTS, goals=goals, hour=19)
    assert all(e["activity"] != "goal" for e in later)  # the work hours are over for today
    intentions = planning.plan_intentions(plan={"entries": entries}, goals=goals, hour=9)
    assert intentions[0].goal_id == 2 and intentions[0].weight == planning.GOAL_ENTRY_WEIGHT


def test_goals_fail_by_deadline_or_when_the_thing_is_gone():
    goal = planning.GoalFacts(1, "Take the shard", verb="take", object_id=4, deadline_tick=50)
    ok = {"holder_of": {4: None}, "lying": [4], "me": 7}
    assert planning.goal_failure(goal, tick=50, **ok) == ""
    assert planning.goal_failure(goal, tick=51, **ok) == "deadline"
    assert planning.goal_failure(goal, tick=10, holder_of={}, lying=[], me=7) == "object_gone"
    assert planning.goal_failure(goal, tick=10, holder_of={4: 9}, lying=[], me=7) == "object_taken_by_another"
    assert planning.goal_failure(goal, tick=10, holder_of={4: 7}, lying=[], me=7) == ""
    # a thing to be used anywhere can be used beside whoever holds it; wanted at a place, it cannot
    use_anywhere = planning.GoalFacts(2, "Play the harp", verb="use", object_id=4)
    assert planning.goal_failure(use_anywhere, tick=10, holder_of={4: 9}, lying=[], me=7) == ""
    use_at_fen = planning.GoalFacts(3, "Ring it at the fen", verb="use", object_id=4, location_id=2)
    assert planning.goal_failure(use_at_fen, tick=10, holder_of={4: 9}, lying=[], me=7) == "object_taken_by_another"


def test_a_goal_at_its_place_is_pursued_there():
    heading = Heading("Map the fen", 0.7, verb="visit", goal_id=5)
    decisions = chosen(seen(heading=heading, me=replace(MIRA, goals=("Map the fen",))))
    pursued = [d for d in decisions if d.action == PURSUE_GOAL]
    assert len(pursued) > len(decisions) / 3 and all(d.goal_id == 5 for d in pursued)
    outcome = apply_decision(seen(), pursued[0], tick=3, rng=rng_for(seed=1, tick=3, character_id=7))
    assert outcome.events[0].payload["goal_id"] == 5


# --- Objects in hand -------------------------------------------------------------------------

SHARD = ObjectSeen(4, "Shard", owner_id=None, value=4)
BELL = ObjectSeen(5, "Bell", fixed=True)
CLAPPER = ObjectSeen(6, "Clapper", owner_id=8, on_use={"target_id": 5, "at_id": 1, "sets": {"tolled": True}})


def test_to_use_a_thing_elsewhere_it_is_fetched_first_then_carried_there():
    use_at_fen = Intention("Ring the bell", 0.8, location_id=2, object_id=6, verb="use")
    lying_here = {6: 1}
    assert staged(use_at_fen, carried=frozenset(), object_places=lying_here).verb == "take"
    assert staged(use_at_fen, carried=frozenset({6}), object_places={}) == use_at_fen
    assert staged(use_at_fen, carried=frozenset(), object_places={}) is None  # in another's hands
    exits = {1: (Exit(2, "Fen"),), 2: (Exit(1, "Commons"),)}
    kwargs = {"exits": exits, "whereabouts": {}, "routes": {}}
    fetch = resolve_heading(intentions=[use_at_fen], here=1, object_places=lying_here, **kwargs)
    assert fetch.arrived and fetch.verb == "take" and fetch.object_id == 6
    carry = resolve_heading(intentions=[use_at_fen], here=1, object_places={}, carried=frozenset({6}), **kwargs)
    assert carry.next_location_id == 2 and carry.verb == "use"


LANTERN = ObjectSeen(10, "Lantern", owner_id=8, value=6)


def test_a_thing_in_anothers_hands_is_used_beside_its_holder_never_taken():
    use_it = Intention("Learn the lantern", 0.8, object_id=10, verb="use")
    holders = {10: 8}
    sought = staged(use_it, carried=frozenset(), object_places={}, object_holders=holders)
    assert sought.character_id == 8 and sought.verb == "use"
    # wanted at a place, it cannot be had while another holds it
    at_the_fen = replace(use_it, location_id=2)
    assert staged(at_the_fen, carried=frozenset(), object_places={}, object_holders=holders) is None
    exits = {1: (Exit(2, "Fen"),), 2: (Exit(1, "Commons"),)}
    kwargs = {"exits": exits, "routes": {}, "object_places": {}, "object_holders": holders}
    away = resolve_heading(intentions=[use_it], here=1, whereabouts={8: 2}, **kwargs)
    assert away.next_location_id == 2 and away.verb == "use"
    beside = resolve_heading(intentions=[use_it], here=2, whereabouts={8: 2}, **kwargs)
    assert beside.arrived and beside.partner_id == 8 and beside.object_id == 10
    # held by someone else than the one beside her: nothing to use here
    other = resolve_heading(intentions=[use_it], here=2, whereabouts={8: 2}, **{**kwargs, "object_holders": {10: 9}})
    assert other is None or other.object_id is None

    here = seen(others_here=(FRIEND,), heading=beside, held_for_me=(LANTERN,))
    assert share(chosen(here), USE, 10) > 0.3
    assert share(chosen(seen(others_here=(FRIEND,), heading=beside)), USE, 10) == 0  # not held out to her
    decision = Decision(USE, {}, 10, "Lantern")
    used = apply_decision(here, decision, tick=1, rng=rng_for(seed=1, tick=1, character_id=7))
    assert used.events[0].type == "NPC_USED_OBJECT" and used.events[0].payload["held_by_id"] == 8
    assert used.object_moves == () and not used.state.carries(10)  # it stays in Oren's hands
    # without the holder's thing in perception (nobody holds it out), there is nothing to use
    alone = apply_decision(
        seen(heading=beside), Decision(USE, {}, 10, "Lantern"), tick=1, rng=rng_for(seed=1, tick=1, character_id=7)
    )
    assert alone.events == ()


def test_take_give_use_and_their_events():
    rng = rng_for(seed=1, tick=1, character_id=7)
    here = seen(objects_here=(SHARD, CLAPPER), others_here=(FRIEND,))
    took = apply_decision(here, Decision(TAKE, {}, 6, "Clapper"), tick=1, rng=rng)
    assert took.events[0].type == "NPC_TOOK_OBJECT" and took.events[0].payload["stolen"] is True  # Oren's
    assert took.object_moves[0].holder_id == 7 and took.state.carries(6)
    holding = seen(me=replace(MIRA, carried=(SHARD,)), others_here=(FRIEND,))
    gave = apply_decision(holding, Decision(GIVE, {}, 8, "Oren", object_id=4), tick=1, rng=rng)
    assert gave.events[0].payload["receiver_id"] == 8 and gave.object_moves[0].holder_id == 8
    assert not gave.state.carried
    rung = apply_decision(seen(me=replace(MIRA, carried=(CLAPPER,))), Decision(USE, {}, 6, "Clapper"), tick=9, rng=rng)
    assert rung.events[0].payload["effect"]["object_id"] == 5 and rung.object_states[0][1]["tolled"] is True
    elsewhere = replace(MIRA, location_id=2, carried=(CLAPPER,))
    silent = apply_decision(seen(me=elsewhere), Decision(USE, {}, 6, "Clapper"), tick=9, rng=rng)
    assert "effect" not in silent.events[0].payload and not silent.object_states  # only at its place


def test_fixed_things_are_never_taken_and_others_things_tempt_only_the_disagreeable():
    for decision in chosen(seen(objects_here=(BELL,))):
        assert decision.action != TAKE
    precious = replace(CLAPPER, value=9)
    rude_me = replace(MIRA, personality={**MIRA.personality, "agreeableness": 0.05})
    kind = score_actions(seen(objects_here=(precious,), exits=()))[TAKE]
    rude = score_actions(seen(me=rude_me, objects_here=(precious,), exits=()))[TAKE]
    assert rude > kind + 0.5


def test_a_thing_is_given_back_to_its_owner():
    holding = seen(me=replace(MIRA, carried=(CLAPPER,)), others_here=(FRIEND,))
    given = [d for d in chosen(holding, range(60)) if d.action == GIVE]
    assert given and all(d.target_id == 8 and d.object_id == 6 for d in given)


def test_what_a_character_thinks_of_someone_outweighs_their_banner():
    from world.autonomy.reactions import is_friend, is_rival
    from world.autonomy.state import Regard

    plain = seen()
    assert is_friend(plain, FRIEND) and not is_rival(plain, FRIEND)  # same faction
    assert is_rival(plain, RIVAL) and not is_friend(plain, RIVAL)  # an opposed faction

    grudge = seen(me=replace(MIRA, regard={FRIEND.id: Regard(affinity=-0.6)}))
    assert is_rival(grudge, FRIEND) and not is_friend(grudge, FRIEND)
    liked = seen(me=replace(MIRA, regard={RIVAL.id: Regard(affinity=0.5)}))
    assert is_friend(liked, RIVAL) and not is_rival(liked, RIVAL)
    lukewarm = seen(me=replace(MIRA, regard={RIVAL.id: Regard(affinity=0.1)}))  # no strong opinion: banners decide
    assert is_rival(lukewarm, RIVAL)
