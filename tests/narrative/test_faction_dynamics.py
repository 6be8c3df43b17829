"""Faction dynamics: the pure rules (gifts, kind words, clashes, aggregation, reviews), the
services and the `factions_tick` phase on a real world of NPCs."""

import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from htrae.vocabulary import EventType
from narrative.factions import incidents as incident_rules
from narrative.factions import logic
from narrative.factions.incidents import (
    BETRAYAL,
    CLASH,
    GIFT,
    KIND_WORD,
    THEFT,
    TRADE,
    Deed,
    deed_from_event,
    faction_incidents,
)
from narrative.factions.logic import FactionFacts, average_regard, faction_review
from narrative.factions.selectors import relation_standings
from narrative.factions.services import (
    ModifierChange,
    faction_incidents_apply,
    faction_modifiers_add_many,
    factions_review,
    relation_modifiers_prune,
)
from narrative.factions.subscribers import factions_tick
from narrative.models import Faction, FactionRelation, RelationModifier
from tests.factories import (
    CharacterFactory,
    FactionFactory,
    FactionRelationFactory,
    LocationFactory,
    QuestFactory,
    WorldClockFactory,
)
from world.models import Character, GameEvent
from world.tick import TickContext, run_tick

A, B, C = 1, 2, 3  # faction ids in the pure tests
ASH, BIRCH = 10, 11  # places
NAMES = {ASH: "Ash", BIRCH: "Birch"}


def talk(speaker, listener, where=ASH) -> Deed:
    return Deed(kind="talk", actor_id=speaker, location_id=where, listener_id=listener)


def made(maker, where=ASH) -> Deed:
    return Deed(kind="create", actor_id=maker, location_id=where)


def incidents(deeds, *, factions, moods=None, present=None, standings=None, bases=None):
    return faction_incidents(
        deeds=deeds,
        factions=factions,
        moods=moods or {},
        present=present or {},
        standings=standings or {},
        bases=bases or {},
        place_names=NAMES,
    )


def summary(found):
    return {(i.faction_id, i.other_id, i.kind): i.value for i in found}


# --- Pure: which events are deeds ----------------------------------------------------------------


def test_talks_to_someone_and_creations_are_deeds_other_events_are_not():
    said = deed_from_event(type="NPC_TALKED", actor_id=5, location_id=ASH, payload={"listener_id": 6})
    assert said == Deed(kind="talk", actor_id=5, location_id=ASH, listener_id=6)
    assert deed_from_event(type="SPECTRA_TALKED", actor_id=5, location_id=ASH, payload={"listener_id": 6})
    assert deed_from_event(type="NPC_TALKED", actor_id=5, location_id=ASH, payload={}) is None  # to no one
    assert deed_from_event(type="NPC_TALKED", actor_id=5, location_id=ASH, payload={"listener_id": 5}) is None
    assert deed_from_event(type="NPC_CREATED", actor_id=5, location_id=ASH, payload={}) == made(5)
    assert deed_from_event(type="NPC_MOVED", actor_id=5, location_id=ASH, payload={}) is None
    assert deed_from_event(type="PLAYER_SPOKE", actor_id=5, location_id=ASH, payload={"listener_id": 6}) is None
    assert deed_from_event(type="NPC_CREATED", actor_id=None, location_id=ASH, payload={}) is None


def test_gifts_thefts_and_quarrels_between_people_are_deeds():
    def deed(type, payload):
        return deed_from_event(type=type, actor_id=5, location_id=ASH, payload=payload)

    assert deed("NPC_GAVE_OBJECT", {"receiver_id": 6}) == Deed("give", 5, ASH, 6)
    assert deed("PLAYER_GAVE_OBJECT", {"receiver_id": 6}) == Deed("give", 5, ASH, 6)
    assert deed("NPC_TOOK_OBJECT", {"owner_id": 6, "stolen": True}) == Deed("steal", 5, ASH, 6)
    assert deed("NPC_TOOK_OBJECT", {"owner_id": None, "stolen": False}) is None  # no one's
    assert deed("NPC_TOOK_OBJECT", {"owner_id": 5, "stolen": False}) is None  # its own
    assert deed("NPC_CONFRONTED", {"target_id": 6}) == Deed("confront", 5, ASH, 6)
    assert deed("NPC_CONFRONTED", {"target_id": 5}) is None


def test_a_trade_warms_both_factions_toward_each_other():
    give = Deed("give", 1, ASH, 2)
    found = incidents([give, give, give], factions={1: A, 2: B})
    cap = incident_rules.INCIDENT_CAP[TRADE]
    assert summary(found) == {(A, B, TRADE): cap, (B, A, TRADE): cap}  # three trades, capped
    assert {i.reason for i in found} == {"trades at Ash"}
    assert incidents([Deed("give", 1, ASH, 3)], factions={1: A, 3: A}) == []  # among their own


