"""The emotion model, appraisal, expression and thoughts: pure functions, no database."""

import itertools
import random

import pytest

from spectra.appraisal import ADDRESSED, WITNESS, EventView, Perceiver, Rule, RuleBook, appraise, role_of
from spectra.emotion import (
    HYSTERESIS,
    MOOD_PROTOTYPES,
    MOODS,
    PAD,
    Feeling,
    Habituation,
    Impulse,
    apply_impulses,
    classify,
    decay,
    feel,
    feeling_from_json,
    habits_now,
    impulses_felt,
    intensity,
    mood_ring,
    nearest_mood,
)
from spectra.expression import BEHAVIOUR_COOLDOWN_TICKS, GAP_TICKS, choose_expression
from spectra.resting import baseline_from_personality, with_the_body, with_the_light
from spectra.thoughts import MAX_THOUGHTS, compose_thought, remember_thought

JOY = Impulse("joy", (0.40, 0.20, 0.10), 1.0, "PLAYER_SPOKE")
FEAR = Impulse("fear", (-0.64, 0.60, -0.43), 1.0, "TIME_OF_DAY_CHANGED")


def test_every_mood_is_where_its_prototype_is():
    for mood, point in MOOD_PROTOTYPES.items():
        assert classify(PAD(*point), None) == mood
    assert set(MOODS) >= {"calm", "joy", "intensity", "melancholy", "curiosity", "unease", "wonder"}


def test_every_octant_of_mood_space_has_a_mood():
    """ALMA's eight octants (+/- pleasure, arousal, dominance) each hold a mood: a feeling
    pointing into one is read as a mood of that octant, never borrowed from another."""
    for signs in itertools.product((1, -1), repeat=3):
        point = PAD(*(0.5 * sign for sign in signs))
        prototype = MOOD_PROTOTYPES[classify(point, None)]
        assert all(value * sign > 0 for value, sign in zip(prototype, signs, strict=True)), (signs, prototype)


def test_anger_is_felt_as_anger_not_as_unease_or_curiosity():
    """Anger (unpleasant, stirred, dominant) from a mild, pleasant rest reads as the mood of
    anger; before it had a mood of its own it read as unease, intensity or curiosity."""
    anger = Impulse("anger", (-0.51, 0.59, 0.25), 0.8, "NPC_CONFRONTED")
    for start in (PAD(0.2, 0.1, 0.1), PAD(0.0, 0.0, 0.0), PAD(-0.1, -0.2, 0.2)):
        assert classify(apply_impulses(start, [anger]), None) == "anger"


def test_a_sour_proud_temperament_rests_aloof_and_a_gentle_yielding_one_content():
    """Low agreeableness with a firm hand (Varo Kesh: driven, disagreeable, outgoing) rests
    unpleasant, quiet and dominant: aloof, not calm; a warm, shy, easy-going one rests
    pleasant, quiet and yielding: content."""
    varo = {"openness": 0.7, "conscientiousness": 0.8, "extraversion": 0.6, "agreeableness": 0.25, "neuroticism": 0.4}
    assert classify(baseline_from_personality(varo), None) == "aloofness"
    gentle = {"openness": 0.3, "conscientiousness": 0.5, "extraversion": 0.2, "agreeableness": 0.9, "neuroticism": 0.1}
    assert classify(baseline_from_personality(gentle), None) == "contentment"


def test_hysteresis_holds_the_mood_at_a_boundary():
    calm, joy = PAD(*MOOD_PROTOTYPES["calm"]), PAD(*MOOD_PROTOTYPES["joy"])
    # just past halfway from calm to joy: nearer joy, but not by the hysteresis margin
    point = PAD(*(c + (j - c) * 0.53 for c, j in zip(calm.as_tuple(), joy.as_tuple(), strict=True)))
    assert point.distance(joy) < point.distance(calm) < point.distance(joy) + HYSTERESIS
    assert classify(point, "calm") == "calm"
    assert classify(point, "joy") == "joy"
    # well past the margin, the mood changes
    far = PAD(*(c + (j - c) * 0.8 for c, j in zip(calm.as_tuple(), joy.as_tuple(), strict=True)))
    assert classify(far, "calm") == "joy"


def test_no_flicker_when_the_state_wobbles_around_a_boundary():
    calm, joy = MOOD_PROTOTYPES["calm"], MOOD_PROTOTYPES["joy"]
    mood, changes = "calm", 0
    for step in range(40):
        share = 0.5 + (0.04 if step % 2 else -0.04)
        new = classify(PAD(*(c + (j - c) * share for c, j in zip(calm, joy, strict=True))), mood)
        changes += new != mood
        mood = new
    assert changes == 0


