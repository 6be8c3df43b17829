"""Bounded history (world.history): what falls out of the retention window is dropped after
each tick, in bounded batches, at a constant number of queries; memories outlive their events;
a client catching up from before the window is told to resync, never silently skips."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from rest_framework.test import APIClient

from gossip.models import Knowledge
from memory.models import Belief, Memory
from narrative.models import Conversation, ConversationMessage
from spectra.models import EmotionSample
from tests.factories import CharacterFactory, LocationFactory, MemoryFactory, PlayerFactory, WorldClockFactory
from tests.test_settings_safety import STRONG_KEY, run_settings
from world.history import history_lost_before, history_prune, retention_ticks
from world.models import HISTORY_RETENTION_FLOOR_TICKS, GameEvent, WorldClock
from world.services import world_clock_update

WINDOW = HISTORY_RETENTION_FLOOR_TICKS
NOW = 3 * WINDOW  # the clock's tick: history before NOW - WINDOW + 1 is out of the window
FIRST_KEPT = NOW - WINDOW + 1
WHEN = datetime(1247, 3, 21, 10, 0, tzinfo=UTC)


@pytest.fixture
def history(db, settings):
    """Events, emotion samples and conversation lines at both sides of the window's edge."""
    settings.HISTORY_RETENTION_TICKS = WINDOW
    WorldClockFactory(tick=NOW)
    place = LocationFactory()
    someone = CharacterFactory(location=place)
    old_talk = Conversation.objects.create(location=place, started_tick=FIRST_KEPT - 5)
    lasting_talk = Conversation.objects.create(location=place, started_tick=FIRST_KEPT - 2)
    for tick in (1, FIRST_KEPT - 2, FIRST_KEPT - 1, FIRST_KEPT, NOW):
        GameEvent.objects.create(type="NPC_MOVED", tick=tick, location=place, actor=someone, payload={})
        EmotionSample.objects.create(
            character=someone, tick=tick, world_time=WHEN, mood="calm", pleasure=0, arousal=0, dominance=0, intensity=0
        )
    ConversationMessage.objects.create(conversation=old_talk, speaker=someone, text="Long ago.", tick=FIRST_KEPT - 5)
    ConversationMessage.objects.create(conversation=lasting_talk, speaker=someone, text="Then.", tick=FIRST_KEPT - 2)
    ConversationMessage.objects.create(conversation=lasting_talk, speaker=someone, text="Now.", tick=FIRST_KEPT)
    for tick, source in ((FIRST_KEPT - 1, "witnessed"), (FIRST_KEPT - 1, "planted"), (FIRST_KEPT, "heard")):
        Knowledge.objects.create(
            character=someone, key=f"{source}:{tick}", text=f"{source} at {tick}", learned_tick=tick, source=source
        )
    remembered = GameEvent.objects.get(tick=1)
    memory = MemoryFactory(character=someone, source_event=remembered, content="The day I moved.")
    return {"place": place, "someone": someone, "memory": memory, "old_talk": old_talk, "lasting": lasting_talk}


def test_what_falls_out_of_the_window_is_dropped_and_nothing_within_it(history):
    pruned = history_prune()

    assert pruned.before_tick == FIRST_KEPT
    assert sorted(GameEvent.objects.values_list("tick", flat=True)) == [FIRST_KEPT, NOW]
    assert sorted(EmotionSample.objects.values_list("tick", flat=True)) == [FIRST_KEPT, NOW]
    assert list(ConversationMessage.objects.values_list("text", flat=True)) == ["Now."]
    # a conversation with no line left goes; one with a line in the window stays
    assert list(Conversation.objects.values_list("id", flat=True)) == [history["lasting"].id]
    # a fact learned before the window is forgotten; one learned within it, or planted, stays
    kept_facts = sorted(Knowledge.objects.values_list("key", flat=True))
    assert kept_facts == [f"heard:{FIRST_KEPT}", f"planted:{FIRST_KEPT - 1}"]
    dropped = (pruned.events, pruned.emotion_samples, pruned.conversation_lines, pruned.conversations, pruned.facts)
    assert dropped == (3, 3, 2, 1, 1)


def test_memories_outlive_the_events_they_were_formed_from(history):
    history_prune()

    memory = Memory.objects.get(id=history["memory"].id)
    assert memory.content == "The day I moved." and memory.source_event_id is None


def test_beliefs_no_longer_held_go_with_the_window_and_those_held_stay_however_old(history):
    someone = history["someone"]

    def belief(subject: str, tick: int, *, current: bool, previous=None) -> Belief:
        return Belief.objects.create(
            character=someone,
            subject_kind="place",
            subject_name=subject,
            subject_key=f"place:{subject}",
            stance="fondness",
            statement=f"I like {subject}.",
            tick=tick,
            is_current=current,
            previous=previous,
        )

    forsaken = belief("the mill", FIRST_KEPT - 1, current=False)
    revision = belief("the mill", FIRST_KEPT, current=True, previous=forsaken)
    held_long = belief("the well", 1, current=True)
    forsaken_lately = belief("the inn", FIRST_KEPT, current=False)

    pruned = history_prune()

    assert pruned.beliefs == 1
    assert set(Belief.objects.values_list("id", flat=True)) == {revision.id, held_long.id, forsaken_lately.id}
    assert Belief.objects.get(id=revision.id).previous_id is None


