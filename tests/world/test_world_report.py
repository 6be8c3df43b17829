"""`manage.py world_report` and `event_log` against a real world: sampling only reads (the
world ticks the same with a recorder as without), a running world's history rebuilt from its
record agrees with what was sampled as it ran, and the commands print what they promise."""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from world.reporting.event_log import event_log_lines
from world.reporting.sampling import HistoryRecorder, history_from_record, world_sample
from world.tick import run_tick

ROOT = Path(__file__).resolve().parents[2]


class Rewind(Exception):
    pass


def run(ticks: int, *, recorder: HistoryRecorder | None = None) -> list[str]:
    with pytest.raises(Rewind), transaction.atomic():
        if recorder:
            recorder.record()
        for _ in range(ticks):
            run_tick(force=True)
            if recorder:
                recorder.record()
        lines = list(event_log_lines(state=True))
        raise Rewind
    # Goal rows' ids: PostgreSQL does not reuse them after the rewind (SQLite does).
    return [re.sub(r'"goal_id":\d+', '"goal_id":_', line) for line in lines]


@pytest.mark.django_db
def test_the_world_ticks_the_same_with_the_report_sampling_it(seeded_world):
    recorder = HistoryRecorder()
    sampled = run(6, recorder=recorder)
    unsampled = run(6)

    assert sampled == unsampled
    assert len(recorder.samples) == 7
    assert sum('"type":"NPC_MOVED"' in line for line in sampled) > 5


@pytest.mark.django_db
def test_a_sample_takes_the_same_few_queries_however_many_characters(seeded_world, django_assert_max_num_queries):
    # the clock, the characters, Spectra's goals, the NPCs and their relationships (acquaintance);
    # issue 12's factions: the clock, the factions, the relations and their modifiers, the tick's
    # incidents; who knows the report's planted fact
    with django_assert_max_num_queries(12):
        sample = world_sample()
    assert len(sample.npcs) == 26
    assert sample.spectra is not None
    assert sample.spectra_active_goals is not None


@pytest.mark.django_db
def test_a_live_history_rebuilt_from_the_record_agrees_with_the_samples_taken_as_it_ran(seeded_world):
    recorder = HistoryRecorder()
    recorder.record()
    for _ in range(12):
        run_tick(force=True)
        recorder.record()

    rebuilt = history_from_record(ticks=None)
    sampled = recorder.history(source="sampled")

    def view(samples):
        return [
            (s.tick, s.part_of_day, {i: (c.location_id, c.mood) for i, c in s.npcs.items()}, s.spectra.mood)
            for s in samples
        ]

    assert view(rebuilt.samples) == view(sampled.samples)
    assert rebuilt.events == sampled.events
    assert rebuilt.emotional_memories == sampled.emotional_memories


@pytest.mark.django_db
def test_world_report_live_prints_the_sections_and_the_targets(seeded_world):
    for _ in range(3):
        run_tick(force=True)
    out = StringIO()

    call_command("world_report", "--live", "--ticks", "3", stdout=out)

    text = out.getvalue()
    assert "ticks 1-3" in text
    for heading in ("== NPC moods ==", "== Spectra ==", "== Crowding and routines ==", "== Relationships =="):
        assert heading in text
    assert "Targets (seed world, 1,000 ticks, default settings)" in text
    assert "At least 5 NPCs whose goals changed" in text and "not recorded" in text


@pytest.mark.django_db
def test_event_log_prints_one_canonical_line_per_event_then_the_state(seeded_world):
    run_tick(force=True)
    out = StringIO()
    sys_stdout, sys.stdout = sys.stdout, out
    try:
        call_command("event_log", "--format", "jsonl", "--state")
    finally:
        sys.stdout = sys_stdout

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    events = [line for line in lines if "type" in line]
    assert events and all(set(event) == {"tick", "type", "location_id", "actor_id", "payload"} for event in events)
    assert len(lines) - len(events) == 27  # one line per character
    autonomous = [line for line in lines if line.get("kind") in ("npc", "spectra")]
    # Stored in sorted order, never a set's hash order (tests/world/test_replay.py varies it);
    # PostgreSQL's jsonb keeps keys in its own order (shortest first), whatever was written.
    if connection.vendor != "postgresql":
        assert all(list(line["needs"]) == sorted(line["needs"]) for line in autonomous)


@pytest.mark.slow
def test_world_report_runs_a_throwaway_copy_and_leaves_the_configured_world_alone(tmp_path):
    configured = tmp_path / "configured.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "REDIS_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{configured}",
        DEBUG="false",
        SECRET_KEY="htrae-report-test-only-key-Lp4Rt8Ns3Bd6Fh1Jc5Gy0UeZq7wK2mVx9",
        DJANGO_SETTINGS_MODULE="htrae.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "world_report", "--ticks", "3", "--seed", "7"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert "a throwaway copy of the seed world, seed 7, 3 ticks" in result.stdout
    assert "Targets (seed world, 1,000 ticks, default settings)" in result.stdout
    assert not configured.exists() or configured.stat().st_size == 0, "the configured database was never opened"