def test_a_theft_cools_the_owners_faction_and_from_a_friend_it_is_a_betrayal():
    steal = Deed("steal", 1, ASH, 2)
    found = incidents([steal], factions={1: A, 2: B}, standings={(B, A): 0})
    assert summary(found) == {(B, A, THEFT): incident_rules.INCIDENT_VALUE[THEFT]}
    trusted = incidents([steal], factions={1: A, 2: B}, standings={(B, A): 40}, bases={(B, A): 40})
    assert summary(trusted) == {(B, A, BETRAYAL): incident_rules.INCIDENT_VALUE[BETRAYAL]}
    assert trusted[0].reason == "a betrayal at Ash"
    assert incident_rules.INCIDENT_VALUE[BETRAYAL] < incident_rules.INCIDENT_VALUE[THEFT] < 0


def test_a_quarrel_picked_clashes_between_strangers_and_betrays_a_friend():
    confront = Deed("confront", 1, ASH, 2)
    clash = incident_rules.INCIDENT_VALUE[CLASH]
    strangers = incidents([confront], factions={1: A, 2: B}, standings={(A, B): 0, (B, A): 0})
    assert summary(strangers) == {(A, B, CLASH): clash, (B, A, CLASH): clash}
    # B trusts A: A's member turning on B's is a betrayal, felt by B alone
    betrayed = incidents([confront], factions={1: A, 2: B}, standings={(A, B): 0, (B, A): 80}, bases={(B, A): 80})
    assert summary(betrayed) == {(B, A, BETRAYAL): incident_rules.INCIDENT_VALUE[BETRAYAL]}
    # A regards B as a friend, B does not trust A: no clash (as heated words between friends)
    assert incidents([confront], factions={1: A, 2: B}, standings={(A, B): 50, (B, A): 0}) == []


# --- Pure: gifts, kind words, clashes --------------------------------------------------------------


def test_a_gift_warms_every_other_faction_present_toward_the_makers():
    found = incidents([made(1)], factions={1: A}, present={ASH: {A, B, C}})
    gift = incident_rules.INCIDENT_VALUE[GIFT]
    assert summary(found) == {(B, A, GIFT): gift, (C, A, GIFT): gift}
    assert {i.reason for i in found} == {"a gift at Ash"}
    # made among its own people only, or by someone of no faction: nothing
    assert incidents([made(1)], factions={1: A}, present={ASH: {A}}) == []
    assert incidents([made(1)], factions={1: None}, present={ASH: {A, B}}) == []


def test_a_kind_word_warms_the_listeners_faction_toward_the_speakers():
    factions = {1: A, 2: B}
    for mood in ("joy", "wonder"):
        found = incidents([talk(1, 2)], factions=factions, moods={1: mood})
        assert summary(found) == {(B, A, KIND_WORD): incident_rules.INCIDENT_VALUE[KIND_WORD]}, mood
    assert found[0].reason == "a kind word at Ash"
    for mood in ("calm", "curiosity", "melancholy"):  # small talk moves nothing
        assert incidents([talk(1, 2)], factions=factions, moods={1: mood}) == [], mood
    assert incidents([talk(1, 3)], factions={1: A, 3: A}, moods={1: "joy"}) == []  # among their own
    assert incidents([talk(1, 4)], factions={1: A, 4: None}, moods={1: "joy"}) == []  # to someone of no faction


def test_heated_words_clash_both_ways_unless_the_speakers_faction_is_friendly():
    factions = {1: A, 2: B}
    clash = incident_rules.INCIDENT_VALUE[CLASH]
    for mood in ("intensity", "unease"):
        found = incidents([talk(1, 2)], factions=factions, moods={1: mood}, standings={(A, B): 29, (B, A): 50})
        assert summary(found) == {(A, B, CLASH): clash, (B, A, CLASH): clash}, mood
    assert found[0].reason == "a clash at Ash"
    # A regards B as friendly: A's heated member does not clash; B's (who were made wary of A) does
    standings, bases = {(A, B): 30, (B, A): -35}, {(B, A): -35}
    assert incidents([talk(1, 2)], factions=factions, moods={1: "intensity"}, standings=standings, bases=bases) == []
    found = incidents([talk(2, 1)], factions=factions, moods={2: "intensity"}, standings=standings, bases=bases)
    assert summary(found) == {(A, B, CLASH): clash, (B, A, CLASH): clash}


# --- Pure: aggregation, caps, reach, determinism -------------------------------------------------------


def test_deeds_of_a_kind_between_a_pair_add_up_to_one_capped_incident():
    factions = {1: A, 2: B, 3: A, 4: B}
    moods = {1: "joy", 3: "joy"}
    deeds = [talk(1, 2), talk(3, 4), talk(1, 4, BIRCH), talk(3, 2, BIRCH)]
    found = incidents(deeds, factions=factions, moods=moods)
    assert len(found) == 1
    (kind_words,) = found
    assert (kind_words.faction_id, kind_words.other_id, kind_words.kind) == (B, A, KIND_WORD)
    assert (
        4 * incident_rules.INCIDENT_VALUE[KIND_WORD] > incident_rules.INCIDENT_CAP[KIND_WORD]
    )  # the four words exceed the cap
    assert kind_words.value == incident_rules.INCIDENT_CAP[KIND_WORD]
    assert kind_words.deeds == 4
    assert kind_words.reason == "kind words at Ash and 1 other place"

    heated = {1: "unease", 3: "unease"}
    found = incidents(deeds, factions=factions, moods=heated)
    clash_cap = incident_rules.INCIDENT_CAP[CLASH]
    assert 4 * incident_rules.INCIDENT_VALUE[CLASH] < clash_cap  # the four clashes exceed the cap
    assert summary(found) == {(A, B, CLASH): clash_cap, (B, A, CLASH): clash_cap}


