"""The talk grammar as designers edit it (pure): the shipped rules with their edits merged in,
what is wrong with a grammar (a symbol nobody defines, an empty alternative, a rule that
recurses), and preview lines.

The shipped grammars stay in code (`SHIPPED_GRAMMARS`); rows of `world.GrammarSymbol`
override or add symbols. The check runs in the admin form (a bad edit is refused) and again
when the tick reads the rules (a rule broken in the database anyway, by a deletion, falls
back to its shipped words instead of breaking the tick).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

from htrae.grammar import MAX_DEPTH, expand, references
from world.autonomy.conversation import TALK_BINDINGS
from world.autonomy.talk_grammar import RULES

Rules = Mapping[str, Sequence[str]]

TALK = "talk"
SHIPPED_GRAMMARS: dict[str, Rules] = {TALK: RULES}
# The symbols each grammar's composer binds per call, with sample values for previews.
GRAMMAR_BINDINGS: dict[str, Mapping[str, str]] = {TALK: TALK_BINDINGS}


def register_grammar(name: str, rules: Rules, bindings: Mapping[str, str]) -> None:
    """Ship another app's grammar (its `AppConfig.ready`): designers edit it like the talk.
    `name` must be one of `world.GrammarSymbol.Grammar`'s values."""
    SHIPPED_GRAMMARS[name] = rules
    GRAMMAR_BINDINGS[name] = bindings


SYMBOL_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")  # what `#name#` in the engine can refer to
PREVIEW_SEED = 12  # previews draw from a fixed seed: the same grammar shows the same lines


def alternatives_parse(text: str) -> tuple[str, ...]:
    """One alternative per line, kept as written (a leading space is part of it: the tail of
    a line starts with one); line breaks at the end are not alternatives."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    return tuple(text.split("\n")) if text else ()


def alternatives_text(alternatives: Sequence[str]) -> str:
    return "\n".join(alternatives)


def rules_merged(shipped: Rules, overrides: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """The shipped rules with designers' symbols replacing or adding to them."""
    return {
        **{name: tuple(options) for name, options in shipped.items()},
        **{k: tuple(v) for k, v in overrides.items()},
    }


def grammar_problems(rules: Rules, bindings: Mapping[str, object]) -> dict[str, str]:
    """symbol → what is wrong with it, in a sentence a designer can act on. Empty: sound."""
    problems: dict[str, str] = {}
    for name, options in rules.items():
        if name in bindings:
            problems[name] = f"#{name}# is filled in by the talk itself; a rule by that name would never be used."
        elif not options:
            problems[name] = "It has no alternatives: give at least one line."
        elif any(not option.strip() for option in options):
            line = next(i for i, option in enumerate(options, 1) if not option.strip())
            problems[name] = f"Line {line} is empty: remove it (each line is one thing that may be said)."
        else:
            unknown = [
                ref for option in options for ref in references(option) if ref not in rules and ref not in bindings
            ]
            if unknown:
                problems[name] = (
                    f"#{unknown[0]}# is neither a symbol of this grammar nor something the talk fills in "
                    f"({', '.join('#' + b + '#' for b in sorted(bindings))})."
                )
    for name, message in _recursion_problems(rules, bindings).items():
        problems.setdefault(name, message)
    return problems


def _recursion_problems(rules: Rules, bindings: Mapping[str, object]) -> dict[str, str]:
    """Symbols on a loop (a rule that refers back to itself, directly or not, may recurse
    forever) and symbols whose expansion nests deeper than the engine allows."""
    follows = {
        name: sorted({ref for option in options for ref in references(option) if ref in rules and ref not in bindings})
        for name, options in rules.items()
        if name not in bindings
    }
    problems: dict[str, str] = {}
    depth: dict[str, int] = {}  # symbols nested under each symbol, itself included
    state: dict[str, int] = {}  # 1: being visited, 2: done
    path: list[str] = []

    def visit(name: str) -> int:
        if state.get(name) == 2:
            return depth[name]
        if state.get(name) == 1:
            loop = [*path[path.index(name) :], name]
            for member in loop[:-1]:
                problems.setdefault(
                    member,
                    "It refers back to itself (" + " → ".join(f"#{s}#" for s in loop) + "): it could recurse forever.",
                )
            return 0
        state[name] = 1
        path.append(name)
        deepest = max((visit(child) for child in follows[name]), default=0)
        path.pop()
        state[name] = 2
        depth[name] = deepest + 1
        return depth[name]

    for name in sorted(follows):
        if visit(name) > MAX_DEPTH and name not in problems:
            problems[name] = f"Its expansion nests {depth[name]} symbols deep; at most {MAX_DEPTH} can be expanded."
    return problems


def rules_effective(shipped: Rules, overrides: Mapping[str, Sequence[str]], bindings: Mapping[str, object]) -> dict:
    """The merged rules, with every designer's symbol that breaks the grammar dropped (back
    to its shipped words, or gone if it was an addition) until none does. Deterministic:
    the same rows give the same rules."""
    kept = dict(overrides)
    while True:
        rules = rules_merged(shipped, kept)
        problems = grammar_problems(rules, bindings)
        broken = [name for name in problems if name in kept]
        if not problems:
            return rules
        if not broken:  # only shipped symbols show it (nested too deep): the shipped grammar alone
            return rules_merged(shipped, {})
        for name in sorted(broken):
            del kept[name]


def preview_lines(
    rules: Rules, symbol: str, bindings: Mapping[str, str], *, count: int = 10, seed: int = PREVIEW_SEED
) -> list[str]:
    """`count` lines from `symbol`, drawn from one seeded generator; GrammarError if the
    grammar cannot expand it."""
    rng = random.Random(seed)
    return [expand(rules, f"#{symbol}#", rng, bindings).strip() for _ in range(count)]
