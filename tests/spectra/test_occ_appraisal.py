"""OCC appraisal as designers' data: goals, standards and likings; every emotion of the shipped
table reachable; feelings that relax every tick, touched or not; moods read by direction."""

import pytest
from django.conf import settings

from spectra.appraisal import EventView, Perceiver, RuleBook, Standard, appraise, desirability, praiseworthiness
from spectra.emotion import MOOD_PROTOTYPES, PAD, Impulse, classify, intensity, strongest
from spectra.feelings import feelings_update
from spectra.models import EmotionType
from spectra.resting import CHRONOTYPE_HOURS, baseline_from_personality, chronotype, with_the_day
from spectra.selectors import rulebook_load
from tests.factories import CharacterFactory, FactionFactory, LocationFactory, WorldClockFactory
from world.models import Character, GameEvent

HERE = 10
ME, FRIEND, RIVAL, STRANGER = 1, 2, 3, 4
GUILD, THORN = 50, 60


def npc(**overrides) -> Perceiver:
    fields = {
        "id": ME,
        "kind": "npc",
        "name": "Nessa Brightwell",
        "location_id": HERE,
        "faction_id": GUILD,
        "goals": ("Forge a prism to rival the Sunspire's",),
        "personality": {"agreeableness": 0.5, "conscientiousness": 0.5, "openness": 0.5},
        "affinity": {FRIEND: 0.5, RIVAL: -0.5},
    }
    return Perceiver(**{**fields, **overrides})


def event(event_type, actor_id=STRANGER, location_id=HERE, **payload) -> EventView:
    return EventView(type=event_type, actor_id=actor_id, location_id=location_id, payload=payload)


@pytest.fixture
def shipped(db) -> RuleBook:
    """The shipped rules (the migrations' emotion table), with a Guild and a Thornwake standard."""
    book = rulebook_load()
    standards = [
        Standard("NPC_CREATED", 0.7, faction_id=GUILD),
        Standard("NPC_CREATED", -0.6, faction_id=THORN),
        *[standard for standards in book.standards.values() for standard in standards],
    ]
    rules = [rule for rules in book.index.values() for rule in rules]
    return RuleBook(rules, standards)


def emotions(impulses) -> set[str]:
    return {impulse.emotion for impulse in impulses}


# --- The three appraisals ----------------------------------------------------------------


def test_desirability_follows_goals_and_who_acts():
    me = npc()
    prism = {"object_name": "the Sunspire's Prism"}
    assert desirability(event("NPC_EXPLORED", actor_id=ME, **prism), me) > 0  # my own deed at my goal
    assert desirability(event("NPC_EXPLORED", actor_id=FRIEND, **prism), me) > 0  # a friend's
    assert desirability(event("NPC_EXPLORED", actor_id=RIVAL, **prism), me) < 0  # a rival at what I need
    assert desirability(event("NPC_EXPLORED", actor_id=RIVAL, object_name="a teapot"), me) == 0  # not my goal
    assert desirability(event("QUEST_FAILED", actor_id=ME), me) == -1.0
    assert desirability(event("NPC_EXPLORED", actor_id=ME, **prism), npc(goals=())) == 0


def test_appraisal_by_goals(shipped):
    me = npc()
    prism = {"object_name": "the Sunspire's Prism"}
    assert "hope" in emotions(appraise(event("NPC_EXPLORED", actor_id=FRIEND, **prism), me, shipped))
    assert "fear" in emotions(appraise(event("NPC_EXPLORED", actor_id=RIVAL, **prism), me, shipped))
    assert not {"hope", "fear"} & emotions(appraise(event("NPC_EXPLORED", actor_id=RIVAL), me, shipped))


def test_praiseworthiness_by_faction_and_personality(shipped):
    made = event("NPC_CREATED", actor_id=STRANGER)
    guild, thorn = npc(faction_id=GUILD), npc(faction_id=THORN)
    assert praiseworthiness(made, guild, shipped.standards) > 0.5
    assert praiseworthiness(made, thorn, shipped.standards) < -0.3
    talk = event("NPC_TALKED", actor_id=STRANGER)
    kind, unkind = npc(personality={"agreeableness": 0.9}), npc(personality={"agreeableness": 0.1})
    assert praiseworthiness(talk, kind, shipped.standards) > 0 > praiseworthiness(talk, unkind, shipped.standards)