def test_everyday_deeds_move_a_standing_at_most_a_swing_from_its_base():
    factions = {1: A, 2: B}
    joy, rage = {1: "joy"}, {1: "intensity"}

    def kind_word(standing, base=0):
        return summary(
            incidents([talk(1, 2)], factions=factions, moods=joy, standings={(B, A): standing}, bases={(B, A): base})
        )

    swing, word, clash = (
        incident_rules.INCIDENT_SWING,
        incident_rules.INCIDENT_VALUE[KIND_WORD],
        incident_rules.INCIDENT_VALUE[CLASH],
    )
    room = 1  # less than a deed's worth left of the swing
    assert room < word and room < -clash
    assert kind_word(swing - room) == {(B, A, KIND_WORD): room}  # base 0: room for only part of a word
    assert kind_word(swing) == {}
    assert kind_word(90) == {}  # beyond it (a quest's reward): not pulled back either
    assert kind_word(-80 + swing - room, base=-80) == {(B, A, KIND_WORD): room}  # enemies warm only so far
    assert kind_word(70, base=60) == {(B, A, KIND_WORD): word}
    near_the_floor = incidents(
        [talk(1, 2)], factions=factions, moods=rage, standings={(A, B): room - swing, (B, A): -swing - clash}, bases={}
    )
    assert summary(near_the_floor) == {(A, B, CLASH): -room, (B, A, CLASH): clash}  # B: room for just the clash
    # kinds of one tick share the swing: the gift comes first, the kind word gets what is left
    gifts = min(3 * incident_rules.INCIDENT_VALUE[GIFT], incident_rules.INCIDENT_CAP[GIFT])
    both = incidents(
        [made(1), made(1), made(1), talk(1, 2)],
        factions=factions,
        moods=joy,
        present={ASH: {A, B}},
        standings={(B, A): swing - gifts - room},
    )
    assert summary(both) == {(B, A, GIFT): gifts, (B, A, KIND_WORD): room}


def test_incidents_do_not_depend_on_the_order_of_the_events():
    factions = {n: (A if n % 3 == 0 else B if n % 3 == 1 else C) for n in range(1, 31)}
    moods = {n: random.Random(n).choice(["joy", "calm", "intensity", "unease", "melancholy"]) for n in factions}
    rng = random.Random(7)
    deeds = [talk(rng.randint(1, 30), rng.randint(1, 30), rng.choice([ASH, BIRCH])) for _ in range(60)]
    deeds += [made(rng.randint(1, 30), rng.choice([ASH, BIRCH])) for _ in range(10)]
    present = {ASH: {A, B}, BIRCH: {B, C}}
    standings = {(A, B): -10, (B, A): 40, (A, C): 0, (C, A): -35, (B, C): 20, (C, B): 55}

    first = incidents(deeds, factions=factions, moods=moods, present=present, standings=standings)
    assert first  # the fixture produces something to compare
    for seed in range(5):
        shuffled = deeds[:]
        random.Random(seed).shuffle(shuffled)
        assert incidents(shuffled, factions=factions, moods=moods, present=present, standings=standings) == first


# --- Pure: reviews -----------------------------------------------------------------------------------


def facts(**overrides) -> FactionFacts:
    values = {"status": "stable", "power": 50, "regard": 0, "shift": 0, "quests_completed": 0}
    return FactionFacts(**{**values, **overrides})


def test_without_momentum_status_and_power_hold():
    for status in ("stable", "rising", "embattled"):
        review = faction_review(facts(status=status, shift=9))
        assert (review.status, review.power) == (status, 50)
    assert faction_review(facts()).reason == "little has changed"


def test_momentum_raises_or_lowers_power_and_names_the_status():
    rising = faction_review(facts(shift=10))
    assert (rising.status, rising.power) == ("rising", 51)
    assert rising.reason == "others' regard for them has grown 10 points more than for most"
    assert faction_review(facts(shift=12, power=69, regard=5)).status == "thriving"  # 69 + 1
    assert (
        faction_review(facts(shift=20, power=80, regard=-5)).status == "rising"
    )  # strong (pulled back 8) but disliked
    by_quests = faction_review(facts(quests_completed=2))
    assert (by_quests.status, by_quests.momentum) == ("rising", 10)
    assert by_quests.reason == "more quests were completed for them than for most"
    assert faction_review(facts(quests_completed=9)).momentum == 20  # capped

    assert faction_review(facts(shift=-10)).status == "declining"
    assert faction_review(facts(shift=-10, regard=-40)).status == "embattled"
    # weak (pulled up 10) and a quest held it up
    falling = faction_review(facts(shift=-25, power=16, regard=-50, quests_completed=1))
    assert (falling.status, falling.power, falling.momentum) == ("scattered", 15, -10)
    assert falling.reason == "others' regard for them has fallen 25 points behind most"
    assert faction_review(facts(shift=-30, power=0)).power == 0