def test_a_long_history_is_dropped_in_bounded_runs_of_whole_ticks_the_oldest_first(history):
    # events out of the window at ticks 1, FIRST_KEPT - 2 and FIRST_KEPT - 1
    first = history_prune(batch=2)  # the oldest two reach FIRST_KEPT - 2, and that tick goes whole
    assert first.events == 2 and GameEvent.objects.filter(tick__lt=FIRST_KEPT).count() == 1
    second = history_prune(batch=2)
    assert second.events == 1 and not GameEvent.objects.filter(tick__lt=FIRST_KEPT).exists()
    assert history_prune(batch=2).total == 0  # caught up: nothing more to do


def test_a_run_outruns_ticks_that_write_more_rows_than_its_batch(history):
    """At 10,000 NPCs a tick writes some 35,000 events: a run bounded by rows alone would
    drop fewer than a tick adds, and the log would outgrow the window tick after tick."""
    place, someone = history["place"], history["someone"]
    # the ticks about to fall out of the window each wrote 5 events, more than a run's batch
    GameEvent.objects.bulk_create(
        GameEvent(type="NPC_MOVED", tick=tick, location=place, actor=someone, payload={})
        for tick in range(FIRST_KEPT, FIRST_KEPT + 6)
        for _ in range(5)
    )
    clock = WorldClock.objects.get()
    backlog = []
    for _ in range(6):  # six ticks go by, each followed by a run
        clock.tick += 1
        clock.save(update_fields=["tick"])
        history_prune(batch=2)
        backlog.append(GameEvent.objects.filter(tick__lt=clock.tick - WINDOW + 1).count())
    # the backlog (the three old ticks out of the window at the start) shrinks each run, then
    # stays gone: each run drops at least the tick that fell out
    assert backlog == sorted(backlog, reverse=True) and backlog[2:] == [0] * 4, backlog


def test_pruning_costs_the_same_queries_whatever_the_history(history, django_assert_max_num_queries):
    place, someone = history["place"], history["someone"]
    GameEvent.objects.bulk_create(
        GameEvent(type="NPC_MOVED", tick=tick % (FIRST_KEPT - 1), location=place, actor=someone, payload={})
        for tick in range(2000)
    )
    # Each table: the ticks a run reaches, its ids or deletion (beliefs: their revisions' links
    # too); the clock; the locks (PostgreSQL).
    with django_assert_max_num_queries(28):
        history_prune()
    with django_assert_max_num_queries(28):
        history_prune()  # nothing left to drop: no more than a full run


def test_the_designers_window_wins_and_none_goes_below_the_worlds_longest_look_back(history, settings):
    clock = WorldClock.objects.get()
    assert retention_ticks(clock) == WINDOW
    clock.history_retention_ticks = NOW  # everything so far
    clock.save()
    assert retention_ticks(clock) == NOW
    history_prune()
    assert GameEvent.objects.filter(tick=1).exists()  # within the designer's longer window

    clock.history_retention_ticks = WINDOW - 1
    with pytest.raises(ValidationError):
        clock.full_clean()
    settings.HISTORY_RETENTION_TICKS = 10  # were the environment ever to slip through
    clock.history_retention_ticks = None
    assert retention_ticks(clock) == HISTORY_RETENTION_FLOOR_TICKS


def test_the_environment_refuses_a_window_below_the_floor():
    result = run_settings(SECRET_KEY=STRONG_KEY, HISTORY_RETENTION_TICKS=str(HISTORY_RETENTION_FLOOR_TICKS - 1))

    assert result.returncode != 0
    assert "HISTORY_RETENTION_TICKS must be at least 1000" in result.stderr


def test_catching_up_from_before_the_window_is_told_to_resync(history):
    player = PlayerFactory(location=history["place"])
    client = APIClient()
    client.force_authenticate(player.user)
    oldest = GameEvent.objects.order_by("id").first().id
    assert client.get(f"/api/events?after={oldest - 1}").status_code == 200  # nothing dropped yet

    dropped = list(GameEvent.objects.filter(tick__lt=FIRST_KEPT).values_list("id", flat=True))
    history_prune()
    lost = history_lost_before()
    assert lost == max(dropped)

    for position in (0, lost - 1):
        response = client.get(f"/api/events?after={position}")
        assert response.status_code == 410, response.content
        assert response.json()["code"] == "resync"
    kept = client.get(f"/api/events?after={lost}")
    assert kept.status_code == 200
    assert [event["tick"] for event in kept.json()["results"]] == [FIRST_KEPT, NOW]


def test_every_tick_is_followed_by_the_retention_policy(history):
    call_command("run_ticks", "1", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert not GameEvent.objects.filter(tick__lt=FIRST_KEPT).exists()
    assert WorldClock.objects.get().history_pruned_through > 0


def test_a_designers_save_never_writes_an_older_pruning_mark_back(history):
    form_loaded = WorldClock.objects.get()  # the admin's form, opened before the prune
    history_prune()
    mark = WorldClock.objects.get().history_pruned_through
    assert mark > 0

    world_clock_update(clock=form_loaded, by_designer=True, history_retention_ticks=NOW)

    clock = WorldClock.objects.get()
    assert clock.history_pruned_through == mark and clock.history_retention_ticks == NOW