def test_appraisal_by_standards(shipped):
    made_by_me = event("NPC_CREATED", actor_id=ME)
    assert "pride" in emotions(appraise(made_by_me, npc(faction_id=GUILD), shipped))
    assert "shame" in emotions(appraise(made_by_me, npc(faction_id=THORN), shipped))
    made_by_another = event("NPC_CREATED", actor_id=STRANGER)
    assert "admiration" in emotions(appraise(made_by_another, npc(faction_id=GUILD), shipped))
    assert "reproach" in emotions(appraise(made_by_another, npc(faction_id=THORN), shipped))
    spoken_to = event("NPC_TALKED", actor_id=STRANGER, listener_id=ME)
    assert "anger" in emotions(appraise(spoken_to, npc(personality={"agreeableness": 0.05}), shipped))
    assert "gratitude" in emotions(appraise(spoken_to, npc(personality={"agreeableness": 0.95}), shipped))


def test_appraisal_by_liking(shipped):
    me = npc(affinity={FRIEND: 0.4, RIVAL: -0.4, 5: 0.9, 6: -0.9})
    by = {
        who: emotions(appraise(event("NPC_TALKED", actor_id=who, listener_id=ME), me, shipped)) for who in (2, 3, 5, 6)
    }
    assert "liking" in by[FRIEND] and "disliking" not in by[FRIEND]
    assert "disliking" in by[RIVAL] and "liking" not in by[RIVAL]
    assert "hate" in by[6] and "hate" not in by[RIVAL]
    assert "love" in emotions(appraise(event("NPC_TALKED", actor_id=ME, listener_id=5), me, shipped))
    # places and things its goals name are appealing
    assert "liking" in emotions(
        appraise(event("NPC_EXPLORED", actor_id=ME, object_name="a sunspire lens"), me, shipped)
    )
    assert "liking" not in emotions(appraise(event("NPC_EXPLORED", actor_id=ME, object_name="a teapot"), me, shipped))


def test_a_stronger_reason_is_a_stronger_emotion(shipped):
    mild, strong = npc(affinity={RIVAL: -0.3}), npc(affinity={RIVAL: -0.9})
    words = event("NPC_TALKED", actor_id=RIVAL, listener_id=ME)

    def dislike(me):
        return max(i.intensity for i in appraise(words, me, shipped) if i.emotion == "disliking")

    assert dislike(strong) > dislike(mild)


# --- Every emotion of the table is reachable by the shipped rules --------------------------

FAILED_QUEST = {"quest_title": "Relight Cloudbreak"}


