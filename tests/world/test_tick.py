"""The world tick: time, single flight, idempotence, rollback, bounded queries, determinism,
and a world that looks alive."""

import threading
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from narrative.models import Conversation, ConversationMessage
from tests.factories import CharacterFactory, LocationFactory, PathFactory, WorldClockFactory
from world import tick as tick_module
from world import tick_batches
from world.models import Character, GameEvent, GrammarSymbol, Location, WorldClock
from world.tick import run_tick


@pytest.fixture
def small_world(db):
    """Three places in a row, a few NPCs, Spectra, and a clock."""
    a, b, c = (LocationFactory(name=name) for name in ("Ash", "Birch", "Cedar"))
    PathFactory(source=a, target=b)
    PathFactory(source=b, target=c, travel_cost=2)
    for index in range(6):
        CharacterFactory(location=(a, b, c)[index % 3], personality={"openness": 0.8, "extraversion": 0.7})
    CharacterFactory(kind=Character.Kind.SPECTRA, name="Spectra", slug="spectra", location=b)
    # A fixed hour, not the wall clock's: the first tick turns afternoon into evening (and
    # publishes that), whenever the tests run.
    clock = WorldClockFactory(
        seed=99, time_scale=60, tick_interval_seconds=30, world_time=datetime(1247, 3, 21, 16, 45, tzinfo=UTC)
    )
    return clock


def grow(count):
    locations = list(Location.objects.all())
    for index in range(count):
        CharacterFactory(location=locations[index % len(locations)])


@pytest.mark.django_db
def test_a_tick_advances_the_tick_number_and_in_world_time(small_world):
    before = small_world.world_time

    result = run_tick()

    clock = WorldClock.objects.get()
    assert result.ran and result.tick == 1 == clock.tick
    assert clock.world_time - before == timedelta(minutes=30)  # 30 s x 60
    assert clock.last_tick_at is not None
    assert result.characters == 7
    # Every character acted (world-wide events, such as dawn breaking, have no actor).
    assert GameEvent.objects.filter(tick=1, actor__isnull=False).values("actor_id").distinct().count() == 7


@pytest.mark.django_db
def test_paused_early_and_finished_ticks_do_not_run(small_world):
    WorldClock.objects.update(paused=True)
    assert run_tick().skipped == "paused"

    WorldClock.objects.update(paused=False)
    assert run_tick().ran
    assert run_tick().skipped == "too_soon"  # a scheduler firing twice
    assert run_tick(expected_tick=1).skipped == "already_done"
    assert run_tick(force=True, expected_tick=1).skipped == "already_done"

    WorldClock.objects.update(last_tick_at=timezone.now() - timedelta(seconds=31))
    assert run_tick().tick == 2
    assert WorldClock.objects.get().tick == 2


@pytest.mark.django_db
def test_without_a_clock_nothing_runs():
    assert run_tick().skipped == "no_clock"


@pytest.mark.django_db
def test_a_failing_tick_rolls_back_whole(small_world, monkeypatch):
    sent = []
    monkeypatch.setattr("world.broadcast.send_frames", lambda frames, **kw: sent.append(frames))
    positions = dict(Character.objects.values_list("id", "location_id"))
    calls = {"n": 0}
    real = tick_batches.apply_decision

    def fail_on_the_fifth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("the decision engine broke")
        return real(*args, **kwargs)

    monkeypatch.setattr(tick_batches, "apply_decision", fail_on_the_fifth)

    with pytest.raises(RuntimeError):
        run_tick(batch_size=2)

    assert WorldClock.objects.get().tick == 0
    assert GameEvent.objects.count() == 0
    assert ConversationMessage.objects.count() == 0
    assert dict(Character.objects.values_list("id", "location_id")) == positions
    assert sent == []


def assert_tick_queries_at_most(limit, *, batch_size, assert_max_queries) -> None:
    WorldClock.objects.update(last_tick_at=None)  # due now
    with assert_max_queries(limit):
        assert run_tick(batch_size=batch_size).ran