def test_power_is_pulled_back_toward_the_middle_beyond_a_free_band():
    assert [logic.power_pull(p) for p in (0, 16, 35, 50, 65, 66, 80, 100)] == [18, 10, 0, 0, 0, 0, -8, -18]
    # At the top, a faction slips without any loss of regard; strong momentum only holds it.
    top = faction_review(facts(power=100, status="thriving", regard=20))
    assert (top.power, top.momentum, top.status) == (99, -18, "declining")
    assert top.reason == "they have overreached"
    assert faction_review(facts(power=100, shift=28, regard=20)).power == 100
    # At the bottom, it recovers though others think no better of it.
    bottom = faction_review(facts(power=0, status="scattered", regard=-50))
    assert (bottom.power, bottom.status) == (1, "rising")
    assert bottom.reason == "they gather their strength again"
    assert faction_review(facts(power=0, shift=-28)).power == 0
    assert logic.overextended(75) and not logic.overextended(74)


def test_factions_are_measured_against_the_average_faction():
    everyone_warmer = {n: facts(shift=25, quests_completed=2) for n in (A, B, C)}
    assert {r.status for r in logic.faction_reviews(everyone_warmer).values()} == {"stable"}

    reviews = logic.faction_reviews(
        {A: facts(shift=25), B: facts(shift=10), C: facts(shift=-5, quests_completed=3, regard=-45)}
    )
    # average shift 10, average quests 1: A 15 - 5; B 0 - 5; C -15 + 10
    assert {n: (r.status, r.momentum) for n, r in reviews.items()} == {
        A: ("rising", 10),
        B: ("stable", -5),
        C: ("stable", -5),
    }
    assert logic.faction_reviews({}) == {}


def test_average_regard_is_how_the_others_see_a_faction():
    bases = {(B, A): 10, (C, A): -20, (A, B): 90}
    current = {(B, A): 30, (C, A): -10, (A, B): 90}
    assert average_regard(toward=A, bases=bases, current=current) == (10, 15)
    assert average_regard(toward=C, bases=bases, current=current) == (0, 0)  # nobody regards C


def test_the_statuses_are_the_models():
    statuses = {value for name, value in vars(logic.Status).items() if not name.startswith("_")}
    assert statuses == set(Faction.Status.values)


def test_a_told_stance_holds_until_the_standing_leaves_its_band_by_the_margin():
    from narrative.factions.relations import STANCE_MARGIN, stance_band, stance_held

    assert [stance_band(s) for s in ("allied", "friendly", "neutral", "wary", "hostile", "at_war")] == [
        (75, 100),
        (30, 74),
        (-29, 29),
        (-59, -30),
        (-89, -60),
        (-100, -90),
    ]
    assert STANCE_MARGIN == 3
    assert stance_held(29, "friendly") == "friendly"  # wavering at the threshold: no news
    assert stance_held(27, "friendly") == "friendly"
    assert stance_held(26, "friendly") == "neutral"
    assert stance_held(32, "neutral") == "neutral"  # the same margin on the way up
    assert stance_held(33, "neutral") == "friendly"
    assert stance_held(-95, "wary") == "at_war"
    assert stance_held(5, None) == "neutral"


def test_stances_that_faded_are_told_once_past_the_margin():
    standings = {(A, B): (0, 40), (B, A): (0, 27), (A, C): (10, 26), (C, A): (-40, -26), (B, C): (0, 5)}
    told = {(A, B): "friendly", (B, A): "friendly", (A, C): "friendly"}
    drifts = logic.stance_drifts(standings=standings, told=told)
    assert [(d.faction_id, d.other_id, d.told, d.stance, d.reason) for d in drifts] == [
        (A, C, "friendly", "neutral", "goodwill fades"),  # 26: more than 3 below friendly's 30
        (C, A, "wary", "neutral", "old grievances fade"),  # never told: its base was wary
    ]


# --- Services ------------------------------------------------------------------------------------


@pytest.fixture
def factions(db):
    WorldClockFactory(tick=0, seed=3)
    lum = FactionFactory(slug="luminari", name="The Luminari")
    acc = FactionFactory(slug="verdant-accord", name="The Verdant Accord")
    FactionRelationFactory(faction=lum, other=acc, standing=-10)
    FactionRelationFactory(faction=acc, other=lum, standing=0)
    return lum, acc


def _talked(speaker, listener, *, tick=1):
    return GameEvent(
        id=None,
        type="NPC_TALKED",
        actor_id=speaker.id,
        location_id=speaker.location_id,
        tick=tick,
        payload={"listener_id": listener.id},
    )


def test_incidents_use_the_mood_the_speaker_acted_in_not_the_stored_one(factions):
    lum, acc = factions
    ash = LocationFactory(name="Ash")
    oren = CharacterFactory(location=ash, faction=lum, emotional_state={"mood": "joy"})
    ivy = CharacterFactory(location=ash, faction=acc)

    faction_incidents_apply(events=[_talked(oren, ivy)], tick=1, moods={oren.id: "intensity"})

    reasons = sorted(RelationModifier.objects.values_list("relation__faction__slug", "value", "reason"))
    clash = incident_rules.INCIDENT_VALUE[CLASH]
    assert reasons == [("luminari", clash, "a clash at Ash"), ("verdant-accord", clash, "a clash at Ash")]
    modifier = RelationModifier.objects.first()
    assert (modifier.duration_ticks, modifier.decay) == (
        incident_rules.INCIDENT_DURATION_TICKS,
        incident_rules.INCIDENT_DECAY,
    )

    faction_incidents_apply(events=[_talked(oren, ivy, tick=2)], tick=2)  # no tick moods: the stored joy
    word = incident_rules.INCIDENT_VALUE[KIND_WORD]
    assert RelationModifier.objects.filter(relation__faction=acc, value=word, reason="a kind word at Ash").exists()