def _situations():
    """For each emotion, a situation the shipped rules answer with it: (event, perceiver)."""
    prism = {"object_name": "the Sunspire's Prism"}
    diligent = {"conscientiousness": 0.95, "agreeableness": 0.5, "openness": 0.5}
    return {
        "admiration": (event("NPC_CREATED"), npc(faction_id=GUILD)),
        "anger": (event("NPC_TALKED", listener_id=ME), npc(personality={"agreeableness": 0.05})),
        "disliking": (event("NPC_TALKED", actor_id=RIVAL, listener_id=ME), npc()),
        "disappointment": (event("NPC_MOVE_ACTION", actor_id=FRIEND), npc()),
        "distress": (event("NPC_TALKED", actor_id=RIVAL, listener_id=ME, **prism), npc()),
        "fear": (event("NPC_EXPLORED", actor_id=RIVAL, **prism), npc()),
        "fears_confirmed": (event("QUEST_FAILED", actor_id=ME, location_id=None, **FAILED_QUEST), npc()),
        "gloating": (event("QUEST_FAILED", actor_id=RIVAL, **FAILED_QUEST), npc()),
        "gratification": (event("NPC_PURSUED_GOAL", actor_id=ME), npc(personality=diligent)),
        "gratitude": (event("NPC_TALKED", listener_id=ME), npc(personality={"agreeableness": 0.95})),
        "happy_for": (event("NPC_CREATED", actor_id=FRIEND), npc()),
        "hate": (event("NPC_TALKED", actor_id=RIVAL, listener_id=ME), npc(affinity={RIVAL: -0.9})),
        "hope": (event("NPC_EXPLORED", actor_id=FRIEND, **prism), npc()),
        "joy": (event("PLAYER_SPOKE", listener_id=ME), npc()),
        "liking": (event("NPC_TALKED", actor_id=FRIEND, listener_id=ME), npc()),
        "love": (event("NPC_TALKED", actor_id=ME, listener_id=FRIEND), npc(affinity={FRIEND: 0.9})),
        "pity": (event("QUEST_FAILED", actor_id=FRIEND, **FAILED_QUEST), npc()),
        "pride": (event("NPC_CREATED", actor_id=ME), npc(faction_id=GUILD)),
        "relief": (event("NPC_RESTED", actor_id=ME), npc()),
        "remorse": (event("QUEST_FAILED", actor_id=ME, **FAILED_QUEST), npc(personality=diligent)),
        "reproach": (event("NPC_CREATED"), npc(faction_id=THORN)),
        "resentment": (event("NPC_CREATED", actor_id=RIVAL), npc()),
        "satisfaction": (event("NPC_PURSUED_GOAL", actor_id=ME, goal="Forge a prism"), npc()),
        "shame": (event("NPC_CREATED", actor_id=ME), npc(faction_id=THORN)),
        "wonder": (event("SPECTRA_MOVED", actor_id=99), npc()),
    }


def test_every_emotion_in_the_table_is_reachable_by_the_shipped_rules(shipped):
    table = set(EmotionType.objects.values_list("name", flat=True))
    situations = _situations()
    assert table == set(situations), "every emotion of the shipped table needs a situation here"
    for emotion, (happening, me) in situations.items():
        assert emotion in emotions(appraise(happening, me, shipped)), f"{emotion} is not reached"


# --- Feelings that live --------------------------------------------------------------------


@pytest.fixture
def place(db):
    WorldClockFactory()
    return LocationFactory()


def test_untouched_feelings_relax_every_tick(place):
    """Nothing happens to him; the tick's phase still relaxes his feeling toward his baseline,
    and his mood comes back to his temperament's."""
    personality = {"openness": 0.3, "conscientiousness": 0.8, "extraversion": 0.2, "agreeableness": 0.3}
    baseline = baseline_from_personality(personality)
    excited = {"mood": "joy", "pleasure": 0.9, "arousal": 0.8, "dominance": 0.5, "tick": 0}
    loner = CharacterFactory(location=place, personality=personality, emotional_state=excited)
    far_away = PAD(0.9, 0.8, 0.5).distance(baseline)

    feelings_update(events=[], tick=1, everyone=True)
    after_one = Character.objects.get(pk=loner.pk).emotional_state
    assert PAD(after_one["pleasure"], after_one["arousal"], after_one["dominance"]).distance(baseline) < far_away

    feelings_update(events=[], tick=40, everyone=True)
    rested = Character.objects.get(pk=loner.pk).emotional_state
    at_ten = with_the_day(  # the clock's hour, for his temperament's day
        baseline, hour=10, amplitude=settings.EMOTION_DAY_AROUSAL, late_by=chronotype(personality)
    )
    assert rested["mood"] == classify(at_ten, None) != "joy"
    assert rested["intensity"] < 0.05

    # Without `everyone` (mind work after a player's action) the untouched are left alone.
    Character.objects.filter(pk=loner.pk).update(emotional_state=excited)
    assert feelings_update(events=[], tick=41) == {}


