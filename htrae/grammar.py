"""A small Tracery-like text grammar: rules are data, expansion is pure and seeded.

A grammar maps a symbol to its alternatives; `#symbol#` in an alternative expands that
symbol, `#symbol.cap#` does so and capitalises the result. Bindings (the speaker's facts: its
place, a person it knows, a fact it heard) are symbols with one alternative each, given per
call, so one set of rules serves every speaker:

    expand({"greet": ("Hello, #name#.", "Well met, #name#.")}, "#greet#", rng, {"name": "Oren"})

Alternatives are picked with the generator passed in (never the `random` module's own), in
the order they are listed, so the same seed gives the same words. The `tracery` package does
the same job but draws from the global generator, which would break replay.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

Rules = Mapping[str, Sequence[str]]

_SYMBOL = re.compile(r"#([a-z_][a-z0-9_]*)(\.cap)?#")
MAX_DEPTH = 12  # a rule that refers to itself stops here instead of recursing forever


class GrammarError(ValueError):
    """A symbol with no rule and no binding, or a rule with no alternatives."""


def expand(rules: Rules, text: str, rng: random.Random, bindings: Mapping[str, str] | None = None) -> str:
    """`text` with every `#symbol#` expanded from `bindings` (first) or `rules`."""
    bindings = bindings or {}
    return _expand(rules, text, rng, bindings, 0)


def _expand(rules: Rules, text: str, rng: random.Random, bindings: Mapping[str, str], depth: int) -> str:
    if depth > MAX_DEPTH:
        raise GrammarError(f"grammar nests deeper than {MAX_DEPTH}: {text!r}")

    def replace(match: re.Match) -> str:
        name, cap = match.group(1), match.group(2)
        if name in bindings:
            found = bindings[name]
        else:
            options = rules.get(name)
            if not options:
                raise GrammarError(f"no rule or binding for #{name}#")
            found = _expand(rules, options[rng.randrange(len(options))], rng, bindings, depth + 1)
        return capitalise(found) if cap else found

    return _SYMBOL.sub(replace, text)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def references(text: str) -> list[str]:
    """The symbols `text` refers to, in order (`#place#` and `#place.cap#` alike)."""
    return [match.group(1) for match in _SYMBOL.finditer(text)]


def symbols(rules: Rules) -> set[str]:
    """Every symbol the rules refer to (a test checks each has a rule or a known binding)."""
    return {match.group(1) for options in rules.values() for option in options for match in _SYMBOL.finditer(option)}