def test_a_gift_is_seen_by_the_factions_present(factions):
    lum, acc = factions
    ash, birch = LocationFactory(name="Ash"), LocationFactory(name="Birch")
    maker = CharacterFactory(location=ash, faction=lum)
    CharacterFactory.create_batch(3, location=ash, faction=acc)
    CharacterFactory(location=birch, faction=FactionFactory())  # elsewhere: sees nothing
    event = GameEvent(type="NPC_CREATED", actor_id=maker.id, location_id=ash.id, tick=1, payload={})

    faction_incidents_apply(events=[event], tick=1)

    (gift,) = RelationModifier.objects.select_related("relation")
    assert (gift.relation.faction_id, gift.relation.other_id, gift.value, gift.reason) == (
        acc.id,
        lum.id,
        incident_rules.INCIDENT_VALUE[GIFT],
        "a gift at Ash",
    )


def test_nothing_to_look_at_costs_nothing(factions, django_assert_num_queries):
    moved = GameEvent(type="NPC_MOVED", actor_id=1, location_id=1, tick=1, payload={})
    with django_assert_num_queries(0):
        assert faction_incidents_apply(events=[moved], tick=1) == []


def test_pruning_removes_only_what_no_longer_counts(factions, django_assert_num_queries):
    lum, acc = factions
    relation = FactionRelation.objects.get(faction=lum, other=acc)

    def modifier(value, started, duration=None, decay=0.0):
        return RelationModifier.objects.create(
            relation=relation, reason="test", value=value, started_tick=started, duration_ticks=duration, decay=decay
        )

    kept = [
        modifier(30, started=0),  # permanent
        modifier(-20, started=40, duration=20),  # still within its time
        modifier(10, started=0, decay=0.01),  # decaying, 10 x 0.99^50 = 6
        modifier(5, started=90, decay=0.5),  # started in the future: counts whole
    ]
    modifier(8, started=0, duration=50)  # ran out at tick 50
    modifier(2, started=0, decay=0.5)  # decayed to 0 long ago
    modifier(0, started=0)  # never counted
    before = relation_standings(tick=50)

    with django_assert_num_queries(2):  # the decaying ones, then one delete
        assert relation_modifiers_prune(tick=50) == 3

    assert set(RelationModifier.objects.values_list("id", flat=True)) == {m.id for m in kept}
    assert relation_standings(tick=50) == before


def test_a_stance_already_told_is_not_news_again(factions):
    """A standing that decays below a threshold unannounced and is pushed back over it (every
    tick, in a busy world) is told once."""
    lum, acc = factions
    relation = FactionRelation.objects.get(faction=acc, other=lum)  # base 0
    RelationModifier.objects.create(relation=relation, reason="old favour", value=29, started_tick=0, decay=0.01)

    def push(tick):
        faction_modifiers_add_many(
            changes=[ModifierChange(faction_id=acc.id, other_id=lum.id, value=2, reason="a gift", decay=0.5)],
            tick=tick,
        )
        return relation_standings(tick=tick)[(acc.id, lum.id)]

    assert push(1) == 30  # 28 + 2: friendly, told
    assert relation_standings(tick=2)[(acc.id, lum.id)] == 29  # faded: neutral, untold
    assert push(2) == 31  # friendly again: not news
    told = GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED)
    assert [(e.payload["stance_before"], e.payload["stance"], e.tick) for e in told] == [("neutral", "friendly", 1)]


def test_a_review_tells_of_stances_that_faded(factions):
    lum, acc = factions  # the Accord's base view of the Luminari: 0
    feast = ModifierChange(faction_id=acc.id, other_id=lum.id, value=41, reason="a feast", decay=0.01)
    faction_modifiers_add_many(changes=[feast], tick=0)  # told: friendly
    factions_review(tick=30)  # 41 x 0.99^30 = 30: friendly
    factions_review(tick=40)  # 27: below friendly, but within the margin of what was told
    assert GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED).count() == 1

    factions_review(tick=60)  # 22: neutral
    news = GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED).order_by("id").last()
    assert (news.payload["stance_before"], news.payload["stance"], news.payload["standing"], news.tick) == (
        "friendly",
        "neutral",
        22,
        60,
    )
    assert news.payload["reason"] == "goodwill fades"
    factions_review(tick=80)
    assert GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED).count() == 2  # told once