def test_the_spent_and_lonely_rest_lower_than_the_fresh_spectra_too(place):
    """The body colours the resting feeling the tick relaxes toward (`resting.with_the_body`)."""
    temperament = {"openness": 0.6, "extraversion": 0.7, "agreeableness": 0.7, "neuroticism": 0.3}
    fresh = CharacterFactory(location=place, personality=temperament, energy=100, needs={"social": 0.1})
    spent = CharacterFactory(location=place, personality=temperament, energy=5, needs={"social": 1.0})
    spectra = CharacterFactory(
        location=place, kind=Character.Kind.SPECTRA, personality=temperament, energy=5, needs={"social": 1.0}
    )
    feelings_update(events=[], tick=60, everyone=True)
    state = {c.pk: c.emotional_state for c in Character.objects.filter(pk__in=[fresh.pk, spent.pk, spectra.pk])}
    assert state[spent.pk]["arousal"] < state[fresh.pk]["arousal"] - 0.2
    assert state[spent.pk]["pleasure"] < state[fresh.pk]["pleasure"] - 0.2
    assert state[spectra.pk]["arousal"] == pytest.approx(state[spent.pk]["arousal"], abs=1e-6)

    # one who rests this tick rests quieter than one who does not
    rested = GameEvent(type="NPC_RESTED", payload={"actor_kind": "npc"}, tick=61, actor_id=fresh.pk, location=place)
    feelings_update(events=[rested], tick=61, everyone=True)
    after = {c.pk: c.emotional_state for c in Character.objects.filter(pk__in=[fresh.pk, spent.pk])}
    assert after[fresh.pk]["arousal"] < state[fresh.pk]["arousal"] - 0.03


def test_npcs_rest_livelier_by_day_and_quieter_before_dawn(place, settings):
    """A sunny innkeeper nothing happens to is joyful in the afternoon and calm in the small
    hours: the hour of the day moves a character's resting arousal."""
    from datetime import UTC, datetime

    settings.EMOTION_DAY_AROUSAL = 0.25
    sunny = {"extraversion": 0.9, "agreeableness": 0.9, "neuroticism": 0.2, "openness": 0.6}
    innkeeper = CharacterFactory(location=place, personality=sunny, emotional_state={})
    moods = {}
    for tick, hour in ((10, 14), (30, 2), (50, 14)):
        noon_or_night = datetime(1247, 3, 21, hour, 0, tzinfo=UTC)
        feelings_update(events=[], tick=tick, everyone=True, world_time=noon_or_night)
        moods[(tick, hour)] = Character.objects.get(pk=innkeeper.pk).emotional_state
    assert moods[(10, 14)]["mood"] == "joy" == moods[(50, 14)]["mood"]
    assert moods[(30, 2)]["mood"] == "calm"
    assert moods[(30, 2)]["arousal"] < moods[(10, 14)]["arousal"] - 0.4
    assert moods[(30, 2)]["pleasure"] == pytest.approx(moods[(10, 14)]["pleasure"], abs=1e-6)
    settings.EMOTION_DAY_AROUSAL = 0.0  # no rhythm: the same by night as by day
    feelings_update(events=[], tick=70, everyone=True, world_time=datetime(1247, 3, 22, 2, 0, tzinfo=UTC))
    assert Character.objects.get(pk=innkeeper.pk).emotional_state["mood"] == "joy"


def test_the_day_moves_arousal_only_and_by_the_amplitude():
    rest = PAD(0.2, 0.1, -0.3)
    peak, trough = with_the_day(rest, hour=14, amplitude=0.25), with_the_day(rest, hour=2, amplitude=0.25)
    assert peak.arousal == pytest.approx(0.35) and trough.arousal == pytest.approx(-0.15)
    assert (peak.pleasure, peak.dominance) == (trough.pleasure, trough.dominance) == (0.2, -0.3)
    assert with_the_day(rest, hour=8, amplitude=0.0) == rest
    assert with_the_day(PAD(0, 0.9, 0), hour=14, amplitude=0.25).arousal == 1.0  # within the space


