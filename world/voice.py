"""The voice as content: the phrase grammars characters talk with, as the shipped rules with
designers' edits (`GrammarSymbol` rows) merged in.

`grammar_rules_get` is what the tick reads (one query, once a tick); the admin checks an edit
with `grammar_edit_problems`, shows `grammar_preview`, copies the shipped symbols in for
editing (`grammar_shipped_copy`) and puts a symbol back to its shipped words
(`grammar_symbol_reset`).
"""

from __future__ import annotations

from dataclasses import dataclass

from htrae.grammar import GrammarError
from world.autonomy.grammar_check import (
    GRAMMAR_BINDINGS,
    SHIPPED_GRAMMARS,
    alternatives_parse,
    alternatives_text,
    grammar_problems,
    preview_lines,
    rules_effective,
    rules_merged,
)
from world.models import Character, GrammarSymbol, Location


def _overrides(grammar: str, *, excluding: int | None = None) -> dict[str, tuple[str, ...]]:
    rows = GrammarSymbol.objects.filter(grammar=grammar).order_by("id")
    if excluding is not None:
        rows = rows.exclude(pk=excluding)
    return {symbol: alternatives_parse(text) for symbol, text in rows.values_list("symbol", "alternatives")}


def grammar_rules_get(grammar: str = GrammarSymbol.Grammar.TALK) -> dict[str, tuple[str, ...]]:
    """The rules in force (one query): shipped, with designers' symbols over them; a symbol
    broken in the database anyway keeps its shipped words."""
    return grammars_rules_get(grammar)[grammar]


def grammars_rules_get(*grammars: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """`grammar_rules_get` for several grammars at once (one query): grammar → rules."""
    overrides: dict[str, dict[str, tuple[str, ...]]] = {grammar: {} for grammar in grammars}
    rows = GrammarSymbol.objects.filter(grammar__in=grammars).order_by("id")
    for grammar, symbol, text in rows.values_list("grammar", "symbol", "alternatives"):
        overrides[grammar][symbol] = alternatives_parse(text)
    return {
        grammar: rules_effective(SHIPPED_GRAMMARS[grammar], overrides[grammar], GRAMMAR_BINDINGS[grammar])
        for grammar in grammars
    }


def grammar_edit_problems(
    *, grammar: str, symbol: str, alternatives: str, editing: int | None = None
) -> dict[str, str]:
    """What saving this symbol would break (symbol → problem), the symbol's own problems and
    any it would cause elsewhere (a symbol renamed that others refer to); nothing already
    broken before the edit."""
    shipped, bindings = SHIPPED_GRAMMARS[grammar], GRAMMAR_BINDINGS[grammar]
    others = _overrides(grammar, excluding=editing)
    before = grammar_problems(rules_merged(shipped, _overrides(grammar)), bindings)
    after = grammar_problems(rules_merged(shipped, {**others, symbol: alternatives_parse(alternatives)}), bindings)
    return {name: problem for name, problem in after.items() if name == symbol or before.get(name) != problem}


@dataclass(frozen=True)
class Preview:
    lines: tuple[str, ...] = ()
    error: str = ""


def preview_bindings(grammar: str) -> dict[str, str]:
    """The sample bindings, with names of the world's own first place and people (two queries)."""
    bindings = dict(GRAMMAR_BINDINGS[grammar])
    place = Location.objects.order_by("id").values_list("name", flat=True).first()
    people = list(Character.objects.filter(kind="npc").order_by("id").values_list("name", flat=True)[:2])
    if place:
        bindings["place"] = place
    if len(people) == 2:
        bindings["me"], bindings["you"] = (name.split()[0] for name in people)
    return bindings


def grammar_preview(*, grammar: str, symbol: str, count: int = 10) -> Preview:
    """`count` lines from `symbol` as the grammar stands in the database (seeded: the same
    rows show the same lines), or what stops it expanding."""
    rules = rules_merged(SHIPPED_GRAMMARS[grammar], _overrides(grammar))
    problems = grammar_problems(rules, GRAMMAR_BINDINGS[grammar])
    if symbol in problems:
        return Preview(error=problems[symbol])
    try:
        return Preview(lines=tuple(preview_lines(rules, symbol, preview_bindings(grammar), count=count)))
    except GrammarError as error:
        return Preview(error=str(error))


def grammar_shipped_copy(grammar: str | None = None) -> int:
    """A row for every shipped symbol (of `grammar`, or of every grammar) that has none yet,
    with its shipped words (so designers see and edit them all); returns how many were added.
    Rows kept in the shipped order."""
    grammars = [grammar] if grammar else list(SHIPPED_GRAMMARS)
    have = set(GrammarSymbol.objects.filter(grammar__in=grammars).values_list("grammar", "symbol"))
    rows = [
        GrammarSymbol(grammar=name, symbol=symbol, alternatives=alternatives_text(options))
        for name in grammars
        for symbol, options in SHIPPED_GRAMMARS[name].items()
        if (name, symbol) not in have
    ]
    GrammarSymbol.objects.bulk_create(rows)
    return len(rows)


def shipped_alternatives(row: GrammarSymbol) -> tuple[str, ...] | None:
    """The symbol's shipped words, or None for a symbol designers added."""
    options = SHIPPED_GRAMMARS[row.grammar].get(row.symbol)
    return tuple(options) if options is not None else None


def grammar_symbol_reset(row: GrammarSymbol) -> bool:
    """Put the symbol back to its shipped words; False for a symbol designers added."""
    options = shipped_alternatives(row)
    if options is None:
        return False
    row.alternatives = alternatives_text(options)
    row.save(update_fields=["alternatives", "updated_at"])
    return True
