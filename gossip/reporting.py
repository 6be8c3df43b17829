"""The liveliness report's conversation section (issue 12): how varied the world's talk is,
how many NPC exchanges hold together turn by turn, and how far one planted fact spreads by
talk alone within two in-world days.

`plant_report_fact` is a run probe (`world.reporting.sampling.register_run_probe`): in the
report's throwaway copy it plants one gathering in one NPC after `PLANT_AFTER_TICKS` ticks;
`planted_fact_sample` counts who knows it after each tick, and `conversation_final_sample`
reads every talk line at the end. `conversations_section` turns them into figures (pure).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import timedelta
from itertools import pairwise

from gossip.models import Knowledge
from gossip.services import fact_plant
from htrae.vocabulary import EventType
from world.autonomy.conversation import ANSWERS_TO
from world.models import Character, GameEvent, Location, WorldClock
from world.reporting.history import History, Section, Target, _pct, _share

REPORT_FACT_KEY = "report:gathering"
PLANT_AFTER_TICKS = 100  # the run's ticks before the fact is planted (the world has settled)
SPREAD_TICKS = 96  # two in-world days at the default pace
SPREAD_TARGET = 0.5  # Generative Agents: a party invitation reached 52% of the town in two days
GATHERING_AFTER_TICKS = 72  # the gathering starts this long after it is planted ...
GATHERING_TICKS = 8  # ... and lasts this long
DISTINCT_TARGET, TOP_LINE_LIMIT, EXCHANGES_TARGET = 0.8, 0.01, 50
SPREAD_KEY, LINES_KEY, NAMES_KEY = "gossip_spread", "talk_lines", "character_names"
EXAMPLE_EXCHANGES = 4


def plant_report_fact(*, tick: int, ran: int) -> None:
    """After the run's `PLANT_AFTER_TICKS`th tick, tell the lowest-id NPC of a gathering at
    the starting place (or its own place), `GATHERING_AFTER_TICKS` ahead."""
    if ran != PLANT_AFTER_TICKS:
        return
    npc = Character.objects.filter(kind=Character.Kind.NPC, is_active=True).order_by("id").first()
    if npc is None:
        return
    place = Location.objects.filter(is_starting_location=True).first() or npc.location
    clock = WorldClock.objects.get(pk=WorldClock.SINGLETON_ID)
    step = timedelta(seconds=clock.tick_interval_seconds * clock.time_scale)
    when = clock.world_time + step * GATHERING_AFTER_TICKS
    text = f"folk are gathering at {place.name} on {when:%A} at {when:%H}:00, to share a meal and news"
    fact_plant(
        character=npc,
        key=REPORT_FACT_KEY,
        text=text,
        tick=tick,
        kind=Knowledge.Kind.GATHERING,
        importance=0.9,
        location_id=place.id,
        starts_tick=tick + GATHERING_AFTER_TICKS,
        ends_tick=tick + GATHERING_AFTER_TICKS + GATHERING_TICKS,
    )


def planted_fact_sample() -> Mapping:
    """The tick the report's fact was planted and how many NPCs know it now (one query)."""
    rows = list(
        Knowledge.objects.filter(key=REPORT_FACT_KEY, character__kind=Character.Kind.NPC).values_list(
            "source", "learned_tick"
        )
    )
    planted = next((tick for source, tick in rows if source == Knowledge.Source.PLANTED), None)
    return {SPREAD_KEY: (planted, len(rows))} if planted is not None else {}


def conversation_final_sample(*, first_tick: int) -> Mapping:
    """Every NPC and Spectra line of the run with its exchange, and every character's name."""
    rows = (
        GameEvent.objects.filter(type__in=sorted(EventType.TALK), tick__gt=first_tick)
        .order_by("id")
        .values_list("tick", "actor_id", "payload")
    )
    lines = []
    for tick, actor_id, payload in rows.iterator(chunk_size=5000):
        exchange = payload.get("exchange") or {}
        lines.append(
            (
                tick,
                actor_id,
                payload.get("listener_id"),
                str(payload.get("text", "")),
                exchange.get("id"),
                exchange.get("turn"),
                exchange.get("act"),
                exchange.get("answers"),
                exchange.get("topic"),
            )
        )
    names = tuple(Character.objects.order_by("id").values_list("name", flat=True))
    return {LINES_KEY: tuple(lines), NAMES_KEY: names}


# --- the section (pure) ---------------------------------------------------------------------


def names_pattern(names) -> re.Pattern | None:
    """Every full and first name, longest first, as whole words."""
    words = {name.strip() for name in names if name.strip()} | {name.split()[0] for name in names if name.strip()}
    if not words:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) + r")\b")


def without_names(text: str, pattern: re.Pattern | None) -> str:
    return pattern.sub("NAME", text) if pattern is not None else text


