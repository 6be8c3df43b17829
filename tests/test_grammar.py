"""The text grammar: bindings before rules, seeded choice, capitals, and loud failure."""

import random

import pytest

from htrae.grammar import GrammarError, expand, symbols

RULES = {"greet": ("Hello, #name#.", "Well met, #name#."), "start": ("#greet# #tail.cap#",), "tail": ("bye", "so long")}


def test_expansion_uses_bindings_and_the_generator_only():
    first = [expand(RULES, "#start#", random.Random(seed), {"name": "Oren"}) for seed in range(20)]
    again = [expand(RULES, "#start#", random.Random(seed), {"name": "Oren"}) for seed in range(20)]
    assert first == again  # the same seed, the same words
    assert len(set(first)) == 4  # every alternative is reachable
    assert all("Oren" in line and (line.endswith("Bye") or line.endswith("So long")) for line in first)


def test_a_binding_wins_over_a_rule_of_the_same_name():
    assert expand(RULES, "#tail#", random.Random(1), {"tail": "later"}) == "later"


def test_an_unknown_symbol_and_endless_recursion_fail_loudly():
    with pytest.raises(GrammarError):
        expand(RULES, "#nobody#", random.Random(1))
    with pytest.raises(GrammarError):
        expand({"loop": ("#loop#",)}, "#loop#", random.Random(1))


def test_symbols_lists_every_reference():
    assert symbols(RULES) == {"name", "greet", "tail"}