def test_larks_wake_early_and_owls_late():
    lark = {"conscientiousness": 0.95, "extraversion": 0.2, "openness": 0.3}
    owl = {"conscientiousness": 0.2, "extraversion": 0.9, "openness": 0.8}
    assert chronotype(lark) < 0 < chronotype(owl)
    assert chronotype({}) == 0 and abs(chronotype(owl)) <= CHRONOTYPE_HOURS
    rest = PAD(0.2, 0.0, 0.0)

    def arousal(traits, hour):
        return with_the_day(rest, hour=hour, amplitude=0.25, late_by=chronotype(traits)).arousal

    assert arousal(lark, 9) > arousal(owl, 9)  # the lark is up and about in the morning
    assert arousal(owl, 21) > arousal(lark, 21)  # the owl in the evening


def test_the_tick_relaxes_everyone(place):
    """Feelings relax toward the baseline every tick, touched or not. Each sleeper alone in a
    place of its own: nobody to talk with (an exchange's words would touch them, and which
    words depends on ids, which differ from run to run on PostgreSQL)."""
    WorldClockFactory._meta.model.objects.update(seed=3)
    sleepers = [
        CharacterFactory(
            location=LocationFactory(),
            is_active=True,
            emotional_state={"mood": "unease", "pleasure": -0.8, "arousal": 0.8, "dominance": -0.6, "tick": 0},
            personality={"agreeableness": 0.8, "neuroticism": 0.1, "extraversion": 0.7},
        )
        for _ in range(3)
    ]
    from world.tick import run_tick

    for _ in range(12):
        run_tick(force=True)
    for sleeper in sleepers:
        state = Character.objects.get(pk=sleeper.pk).emotional_state
        assert state["tick"] == 12
        assert state["mood"] != "unease"


def test_a_faint_feeling_is_read_by_its_direction():
    """A mild, uneasy temperament reads as unease, not as the mood nearest neutral."""
    faint_unease = PAD(*(0.3 * value for value in MOOD_PROTOTYPES["unease"]))
    faint_calm = PAD(*(0.3 * value for value in MOOD_PROTOTYPES["calm"]))
    assert classify(faint_unease, None) == "unease"
    assert classify(faint_calm, None) == "calm"
    assert intensity(faint_unease, PAD()) < intensity(PAD(*MOOD_PROTOTYPES["unease"]), PAD())


def test_only_the_strongest_impulses_of_a_moment_are_felt():
    crowd = [Impulse("admiration", (0.5, 0.3, -0.2), 0.2, f"deed {n}") for n in range(20)]
    shock = Impulse("anger", (-0.51, 0.59, 0.25), 0.9, "insult")
    felt = strongest([*crowd[:10], shock, *crowd[10:]], 3)
    assert len(felt) == 3 and shock in felt
    assert [impulse.cause for impulse in felt] == ["deed 0", "deed 1", "insult"]  # in their order


def test_a_grave_event_is_felt_strongly_enough_to_be_remembered(place, settings):
    """A hated rival's harsh words, before a diligent Guild member's failed quest: a mood change
    above the emotional-memory threshold (the routine alone never gets there)."""
    guild = FactionFactory()
    me = CharacterFactory(location=place, faction=guild, personality={"conscientiousness": 0.9, "agreeableness": 0.1})
    rival = CharacterFactory(location=place)
    from relationships.models import Relationship

    Relationship.objects.create(character=me, other=rival, affinity=-0.9, trust=-0.8, familiarity=0.8)
    from world.models import GameEvent

    insult = GameEvent.objects.create(
        type="NPC_TALKED", actor=rival, location=place, tick=1, payload={"listener_id": me.pk, "text": "Fool."}
    )
    failure = GameEvent.objects.create(type="QUEST_FAILED", actor=me, tick=1, payload={"quest_title": "The lenses"})
    feelings_update(events=[insult, failure], tick=1)
    changed = GameEvent.objects.filter(type="NPC_EMOTION_CHANGED", actor=me).get()
    assert changed.payload["intensity"] >= settings.MEMORY_EMOTION_INTENSITY_THRESHOLD
    assert changed.payload["to"] in ("unease", "melancholy")