def test_an_overextended_faction_draws_rivals_at_each_review(factions):
    lum, acc = factions
    ledger = FactionFactory(slug="ledger", name="The Quiet Ledger", power=50)
    Faction.objects.filter(id=lum.id).update(power=90)
    Faction.objects.filter(id=acc.id).update(power=74)  # strong, but not overextended
    factions_review(tick=20)  # the Luminari slip to 89 (overreached) and are still overextended
    wariness = {
        (m.relation.faction.slug, m.relation.other.slug): (m.value, m.reason)
        for m in RelationModifier.objects.filter(reason__startswith="wary of").select_related(
            "relation__faction", "relation__other"
        )
    }
    assert wariness == {
        ("verdant-accord", "luminari"): (-6, "wary of The Luminari's reach"),
        ("ledger", "luminari"): (-6, "wary of The Luminari's reach"),
    }
    assert Faction.objects.get(id=lum.id).power == 89
    assert relation_standings(tick=20)[(ledger.id, lum.id)] == -6


def test_a_review_sets_status_and_power_and_publishes_status_changes(factions):
    lum, acc = factions
    ledger = FactionFactory(slug="ledger", name="The Quiet Ledger", status="stable", power=40)
    FactionRelationFactory(faction=ledger, other=lum, standing=0)
    FactionRelationFactory(faction=lum, other=ledger, standing=0)
    FactionRelationFactory(faction=acc, other=ledger, standing=0)
    FactionRelationFactory(faction=ledger, other=acc, standing=0)
    for faction, other, value in ((acc, lum, 15), (ledger, lum, 15), (lum, acc, -30), (ledger, acc, -30)):
        RelationModifier.objects.create(
            relation=FactionRelation.objects.get(faction=faction, other=other), reason="x", value=value
        )
    Faction.objects.filter(id=lum.id).update(status="stable", power=50)
    Faction.objects.filter(id=acc.id).update(status="stable", power=50)
    quest = QuestFactory(faction=ledger)
    for tick in (5, 10):  # two completions lately, one long ago
        GameEvent.objects.create(type=EventType.QUEST_COMPLETED, tick=tick, payload={"quest": quest.slug})
    GameEvent.objects.create(type=EventType.QUEST_COMPLETED, tick=-500, payload={"quest": quest.slug})

    events = factions_review(tick=20)

    statuses = {f.slug: (f.status, f.power) for f in Faction.objects.all()}
    assert statuses == {"luminari": ("rising", 51), "verdant-accord": ("declining", 49), "ledger": ("rising", 41)}
    by_faction = {event.payload["faction"]: event.payload for event in events}
    assert set(by_faction) == set(statuses)
    assert by_faction["luminari"]["status_before"] == "stable"
    # against the average faction (shift -5, two thirds of a quest): 15 + 5 points, 3 fewer for quests
    assert by_faction["luminari"]["momentum"] == 17
    assert by_faction["luminari"]["reason"] == "others' regard for them has grown 20 points more than for most"
    assert by_faction["ledger"]["quests_completed"] == 2
    assert GameEvent.objects.filter(type=EventType.FACTION_STATUS_CHANGED).count() == 3

    factions_review(tick=40)  # still rising: power grows, the status holds, nothing to tell
    assert Faction.objects.get(id=lum.id).power == 52
    assert GameEvent.objects.filter(type=EventType.FACTION_STATUS_CHANGED).count() == 3


def test_pacts_come_from_what_the_factions_people_think_of_each_other():
    from narrative.factions.pacts import ALLIANCE, RIVALRY, TREATY, pact_value, pacts_made

    def made(standing_ab, standing_ba, warmth_ab, warmth_ba, *, pairs=5, bound=()):
        return [
            pact.kind
            for pact in pacts_made(
                faction_ids=[A, B],
                standings={(A, B): standing_ab, (B, A): standing_ba},
                feelings={(A, B): (warmth_ab, pairs), (B, A): (warmth_ba, pairs)},
                bound=set(bound),
            )
        ]

    assert made(40, 50, 0.4, 0.5) == [ALLIANCE]  # friendly banners, fond people
    assert made(40, 50, 0.4, 0.1) == []  # one side's people are lukewarm
    assert made(80, 90, 0.6, 0.6) == []  # allied already
    assert made(-40, -70, 0.2, 0.15) == [TREATY]  # wary banners, people who get on
    assert made(-40, -70, 0.2, -0.1) == []
    assert made(0, -40, -0.3, -0.25) == [RIVALRY]  # people who cannot abide each other
    assert made(40, 0, -0.3, -0.3) == []  # one side still regards the other as a friend
    assert made(40, 50, 0.4, 0.5, pairs=2) == []  # too few who know each other: strangers make no pact
    assert made(40, 50, 0.4, 0.5, bound=[(A, B)]) == []  # a pact already in force
    assert pacts_made(faction_ids=[A, B], standings={}, feelings={(A, B): (0.9, 9)}, bound=set()) == []
    assert [pact_value(ALLIANCE, s) for s in (40, 70)] == [35, 20]  # up to allied, at least 20
    assert [pact_value(TREATY, s) for s in (-95, -35)] == [66, 15]  # a war ended, at least 15
    assert [pact_value(RIVALRY, s) for s in (10, -25)] == [-40, -10]


