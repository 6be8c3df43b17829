"""The liveliness report's figures from small hand-made histories (world.reporting.liveliness,
pure): each target judged MET where the numbers meet it and NOT MET where they do not."""

from datetime import UTC, datetime, timedelta

from world.reporting.liveliness import (
    CharacterSample,
    EventRow,
    History,
    TickSample,
    acquaintance_density,
    crowding_and_routines_section,
    liveliness_report,
    longest_run,
    memories_and_goals_section,
    mood_changes,
    npc_moods_section,
    object_events_section,
    place_routines,
    relationships_section,
    report_text,
    spectra_section,
)

START = datetime(1247, 3, 21, 0, 0, tzinfo=UTC)
PARTS = ((0, "night"), (5, "dawn"), (7, "morning"), (12, "afternoon"), (18, "evening"))


def part(hour: int) -> str:
    return next(name for start, name in reversed(PARTS) if hour >= start)


def history(ticks: int, npc, *, minutes_per_tick: int = 30, spectra=None, goals=None, **fields) -> History:
    """`npc(tick, id) -> (place, mood)` for four NPCs; tick 0 is the world before the run."""
    samples = []
    for tick in range(ticks + 1):
        moment = START + timedelta(minutes=minutes_per_tick * tick)
        npcs = {
            character_id: CharacterSample(*npc(tick, character_id), goals=goals(tick, character_id) if goals else None)
            for character_id in (1, 2, 3, 4)
        }
        mood, active = spectra(tick) if spectra else ("calm", None)
        samples.append(
            TickSample(tick, moment, part(moment.hour), npcs, CharacterSample(None, mood), spectra_active_goals=active)
        )
    return History(source="test", samples=tuple(samples), spectra_id=99, **fields)


def targets(section) -> dict[str, bool | None]:
    return {target.name: target.met for target in section.targets}


