"""Bounded history: the retention policy of the world's logs.

The event log, emotion samples, conversation lines, learned facts and beliefs no longer held
grow with every tick (41 events a tick in the seed world, some 35,000 at 10,000 NPCs). What is
older than the retention window (`HISTORY_RETENTION_TICKS`, or the designer's value on the
world clock) is dropped, a bounded run of whole ticks per table after each tick (about
`PRUNE_BATCH` rows, never fewer than two ticks), so the first run over a long history never
stalls the world, a tick writing more rows than a run's batch is still outrun, and once caught
up each run drops about one tick's worth: the cost stays that of writing the history, whatever
its age.

Nothing the world reads lies that far back (the longest window any rule reads is
`world.models.HISTORY_RETENTION_FLOOR_TICKS`). Memories keep what they remember; only their
link to the dropped event is cleared. A fact a character learned (`gossip.Knowledge`: a deed
seen, news heard) is forgotten once learned longer ago than the window (a fact told again is
learned anew); designers' planted facts stay. So is a belief a character no longer holds,
formed before the window (`memory.Belief`, revised by a later one); what it believes now
stays, however old. A client catching up from before the window is told to `resync` (`GET
/api/events` answers 410 `resync`; `history_lost_before`) instead of silently missing events:
the clock keeps the last event id dropped.

Pruning runs as mind work (`world.locks.mind_writer`): never inside a tick, never beside
another writer of minds, so it adds no new lock order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from gossip.models import Knowledge
from memory.models import Belief, Memory
from narrative.models import Conversation, ConversationMessage
from spectra.models import EmotionSample
from world import sql
from world.locks import mind_writer, retrying
from world.models import HISTORY_RETENTION_FLOOR_TICKS, GameEvent, WorldClock

logger = logging.getLogger(__name__)

# Rows of each table dropped per run, about (whole ticks; `_dropped_through`): a first run over
# months of history catches up over several ticks instead of holding one long transaction.
PRUNE_BATCH = 5000
# Ticks dropped per run at least, however many rows they hold: more than the one tick each
# tick adds, so a backlog shrinks even where a tick writes more than PRUNE_BATCH rows.
CATCH_UP_TICKS = 2


@dataclass(frozen=True)
class Pruned:
    """What one run dropped, and the tick before which history is no longer kept."""

    before_tick: int
    events: int = 0
    emotion_samples: int = 0
    conversation_lines: int = 0
    conversations: int = 0
    facts: int = 0
    beliefs: int = 0

    @property
    def total(self) -> int:
        return (
            self.events
            + self.emotion_samples
            + self.conversation_lines
            + self.conversations
            + self.facts
            + self.beliefs
        )


def retention_ticks(clock: WorldClock) -> int:
    """Ticks of history kept: the designer's value on the clock, else the environment's."""
    wanted = clock.history_retention_ticks or settings.HISTORY_RETENTION_TICKS
    return max(HISTORY_RETENTION_FLOOR_TICKS, int(wanted))


def history_prune(*, batch: int = PRUNE_BATCH) -> Pruned | None:
    """Drop one run of each log older than the retention window (whole ticks, about `batch`
    rows, at least `CATCH_UP_TICKS` ticks: `_dropped_through`). None if there is
    no world yet. Runs its own transaction (mind work), once more after a lock conflict."""
    return retrying(lambda: _prune_once(batch), what="pruning history")


def _prune_once(batch: int) -> Pruned | None:
    with mind_writer():
        clock = WorldClock.objects.filter(id=WorldClock.SINGLETON_ID).first()
        if clock is None:
            return None
        before = clock.tick - retention_ticks(clock) + 1  # ticks before this are dropped
        if before <= 0:
            return Pruned(before_tick=0)
        event_ids = _run_ids(GameEvent.objects.all(), "tick", before, batch)
        if event_ids:
            # Memories outlive the events they were formed from (SET_NULL, done here because
            # the rows go without Django's collector, which would load every event first).
            Memory.objects.filter(source_event_id__any=event_ids).update(source_event=None)
            _raw_delete(GameEvent, event_ids)
            last_dropped = max(event_ids)
            if last_dropped > clock.history_pruned_through:
                WorldClock.objects.filter(id=clock.id).update(history_pruned_through=last_dropped)
        samples = _drop(EmotionSample.objects.all(), "tick", before, batch)
        lines = _drop(ConversationMessage.objects.all(), "tick", before, batch)
        # A conversation whose every line is gone goes too (its participants with it).
        empty = Conversation.objects.filter(started_tick__lt=before, messages__isnull=True)
        empty_ids = list(empty.order_by("id").values_list("id", flat=True)[:batch])
        conversations = Conversation.objects.filter(id__any=empty_ids).delete()[1].get(Conversation._meta.label, 0)
        facts = _drop(Knowledge.objects.exclude(source=Knowledge.Source.PLANTED), "learned_tick", before, batch)
        beliefs = _beliefs_forsaken_drop(before, batch)
        return Pruned(
            before_tick=before,
            events=len(event_ids),
            emotion_samples=samples,
            conversation_lines=lines,
            conversations=conversations,
            facts=facts,
            beliefs=beliefs,
        )


def _dropped_through(rows: QuerySet, tick_field: str, before: int, batch: int) -> int:
    """The tick up to which (excluded) one run drops `rows` older than `before`: whole ticks,
    the oldest first, about `batch` rows' worth, and never fewer than `CATCH_UP_TICKS` ticks.
    So a run drops a tick's worth or more however many rows a tick writes (some 35,000 events
    at 10,000 NPCs): the log stops at the window instead of outgrowing a fixed row count.
    Two reads of the tick index."""
    old = rows.filter(**{f"{tick_field}__lt": before}).order_by(tick_field).values_list(tick_field, flat=True)
    oldest = next(iter(old[:1]), None)
    if oldest is None:
        return 0  # nothing older than the window
    reached = next(iter(old[batch - 1 : batch]), None)  # the tick the oldest `batch` rows reach
    if reached is None:
        return before  # fewer than `batch` rows: all of them
    return min(before, max(reached + 1, oldest + CATCH_UP_TICKS))


def _drop(rows: QuerySet, tick_field: str, before: int, batch: int) -> int:
    """Delete one run's worth of `rows` older than `before` (`_dropped_through`); how many went.
    Raw: nothing refers to these rows, so no need for the collector's reads."""
    doomed = rows.filter(**{f"{tick_field}__lt": _dropped_through(rows, tick_field, before, batch)})
    return doomed._raw_delete(doomed.db)