def coherent_exchanges(lines, people: set[int]) -> list[list[tuple]]:
    """The exchanges of 3 or more turns among `people` in which each reply answers the line
    before: numbered from 0 without a gap, each turn answering the one before (`answers`),
    spoken by the one it was said to, to the one who said it, on the same topic, by an act
    that answers the act before (`world.autonomy.conversation.ANSWERS_TO`)."""
    by_exchange: dict[str, list[tuple]] = defaultdict(list)
    for line in lines:
        if line[4] is not None:
            by_exchange[line[4]].append(line)
    found = []
    for turns in by_exchange.values():
        turns = sorted(turns, key=lambda line: line[5])
        if len(turns) < 3 or any(line[1] not in people or line[2] not in people for line in turns):
            continue
        if [line[5] for line in turns] != list(range(len(turns))):
            continue
        if all(_answers(before, after) for before, after in pairwise(turns)):
            found.append(turns)
    return found


def _answers(before: tuple, after: tuple) -> bool:
    return (
        after[7] == before[5]
        and after[1] == before[2]
        and after[2] == before[1]
        and after[8] == before[8]
        and after[6] in ANSWERS_TO.get(before[6], ())
    )


def conversations_section(history: History) -> Section:
    lines = history.extras.get(LINES_KEY)
    if lines is None:
        return Section("Conversations and gossip", ("Talk lines: not recorded",))
    pattern = names_pattern(history.extras.get(NAMES_KEY, ()))
    said = Counter(without_names(line[3], pattern) for line in lines if line[3])
    total = sum(said.values())
    distinct = _share(len(said), total)
    top_line, top_count = said.most_common(1)[0] if said else ("", 0)
    top = _share(top_count, total)
    people = set(history.npc_ids)
    exchanges = coherent_exchanges(lines, people)
    text = [
        f"NPC and Spectra lines: {total}; distinct with names replaced: {len(said)} ({_pct(distinct)}); "
        f"most common: {top_count} ({top * 100:.2f}%) {top_line[:80]!r}",
        f"NPC-to-NPC exchanges of 3+ turns, each reply answering the line before: {len(exchanges)}",
    ]
    turns = Counter(len(exchange) for exchange in exchanges)
    text.append("  by length: " + ", ".join(f"{n} turns {count}" for n, count in sorted(turns.items())))
    step = max(1, len(exchanges) // EXAMPLE_EXCHANGES)
    for exchange in exchanges[::step][:EXAMPLE_EXCHANGES]:
        text.append(f"  e.g. tick {exchange[0][0]}:")
        text += [f"    [{line[6]}] {line[3]}" for line in exchange]
    spread_measured, spread_met = _spread(history, text)
    return Section(
        "Conversations and gossip",
        tuple(text),
        (
            Target(
                f"Lines (names replaced) at least {_pct(DISTINCT_TARGET)} distinct",
                f"{_pct(distinct)} of {total}",
                total > 0 and distinct >= DISTINCT_TARGET,
            ),
            Target(
                f"The most common line at most {_pct(TOP_LINE_LIMIT)} of lines",
                f"{top * 100:.2f}%",
                total > 0 and top <= TOP_LINE_LIMIT,
            ),
            Target(
                f"At least {EXCHANGES_TARGET} NPC exchanges of 3+ turns, each reply answering the one before",
                str(len(exchanges)),
                len(exchanges) >= EXCHANGES_TARGET,
            ),
            Target(
                f"A fact told to one NPC known by at least {_pct(SPREAD_TARGET)} of NPCs within {SPREAD_TICKS} ticks",
                spread_measured,
                spread_met,
            ),
        ),
    )


def _spread(history: History, text: list[str]) -> tuple[str, bool | None]:
    spread = {sample.tick: sample.extras[SPREAD_KEY] for sample in history.samples if SPREAD_KEY in sample.extras}
    if not spread:
        text.append("Planted fact: none planted (the report plants one in its throwaway copy)")
        return "not planted", None
    planted = next(iter(spread.values()))[0]
    npcs = max(1, len(history.npc_ids))
    rows = [
        f"+{tick - planted}: {spread[tick][1]}/{npcs}"
        for tick in sorted(spread)
        if (tick - planted) % 12 == 0 and tick - planted <= SPREAD_TICKS
    ]
    text.append(f"Planted fact (tick {planted}): NPCs knowing it, every 12 ticks: " + ", ".join(rows))
    due = planted + SPREAD_TICKS
    if due not in spread:
        return f"run ended before tick {due}", False
    share = spread[due][1] / npcs
    return f"{_pct(share)} ({spread[due][1]} of {npcs}) by tick {due}", share >= SPREAD_TARGET
