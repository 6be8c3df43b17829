"""The tick pauses the cyclic garbage collector while it allocates (`htrae.collector`), and
leaves nothing behind: the collector as it found it, the tick's cycles reclaimed."""

import gc
import weakref

import pytest

from htrae.collector import cyclic_collection_paused
from world import tick as world_tick
from world.tick import run_tick


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: reference counting alone never frees it


def test_a_pause_reclaims_the_cycles_made_in_it_and_restores_the_collector():
    assert gc.isenabled()
    with cyclic_collection_paused():
        assert not gc.isenabled()
        with cyclic_collection_paused():  # a share planned in the tick's own process
            pass
        assert not gc.isenabled()  # the inner pause ending does not end the outer one
        made = weakref.ref(Node())
        assert made() is not None  # only the collector can free it, and it is paused
    assert gc.isenabled() and made() is None


def test_a_collector_switched_off_stays_off():
    gc.disable()
    try:
        with cyclic_collection_paused():
            made = weakref.ref(Node())
        assert not gc.isenabled() and made() is None  # still collected once, still off
    finally:
        gc.enable()


def test_a_failing_block_still_restores_the_collector():
    with pytest.raises(RuntimeError), cyclic_collection_paused():
        raise RuntimeError("a tick that failed")
    assert gc.isenabled()


def test_the_tick_runs_with_the_collector_paused_and_collects_after(seeded_world, monkeypatch):
    seen = []
    load = world_tick.world_snapshot_load

    def load_and_look(*args, **kwargs):
        seen.append(gc.isenabled())
        seen.append(weakref.ref(Node()))
        return load(*args, **kwargs)

    monkeypatch.setattr(world_tick, "world_snapshot_load", load_and_look)
    result = run_tick(force=True)

    assert result.ran and seen[0] is False
    assert gc.isenabled() and seen[1]() is None