def test_decay_halves_the_distance_to_baseline_each_half_life():
    baseline = PAD(0.1, -0.1, 0.0)
    state = PAD(0.9, 0.7, -0.4)
    after = decay(state, baseline, ticks=8, half_life_ticks=8)
    for value, base, start in zip(after.as_tuple(), baseline.as_tuple(), state.as_tuple(), strict=True):
        assert value - base == pytest.approx((start - base) / 2)
    assert decay(state, baseline, ticks=0, half_life_ticks=8) == state
    settled = decay(state, baseline, ticks=200, half_life_ticks=8)
    assert settled.distance(baseline) < 1e-6


def test_impulses_pull_toward_the_emotion_and_stay_in_range():
    calm = PAD(*MOOD_PROTOTYPES["calm"])
    joyful = apply_impulses(calm, [JOY, JOY])
    assert joyful.pleasure > calm.pleasure and joyful.arousal > calm.arousal
    afraid = apply_impulses(calm, [FEAR] * 10)
    assert all(-1.0 <= value <= 1.0 for value in afraid.as_tuple())
    assert classify(afraid, "calm") == "unease"


def test_feel_relaxes_then_feels_then_names_the_mood():
    baseline = PAD(0.2, -0.3, 0.1)
    start = Feeling(state=PAD(-0.5, 0.5, -0.4), mood="unease", tick=0)
    later = feel(start, baseline=baseline, impulses=[], tick=40, half_life_ticks=8)
    assert later.state.distance(baseline) < 0.05 and later.mood != "unease"
    cheered = feel(later, baseline=baseline, impulses=[JOY] * 8, tick=40, half_life_ticks=8)
    assert cheered.mood in {"joy", "curiosity", "wonder", "warmth"}
    assert cheered.tick == 40


HABIT = Habituation(rate=0.5, half_life_ticks=12)
LIKING = Impulse("liking", (0.4, 0.16, -0.24), 0.5, "NPC_TALKED")
DISTRESS = Impulse("distress", (-0.4, -0.2, -0.5), 0.5, "NPC_TALKED")


def _lived(impulse: Impulse, ticks: range, start: Feeling | None = None) -> tuple[list[float], Feeling]:
    """Feel `impulse` at each of `ticks`; the intensity it was felt with each time."""
    baseline, feeling, felt = PAD(0.1, -0.1, 0.0), start, []
    for tick in ticks:
        habits = habits_now(feeling, tick=tick, habituation=HABIT)
        now = impulses_felt([impulse], habits, rate=HABIT.rate)
        felt.append(now[0].intensity)
        feeling = feel(feeling, baseline=baseline, impulses=now, tick=tick, half_life_ticks=4, habits=habits)
    return felt, feeling


def test_what_stirs_again_and_again_stirs_less_and_comes_back_fresh_when_missed():
    felt, used_to_it = _lived(LIKING, range(1, 21))
    assert felt[0] == 0.5 and felt[-1] < 0.25 and felt == sorted(felt, reverse=True)
    # something new is felt in full beside the familiar
    novel = Impulse("hope", (0.2, 0.2, -0.1), 0.3, "NPC_CREATED")
    both = impulses_felt([LIKING, novel], habits_now(used_to_it, tick=21, habituation=HABIT), rate=HABIT.rate)
    assert both[1].intensity == 0.3 and both[0].intensity < both[1].intensity
    # two in-world days without it (96 ticks, 8 habit half-lives): all but fresh again
    again, _ = _lived(LIKING, range(117, 118), start=used_to_it)
    assert again[0] > 0.49
    faded = habits_now(used_to_it, tick=200, habituation=HABIT)
    forgotten = feel(used_to_it, baseline=PAD(), impulses=[], tick=200, half_life_ticks=4, habits=faded)
    assert forgotten.habits == ()


def test_pains_wear_off_more_slowly_than_pleasures():
    pleasant, _ = _lived(LIKING, range(1, 11))
    painful, _ = _lived(DISTRESS, range(1, 11))
    assert painful[-1] > pleasant[-1]


def test_habits_are_stored_and_read_back_and_off_means_off():
    _, feeling = _lived(LIKING, range(1, 4))
    stored = feeling.as_json(baseline=PAD())
    assert stored["habits"] == {"liking:NPC_TALKED": dict(feeling.habits)["liking:NPC_TALKED"]}
    assert feeling_from_json(stored, default_tick=0) == feeling
    assert feeling_from_json({**stored, "habits": "junk"}, default_tick=0).habits == ()
    off = Habituation(rate=0.0)
    assert impulses_felt([LIKING], habits_now(feeling, tick=4, habituation=off), rate=off.rate)[0].intensity == 0.5
    assert "habits" not in feel(feeling, baseline=PAD(), impulses=[LIKING], tick=4, half_life_ticks=4).as_json(
        baseline=PAD()
    )