def test_a_review_makes_an_alliance_of_friendly_factions_whose_people_are_fond(factions):
    from relationships.models import Relationship

    lum, acc = factions
    FactionRelation.objects.filter(faction=lum, other=acc).update(standing=40)
    FactionRelation.objects.filter(faction=acc, other=lum).update(standing=40)
    square = LocationFactory(name="Square")
    lums = CharacterFactory.create_batch(3, faction=lum, location=square)
    accs = CharacterFactory.create_batch(3, faction=acc, location=square)
    Relationship.objects.bulk_create(
        Relationship(character=a, other=b, affinity=0.6, familiarity=0.5, last_contact_tick=20)
        for a, b in [*((x, y) for x in lums for y in accs), *((y, x) for x in lums for y in accs)]
    )

    factions_review(tick=20)
    pacts = RelationModifier.objects.filter(reason__startswith="an alliance")
    assert pacts.count() == 2 and {m.value for m in pacts} == {75 - 40}  # friendly to allied
    assert relation_standings(tick=20)[(lum.id, acc.id)] == 75
    news = GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED).order_by("id").last()
    assert news.payload["stance"] == "allied" and news.payload["reason"].startswith("an alliance")

    factions_review(tick=40)  # in force: not made twice
    assert RelationModifier.objects.filter(reason__startswith="an alliance").count() == 2


def test_pact_reviews_take_constant_queries(factions, django_assert_max_num_queries):
    from narrative.factions.services import faction_pacts_review
    from relationships.models import Relationship

    lum, acc = factions
    square = LocationFactory(name="Square")
    for count in (2, 20):
        people = CharacterFactory.create_batch(count, faction=lum, location=square)
        others = CharacterFactory.create_batch(count, faction=acc, location=square)
        Relationship.objects.bulk_create(
            Relationship(character=a, other=b, affinity=-0.5, familiarity=0.5, last_contact_tick=0)
            for a in people
            for b in others
        )
        with django_assert_max_num_queries(2):  # no pact: who is bound, what people feel
            faction_pacts_review(faction_ids=[lum.id, acc.id], standings={(lum.id, acc.id): 40}, tick=20)


def test_the_tick_phase_reviews_only_every_few_ticks(factions, django_assert_num_queries):
    with django_assert_num_queries(0):
        factions_tick(
            TickContext(tick=logic.FACTION_REVIEW_EVERY_TICKS - 1, seed=0, world_time=None, previous_world_time=None)
        )
    lum, acc = factions
    relation = FactionRelation.objects.get(faction=lum, other=acc)
    RelationModifier.objects.create(relation=relation, reason="old", value=5, started_tick=0, duration_ticks=1)
    factions_tick(TickContext(tick=logic.FACTION_REVIEW_EVERY_TICKS, seed=0, world_time=None, previous_world_time=None))
    assert not RelationModifier.objects.exists()


# --- The tick, with real NPCs ------------------------------------------------------------------------------


def _talkers(where, faction, count, mood):
    """NPCs who want nothing more than to talk: no exits, full social need, outgoing."""
    return CharacterFactory.create_batch(
        count,
        location=where,
        faction=faction,
        emotional_state={"mood": mood},
        personality={"extraversion": 1.0, "openness": 0.0, "conscientiousness": 0.0},
        needs={"social": 1.0, "rest": 0.0, "curiosity": 0.0},
        energy=100,
    )


def _acquainted(where):
    """Everyone at `where` knows everyone else there (neighbours of long standing, not
    strangers introducing themselves first)."""
    from relationships.models import Relationship

    people = list(Character.objects.filter(location=where).values_list("id", flat=True))
    Relationship.objects.bulk_create(
        Relationship(character_id=a, other_id=b, familiarity=0.5) for a in people for b in people if a != b
    )


def _hold_moods(mood):
    # Spectra's appraisal moves stored moods every tick, and talking sates the need to talk;
    # the test keeps them in the mood and sociable.
    Character.objects.filter(kind=Character.Kind.NPC).update(
        emotional_state={"mood": mood}, needs={"social": 1.0, "rest": 0.0, "curiosity": 0.0}, energy=100
    )


def test_warm_talk_between_two_factions_brings_them_together_over_ticks(factions):
    from narrative.factions.relations import Stance, stance_band

    lum, acc = factions
    # The Accord's designers made it think a little well of the Luminari: neutral still, but a
    # swing from there reaches a few points past friendly (so the odd quiet tick, as the kind
    # words fade, does not drop it straight back out of friendly).
    friendly = stance_band(Stance.FRIENDLY)[0]
    base = friendly + 5 - incident_rules.INCIDENT_SWING
    FactionRelation.objects.filter(faction=acc, other=lum).update(standing=base)
    square = LocationFactory(name="the Square")
    _talkers(square, lum, 6, "joy")
    _talkers(square, acc, 6, "joy")
    _acquainted(square)

    # How far depends on who talks to whom each tick, which follows the characters' ids (they
    # differ between databases and test orders): in some orders the standing reaches friendly
    # within a few ticks, in others it warms by a few points and hovers there. Every order:
    # warmer than its base, never past a swing above it.
    history = []
    for _ in range(20):
        _hold_moods("joy")
        assert run_tick(force=True).ran
        history.append(relation_standings(tick=run_tick_number())[(acc.id, lum.id)])

    assert max(history[:5]) > base, history
    assert max(history) <= base + incident_rules.INCIDENT_SWING, history  # no further than the swing
    changed = GameEvent.objects.filter(
        type=EventType.FACTION_RELATION_CHANGED, payload__faction="verdant-accord"
    ).first()
    if max(history) >= friendly:  # the stance changed: published, with the kind words as its reason
        assert changed.payload["stance_before"] == "neutral" and changed.payload["stance"] == "friendly"
        assert changed.payload["reason"].startswith(("kind words at the Square", "a kind word at the Square"))
    else:
        assert changed is None, "no stance change without reaching the band"


