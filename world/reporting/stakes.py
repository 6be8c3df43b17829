"""Issue 12's figures: factions with stakes and quests with stakes (no ORM).

The narrative app's samplers (`narrative.reporting`) put into each tick's `extras` every
relation's standing (`faction_standings`), every faction's power (`faction_power`) and the
incidents added that tick by kind (`faction_incidents`), and into the history's `extras`
the emergent quests started during the run (`emergent_quests`: title, outcome, the quest
each follows in a chain). The keys are plain strings so `world` imports nothing of
`narrative`.
"""

from __future__ import annotations

from statistics import median

from world.reporting.history import History, Section, Target, _pct, _share

FACTION_STANDINGS = "faction_standings"
FACTION_POWER = "faction_power"
FACTION_INCIDENTS = "faction_incidents"
EMERGENT_QUESTS = "emergent_quests"

STANDING_RANGE_TARGET = 15  # median range of a relation's standing over the run, in points
INCIDENTS_TARGET = 5  # kind words and clashes, each
POWER_EXTREMES = (0, 100)
POWER_EXTREME_TICKS = 200  # no faction's power at 0 or 100 for more ticks than this
DISTINCT_TITLES_TARGET = 30
FAILED_SHARE_TARGET = 0.05
CHAINS_TARGET = 2  # chains of two or more quests


def standing_ranges(history: History) -> dict[tuple[str, str], int]:
    """(faction, other) → highest minus lowest standing over the run's samples."""
    seen: dict[tuple[str, str], list[int]] = {}
    for sample in history.samples:
        for pair, standing in sample.extras.get(FACTION_STANDINGS, {}).items():
            seen.setdefault(tuple(pair), []).append(standing)
    return {pair: max(values) - min(values) for pair, values in sorted(seen.items())}


def incident_counts(history: History) -> dict[str, int]:
    """Incident kind → incidents over the run (a clash counts once per direction)."""
    counted: dict[str, int] = {}
    for sample in history.ticks:
        for kind, count in sample.extras.get(FACTION_INCIDENTS, {}).items():
            counted[kind] = counted.get(kind, 0) + count
    return counted


def ticks_at_extreme_power(history: History) -> dict[str, int]:
    """Faction → ticks after which its power stood at 0 or 100."""
    counted: dict[str, int] = {}
    for sample in history.ticks:
        for faction, power in sample.extras.get(FACTION_POWER, {}).items():
            counted[faction] = counted.get(faction, 0) + (power in POWER_EXTREMES)
    return counted


def chain_lengths(quests: tuple[dict, ...]) -> list[int]:
    """The length of every chain of quests (a quest and those that follow it, one after
    another), longest path from each quest no other quest of the run precedes; a lone
    quest is a chain of 1."""
    ids = {quest["id"] for quest in quests}
    following: dict[int, list[int]] = {}
    for quest in quests:
        if quest.get("follows_id") in ids:
            following.setdefault(quest["follows_id"], []).append(quest["id"])

    def depth(quest_id: int, seen: frozenset[int]) -> int:
        nexts = [n for n in following.get(quest_id, ()) if n not in seen]
        return 1 + max((depth(n, seen | {n}) for n in nexts), default=0)

    roots = [q["id"] for q in quests if q.get("follows_id") not in ids]
    return [depth(root, frozenset({root})) for root in roots]