def test_needs_are_goals_too(shipped):
    """Working on while exhausted, or keeping to oneself while lonely, is undesirable; resting
    and talking are what those needs want."""
    worn, lonely, fine = npc(energy=5.0), npc(needs={"social": 0.95}), npc(energy=90.0, needs={"social": 0.2})
    work = event("NPC_EXPLORED", actor_id=ME, object_name="a teapot")
    assert desirability(work, worn) < 0 and desirability(work, lonely) < 0 and desirability(work, fine) == 0
    assert "distress" in emotions(appraise(work, worn, shipped))
    assert "distress" not in emotions(appraise(work, fine, shipped))
    assert desirability(event("NPC_RESTED", actor_id=ME), worn) == 0
    assert desirability(event("NPC_TALKED", actor_id=ME, listener_id=FRIEND), lonely) == 0


def test_a_place_is_matched_by_its_whole_name_so_renaming_it_changes_no_feeling():
    from spectra.appraisal import Rule

    rule = Rule(
        event_key="NPC_MOVED",
        role="actor",
        applies_to="any",
        emotion="joy",
        direction=(0.5, 0.2, 0.1),
        intensity=0.6,
        condition="goal_advanced",
    )

    def felt(place_names, goal, to_name):
        rules = RuleBook([rule], place_names=place_names)
        me = Perceiver(id=1, kind="npc", name="Pim", location_id=1, goals=(goal,))
        event = EventView(type="NPC_MOVED", actor_id=1, location_id=2, payload={"actor_id": 1, "to_name": to_name})
        return [impulse.emotion for impulse in appraise(event, me, rules)]

    places = ("The Glass Market", "Cloudbreak Light")
    assert felt(places, "Win a seat at The Glass Market", "The Glass Market") == ["joy"]
    assert felt(places, "Win a seat at the Glass Market", "The Glass Market") == ["joy"]
    # "market traders" is not the place: no shared word of a place's name makes a match
    assert felt(places, "Win a Guild seat for the market traders", "The Glass Market") == []
    assert felt(places, "Follow Spectra's light", "Cloudbreak Light") == []
    renamed = ("The Qxab", "Qxac")  # the same world, its places renamed
    assert felt(renamed, "Win a seat at The Qxab", "The Qxab") == ["joy"]
    assert felt(renamed, "Win a Guild seat for the market traders", "The Qxab") == []
    assert felt(renamed, "Follow Spectra's light", "Qxac") == []


def _concern_index(views, me_kind="npc"):
    from spectra.feelings import _views_by_concern

    class EveryoneWitnesses:
        def rules_for(self, view, role, kind):
            return [object()] if role == "witness" else []

    return _views_by_concern(views, EveryoneWitnesses())


def test_in_a_crowd_an_npc_takes_in_a_handful_of_deeds_but_all_its_own_and_every_players_words():
    from spectra.feelings import WITNESS_NOTICED, _concerning

    deeds = [EventView("NPC_TALKED", 100 + n, HERE, {"listener_id": 200 + n}) for n in range(100)]
    mine = EventView("NPC_TALKED", ME, HERE, {"listener_id": FRIEND})
    to_me = EventView("NPC_TALKED", RIVAL, HERE, {"listener_id": ME})
    player = EventView("PLAYER_SPOKE", 999, HERE, {"text": "hello all"})
    dawn = EventView("TIME_OF_DAY_CHANGED", None, None, {"qualifier": "dawn"})
    views = [*deeds[:50], mine, *deeds[50:], to_me, player, dawn]
    index = _concern_index(views)

    noticed = _concerning(index, views, npc())
    assert mine in noticed and to_me in noticed and player in noticed and dawn in noticed
    others_deeds = [view for view in noticed if view in deeds]
    assert len(others_deeds) <= WITNESS_NOTICED
    assert noticed == _concerning(index, views, npc())  # the same handful in a replay
    assert noticed != _concerning(index, views, npc(id=ME + 1))  # a neighbour notices others
    # Spectra takes in everything around her: her moods colour the world
    assert len(_concerning(index, views, npc(kind="spectra"))) == len(views)
    # and in a quiet place nothing is left out
    quiet = [*deeds[:5], mine]
    assert _concerning(_concern_index(quiet), quiet, npc()) == quiet