# Per batch: the intention sources (quests held; remembered places, one query or four when
# someone has one), load the batch, update it, insert its events; narrative stores speech
# (up to four); the emotion core appraises (candidates, feelings, history, mood-change
# events) and moves Spectra's goals; the relationships app's regard and friend-seeking
# sources (one query each). Not every batch needs every one of these at once.
# Minds: whom each spoke with lately, the plans and goals intention source (two),
# Spectra's goals as intentions (in her batch: up to four), things moved and things changed
# by use (up to three). Beliefs: the belief intention source (one). Conversations, when
# someone talks: the listeners' states and regards (two), what talkers and listeners know
# (news, allegiances, memories, lore in three: six); gatherings heard of (one).
QUERIES_PER_BATCH = 12 + 10 + 2 + 1 + 9
# Per tick: savepoint, clock lock and save, the five-query snapshot, time of day, Spectra's
# phase (relax, history, resonance, mind, thoughts, goals, status), release; the quest
# engine's phase (steps, deadlines) and the factions' (incidents); the memory cortex's phase
# (who is a player, bystanders, insert, consolidate in six, reflect in four) and its
# memories of mood changes (clock, insert); the opinions the tick's people hold of each other
# (for appraisal), and the relationships phase (who is where, rules, stored pairs, upsert);
# the appraisal rulebook's places' names when it is (re)loaded (one); on PostgreSQL, the
# tick's two advisory locks (world.locks: single flight, the world); the time of day's
# change, when the part of the day turns (one); Spectra adopting a life goal, on a tick she
# has too few (the places a new goal may name: one). Gossip: what the tick's talk told (one)
# and who saw its deeds, where (two).
# Minds: faction standings for perception (two), the goals-and-plans phase (who is
# reviewed, their goals, titles, routines, objects, places; write goals, characters, events).
# The tick's record for the admin's dashboard (insert, prune). The talk grammar's designer
# edits (one, read once a tick, never per NPC).
QUERIES_PER_TICK = 38 + 15 + 12 + 5 + 1 + 2 + 1 + 1 + 3 + 2 + 1


@pytest.mark.django_db
def test_queries_per_tick_batch_stay_constant_as_the_world_grows(small_world, django_assert_max_num_queries):
    """A tick costs a fixed setup plus a fixed number per batch, however many characters."""
    check = django_assert_max_num_queries
    # designers' words for the talk: read once a tick, whatever the number of batches or talkers
    GrammarSymbol.objects.create(symbol="tail", alternatives=" The moths are loud tonight.")
    assert_tick_queries_at_most(QUERIES_PER_TICK + QUERIES_PER_BATCH, batch_size=10, assert_max_queries=check)
    grow(63)  # 70 characters: seven batches of ten
    assert_tick_queries_at_most(QUERIES_PER_TICK + 7 * QUERIES_PER_BATCH, batch_size=10, assert_max_queries=check)
    grow(630)  # 700 characters: seven batches of a hundred
    assert_tick_queries_at_most(QUERIES_PER_TICK + 7 * QUERIES_PER_BATCH, batch_size=100, assert_max_queries=check)


def _without_row_ids(event_type, payload):
    """Status payloads and goal events name goal rows by id, and PostgreSQL does not reuse
    ids after a rollback."""
    if event_type == "SPECTRA_STATUS_CHANGED":
        payload = {**payload, "goals": [{**goal, "id": None} for goal in payload.get("goals", [])]}
    if "goal_id" in payload:
        payload = {**payload, "goal_id": None}
    return payload


def world_state():
    events = [
        (tick, event_type, actor_id, location_id, _without_row_ids(event_type, payload))
        for tick, event_type, actor_id, location_id, payload in GameEvent.objects.order_by("id").values_list(
            "tick", "type", "actor_id", "location_id", "payload"
        )
    ]
    characters = list(Character.objects.order_by("id").values_list("id", "location_id", "energy", "needs"))
    return events, characters


@pytest.mark.django_db
def test_the_same_seed_and_state_give_the_same_world(seeded_world):
    class Rewind(Exception):
        pass

    runs = []
    for _ in range(2):
        with pytest.raises(Rewind), transaction.atomic():
            for _ in range(5):
                run_tick(force=True)
            runs.append(world_state())
            raise Rewind

    assert runs[0] == runs[1]
    assert len(runs[0][0]) > 100


@pytest.mark.django_db
def test_batch_size_does_not_change_the_world(seeded_world):
    class Rewind(Exception):
        pass

    runs = []
    # Every batch is planned from the world as the tick found it, whatever the batches
    # before it wrote, and a listener in another batch is the same as one in the speaker's:
    # what is said, not only where everyone ends up, is the same.
    for batch_size in (1000, 4, 1):
        with pytest.raises(Rewind), transaction.atomic():
            for _ in range(6):
                run_tick(force=True, batch_size=batch_size)
            runs.append(world_state())
            raise Rewind
    assert runs[0] == runs[1] == runs[2]
    assert sum(1 for event in runs[0][0] if event[1].endswith("_TALKED")) > 20


