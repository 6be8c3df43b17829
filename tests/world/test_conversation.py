"""Conversations (pure): several turns, each answering the one before; topics from what the
speaker knows, new news first; words that depend on the listener; secrets and guarded goals
kept from the wrong ears; the same seed, the same words."""

import random
from collections import Counter
from itertools import pairwise

import pytest

from htrae.grammar import symbols
from world.autonomy.actions import apply_decision
from world.autonomy.conversation import (
    ANSWERS_TO,
    GREET,
    TOPIC,
    choose_topic,
    compose_exchange,
    own_aim,
)
from world.autonomy.decision import TALK, Decision
from world.autonomy.state import CharacterState, Fact, Neighbour, Perception, Regard
from world.autonomy.talk_grammar import DAYPARTS, FEELINGS, RULES

GUILD = Fact(
    "faction:1", "forge a prism to rival the Sunspire's", "allegiance", "The Glasswright Guild", 0.0, faction_id=1
)
LEDGER = Fact("faction:2", "keep every record", "allegiance", "The Quiet Ledger", 0.0, faction_id=2)
NEWS = Fact("news:fair", "there's a fair at the Commons", "heard", importance=0.9, learned_tick=10, told_by="Pim Alder")
SECRET = Fact(
    "lore:9", "The Sun-Prism was built to think.", "lore", "The Thinking Prism", 0.4, secret=True, faction_id=1
)


def npc(id, name, *, faction=1, facts=(GUILD,), goals=("find a cure for a sister's cough",), regard=None, mood="calm"):
    return CharacterState(
        id=id, name=name, kind="npc", location_id=1, faction_id=faction, goals=goals, mood=mood,
        facts=facts, regard=regard or {},
    )  # fmt: skip


def exchange(speaker, listener, seed, **extra):
    return compose_exchange(
        speaker=speaker, listener=listener, listener_id=listener.id if listener else 99,
        listener_name=listener.name if listener else "wren", listener_kind=listener.kind if listener else "player",
        place="The Glass Market", hour=14, tick=12, rng=random.Random(seed), **extra,
    )  # fmt: skip


def test_each_turn_answers_the_one_before():
    a, b = npc(1, "Nessa Brightwell"), npc(2, "Varo Kesh")
    for seed in range(60):
        turns = exchange(a, b, seed)
        assert 5 <= len(turns) <= 6
        assert turns[0].act == GREET and turns[2].act == TOPIC
        for before, after in pairwise(turns):
            assert after.speaker_id == before.listener_id and after.listener_id == before.speaker_id
            assert after.act in ANSWERS_TO[before.act] and after.topic == before.topic


def test_fresh_news_the_listener_lacks_is_the_likely_topic_and_is_told_once_known():
    a, b = npc(1, "Nessa Brightwell", facts=(GUILD, NEWS)), npc(2, "Varo Kesh")
    topics = Counter(exchange(a, b, seed)[2].topic for seed in range(100))
    assert topics["fact"] > 60
    told = [exchange(a, b, seed)[2] for seed in range(100)]
    assert all(
        turn.fact == NEWS and "there's a fair at the commons" in turn.text.lower()
        for turn in told
        if turn.topic == "fact"
    )
    knows = npc(2, "Varo Kesh", facts=(GUILD, NEWS))
    assert all(exchange(a, knows, seed)[2].topic != "fact" for seed in range(60))  # not told what it knows
    stale = npc(
        1, "Nessa Brightwell", facts=(GUILD, Fact("news:old", "old news", "heard", importance=0.9, learned_tick=-100))
    )
    assert Counter(exchange(stale, b, seed)[2].topic for seed in range(100))["fact"] < topics["fact"] / 2


def test_a_secret_stays_within_its_faction():
    a = npc(1, "Nessa Brightwell", facts=(GUILD, SECRET))
    fellow, outsider = npc(2, "Varo Kesh", facts=(GUILD,)), npc(3, "Selm Oddry", faction=2, facts=(LEDGER,))
    assert any(exchange(a, fellow, seed)[2].topic == "secret" for seed in range(60))
    for seed in range(60):
        assert all("built to think" not in turn.text for turn in exchange(a, outsider, seed))


def test_a_wish_to_leave_is_not_told_to_fellow_members_nor_a_grudge_to_its_target():
    a = npc(1, "Dace Holloway", goals=("Leave the Guild behind",), facts=(GUILD,))
    fellow = npc(2, "Varo Kesh", facts=(GUILD,))
    for seed in range(60):
        assert all("leave the guild" not in turn.text.lower() for turn in exchange(a, fellow, seed))
    b = npc(1, "Celestine Aumbry", faction=2, goals=("Cripple the Guild",), facts=(LEDGER,))
    for seed in range(60):
        assert all("cripple" not in turn.text.lower() for turn in exchange(b, fellow, seed))