def test_an_npc_picks_its_handful_of_a_crowds_deeds_without_going_through_the_crowd():
    """Each NPC of a crowd of thousands takes in its handful: copying the crowd's deeds for
    each one of them made the tick quadratic in crowding (a tenth of feelings at 100,000 NPCs)."""
    from spectra.feelings import WITNESS_NOTICED, _concerning

    class Crowd(list):  # the place's deeds; going through them all, or slicing them, is the bug
        def __iter__(self):
            raise AssertionError("went through the whole crowd")

        def __getitem__(self, at):
            if isinstance(at, slice):
                raise AssertionError("copied the crowd")
            return super().__getitem__(at)

    deeds = [EventView("NPC_TALKED", 100 + n, HERE, {"listener_id": 200 + n}) for n in range(1000)]
    index = _concern_index(deeds)
    index["place"][("npc", HERE)] = Crowd(index["place"][("npc", HERE)])
    me = npc(id=2141)  # starts at 2141 * 7 % 1000 = 987: its handful wraps round to the crowd's first deeds
    assert _concerning(index, deeds, me) == sorted([*deeds[987:], *deeds[:3]], key=deeds.index)
    assert len(_concerning(index, deeds, me)) == WITNESS_NOTICED


def test_achieving_or_failing_ones_goal_is_felt(shipped):
    me = npc()
    achieved = appraise(event("GOAL_ACHIEVED", actor_id=ME, title="Forge a prism"), me, shipped)
    failed = appraise(event("GOAL_FAILED", actor_id=ME, title="Forge a prism"), me, shipped)
    assert "satisfaction" in emotions(achieved) and "disappointment" in emotions(failed)
    assert max(impulse.intensity for impulse in achieved) >= 0.7
    # a friend's success gladdens, a rival's galls, a stranger's leaves one cold
    assert "happy_for" in emotions(appraise(event("GOAL_ACHIEVED", actor_id=FRIEND), me, shipped))
    assert "resentment" in emotions(appraise(event("GOAL_ACHIEVED", actor_id=RIVAL), me, shipped))
    assert not appraise(event("GOAL_ACHIEVED", actor_id=STRANGER), me, shipped)


def test_a_strong_emotion_is_an_event_and_a_memory_though_the_mood_holds(place, settings):
    """Already glad, she achieves her goal: the mood stays joy, yet the moment is published
    (with the emotion felt) and remembered as an emotional memory."""
    from memory.models import Memory
    from world.models import GameEvent

    glad = {"mood": "joy", "pleasure": 0.7, "arousal": 0.45, "dominance": 0.35, "tick": 1}
    me = CharacterFactory(location=place, personality={"extraversion": 0.9, "agreeableness": 0.9}, emotional_state=glad)
    done = GameEvent.objects.create(
        type="GOAL_ACHIEVED", actor=me, location=place, tick=1, payload={"title": "Light the lamps"}
    )
    feelings_update(events=[done], tick=1)
    moment = GameEvent.objects.filter(type="NPC_EMOTION_CHANGED", actor=me).get()
    assert moment.payload["from"] == moment.payload["to"] == "joy"
    assert moment.payload["emotion"] == "satisfaction"
    assert moment.payload["felt"] >= settings.MEMORY_EMOTION_INTENSITY_THRESHOLD
    remembered = Memory.objects.filter(character=me, type="emotional").get()
    assert remembered.content.startswith("I felt satisfaction")

    # the routine, felt mildly, is neither
    chat = GameEvent.objects.create(type="NPC_RESTED", actor=me, location=place, tick=2, payload={})
    feelings_update(events=[chat], tick=2)
    assert GameEvent.objects.filter(type="NPC_EMOTION_CHANGED", actor=me).count() == 1


