"""Issue 12's section of the liveliness report (`world.reporting.stakes`), computed from small
constructed histories: standing ranges, incidents, power at the extremes, emergent quests'
titles, failures and chains."""

from world.reporting.history import History, TickSample
from world.reporting.stakes import (
    EMERGENT_QUESTS,
    FACTION_INCIDENTS,
    FACTION_POWER,
    FACTION_STANDINGS,
    chain_lengths,
    factions_and_quests_section,
)


def sample(tick: int, *, standings=None, power=None, incidents=None) -> TickSample:
    extras = {}
    if standings is not None:
        extras[FACTION_STANDINGS] = standings
    if power is not None:
        extras[FACTION_POWER] = power
    if incidents is not None:
        extras[FACTION_INCIDENTS] = incidents
    return TickSample(tick=tick, world_time=None, part_of_day="", npcs={}, extras=extras)


def quest(quest_id, title, outcome="completed", follows_id=None) -> dict:
    return {
        "id": quest_id,
        "title": title,
        "started_tick": quest_id,
        "outcome": outcome,
        "archived": outcome != "active",
        "follows_id": follows_id,
    }


def verdicts(section) -> dict[str, bool | None]:
    return {target.name: target.met for target in section.targets}


def faction_history(*, ab: list[int], ba: list[int], power: list[int], incidents: dict | None = None) -> History:
    samples = [
        sample(
            tick,
            standings={("a", "b"): ab[tick], ("b", "a"): ba[tick]},
            power={"a": power[tick], "b": 50},
            incidents=incidents if tick else None,
        )
        for tick in range(len(ab))
    ]
    return History(source="test", samples=tuple(samples), extras={EMERGENT_QUESTS: ()})


def test_the_standing_range_is_the_median_of_each_relations_highest_minus_lowest():
    moving = faction_history(ab=[0, 10, -10, 5], ba=[0, 20, 0, 0], power=[50] * 4)
    section = factions_and_quests_section(moving)
    assert "median 20 (max 20)" in next(t.measured for t in section.targets)
    assert verdicts(section)["Faction pairs' standing range: median at least 15"] is True

    still = faction_history(ab=[0, 10, 0, 5], ba=[0, 12, 0, 0], power=[50] * 4)
    assert verdicts(factions_and_quests_section(still))["Faction pairs' standing range: median at least 15"] is False


def test_kind_words_and_clashes_are_counted_over_the_run_each_against_five():
    history = faction_history(ab=[0] * 4, ba=[0] * 4, power=[50] * 4, incidents={"kind_word": 2, "clash": 1, "gift": 7})
    section = factions_and_quests_section(history)
    assert verdicts(section)["At least 5 kind-word incidents"] is True  # 2 a tick over 3 ticks
    assert verdicts(section)["At least 5 clash incidents"] is False  # 3
    assert any("clash 3, gift 21, kind_word 6" in line for line in section.lines)


def test_power_held_at_an_extreme_for_more_than_200_ticks_fails():
    name = "No faction's power at 0 or 100 for more than 200 ticks"
    stuck = faction_history(ab=[0] * 302, ba=[0] * 302, power=[99] + [100] * 201 + [90] * 100)
    assert verdicts(factions_and_quests_section(stuck))[name] is False
    brief = faction_history(ab=[0] * 302, ba=[0] * 302, power=[99] + [100] * 200 + [0] * 0 + [90] * 101)
    assert verdicts(factions_and_quests_section(brief))[name] is True


def test_quest_titles_failures_and_chains():
    quests = (
        quest(1, "Mend ties with B"),
        quest(2, "Ask B's elders why", follows_id=1),
        quest(3, "Carry the answer home", follows_id=2, outcome="failed"),
        quest(4, "Watch over B"),
        quest(5, "Report on B", follows_id=4, outcome="active"),
        quest(6, "Mend ties with B", outcome="abandoned"),
    )
    history = History(source="test", samples=(sample(0), sample(1)), extras={EMERGENT_QUESTS: quests})
    section = factions_and_quests_section(history)
    met = verdicts(section)
    assert met["Emergent quests: at least 2 chains of 2 or more"] is True
    assert met["Emergent quests: at least 5% failed"] is True  # 1 of 4 ended
    assert met["Emergent quests: at least 30 distinct titles"] is False  # 5
    assert met["Faction pairs' standing range: median at least 15"] is None  # factions not recorded
    assert sorted(chain_lengths(quests)) == [1, 2, 3]


def test_none_failed_and_no_chains_do_not_meet_the_quest_targets():
    quests = tuple(quest(i, f"Errand {i}") for i in range(1, 41))
    history = History(source="test", samples=(sample(0), sample(1)), extras={EMERGENT_QUESTS: quests})
    met = verdicts(factions_and_quests_section(history))
    assert met["Emergent quests: at least 30 distinct titles"] is True
    assert met["Emergent quests: at least 5% failed"] is False
    assert met["Emergent quests: at least 2 chains of 2 or more"] is False


def test_a_chain_that_loops_back_is_counted_without_looping_forever():
    quests = (quest(1, "A", follows_id=2), quest(2, "B", follows_id=1), quest(3, "C"))
    assert chain_lengths(quests) == [1]  # the loop has no first quest; only the lone one is a chain