def _beliefs_forsaken_drop(before: int, batch: int) -> int:
    """Beliefs no longer held, formed before the window, go (a reflection at 10,000 NPCs
    revises some 10,000 a tick); what a character believes now stays, however old. The
    beliefs that revised them lose the link (SET_NULL, done here: the rows go raw)."""
    ids = _run_ids(Belief.objects.filter(is_current=False), "tick", before, batch)
    if not ids:
        return 0
    Belief.objects.filter(previous_id__any=ids).update(previous=None)
    return _raw_delete(Belief, ids)


def _run_ids(rows: QuerySet, tick_field: str, before: int, batch: int) -> list[int]:
    """The ids of one run's worth of `rows` older than `before` (`_dropped_through`), oldest
    first: for rows others refer to, whose references are cleared before they go."""
    doomed = rows.filter(**{f"{tick_field}__lt": _dropped_through(rows, tick_field, before, batch)})
    return list(doomed.order_by("id").values_list("id", flat=True))


def _raw_delete(model, ids: list[int]) -> int:
    """Delete these rows without the collector's reads (their references already cleared)."""
    doomed = model.objects.filter(id__any=ids)
    return doomed._raw_delete(doomed.db)


def history_prune_after_tick() -> None:
    """After a tick: prune, never letting a failure reach the tick's caller (the world goes on;
    the next tick's run catches up)."""
    try:
        pruned = history_prune()
    except Exception:
        logger.exception("pruning history failed; the next tick tries again")
        return
    if pruned is not None and pruned.total:
        logger.debug(  # every tick once caught up: not worth a line each in production logs
            "history before tick %s pruned: %s events, %s emotion samples, %s conversation lines, %s conversations, "
            "%s learned facts, %s beliefs no longer held",
            pruned.before_tick,
            pruned.events,
            pruned.emotion_samples,
            pruned.conversation_lines,
            pruned.conversations,
            pruned.facts,
            pruned.beliefs,
        )


def history_lost_before() -> int:
    """The last event id dropped by the retention policy (0: none yet). A client whose
    position is below it may have missed events: it must resync from the world's state."""
    # by hand (`world.sql`): every poll of `GET /api/events` asks
    found = sql.rows(_PRUNED_THROUGH_SQL, [WorldClock.SINGLETON_ID])
    return (found[0][0] or 0) if found else 0


_PRUNED_THROUGH_SQL = "SELECT history_pruned_through FROM world_worldclock WHERE id = %s"
