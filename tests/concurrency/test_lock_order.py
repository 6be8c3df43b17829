"""One lock order: the tick and players acting at once never deadlock (PostgreSQL).

Several players speak (to Spectra and NPCs, who answer), look at people and things, and walk,
continuously, while the tick runs over a world of a few thousand NPCs. Every tick completes,
no transaction meets a deadlock, and every action is applied or refused cleanly.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db import close_old_connections, connection

from htrae.errors import DomainError
from narrative.seeding.loader import generated_npcs_add
from world import services
from world.models import Character, GameEvent, Path, WorldClock
from world.tick import run_tick

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and deadlocks are PostgreSQL's"),
]

PLAYERS = 4
CLEAN_REFUSALS = {"unknown_target", "not_adjacent"}
TICKS = 4


def _player_loop(player_id: int, stop: threading.Event, outcomes: Counter, lock: threading.Lock) -> None:
    step = 0
    try:
        while not stop.is_set():
            step += 1
            me = Character.objects.select_related("location").get(id=player_id)
            here = me.location_id
            others = list(
                Character.objects.filter(location_id=here, is_active=True)
                .exclude(id=player_id)
                .values_list("id", flat=True)[:5]
            )
            exits = list(Path.objects.filter(source_id=here).values_list("target_id", flat=True))
            kind = ("speak", "speak_npc", "interact", "move", "speak")[step % 5]
            if kind == "speak":
                action, data = "speak", {"text": "Spectra, do you hear the bell tonight?"}
            elif kind == "speak_npc":
                named = Character.objects.filter(id__in=others, kind=Character.Kind.NPC).values_list("name", flat=True)
                name = next(iter(named), "Spectra")
                action, data = "speak", {"text": f"{name.split()[0]}, what news of the glass?"}
            elif kind == "interact" and others:
                action, data = "interact", {"target": {"type": "character", "id": others[step % len(others)]}}
            elif exits:
                action, data = "move", {"to": exits[step % len(exits)]}
            else:
                action, data = "wait", {}
            try:
                services.player_action_apply(
                    character_id=player_id, request_id=f"{player_id}-{step}", action=action, data=data
                )
                result = "applied"
            except DomainError as error:
                # The world moved between looking and acting (an NPC walked off): a clean
                # refusal. `busy` is not: it means deadlocks twice over.
                result = "refused" if error.code in CLEAN_REFUSALS else f"DomainError {error.code}: {error.message}"
            except Exception as error:  # counted, and the test fails on anything but a clean refusal
                result = f"{type(error).__name__}: {error}".splitlines()[0]
            with lock:
                outcomes[result] += 1
    finally:
        close_old_connections()
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_ticks_and_players_never_deadlock(settings):
    from narrative.seeding.loader import seed_world

    settings.TICK_BATCH_SIZE = 500
    seed_world()
    generated_npcs_add(count=2000)
    start = Character.objects.get(kind=Character.Kind.SPECTRA).location_id
    players = [
        services.player_register(username=f"walker{index}", password="lanterns-over-the-marsh").character.id
        for index in range(PLAYERS)
    ]
    Character.objects.filter(id__in=players).update(location_id=start)  # where Spectra is: she answers

    stop, lock, outcomes = threading.Event(), threading.Lock(), Counter()
    threads = [threading.Thread(target=_player_loop, args=(p, stop, outcomes, lock)) for p in players]
    for thread in threads:
        thread.start()
    ticks, failures = [], []
    try:
        time.sleep(0.5)
        for _ in range(TICKS):
            try:
                ticks.append(run_tick(force=True))
            except Exception as error:
                failures.append(f"{type(error).__name__}: {error}")
        deadline = time.monotonic() + 60  # a slow machine: let every player act a few times
        while sum(outcomes.values()) < PLAYERS * 5 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)

    assert not failures, failures
    assert [result.tick for result in ticks] == list(range(1, TICKS + 1))
    assert WorldClock.objects.get().tick == TICKS
    problems = {outcome: count for outcome, count in outcomes.items() if outcome not in ("applied", "refused")}
    assert not problems, problems
    assert outcomes["applied"] >= PLAYERS * 5, outcomes
    # Players' words were answered while the world ticked.
    assert GameEvent.objects.filter(
        type__in=["SPECTRA_TALKED", "NPC_TALKED"], payload__listener_id__in=players
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_players_crossing_between_two_places_meet_no_deadlock():
    """Each action locks its player and its place; at commit PostgreSQL checks the foreign
    keys of the rows it inserted (the move's event names the place it leads to) by locking
    those rows too. Two players walking opposite ways between two places each hold one place
    and name the other: with `FOR UPDATE` locks they deadlocked, with `FOR NO KEY UPDATE`
    (which the foreign-key checks do not wait for) they never do."""
    from htrae.metrics import LOCK_CONFLICTS
    from tests.factories import LocationFactory, PathFactory, WorldClockFactory

    WorldClockFactory()
    east, west = LocationFactory(name="East Quay", is_starting_location=True), LocationFactory(name="West Quay")
    PathFactory(source=east, target=west, two_way=True)
    walkers = [
        services.player_register(username=f"crosser{index}", password="lanterns-over-the-marsh").character.id
        for index in range(4)
    ]
    for index, walker in enumerate(walkers):
        Character.objects.filter(id=walker).update(location_id=(east, west)[index % 2].id)
    conflicts_before = sum(LOCK_CONFLICTS.labels(outcome=o)._value.get() for o in ("retried", "gave_up"))

    stop, lock, outcomes = threading.Event(), threading.Lock(), Counter()

    def walk(walker: int) -> None:
        step = 0
        try:
            while not stop.is_set():
                step += 1
                here = Character.objects.filter(id=walker).values_list("location_id", flat=True).get()
                there = west.id if here == east.id else east.id
                try:
                    services.player_action_apply(
                        character_id=walker, request_id=f"x{walker}-{step}", action="move", data={"to": there}
                    )
                    result = "applied"
                except Exception as error:
                    result = f"{type(error).__name__}: {error}".splitlines()[0]
                with lock:
                    outcomes[result] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=walk, args=(walker,)) for walker in walkers]
    for thread in threads:
        thread.start()
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join(30)

    conflicts = sum(LOCK_CONFLICTS.labels(outcome=o)._value.get() for o in ("retried", "gave_up")) - conflicts_before
    assert set(outcomes) == {"applied"}, outcomes
    assert outcomes["applied"] >= 40, outcomes
    assert conflicts == 0, f"{conflicts} deadlocks in {outcomes['applied']} moves"