def test_the_body_colours_the_resting_feeling():
    rest = PAD(0.3, 0.1, 0.0)
    fresh = with_the_body(rest, energy=100, needs={"social": 0.2, "purpose": 0.4})
    assert fresh == rest  # rested, and no need pressing
    spent = with_the_body(rest, energy=10, needs={})
    assert spent.arousal < rest.arousal - 0.2 and spent.pleasure < rest.pleasure
    lonely = with_the_body(rest, energy=100, needs={"social": 1.0})
    assert lonely.pleasure < rest.pleasure and lonely.dominance < rest.dominance
    idle = with_the_body(rest, energy=100, needs={"purpose": 1.0})
    assert idle.pleasure < rest.pleasure and idle.arousal > rest.arousal
    asleep = with_the_body(rest, energy=100, needs={}, resting=True)
    assert asleep.arousal < rest.arousal - 0.3 and (asleep.pleasure, asleep.dominance) == (0.3, 0.0)
    worst = with_the_body(PAD(-0.9, -0.9, -0.9), energy=0, needs={"social": 1.0, "purpose": 1.0}, resting=True)
    assert all(-1.0 <= value <= 1.0 for value in worst.as_tuple())
    # a tired evening reads as another mood than a fresh morning for the same temperament
    assert nearest_mood(with_the_body(rest, energy=5, needs={"social": 0.9})) != nearest_mood(rest)


def test_spectras_gladness_follows_the_daylight():
    rest = PAD(0.3, 0.2, -0.1)
    noon, midnight = with_the_light(rest, hour=13, amplitude=0.25), with_the_light(rest, hour=1, amplitude=0.25)
    assert noon.pleasure == pytest.approx(0.55) and midnight.pleasure == pytest.approx(0.05)
    assert (noon.arousal, noon.dominance) == (midnight.arousal, midnight.dominance) == (0.2, -0.1)
    assert with_the_light(rest, hour=1, amplitude=0.0) == rest
    assert nearest_mood(with_the_light(PAD(0.1, -0.3, -0.2), hour=1, amplitude=0.25)) == "melancholy"


def test_personality_sets_the_baseline():
    sunny = baseline_from_personality({"extraversion": 0.9, "agreeableness": 0.9, "neuroticism": 0.1})
    gloomy = baseline_from_personality({"extraversion": 0.1, "agreeableness": 0.2, "neuroticism": 0.9})
    assert sunny.pleasure > 0 > gloomy.pleasure
    assert all(-1 <= value <= 1 for value in sunny.as_tuple() + gloomy.as_tuple())


def test_mood_ring_colour_follows_mood_and_intensity():
    faint, vivid = mood_ring("joy", 0.1), mood_ring("joy", 0.9)
    assert faint["hex"] != vivid["hex"] and faint["hue"] == vivid["hue"]
    assert mood_ring("melancholy", 0.5)["hue"] != mood_ring("joy", 0.5)["hue"]
    assert all(ring["hex"].startswith("#") and len(ring["hex"]) == 7 for ring in (faint, vivid))
    assert intensity(PAD(0, 0, 0), PAD(0, 0, 0)) == 0


def test_stored_feelings_are_read_back_or_ignored_when_absent():
    stored = {"mood": "joy", "pleasure": 0.5, "arousal": 0.3, "dominance": 0.2, "tick": 7}
    assert feeling_from_json(stored, default_tick=0) == Feeling(PAD(0.5, 0.3, 0.2), "joy", 7)
    assert feeling_from_json({"mood": "calm"}, default_tick=0) is None
    assert feeling_from_json({"pleasure": "x"}, default_tick=0) is None


RULES = RuleBook(
    [
        Rule("PLAYER_SPOKE", ADDRESSED, "spectra", "joy", (0.4, 0.2, 0.1), 0.6),
        Rule("PLAYER_SPOKE", WITNESS, "spectra", "hope", (0.2, 0.2, -0.1), 0.3),
        Rule("TIME_OF_DAY_CHANGED:night", WITNESS, "spectra", "fear", (-0.64, 0.6, -0.43), 0.25),
        Rule("SPECTRA_MOVED", WITNESS, "npc", "wonder", (0.45, 0.55, -0.25), 0.5),
    ]
)
SPECTRA = Perceiver(id=1, kind="spectra", name="Spectra", location_id=10)
NPC = Perceiver(id=2, kind="npc", name="Oren Vael", location_id=10)


def event(event_type, location_id=10, actor_id=99, **payload):
    return EventView(type=event_type, actor_id=actor_id, location_id=location_id, payload=payload)