def _felt(book: RuleBook, part: str, me: Perceiver) -> dict[str, float]:
    turn = event("TIME_OF_DAY_CHANGED", actor_id=None, location_id=None, qualifier=part)
    return {impulse.emotion: impulse.intensity for impulse in appraise(turn, me, book)}


def test_the_turn_of_the_day_is_felt_as_each_ones_day_has_gone(shipped):
    fresh, spent = npc(energy=100.0, needs={"rest": 0.0}), npc(energy=40.0, needs={"rest": 0.1})
    assert set(_felt(shipped, "dawn", fresh)) == {"hope"}
    assert set(_felt(shipped, "dawn", spent)) == {"distress"}
    # at nightfall only the tired feel relief, and the more tired the more
    assert _felt(shipped, "night", fresh) == {}
    tired, exhausted = npc(energy=55.0), npc(energy=5.0)
    assert 0 < _felt(shipped, "night", tired)["relief"] < _felt(shipped, "night", exhausted)["relief"]
    done, undone = npc(needs={"purpose": 0.1}), npc(needs={"purpose": 0.95})
    assert set(_felt(shipped, "evening", done)) == {"satisfaction"}
    assert set(_felt(shipped, "evening", undone)) == {"disappointment"}
    assert _felt(shipped, "evening", npc(needs={"purpose": 0.5})) == {}  # a day like any other


def test_the_turn_of_the_day_no_longer_moves_every_npc_alike(db):
    """The unconditional rules of the first table (hope, satisfaction, relief for everyone) are
    switched off where a world has them (migration 0010) and no longer shipped."""
    from spectra.models import AppraisalRule

    alike = AppraisalRule.objects.filter(event_type__startswith="TIME_OF_DAY_CHANGED:", applies_to="npc", condition="")
    assert not alike.filter(is_active=True).exists()
    felt_by_own_day = AppraisalRule.objects.filter(
        event_type__startswith="TIME_OF_DAY_CHANGED:", applies_to="npc", is_active=True
    ).values_list("condition", flat=True)
    assert set(felt_by_own_day) == {"weary", "rested", "fulfilled", "unfulfilled"}


def test_working_at_a_goal_her_efforts_no_longer_move_is_distress_not_satisfaction(shipped):
    spectra = Perceiver(
        id=ME,
        kind="spectra",
        name="Spectra",
        location_id=HERE,
        goals=("Make a friend", "Learn the lanterns"),
        stalled_goals=("Make a friend",),
    )
    stalled = emotions(appraise(event("SPECTRA_PURSUED_GOAL", actor_id=ME, goal="Make a friend"), spectra, shipped))
    moving = emotions(appraise(event("SPECTRA_PURSUED_GOAL", actor_id=ME, goal="Learn the lanterns"), spectra, shipped))
    assert "distress" in stalled and "satisfaction" not in stalled
    assert "satisfaction" in moving and "distress" not in moving


def test_her_stalled_goals_are_those_at_the_counters_ceiling_read_only_when_she_pursued_one(
    place, django_assert_num_queries
):
    from spectra.feelings import _stalled_goals
    from spectra.life_goals import COUNTED_CEILING
    from spectra.models import SpectraGoal

    her = CharacterFactory(kind=Character.Kind.SPECTRA, location=place)
    for title, progress, status in [
        ("Make a friend", COUNTED_CEILING, "active"),
        ("Learn the lanterns", 0.5, "active"),
        ("Hear the bell", 1.0, "achieved"),
        ("Find the heart", COUNTED_CEILING, "set_aside"),
    ]:
        SpectraGoal.objects.create(character=her, title=title, progress=progress, status=status)
    pursuit = EventView("SPECTRA_PURSUED_GOAL", her.id, place.id, {"goal": "Make a friend"})
    chatter = EventView("NPC_TALKED", 99, place.id, {})
    with django_assert_num_queries(1):
        assert _stalled_goals([her], [chatter, pursuit]) == ("Make a friend",)
    with django_assert_num_queries(0):
        assert _stalled_goals([her], [chatter]) == ()
