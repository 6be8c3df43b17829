"""Benchmark: what one player action costs the web process, in CPU and queries.

Seeds a throwaway world (PostgreSQL when DATABASE_URL is set, else SQLite), registers
players spread over its places, and applies actions the way `world.consumers` does in its
action thread: `consumers._action_apply` (the service `player_action_apply`, and after a move
the mover's snapshot), with the after-commit broadcast of the action's events
(`broadcast.broadcast_events`, each frame written as JSON as `send_frames` does). Then prints,
per action kind, the process CPU (ms) and queries of one action, and the same for one
coalesced refresh of the places the actions touched (`broadcast.place_update_frames`).

What runs elsewhere in served mode is left out, as the web process leaves it: the actions'
consequences (a Celery worker's task: gathered here, not run), the place refresh per action
(the web process coalesces refreshes: `broadcast.PLACE_REFRESHER`; timed on its own line),
and the channel layer's sending (the event loop's work).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/action_cost.py

The throwaway database is `test_<name>` (`--database NAME` names it instead).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from contextlib import ExitStack
from unittest import mock

from _setup import throwaway_database

KINDS = ("move", "speak", "interact", "wait")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=100)
    parser.add_argument("--actions", type=int, default=300, help="measured actions of each kind")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured actions of each kind first")
    parser.add_argument("--only", choices=KINDS, help="measure one kind only (for a profile)")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of one action of each kind")
    parser.add_argument("--database", help="name of the throwaway database (default test_<configured name>)")
    args = parser.parse_args()

    with throwaway_database(name=args.database) as engine, ExitStack() as patches:
        gathered = _served_web_process(patches)
        from narrative.seeding.loader import seed_world

        seed_world()
        players = _players(args.players)
        print(f"database: {engine}, players: {len(players)}, actions of each kind: {args.actions}")
        print(f"{'action':<26} {'CPU ms':>7} {'p90':>6} {'wall ms':>8} {'queries':>8} {'max':>4}")
        rng = random.Random(7)
        for kind in (args.only,) if args.only else KINDS:
            for _ in range(args.warmup):
                _act(kind, players, rng)
            gathered["places"].clear()
            if args.show_queries:
                _act(kind, players, rng, show=True)
            cpu, wall, queries = [], [], []
            for _ in range(args.actions):
                measured = _act(kind, players, rng)
                if measured is not None:
                    cpu.append(measured[0])
                    wall.append(measured[1])
                    queries.append(measured[2])
            _row(kind, cpu, wall, queries)
            if gathered["places"]:
                _row(f"  refresh of {len(gathered['places'])} places", *_refresh(gathered))


def _served_web_process(patches: ExitStack) -> dict[str, set]:
    """Leave out what the web process does not do per action (see the module docstring)."""
    from world import broadcast, consequences

    gathered: dict[str, set] = {"places": set(), "ticks": set()}

    def refresh_later(touched) -> bool:
        for location_id, tick in touched:
            gathered["places"].add(location_id)
            gathered["ticks"].add(tick)
        return True

    def send(frames, *, close_pools: bool = False) -> None:
        for _group, frame in frames:
            broadcast.frame_message(frame)

    patches.enter_context(mock.patch.object(broadcast.PLACE_REFRESHER, "add", refresh_later))
    patches.enter_context(mock.patch.object(consequences.CONSEQUENCES, "add", lambda event_ids: True))
    patches.enter_context(mock.patch.object(broadcast, "send_frames", send))
    return gathered


def _players(count: int) -> list:
    from django.test import override_settings

    from world.models import Character, Location
    from world.services import player_register

    places = list(Location.objects.order_by("id").values_list("id", flat=True))
    players = []
    # (a quick hasher: registering is not what is measured)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for number in range(count):
            character = player_register(username=f"costbench{number}", password="bench-password-1234").character
            Character.objects.filter(id=character.id).update(location_id=places[number % len(places)])
            players.append(character.id)
    return players


def _act(kind: str, players: list[int], rng: random.Random, *, show: bool = False) -> tuple[float, float, int] | None:
    """One action of `kind` by a random player, with a valid target; (CPU ms, wall ms, queries)."""
    from django.db import connection

    from world.consumers import _action_apply
    from world.models import Character, Path
    from world.protocol import ClientAction

    character = Character.objects.select_related("location", "faction").get(id=rng.choice(players))
    here = character.location_id
    if kind == "move":
        exits = list(Path.objects.filter(source_id=here).values_list("target_id", flat=True))
        exits += Path.objects.filter(target_id=here, two_way=True).values_list("source_id", flat=True)
        data = {"to": rng.choice(exits)}
    elif kind == "speak":
        data = {"text": "What news from the marsh?"}
    elif kind == "interact":
        present = Character.objects.filter(location_id=here, is_active=True).exclude(id=character.id)
        others = list(present.values_list("id", flat=True))
        if not others:
            return None
        data = {"target": {"type": "character", "id": rng.choice(others)}}
    else:
        data = {}
    action = ClientAction(request_id=f"{kind}-{rng.getrandbits(64):x}", action=kind, data=data)
    queries = _QueryCounter()
    with connection.execute_wrapper(queries):
        cpu, wall = time.process_time(), time.perf_counter()
        _action_apply(character, action)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if show:
        print(f"-- {kind}: {len(queries.statements)} queries")
        for sql in queries.statements:
            print(f"   {' '.join(sql.split())[:200]}")
    return cpu * 1000, wall * 1000, len(queries.statements)


class _QueryCounter:
    """The statements run, counted by an execute wrapper: Django's debug cursor (what
    CaptureQueriesContext uses) costs CPU of its own, which would be measured with the rest.
    (Transactions' BEGIN and COMMIT are not statements here.)"""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)


def _refresh(gathered: dict[str, set]) -> tuple[list[float], list[float], list[int]]:
    """One coalesced refresh of every place the actions touched, timed a few times."""
    from django.db import connection

    from world import broadcast

    cpu, wall, queries = [], [], []
    for _ in range(10):
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            for _group, frame in broadcast.place_update_frames(gathered["places"], tick=max(gathered["ticks"])):
                broadcast.frame_message(frame)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started_wall) * 1000)
        queries.append(len(counter.statements))
    gathered["places"].clear()
    return cpu, wall, queries


def _row(label: str, cpu: list[float], wall: list[float], queries: list[int]) -> None:
    p90 = statistics.quantiles(cpu, n=10)[-1] if len(cpu) > 1 else cpu[0]
    print(
        f"{label:<26} {statistics.mean(cpu):>7.2f} {p90:>6.2f} {statistics.median(wall):>8.2f} "
        f"{statistics.mean(queries):>8.1f} {max(queries):>4}"
    )


if __name__ == "__main__":
    main()