def test_speaking_to_her_is_joy_speaking_near_her_is_hope():
    to_her = appraise(event("PLAYER_SPOKE", text="Spectra, look!"), SPECTRA, RULES)
    near_her = appraise(event("PLAYER_SPOKE", text="Nice weather."), SPECTRA, RULES)
    elsewhere = appraise(event("PLAYER_SPOKE", location_id=11, text="Spectra?"), SPECTRA, RULES)
    assert [i.emotion for i in to_her] == ["joy"]
    assert [i.emotion for i in near_her] == ["hope"]
    assert elsewhere == []


def test_roles_and_qualified_events():
    assert role_of(event("NPC_TALKED", listener_id=1), SPECTRA) == ADDRESSED
    assert role_of(event("NPC_TALKED", actor_id=1), SPECTRA) == "actor"
    assert role_of(event("PLAYER_INTERACTED", target={"type": "character", "id": 2}), NPC) == ADDRESSED
    nightfall = event("TIME_OF_DAY_CHANGED", location_id=None, qualifier="night")
    assert [i.emotion for i in appraise(nightfall, SPECTRA, RULES)] == ["fear"]
    dawn = event("TIME_OF_DAY_CHANGED", location_id=None, qualifier="dawn")
    assert appraise(dawn, SPECTRA, RULES) == []


def test_rules_apply_to_their_kind_of_character():
    arrival = event("SPECTRA_MOVED", actor_id=1)
    assert [i.emotion for i in appraise(arrival, NPC, RULES)] == ["wonder"]
    assert appraise(arrival, SPECTRA, RULES) == []  # she is the actor, no actor rule


def test_expressions_follow_mood_and_cool_down():
    rng = random.Random(3)
    shown, log = [], {}
    for tick in range(1, 80):
        expression = choose_expression(mood="melancholy", tick=tick, last_shown=log, rng=rng)
        if expression:
            shown.append(expression)
            log[expression.behaviour] = tick
    assert len(shown) >= 8
    assert all(e.mood == "melancholy" for e in shown)
    ticks = [e.tick for e in shown]
    assert all(b - a >= GAP_TICKS for a, b in itertools.pairwise(ticks))
    last_by_behaviour = {}
    for e in shown:
        if e.behaviour in last_by_behaviour:
            assert e.tick - last_by_behaviour[e.behaviour] >= BEHAVIOUR_COOLDOWN_TICKS
        last_by_behaviour[e.behaviour] = e.tick
    joyful = choose_expression(mood="joy", tick=500, last_shown={}, rng=random.Random(1))
    assert joyful is None or joyful.mood == "joy"


def test_thoughts_come_from_place_company_and_goals():
    rng = random.Random(5)
    thoughts = [
        compose_thought(mood="wonder", place="Sunspire", company=["Oren"], goal="Find the heart", rng=rng)
        for _ in range(30)
    ]
    assert {t["about"] for t in thoughts} == {"place", "company", "goal"}
    assert any("Oren" in t["text"] for t in thoughts) and any("Sunspire" in t["text"] for t in thoughts)
    stream = []
    for thought in thoughts:
        stream = remember_thought(stream, thought)
    assert len(stream) == MAX_THOUGHTS and stream[-1] == thoughts[-1]


def test_every_mood_has_its_colour_light_sound_words_and_ways():
    """A mood added to the model is a mood everywhere it shows: the ring, the places, what
    Spectra and the NPCs say and do in it, and how it sways relationships and beliefs."""
    from memory.insight import MOOD_VALENCE
    from relationships.logic import MOOD_TONES
    from spectra import dialogue, expression, resonance, thoughts
    from spectra.emotion import MOOD_HUES, MOOD_PROTOTYPES
    from world.autonomy import talk_grammar
    from world.autonomy.decision import MOOD_LEANINGS

    tables = {
        "place in PAD space": MOOD_PROTOTYPES,
        "hue": MOOD_HUES,
        "light": resonance.MOOD_LIGHT,
        "sound": resonance.MOOD_SOUND,
        "colours": dialogue.SPECTRA_COLOURS,
        "npc openers": dialogue.NPC_OPENERS,
        "npc feelings": dialogue.NPC_FEELINGS,
        "spectra openers": dialogue.SPECTRA_OPENERS,
        "spectra feelings": dialogue.SPECTRA_FEELINGS,
        "thoughts": {symbol.removeprefix("feel_") for symbol in thoughts.RULES if symbol.startswith("feel_")},
        "behaviours": expression.BEHAVIOURS,
        "talk": talk_grammar.FEELINGS,
        "leanings": MOOD_LEANINGS,
        "valence": MOOD_VALENCE,
    }
    missing = {name: sorted(set(MOODS) - set(table)) for name, table in tables.items() if set(MOODS) - set(table)}
    assert not missing
    # every pleasant mood but the quiet ones is a warm tone in relationships
    assert {"joy", "wonder", "warmth"} <= {mood for mood, tone in MOOD_TONES.items() if tone == "warm"}
