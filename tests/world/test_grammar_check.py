"""The talk grammar as designers edit it (pure): what the check refuses (a symbol nobody
defines, an empty line, a rule that recurses or nests too deep, a rule named like a
binding), what the tick keeps of a grammar broken anyway, seeded previews, and one list of
bindings the composer and the check agree on."""

import random

import pytest

from htrae.grammar import MAX_DEPTH, GrammarError
from world.autonomy import conversation
from world.autonomy.conversation import TALK_BINDINGS, compose_exchange
from world.autonomy.grammar_check import (
    alternatives_parse,
    alternatives_text,
    grammar_problems,
    preview_lines,
    rules_effective,
    rules_merged,
)
from world.autonomy.state import CharacterState, Fact
from world.autonomy.talk_grammar import RULES

GUILD = Fact("faction:1", "forge a prism", "allegiance", "The Glasswright Guild", 0.0, faction_id=1)
NEWS = Fact("news:fair", "there's a fair at the Commons", "heard", importance=0.9, learned_tick=10, told_by="Pim")


def npc(id, name, **extra):
    return CharacterState(
        id=id, name=name, kind="npc", location_id=1, faction_id=1, goals=("mend the lantern",), mood="calm",
        facts=(GUILD, NEWS), regard={}, **extra,
    )  # fmt: skip


def talk(seed, rules=RULES):
    a, b = npc(1, "Nessa Brightwell"), npc(2, "Varo Kesh")
    return compose_exchange(
        speaker=a, listener=b, listener_id=2, listener_name=b.name, listener_kind="npc",
        place="The Glass Market", hour=14, tick=12, rng=random.Random(seed), rules=rules,
    )  # fmt: skip


def problems_with(**edits):
    return grammar_problems(rules_merged(RULES, edits), TALK_BINDINGS)


def test_the_shipped_grammar_passes_its_own_check():
    assert grammar_problems(RULES, TALK_BINDINGS) == {}


def test_a_symbol_nobody_defines_is_refused_and_named():
    problems = problems_with(hello=("Hail, #stranger_thing#",))
    assert set(problems) == {"hello"}
    assert "#stranger_thing#" in problems["hello"] and "#you#" in problems["hello"]


def test_bindings_and_capitalised_references_are_not_unknown():
    assert problems_with(hello=("Hail, #you#, in #place.cap#", "#later.cap#")) == {}


@pytest.mark.parametrize("options", [(), ("Hail", ""), ("Hail", "   ")])
def test_no_alternatives_or_an_empty_one_is_refused(options):
    assert set(problems_with(hello=options)) == {"hello"}


def test_a_rule_named_like_a_binding_is_refused():
    assert "filled in by the talk" in problems_with(place=("somewhere",))["place"]


@pytest.mark.parametrize(
    "edits, looped",
    [
        ({"hello": ("#hello#, friend",)}, {"hello"}),
        # refers to itself only sometimes: it still may recurse forever
        ({"later": ("soon", "after #later#")}, {"later"}),
        # through another symbol, shipped at that
        ({"small": ("#weather#",), "weather": ("#small#, again",)}, {"small", "weather"}),
    ],
)
def test_a_rule_that_recurses_is_refused(edits, looped):
    problems = problems_with(**edits)
    assert looped <= set(problems)
    assert all("recurse forever" in problems[name] for name in looped)


def test_a_rule_nesting_deeper_than_the_engine_expands_is_refused():
    chain = {f"s{n}": (f"#s{n + 1}#",) for n in range(MAX_DEPTH + 1)} | {f"s{MAX_DEPTH + 1}": ("end",)}
    problems = grammar_problems(chain, TALK_BINDINGS)
    assert "nests" in problems["s0"]
    fine = {f"s{n}": (f"#s{n + 1}#",) for n in range(MAX_DEPTH - 1)} | {f"s{MAX_DEPTH - 1}": ("end",)}
    assert grammar_problems(fine, TALK_BINDINGS) == {}
    assert preview_lines(fine, "s0", {}, count=1) == ["end"]


def test_the_tick_keeps_sound_edits_and_drops_broken_ones_to_the_shipped_words():
    edits = {"bye": ("So long",), "later": ("after #later#",), "ghost": ("#nowhere#",), "hello": ("Hail",)}
    rules = rules_effective(RULES, edits, TALK_BINDINGS)
    assert rules["bye"] == ("So long",) and rules["hello"] == ("Hail",)
    assert rules["later"] == RULES["later"] and "ghost" not in rules
    assert grammar_problems(rules, TALK_BINDINGS) == {}


def test_alternatives_are_one_per_line_and_keep_a_leading_space():
    assert alternatives_parse(" Still, #small#.\r\nAnd so.\n\n") == (" Still, #small#.", "And so.")
    assert alternatives_parse(alternatives_text(RULES["tail"])) == RULES["tail"]
    assert alternatives_parse("") == ()


def test_a_preview_is_the_same_for_the_same_grammar_and_an_error_for_a_broken_one():
    first = preview_lines(RULES, "greet_plain", TALK_BINDINGS)
    assert first == preview_lines(RULES, "greet_plain", TALK_BINDINGS) and len(first) == 10
    assert all("Varo" in line for line in first)
    with pytest.raises(GrammarError):
        preview_lines(rules_merged(RULES, {"hello": ("#nowhere#",)}), "hello", TALK_BINDINGS)


def test_the_composer_speaks_designers_words_and_the_same_seed_gives_the_same_lines():
    rules = rules_merged(RULES, {"tail": (" The moths are loud tonight.",)})
    spoken = []
    for seed in range(5):
        turns = talk(seed, rules)
        assert turns == talk(seed, rules)
        spoken += [turn.text for turn in turns]
        assert not any("moths" in turn.text for turn in talk(seed))
    # a line runs on with its tail now and then (conversation.TAIL_SHARE), in the new words
    assert any("The moths are loud tonight." in text for text in spoken)


def test_a_line_the_designers_words_cannot_say_here_falls_back_to_the_shipped_words():
    # #their_fact# is a binding, so the check lets it pass, but only a swapped answer has it
    rules = rules_merged(RULES, {"tail": (" And #their_fact#.",)})
    for seed in range(5):
        assert all(turn.text for turn in talk(seed, rules))


def test_every_binding_the_composer_gives_is_in_the_one_list_the_check_uses(monkeypatch):
    given: set[str] = set()
    real = conversation.expand

    def recording(rules, text, rng, bindings=None):
        given.update(bindings or {})
        return real(rules, text, rng, bindings)

    monkeypatch.setattr(conversation, "expand", recording)
    for seed in range(40):
        talk(seed)
    internal = {"subject_id"}  # an id the composer keeps with the topic, never said
    assert given and given - internal <= set(TALK_BINDINGS)