@pytest.mark.django_db
@pytest.mark.slow
def test_the_seed_world_is_alive_over_200_ticks(seeded_world):
    npcs = set(Character.objects.filter(kind=Character.Kind.NPC).values_list("id", flat=True))

    for _ in range(200):
        run_tick(force=True)

    acted = set(GameEvent.objects.filter(actor_id__in=npcs).values_list("actor_id", flat=True))
    assert acted == npcs, "every NPC acts"

    visited = defaultdict(set)
    for actor_id, location_id in GameEvent.objects.filter(type="NPC_MOVED").values_list("actor_id", "location_id"):
        visited[actor_id].add(location_id)
    assert len(visited) >= 0.8 * len(npcs), "most NPCs travel"
    assert max(len(places) for places in visited.values()) >= 5, "some travel far"
    all_places = set(Location.objects.values_list("id", flat=True))
    assert set().union(*visited.values()) == all_places, "every place is visited"

    talks = GameEvent.objects.filter(type="NPC_TALKED")
    npc_pairs = {
        (event.actor_id, event.payload["listener_id"]) for event in talks if event.payload["listener_id"] in npcs
    }
    assert len(npc_pairs) >= len(npcs), "NPCs meet and talk to each other"
    assert ConversationMessage.objects.count() >= talks.count()
    assert Conversation.objects.filter(participants__isnull=False).distinct().count() >= 10

    kinds = Counter(GameEvent.objects.values_list("type", flat=True))
    for action in ("NPC_MOVED", "NPC_TALKED", "NPC_RESTED", "NPC_EXPLORED", "NPC_CREATED", "NPC_PURSUED_GOAL"):
        assert kinds[action] > 0, f"nobody ever {action}"
    assert kinds["SPECTRA_MOVED"] > 0
    assert WorldClock.objects.get().tick == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_ticks_advance_the_world_exactly_once(small_world):
    """Threads with their own connections fire the same tick at once: one runs."""
    barrier = threading.Barrier(4)
    results = []

    def fire():
        try:
            barrier.wait()
            results.append(run_tick())
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=fire) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 4
    assert sum(result.ran for result in results) == 1
    assert {result.skipped for result in results if not result.ran} <= {"busy", "too_soon"}
    assert WorldClock.objects.get().tick == 1
    assert set(GameEvent.objects.values_list("tick", flat=True)) == {1}


@pytest.mark.django_db
def test_run_ticks_prints_each_tick(small_world):
    out = StringIO()
    call_command("run_ticks", "3", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["tick 1", "tick 2", "tick 3"]
    assert "queries" in lines[0] and "3 ticks in" in lines[-1]
    assert WorldClock.objects.get().tick == 3


@pytest.mark.django_db
def test_a_subscriber_gets_all_its_event_types_in_one_call():
    from world.events import EventDraft, publish_many, subscribe

    calls = []

    @subscribe("TEST_A", "TEST_B")
    def record(events):
        calls.append([event.type for event in events])

    publish_many([EventDraft("TEST_A"), EventDraft("TEST_C"), EventDraft("TEST_B"), EventDraft("TEST_A")])

    assert calls == [["TEST_A", "TEST_B", "TEST_A"]]


def test_a_phase_cannot_take_a_steps_name_or_another_phases(monkeypatch):
    """Each name labels one step's time in the tick's record and metrics: none may mix two."""
    monkeypatch.setattr(tick_module, "_phases", [])

    def memory(context):
        pass

    def also_memory(context):
        pass

    tick_module.register_tick_phase(memory, stage=tick_module.PHASE_MEMORY)
    with pytest.raises(ValueError, match="already called 'memory'"):
        tick_module.register_tick_phase(also_memory, stage=tick_module.PHASE_MEMORY, name="memory")
    with pytest.raises(ValueError, match="names a step of the tick"):
        tick_module.register_tick_phase(also_memory, stage=tick_module.PHASE_MEMORY, name="plan")
    tick_module.register_tick_phase(also_memory, stage=tick_module.PHASE_MEMORY, name="recall")
    assert [name for _, name, _ in tick_module._phases] == ["memory", "recall"]


def test_phases_run_in_their_stage_order_and_each_sees_the_events_before_it(small_world, monkeypatch):
    """Registered out of order (as apps may load), the phases still run minds, stories,
    feelings, memory, opinions; a phase sees what the phases before it published."""
    from world.events import EventDraft, publish_many

    monkeypatch.setattr(tick_module, "_phases", [])
    ran: list[tuple[str, set[str]]] = []

    def phase(name, publishes=None):
        def run(context):
            ran.append((name, {event.type for event in context.events}))
            if publishes:
                publish_many([EventDraft(type=publishes, payload={}, tick=context.tick)])

        run.__name__ = name
        return run

    tick_module.register_tick_phase(phase("opinions"), stage=tick_module.PHASE_OPINIONS)
    tick_module.register_tick_phase(phase("feelings"), stage=tick_module.PHASE_FEELINGS)
    minds = phase("minds", publishes="GOAL_ACHIEVED")
    tick_module.register_tick_phase(minds, stage=tick_module.PHASE_MINDS)
    tick_module.register_tick_phase(minds, stage=tick_module.PHASE_MINDS)  # once only
    tick_module.register_tick_phase(phase("stories", publishes="QUEST_COMPLETED"), stage=tick_module.PHASE_STORIES)

    run_tick(force=True)
    assert [name for name, _ in ran] == ["minds", "stories", "feelings", "opinions"]
    seen = dict(ran)
    assert "GOAL_ACHIEVED" not in seen["minds"] and "GOAL_ACHIEVED" in seen["stories"]
    assert {"GOAL_ACHIEVED", "QUEST_COMPLETED"} <= seen["feelings"]