def test_words_follow_how_the_two_stand():
    rival = npc(1, "Rhosyn Blackthorn", regard={2: Regard(affinity=-0.7, familiarity=0.4)})
    other = npc(2, "Varo Kesh", regard={1: Regard(affinity=-0.8, familiarity=0.4)})
    friend = npc(1, "Rhosyn Blackthorn", regard={2: Regard(affinity=0.7, familiarity=0.8)})
    assert all(turns[-1].act == "farewell" for turns in (exchange(rival, other, s) for s in range(30)))
    warm_openers = {exchange(friend, other, seed)[0].text.split(",")[0] for seed in range(30)}
    cold_openers = [exchange(rival, other, seed)[0].text for seed in range(30)]
    assert warm_openers & set(RULES["hello_warm"]) and not warm_openers & set(RULES["hello_cold"])
    assert all(any(line.startswith(hello) for hello in RULES["hello_cold"]) for line in cold_openers)


def test_a_player_gets_one_line_to_answer_for_themself():
    turns = exchange(npc(1, "Nessa Brightwell", facts=(GUILD, NEWS)), None, 3)
    assert len(turns) == 1 and turns[0].act == TOPIC and turns[0].listener_id == 99


def test_nobody_is_told_of_a_deed_of_its_own():
    """Varo saw Dace quarrel; he tells Nessa of it, but never Dace himself (who does not hold
    his own deed as news, and was told of it in the third person)."""
    quarrel = Fact(
        "deed:7", "Dace Holloway had it out with Rhosyn Blackthorn at the Kilnworks", "deed", "Dace Holloway",
        importance=0.9, learned_tick=10,
    )  # fmt: skip
    varo = npc(2, "Varo Kesh", facts=(GUILD, quarrel))
    nessa, dace = npc(1, "Nessa Brightwell"), npc(3, "Dace Holloway")
    assert any(exchange(varo, nessa, seed)[2].fact == quarrel for seed in range(40))
    assert not any(turn.fact == quarrel for seed in range(40) for turn in exchange(varo, dace, seed))
    assert not any(turn.fact == quarrel for seed in range(40) for turn in exchange(dace, varo, seed))


def test_news_of_the_listeners_own_comes_back_in_the_answer():
    a = npc(1, "Nessa Brightwell")
    b = npc(2, "Varo Kesh", facts=(GUILD, NEWS))
    swapped = [turns[3] for turns in (exchange(a, b, seed) for seed in range(60)) if turns[3].fact is not None]
    assert swapped and all(turn.fact == NEWS and turn.speaker_id == 2 for turn in swapped)


def test_the_same_seed_gives_the_same_exchange_and_the_grammar_is_complete():
    a, b = npc(1, "Nessa Brightwell", facts=(GUILD, NEWS)), npc(2, "Varo Kesh")
    assert exchange(a, b, 5) == exchange(a, b, 5)
    bound = {"me", "you", "place", "daypart", "partday", "feeling", "my_goal", "my_faction", "their_faction",
             "their_aim", "aim", "fact", "source", "memory", "lore", "lore_summary", "subject", "opinion", "goal",
             "belief", "their_fact"}  # fmt: skip
    assert symbols(RULES) - set(RULES) <= bound
    assert set(FEELINGS) >= {"calm", "joy", "melancholy"} and set(DAYPARTS) == {
        "night", "dawn", "morning", "afternoon", "evening",
    }  # fmt: skip


def test_the_exchange_becomes_one_event_per_turn_by_its_own_speaker():
    me = npc(1, "Nessa Brightwell", facts=(GUILD, NEWS))
    listener = npc(2, "Varo Kesh")
    perception = Perception(me=me, location_name="The Glass Market", others_here=(Neighbour(2, "Varo Kesh", "npc", 1),))
    outcome = apply_decision(
        perception, Decision(TALK, {}, target_id=2, detail="Varo Kesh"), tick=12, rng=random.Random(4),
        listener=listener,
    )  # fmt: skip
    events = outcome.events
    assert len(events) >= 5 and all(e.type == "NPC_TALKED" for e in events)
    assert [e.payload["actor_id"] for e in events[:4]] == [1, 2, 1, 2]
    assert [e.payload["exchange"]["turn"] for e in events] == list(range(len(events)))
    assert all(e.payload["exchange"]["answers"] == i - 1 for i, e in enumerate(events) if i)
    told = [e for e in events if "fact" in e.payload]
    assert all(e.payload["fact"]["key"] == "news:fair" for e in told)


def test_topics_range_over_what_the_speaker_knows():
    memory = Fact("memory:1", "My father kept the lamps.", "memory", importance=0.6)
    a = npc(1, "Oren Vael", facts=(GUILD, memory, SECRET), goals=("keep the lamps lit",))
    b = npc(2, "Varo Kesh", facts=(GUILD,))
    elsewhere = (Neighbour(5, "Pim Alder", "npc"),)
    kinds = Counter(
        choose_topic(a, b, tick=12, rng=random.Random(seed), standing=None, known_elsewhere=elsewhere).kind
        for seed in range(300)
    )
    assert {"memory", "secret", "goal", "person", "faction_same", "place"} <= set(kinds)


