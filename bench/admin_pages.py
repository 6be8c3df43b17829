"""Benchmark: the designers' admin pages in a world of many characters.

Builds a throwaway database (the configured one is left alone), loads the seed world plus
N generated NPCs with a memory and an event each, then times every admin changelist and
change form as a designer sees them, printing the median time and the query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/admin_pages.py --npcs 100000
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npcs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with throwaway_database() as engine:
        print(f"database: {engine}")
        populate(args.npcs)
        measure(args.runs)


def populate(npcs: int) -> None:
    import sys

    from django.utils import timezone
    from tqdm import tqdm

    from memory.models import Memory
    from narrative.seeding.loader import generated_npcs_add, seed_world
    from world.models import Character, GameEvent

    started = time.perf_counter()
    seed_world()
    with tqdm(total=npcs, unit="npc", desc="NPCs", file=sys.stderr) as bar:
        generated_npcs_add(count=npcs, batch_size=5000, on_batch=bar.update)
    now = timezone.now()
    rows = Character.objects.values_list("id", "location_id").iterator(chunk_size=5000)
    memories, events = [], []
    for character_id, location_id in rows:
        memories.append(Memory(character_id=character_id, content="I saw the lamps gutter.", timestamp=now))
        events.append(GameEvent(type="NPC_MOVED", tick=1, location_id=location_id, actor_id=character_id))
        if len(memories) >= 5000:
            Memory.objects.bulk_create(memories)
            GameEvent.objects.bulk_create(events)
            memories, events = [], []
    Memory.objects.bulk_create(memories)
    GameEvent.objects.bulk_create(events)
    print(
        f"world: {Character.objects.count()} characters, {Memory.objects.count()} memories, "
        f"{GameEvent.objects.count()} events (built in {time.perf_counter() - started:.1f} s)"
    )


def measure(runs: int) -> None:
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from htrae.designers import DESIGNERS_GROUP
    from world.models import Character, Location

    designer = get_user_model().objects.create_user("bench-designer", password="bench-password-1", is_staff=True)
    designer.groups.add(Group.objects.get(name=DESIGNERS_GROUP))
    client = Client()
    client.force_login(designer)

    pages = []
    for model in admin.site._registry:
        if model._meta.app_label not in {"world", "narrative", "memory"}:
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append((f"{model.__name__} list", reverse(f"{prefix}_changelist")))
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append((f"{model.__name__} change", reverse(f"{prefix}_change", args=[first.pk])))
    last_page = Character.objects.count() // admin.site._registry[Character].list_per_page
    busiest = Location.objects.order_by("-characters__id").first()
    pages += [
        ("Character search", reverse("admin:world_character_changelist") + "?q=Amberlight"),
        ("Character by faction", reverse("admin:world_character_changelist") + "?faction__id__exact=1"),
        ("Character last page", reverse("admin:world_character_changelist") + f"?p={last_page}"),
        ("Location change (busiest)", reverse("admin:world_location_change", args=[busiest.pk])),
        (
            "Character autocomplete",
            "/admin/autocomplete/?app_label=world&model_name=worldobject&field_name=holder&term=al",
        ),
    ]

    print(f"{'page':<30} {'median ms':>10} {'queries':>8}")
    for label, url in pages:
        timings, queries = [], 0
        client.get(url)  # warm caches
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
            assert response.status_code == 200, f"{label}: {response.status_code}"
        print(f"{label:<30} {statistics.median(timings):>10.1f} {queries:>8}")
    print(f"characters in the world: {Character.objects.count()}")


if __name__ == "__main__":
    main()
