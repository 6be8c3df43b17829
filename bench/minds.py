"""Measure how alive the minds are: moods over time, mood changes, emotional memories and the
acquaintance network, on a fresh copy of the seed world.

Builds a throwaway SQLite database (the configured one is left alone), seeds it, runs N ticks
and prints the issue 11 figures. Until `manage.py world_report` exists this is the quick check.

    .venv/bin/python bench/minds.py --ticks 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100, help="print the mood shares every N ticks")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="htrae-minds-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/minds.sqlite3"
    os.environ.setdefault("SECRET_KEY", "htrae-bench-only-key-9fJ2kLq8Zr4Wn7Xc1Vb6Mt3Hy5Ds0Pg")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "htrae.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_world", verbosity=0)
    measure(args.ticks, args.every)


def measure(ticks: int, every: int) -> None:
    from memory.models import Memory
    from world.models import Character, WorldClock
    from world.tick import run_tick

    try:
        from relationships.selectors import acquaintance_density, acquainted_familiarity
    except ImportError:  # before relationships existed
        acquaintance_density = None

    npcs = list(Character.objects.filter(kind=Character.Kind.NPC, is_active=True).values_list("id", flat=True))
    spectra_id = Character.objects.filter(kind=Character.Kind.SPECTRA).values_list("id", flat=True).first()
    clock = WorldClock.objects.get()
    per_day = round(24 * 3600 / (clock.tick_interval_seconds * clock.time_scale))
    print(f"{len(npcs)} NPCs; one tick = {clock.tick_interval_seconds * clock.time_scale / 60:.0f} in-world minutes")
    if acquaintance_density:
        print(
            f"acquaintance density at start: {acquaintance_density():.3f} (familiarity >= {acquainted_familiarity()})"
        )

    previous: dict[int, str] = {}
    changes: Counter = Counter()
    npc_moods_seen: Counter = Counter()
    spectra_moods: Counter = Counter()
    worst_share_after_200 = 0.0
    for tick in tqdm(range(1, ticks + 1), unit="tick", file=sys.stderr, disable=None, leave=False):
        run_tick(force=True)
        moods = dict(Character.objects.filter(id__in=[*npcs, spectra_id]).values_list("id", "emotional_state__mood"))
        spectra_moods[moods.pop(spectra_id)] += 1
        shares = Counter(moods.values())
        npc_moods_seen.update(shares)
        for character_id, mood in moods.items():
            if previous.get(character_id) not in (None, mood):
                changes[character_id] += 1
        previous = moods
        _, top = shares.most_common(1)[0]
        if tick > 200:
            worst_share_after_200 = max(worst_share_after_200, top / len(npcs))
        if tick % every == 0:
            line = ", ".join(f"{mood} {count}" for mood, count in shares.most_common())
            print(f"tick {tick:5}: {line}")
        if acquaintance_density and tick == 2 * per_day:
            print(f"acquaintance density after 2 in-world days (tick {tick}): {acquaintance_density():.3f}")

    emotional = Counter(
        Memory.objects.filter(type="emotional", character_id__in=npcs).values_list("character_id", flat=True)
    )
    print()
    print(f"NPC-ticks per mood: {dict(npc_moods_seen.most_common())}")
    print(f"distinct NPC moods: {len(npc_moods_seen)}")
    print(f"most common NPC mood's largest share after tick 200: {worst_share_after_200:.0%}")
    print(f"mood changes: {sum(changes.values())} in total; fewest per NPC {min(changes.get(i, 0) for i in npcs)}")
    lively = sum(changes.get(i, 0) >= ticks / 50 for i in npcs)
    print(f"NPCs with at least one change per 50 ticks: {lively}/{len(npcs)}")
    names = dict(Character.objects.filter(id__in=npcs).values_list("id", "name"))
    quiet = sorted(npcs, key=lambda i: (changes.get(i, 0), i))[:5]
    print("fewest mood changes: " + ", ".join(f"{names[i]} {changes.get(i, 0)} ({previous[i]})" for i in quiet))
    print(f"Spectra's moods (ticks): {dict(spectra_moods.most_common())}")
    print(f"emotional memories: {sum(emotional.values())}; NPCs with one: {len(emotional)}/{len(npcs)}")
    if acquaintance_density:
        print(f"acquaintance density at the end: {acquaintance_density():.3f}")


if __name__ == "__main__":
    main()