def test_heated_talk_sours_relations_but_only_a_swing_below_their_base(factions):
    lum, acc = factions  # the Luminari's base view of the Accord is -10, the Accord's of them 0
    square = LocationFactory(name="the Square")
    _talkers(square, lum, 3, "intensity")
    _talkers(square, acc, 3, "intensity")
    _acquainted(square)

    for _ in range(10):
        _hold_moods("intensity")
        run_tick(force=True)

    standings = relation_standings(tick=run_tick_number())
    for faction, other in ((lum, acc), (acc, lum)):  # at (or, as the clashes fade, near) a swing below the base
        floor = FactionRelation.objects.get(faction=faction, other=other).standing - incident_rules.INCIDENT_SWING
        assert floor <= standings[(faction.id, other.id)] <= floor + 10, faction.slug
    changed = GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED)
    assert {(e.payload["stance_before"], e.payload["stance"]) for e in changed} >= {("neutral", "wary")}
    assert {e.payload["stance"] for e in changed} <= {"wary", "neutral"}  # wavering at the edge, no worse


def run_tick_number() -> int:
    from narrative.factions.selectors import current_tick_get

    return current_tick_get()


def _phase_queries(factions, per_faction) -> int:
    """How many queries `factions_tick` makes for a tick in which `per_faction` members of
    each faction talk across and make things before the others (the world rolled back after)."""
    from spectra.selectors import rulebook_forget

    lum, acc = factions
    with transaction.atomic():
        square, yard = LocationFactory(name="the Square"), LocationFactory(name="the Yard")
        ours, theirs = _talkers(square, lum, per_faction, "joy"), _talkers(square, acc, per_faction, "joy")
        makers = _talkers(yard, lum, per_faction, "calm")
        _talkers(yard, acc, per_faction, "calm")
        events = [_talked(a, b) for a, b in zip(ours, theirs, strict=True)]
        events += [_talked(b, a) for a, b in zip(ours, theirs, strict=True)]
        events += [
            GameEvent(type="NPC_CREATED", actor_id=m.id, location_id=yard.id, tick=1, payload={}) for m in makers
        ]
        context = TickContext(
            tick=logic.FACTION_REVIEW_EVERY_TICKS,  # incidents and the review in the same tick
            seed=0,
            world_time=None,
            previous_world_time=None,
            events=tuple(events),
        )
        # the Accord already thinks better of the Luminari, by as much as leaves the day's gifts
        # and kind words room to carry it to the end of the swing: now friendly, and in the review
        # they rise and the Accord falls behind, so every event and its subscribers are counted too
        gifts = min(per_faction * incident_rules.INCIDENT_VALUE[GIFT], incident_rules.INCIDENT_CAP[GIFT])
        words = min(per_faction * incident_rules.INCIDENT_VALUE[KIND_WORD], incident_rules.INCIDENT_CAP[KIND_WORD])
        RelationModifier.objects.create(
            relation=FactionRelation.objects.get(faction=acc, other=lum),
            reason="an old favour",
            value=incident_rules.INCIDENT_SWING - gifts - words,
        )
        rulebook_forget()  # the emotion core's cache would make the second run cheaper
        with CaptureQueriesContext(connection) as captured:
            factions_tick(context)
        # one modifier per (pair, kind): the Accord's gift and kind words, the Luminari's kind words
        assert RelationModifier.objects.filter(started_tick=context.tick).count() == 3
        assert GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED).count() == 1
        assert GameEvent.objects.filter(type=EventType.FACTION_STATUS_CHANGED).count() == 2
        transaction.set_rollback(True)
    return len(captured.captured_queries)


def test_the_phase_costs_the_same_queries_however_many_npcs(factions):
    few, many = _phase_queries(factions, 2), _phase_queries(factions, 40)
    assert few == many
    # incidents: members, factions present, standings (2); the writes: savepoint (2), relations,
    # standings before and after (4), insert; the relation event: factions, stances told,
    # insert, emotion rules; the review: prune (2), factions, standings (2), stances told,
    # quests, update; the status events: insert, quest steps that witness events
    assert many <= 26


def test_an_exchange_of_several_turns_is_one_deed_between_factions():
    """A six-turn talk is one kind word (or one quarrel), not six: only its opening line counts."""
    opening = {"listener_id": 2, "exchange": {"id": "x", "turn": 0, "act": "greet"}}
    later = {"listener_id": 1, "exchange": {"id": "x", "turn": 3, "act": "react"}}

    deed = incident_rules.deed_from_event(type=EventType.NPC_TALKED, actor_id=1, location_id=5, payload=opening)
    assert deed is not None and deed.kind == "talk" and deed.listener_id == 2
    assert incident_rules.deed_from_event(type=EventType.NPC_TALKED, actor_id=2, location_id=5, payload=later) is None