def test_a_line_never_says_the_same_thing_twice():
    """A tail clause drawn from the same phrase as the line's opening is dropped, whatever its
    connective ('Though ...', '..., too')."""
    from world.autonomy.repeats import without_repeats

    assert (
        without_repeats(
            "At last, Nessa! The Commons smells of woodsmoke this night. "
            "Though the Commons smells of woodsmoke this night."
        )
        == "At last, Nessa! The Commons smells of woodsmoke this night."
    )
    assert without_repeats(
        "I am full of wonder this night, and here you are. I am full of wonder this night, too."
    ) == ("I am full of wonder this night, and here you are.")
    kept = "Is that so. The air smells of rain."
    assert without_repeats(kept) == kept


def test_a_closing_clause_never_says_again_what_the_line_said():
    """A tail that shares a run of words with the line it closes ("I woke curious about
    everything ... And today finds me curious about everything, too") is drawn again."""
    from world.autonomy.repeats import SAID_AGAIN_WORDS, word_runs

    pim = npc(1, "Pim Alder", goals=("fetch water before dark",), mood="curiosity")
    nessa = npc(2, "Nessa Brightwell", goals=("fetch water before dark",), mood="curiosity")
    tailed = 0
    for seed in range(300):
        for turn in exchange(pim, nessa, seed):
            sentences = [s for s in turn.text.replace("; ", ". ").split(". ") if s]
            runs = [word_runs(sentence) for sentence in sentences]
            tailed += len(sentences) > 1
            for earlier, later in pairwise(runs):
                assert not earlier & later, turn.text
    assert tailed > 300 and SAID_AGAIN_WORDS == 3


def test_what_counts_as_said_twice_does_not_hang_on_how_many_words_a_name_has():
    """Renaming a place (same ids, same seed) must not change which tails are redrawn, or the
    replay of a renamed world differs: a name, joined by "of", "the", "and", is one word."""
    from world.autonomy.repeats import says_again, word_runs

    line = "I came to The Ruins of Aurel. And the air in The Ruins of Aurel smells of rain, too."
    renamed = line.replace("Ruins of Aurel", "Qxab")
    assert word_runs(line) == word_runs(renamed)
    assert word_runs("The Tallow & Tide and the Sky Harbour of Vell") == word_runs("The Qxab and the Qxac")
    tail = " The air in The Sky Harbour of Vell smells of rain."
    assert says_again("I came to The Ruins of Aurel.", tail) == says_again("I came to The Qxab.", tail)
    assert says_again("The air here smells of rain.", tail)
    assert not says_again("Good day to you.", tail)


def test_a_player_greeted_by_name_keeps_the_name_as_written():
    """A line opens with a capital, but a player named "wren" greeted first by name is not
    "Wren" (served by hand: "Hand_qghmyr! I can't say why I'm rested")."""
    pim = npc(1, "Pim Alder")
    openings = [turn.text for seed in range(300) for turn in exchange(pim, None, seed) if turn.listener_id == 99]
    by_name = [text for text in openings if text.lower().startswith("wren")]
    assert by_name and all(text.startswith("wren") for text in by_name)
    assert all(text[:1].isupper() or text.startswith("wren") for text in openings)


def test_spectra_says_her_goals_of_herself_and_others_say_them_of_her():
    """Her goals are written about her ("...who neither fears her"); in her own mouth they are
    hers ("...who neither fears me"), in another's they stay hers ("her")."""
    from dataclasses import replace

    goal = "Make a friend who neither fears her nor wants to own her"
    spectra = replace(npc(1, "Spectra", faction=None, facts=(), goals=(goal,)), kind="spectra")
    oren = npc(2, "Oren Vael")
    hers, theirs = [], []
    for seed in range(60):
        for turn in exchange(spectra, oren, seed):
            (hers if turn.speaker_id == spectra.id else theirs).append(turn.text)
    said_by_her = [text for text in hers if "neither fears" in text]
    echoed = [text for text in theirs if "neither fears" in text]
    assert said_by_her and all("neither fears me nor wants to own me" in text for text in said_by_her)
    assert echoed and all("neither fears her nor wants to own her" in text for text in echoed)


@pytest.mark.parametrize(
    ("goal", "said"),
    [
        ("pass her songs to an heir before she dies", "pass my songs to an heir before I die"),
        ("keep faction quarrels outside her door", "keep faction quarrels outside my door"),
        ("reconcile with her former student Rhosyn Blackthorn", "reconcile with my former student Rhosyn Blackthorn"),
        # someone named before the pronoun: it is theirs, and stays
        ("meet Spectra and show her the whispering pebbles", "meet Spectra and show her the whispering pebbles"),
        (
            "decide whether Spectra should learn the truth of her making",
            "decide whether Spectra should learn the truth of her making",
        ),
        ("help newcomers find their feet", "help newcomers find their feet"),
    ],
)
def test_an_npc_says_its_goal_in_its_own_voice(goal, said):
    nan = CharacterState(id=1, name="Nan Hesper", kind="npc", location_id=1)
    assert own_aim(goal, nan) == said


def test_spectras_goals_all_speak_of_her():
    spectra = CharacterState(id=2, name="Spectra", kind="spectra", location_id=1)
    assert own_aim("learn why Lanternfall's lanterns change colour with her moods", spectra) == (
        "learn why Lanternfall's lanterns change colour with my moods"
    )