def test_a_mood_monoculture_fails_and_a_varied_population_meets_the_mood_targets():
    moods = ("joy", "calm", "anger", "fear", "pride")
    one_mood = npc_moods_section(history(300, lambda tick, npc: (1, "curiosity")))
    varied = npc_moods_section(history(300, lambda tick, npc: (1, moods[(tick // 10 + npc) % 5])))

    assert list(targets(one_mood).values()) == [False, False, False]
    assert list(targets(varied).values()) == [True, True, True]


def test_the_monoculture_target_is_judged_only_after_tick_200():
    early_crowd = history(300, lambda tick, npc: (1, "calm" if tick <= 200 or npc == 1 else f"m{npc}"))
    late_crowd = history(300, lambda tick, npc: (1, "calm" if tick > 250 else f"m{npc}"))

    assert next(iter(targets(npc_moods_section(early_crowd)).values())) is True
    assert next(iter(targets(npc_moods_section(late_crowd)).values())) is False


def test_mood_changes_are_counted_per_npc_between_samples():
    changes = mood_changes(history(4, lambda tick, npc: (1, "joy" if npc == 1 and tick % 2 else "calm")).samples)

    assert changes == {1: [1, 2, 3, 4], 2: [], 3: [], 4: []}


def test_one_npc_that_never_changes_mood_fails_the_change_target():
    section = npc_moods_section(history(100, lambda tick, npc: (1, "calm" if npc == 4 else ("joy", "fear")[tick % 2])))

    assert targets(section)["At least one mood change per NPC per 50 ticks"] is False


def test_crowding_counts_the_longest_run_above_a_quarter_of_npcs():
    def crowded_for(run):
        return history(100, lambda tick, npc: (1 if npc < 3 and 10 < tick <= 10 + run else npc + 10, "calm"))

    assert longest_run([True, True, False, True, True, True, False]) == 3
    assert targets(crowding_and_routines_section(crowded_for(50)))[
        "No place holds more than 25% of NPCs for more than 50 ticks in a row"
    ]
    assert not targets(crowding_and_routines_section(crowded_for(51)))[
        "No place holds more than 25% of NPCs for more than 50 ticks in a row"
    ]


def test_a_place_busy_every_morning_keeps_a_routine_and_a_drifting_one_does_not():
    def mornings(tick, npc):
        hour = (START + timedelta(minutes=30 * tick)).hour
        return (7 if 7 <= hour < 12 else 100 + npc, "calm")

    def drifting(tick, npc):
        return (7 if (tick // 37 + npc) % 3 == 0 else 100 + npc, "calm")

    kept = place_routines(history(48 * 6, mornings))
    assert kept[7].kept
    assert "morning" in kept[7].summary
    assert not place_routines(history(48 * 6, drifting))[7].kept
    short = history(48 * 3, mornings)  # three days are too few to tell a routine
    assert not place_routines(short)[7].kept


def test_object_events_are_counted_by_their_verbs():
    def with_events(count):
        events = (*(EventRow(1, "NPC_TOOK_OBJECT") for _ in range(count)), EventRow(1, "NPC_MOVED"))
        return history(2, lambda tick, npc: (1, "calm"), events=events)

    assert targets(object_events_section(with_events(10))) == {"At least 10 object events (take, give, use)": True}
    assert targets(object_events_section(with_events(9))) == {"At least 10 object events (take, give, use)": False}
    assert "none" in object_events_section(with_events(0)).lines[0]


def test_acquaintance_density_counts_pairs_who_talked_either_way():
    talks = (
        EventRow(1, "NPC_TALKED", actor_id=1, listener_id=2),
        EventRow(2, "NPC_TALKED", actor_id=2, listener_id=1),  # the same pair
        EventRow(3, "SPECTRA_TALKED", actor_id=99, listener_id=3),
        EventRow(4, "PLAYER_SPOKE", actor_id=500, listener_id=4),  # players do not count
        EventRow(90, "NPC_TALKED", actor_id=3, listener_id=4),
    )
    world = history(100, lambda tick, npc: (1, "calm"), events=talks)  # 4 NPCs and Spectra: 10 pairs

    assert acquaintance_density(world, until_tick=10) == 0.2
    assert acquaintance_density(world, until_tick=100) == 0.3
    assert targets(relationships_section(world)) == {"Acquaintance density reaches 0.74 within 2 in-world days": False}


def test_a_dense_network_within_two_days_meets_the_relationship_target():
    pairs = [(a, b) for a in (1, 2, 3, 4, 99) for b in (1, 2, 3, 4, 99) if a < b]
    talks = tuple(EventRow(index + 1, "NPC_TALKED", actor_id=a, listener_id=b) for index, (a, b) in enumerate(pairs))
    world = history(100, lambda tick, npc: (1, "calm"), events=talks)

    assert targets(relationships_section(world))["Acquaintance density reaches 0.74 within 2 in-world days"] is True
    too_late = tuple(
        EventRow(97 + index % 3, e.type, actor_id=e.actor_id, listener_id=e.listener_id)
        for index, e in enumerate(talks)
    )
    late_world = history(100, lambda tick, npc: (1, "calm"), events=too_late)
    assert (
        targets(relationships_section(late_world))["Acquaintance density reaches 0.74 within 2 in-world days"] is False
    )


def test_goals_changed_and_emotional_memories_per_npc():
    def goals(tick, npc):
        return ("new goal",) if tick > 5 and npc <= changed else ("seed goal",)

    changed = 4
    four = memories_and_goals_section(
        history(10, lambda tick, npc: (1, "calm"), goals=goals, emotional_memories={1: 2, 2: 1, 3: 1, 4: 1})
    )
    assert targets(four) == {
        "At least one emotional memory per NPC": True,
        "At least 5 NPCs whose goals changed": False,
    }
    missing = memories_and_goals_section(history(10, lambda tick, npc: (1, "calm"), emotional_memories={1: 3}))
    assert targets(missing) == {
        "At least one emotional memory per NPC": False,
        "At least 5 NPCs whose goals changed": None,  # goals were not recorded
    }


def test_spectra_needs_five_moods_and_a_goal_at_every_tick():
    moods = ("joy", "wonder", "calm", "fear", "pride")
    lively = spectra_section(history(10, lambda t, n: (1, "calm"), spectra=lambda tick: (moods[tick % 5], 1)))
    bare = spectra_section(history(10, lambda t, n: (1, "calm"), spectra=lambda tick: ("calm", 0 if tick == 7 else 2)))

    assert list(targets(lively).values())[:2] == [True, True]
    assert list(targets(bare).values())[:2] == [False, False]


def test_the_printed_report_lists_every_target_with_its_verdict():
    text = report_text(liveliness_report(history(5, lambda tick, npc: (1, "calm"), events=(), reflections=("I see.",))))

    assert "Targets (seed world, 1,000 ticks, default settings)" in text
    assert "NOT MET" in text
    assert "Reflections formed: 1" in text
    targets_block = text.split("Targets (seed world, 1,000 ticks, default settings)")[1]
    assert len([line for line in targets_block.splitlines() if line.strip()]) == 20  # 13 of issue 11, 7 of issue 12


def test_the_relationship_models_recorded_density_is_used_when_a_sampler_recorded_it():
    from dataclasses import replace

    talks = tuple(
        EventRow(index + 1, "NPC_TALKED", actor_id=a, listener_id=b)
        for index, (a, b) in enumerate((a, b) for a in (1, 2, 3, 4, 99) for b in (1, 2, 3, 4, 99) if a < b)
    )
    world = history(100, lambda tick, npc: (1, "calm"), events=talks)  # everyone talked: 1.0 by talk
    recorded = replace(
        world,
        samples=tuple(
            replace(sample, extras={"acquaintance_density": min(1.0, sample.tick / 200)}) for sample in world.samples
        ),
    )

    section = relationships_section(recorded)
    assert "the relationship model" in section.lines[0]
    assert targets(section)["Acquaintance density reaches 0.74 within 2 in-world days"] is False  # 0.48 at tick 96
    assert "0.480 by tick 96" in section.lines[-1]


def test_spectras_world_changes_are_named():
    from spectra.reporting import world_change_text

    assert world_change_text({"hear": "drowned-bell"}) == "hear drowned-bell"
    assert world_change_text({}) == "" and world_change_text(None) == ""