def factions_and_quests_section(history: History) -> Section:
    lines: list[str] = []
    recorded = any(FACTION_STANDINGS in sample.extras for sample in history.samples)
    if not recorded:
        lines.append("Factions: not recorded")
        faction_targets = (
            Target(f"Faction pairs' standing range: median at least {STANDING_RANGE_TARGET}", "not recorded", None),
            Target(f"At least {INCIDENTS_TARGET} kind-word incidents", "not recorded", None),
            Target(f"At least {INCIDENTS_TARGET} clash incidents", "not recorded", None),
            Target(f"No faction's power at 0 or 100 for more than {POWER_EXTREME_TICKS} ticks", "not recorded", None),
        )
    else:
        ranges = standing_ranges(history)
        middle = median(ranges.values()) if ranges else 0
        widest = max(ranges.values(), default=0)
        incidents = incident_counts(history)
        extremes = ticks_at_extreme_power(history)
        worst = max(extremes.items(), key=lambda kv: (kv[1], kv[0]), default=("", 0))
        final_power = history.samples[-1].extras.get(FACTION_POWER, {}) if history.samples else {}
        lines += [
            f"Relations (directed pairs): {len(ranges)}; standing range over the run: median {middle:g}, max {widest}",
            "Incidents: " + (", ".join(f"{kind} {count}" for kind, count in sorted(incidents.items())) or "none"),
            "Power at the end: " + (", ".join(f"{slug} {power}" for slug, power in sorted(final_power.items()))),
            "Ticks at power 0 or 100: "
            + (", ".join(f"{slug} {count}" for slug, count in sorted(extremes.items()) if count) or "none"),
        ]
        faction_targets = (
            Target(
                f"Faction pairs' standing range: median at least {STANDING_RANGE_TARGET}",
                f"median {middle:g} (max {widest})",
                bool(ranges) and middle >= STANDING_RANGE_TARGET,
            ),
            Target(
                f"At least {INCIDENTS_TARGET} kind-word incidents",
                str(incidents.get("kind_word", 0)),
                incidents.get("kind_word", 0) >= INCIDENTS_TARGET,
            ),
            Target(
                f"At least {INCIDENTS_TARGET} clash incidents",
                str(incidents.get("clash", 0)),
                incidents.get("clash", 0) >= INCIDENTS_TARGET,
            ),
            Target(
                f"No faction's power at 0 or 100 for more than {POWER_EXTREME_TICKS} ticks",
                f"longest {worst[1]} ticks" + (f" ({worst[0]})" if worst[1] else ""),
                bool(extremes) and worst[1] <= POWER_EXTREME_TICKS,
            ),
        )

    quests = history.extras.get(EMERGENT_QUESTS)
    if quests is None:
        lines.append("Emergent quests: not recorded")
        quest_targets = (
            Target(f"Emergent quests: at least {DISTINCT_TITLES_TARGET} distinct titles", "not recorded", None),
            Target(f"Emergent quests: at least {_pct(FAILED_SHARE_TARGET)} failed", "not recorded", None),
            Target(f"Emergent quests: at least {CHAINS_TARGET} chains of 2 or more", "not recorded", None),
        )
    else:
        titles = {quest["title"] for quest in quests}
        outcomes: dict[str, int] = {}
        for quest in quests:
            outcomes[quest["outcome"]] = outcomes.get(quest["outcome"], 0) + 1
        ended = outcomes.get("completed", 0) + outcomes.get("failed", 0) + outcomes.get("abandoned", 0)
        failed_share = _share(outcomes.get("failed", 0), ended)
        chains = [length for length in chain_lengths(quests) if length >= 2]
        archived = sum(1 for quest in quests if quest["archived"])
        lines += [
            f"Emergent quests started: {len(quests)}; distinct titles: {len(titles)}; outcomes: "
            + (", ".join(f"{outcome} {count}" for outcome, count in sorted(outcomes.items())) or "none"),
            f"Chains of 2 or more quests: {len(chains)}"
            + (f" (lengths {', '.join(map(str, sorted(chains, reverse=True)))})" if chains else "")
            + f"; archived at the end: {archived}",
        ]
        quest_targets = (
            Target(
                f"Emergent quests: at least {DISTINCT_TITLES_TARGET} distinct titles",
                str(len(titles)),
                len(titles) >= DISTINCT_TITLES_TARGET,
            ),
            Target(
                f"Emergent quests: at least {_pct(FAILED_SHARE_TARGET)} failed",
                f"{_pct(failed_share)} of {ended} ended",
                ended > 0 and failed_share >= FAILED_SHARE_TARGET,
            ),
            Target(
                f"Emergent quests: at least {CHAINS_TARGET} chains of 2 or more",
                str(len(chains)),
                len(chains) >= CHAINS_TARGET,
            ),
        )
    return Section("Factions and quests with stakes (issue 12)", tuple(lines), faction_targets + quest_targets)
