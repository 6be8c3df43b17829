"""Answers' words as a grammar designers edit in the admin (`world.GrammarSymbol`, grammar
"replies"): every phrase table of `spectra.voices` is a symbol, so a designer can reword how
an NPC greets a player, how Spectra says she does not know, or how a route is told.

- a table of phrases (`NPC_AGAIN`) is the symbol `npc_again`;
- a table by mood or stance (`NPC_OPENERS["joy"]`) is one symbol per key (`npc_openers_joy`);
- `{listener}` in the shipped phrases is `#listener#`, `{Faction}` is `#faction.cap#`, and a
  designer's phrase may use other symbols of the grammar too (`#my_sigh#`).

`voices_from(rules)` gives the composer (`spectra.answers`, `spectra.telling`) the tables as
the rules in force say them, by the shipped names; it fills a phrase with `phrase_fill`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping

from htrae.grammar import Rules, expand, references
from spectra import voices
from spectra.wording import lower_first

_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _tables() -> dict[str, tuple[str, ...] | dict[str, tuple[str, ...]]]:
    """Every phrase table of `spectra.voices`, by name (upper-case names only)."""
    found: dict[str, tuple[str, ...] | dict[str, tuple[str, ...]]] = {}
    for name, value in vars(voices).items():
        if not name.isupper():
            continue
        if (isinstance(value, tuple) and all(isinstance(item, str) for item in value)) or (
            isinstance(value, dict) and all(isinstance(item, tuple) for item in value.values())
        ):
            found[name] = value
    return found


def _as_grammar(phrase: str) -> str:
    """`{name}` → `#name#`, `{Name}` → `#name.cap#`."""

    def symbol(match: re.Match) -> str:
        field = match.group(1)
        return f"#{field.lower()}.cap#" if field[:1].isupper() else f"#{field}#"

    return _FIELD.sub(symbol, phrase)


TABLES = _tables()
# symbol → (table, key or None)
SYMBOLS: dict[str, tuple[str, str | None]] = {}
RULES: dict[str, tuple[str, ...]] = {}
for _name, _table in TABLES.items():
    if isinstance(_table, dict):
        for _key, _phrases in _table.items():
            SYMBOLS[f"{_name.lower()}_{_key}"] = (_name, _key)
            RULES[f"{_name.lower()}_{_key}"] = tuple(_as_grammar(p) for p in _phrases)
    else:
        SYMBOLS[_name.lower()] = (_name, None)
        RULES[_name.lower()] = tuple(_as_grammar(p) for p in _table)

# What the composer fills in, with sample values for the admin's previews.
BINDINGS: dict[str, str] = {
    "listener": "Wren",
    "place": "the Glass Market",
    "colour": "soft pearl",
    "goal": "find the Drowned Bell",
    "name": "Oren Vael",
    "role": "the lamp-warden",
    "faction": "the Luminari",
    "region": "Lanternfall",
    "stops": "Lanternfall Commons",
    "walk": "about an hour on foot",
    "what": "the lamp-warden of the Sunspire",
    "title": "The Drowned Folio",
    "task": "bring the folio home",
    "step": "Travel to the Mirewold.",
    "giver": "Halden Roe",
    "where": " at the Sunspire",
    "memory": "the lamps burned strange last night",
    "belief": "Oren can be trusted",
    "feeling": "glad of company",
}
for _phrases in RULES.values():  # any other field a shipped phrase fills
    for _phrase in _phrases:
        for _field in references(_phrase):
            if _field not in RULES:
                BINDINGS.setdefault(_field, _field)


class Voices:
    """The phrase tables as the rules in force say them, by `spectra.voices`' names
    (`Voices(rules).NPC_OPENERS["joy"]`), in the grammar's own syntax."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        for name, table in TABLES.items():
            if isinstance(table, dict):
                value: object = {key: tuple(rules[f"{name.lower()}_{key}"]) for key in table}
            else:
                value = tuple(rules[name.lower()])
            setattr(self, name, value)


SHIPPED = Voices(RULES)


def voices_from(rules: Rules | None) -> Voices:
    """The tables as `rules` say them (None: as shipped)."""
    return SHIPPED if rules is None else Voices(rules)


def phrase_fill(voices_now: Voices, phrase: str, rng: random.Random, fill: Mapping[str, str]) -> str:
    """A phrase with its fields filled (and any symbol a designer put in it expanded)."""
    return expand(voices_now.rules, phrase, rng, {key: str(value) for key, value in fill.items()})


def lead_in(phrase: str, told: str) -> str:
    """A lead-in phrase ("As I said,") before what is told, one space between whatever the
    phrase ends with (the admin's form trims a designer's trailing space)."""
    return f"{phrase.rstrip()} {lower_first(told)}"
