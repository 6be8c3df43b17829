"""The one lock order every writer of the world follows.

Three kinds of transactions write the world: the tick, a player's action, and background
"mind" work off the tick (a reply to a player, feelings moved by what a player did). Each takes
its locks in this order, and never the other way round:

1. **the tick's single flight** (`TICK`, advisory, tried without waiting): only ticks take
   it, so a second tick returns at once instead of queueing;
2. **the world** (`WORLD`, advisory): the tick holds it exclusively for its whole
   transaction; player actions and mind work share it. So a tick never interleaves with
   them: it waits for the actions in flight (milliseconds), and actions arriving meanwhile
   wait for the tick. PostgreSQL queues advisory lock requests fairly, so a stream of
   players cannot starve the tick (a shared row lock on the clock could);
3. **the minds** (`MINDS`, advisory, exclusive): mind work takes it after the world lock,
   so two replies or appraisals never lock the same characters in different orders;
4. then rows: the world clock, places (by id), characters (by id), Spectra's mind and
   goals, quests and assignments, factions and relations. Rows are locked `FOR NO KEY
   UPDATE` (exclusive among writers), never `FOR UPDATE`: PostgreSQL checks a new row's
   foreign keys at commit with a `KEY SHARE` lock on each row it names, which `FOR UPDATE`
   blocks. Two actions, each holding its own player's place and naming the other's place at
   commit, deadlocked that way (`bench/actions.py`, 10-55 times a minute), when events still
   had such keys; the world's history has none now (`htrae.models.history_link`), its
   state still does (a character's place, a relationship's pair).

A designer deleting characters (`designer_deleter`: `Character.delete` and a queryset's
delete) shares the world too, so it waits for a tick in flight: the rows that tick wrote
naming them must be visible to Django's collector, which clears the history's references in
their place.

A player's action writes only its own rows (its character, receipts, events, its quests,
conversation lines, memories); whatever it would set off in others' minds (Spectra's and the
NPCs' feelings, resonance on the places) runs after commit as mind work
(`spectra.services.mind_catch_up`). SQLite has none of this: its writers take the
database's one write lock up front (`transaction_mode: IMMEDIATE`), so they queue.

If PostgreSQL still reports a deadlock or a serialisation failure, the transaction rolled back
whole: `retrying` runs it once more; a player's action then answers `busy` (retry later).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TypeVar

from django.db import OperationalError, connection, transaction

from htrae.metrics import LOCK_CONFLICTS

logger = logging.getLogger(__name__)

# Advisory lock keys (any stable 64-bit numbers unique to Htrae).
TICK = 0x48_74_72_61_65_01  # "Htrae" 1
WORLD = 0x48_74_72_61_65_02
MINDS = 0x48_74_72_61_65_03

_in_mind_work: ContextVar[bool] = ContextVar("in_mind_work", default=False)

T = TypeVar("T")


def _advisory(sql: str, key: int) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    return bool(row[0]) if row and row[0] is not None else True


def tick_single_flight() -> bool:
    """Inside the tick's transaction: True if no other tick is running (then this one is)."""
    return _advisory("SELECT pg_try_advisory_xact_lock(%s)", TICK)


def world_exclusive() -> None:
    """The tick's hold on the world, until its transaction ends (waits for actions in flight)."""
    _advisory("SELECT pg_advisory_xact_lock(%s) IS NULL", WORLD)


def world_shared() -> None:
    """A player's action or mind work: runs beside others, never inside a tick."""
    _advisory("SELECT pg_advisory_xact_lock_shared(%s) IS NULL", WORLD)


@contextlib.contextmanager
def player_writer() -> Iterator[None]:
    """The transaction of a player's action: the world shared, then the player's own rows."""
    with transaction.atomic():
        world_shared()
        yield


# A designer's delete of characters (the admin, the shell) is the same transaction: the world
# shared, so it waits for a tick in flight. The world's history keeps no database constraint
# (`htrae.models.history_link`): Django's collector must see the rows that tick wrote naming
# them, or they would outlive them.
designer_deleter = player_writer


@contextlib.contextmanager
def mind_writer() -> Iterator[None]:
    """The transaction of mind work off the tick: the world shared, then the minds lock, then
    any characters, places and Spectra's goals. Subscribers that move minds run inline here
    (`in_mind_work`) instead of deferring to more mind work."""
    token = _in_mind_work.set(True)
    try:
        with transaction.atomic():
            world_shared()
            _advisory("SELECT pg_advisory_xact_lock(%s) IS NULL", MINDS)
            yield
    finally:
        _in_mind_work.reset(token)


def in_mind_work() -> bool:
    return _in_mind_work.get()


def is_lock_conflict(error: BaseException) -> bool:
    """A deadlock or serialisation failure: the transaction rolled back and may run again."""
    cause = getattr(error, "__cause__", None)
    sqlstate = getattr(cause, "sqlstate", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
    if sqlstate in ("40P01", "40001"):
        return True
    text = str(error).lower()
    return isinstance(error, OperationalError) and ("deadlock detected" in text or "database is locked" in text)


def retrying(work: Callable[[], T], *, attempts: int = 2, what: str = "transaction") -> T:
    """Run `work` (which opens its own transaction), again if it met a lock conflict."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except OperationalError as error:
            conflict = is_lock_conflict(error)
            if attempt == attempts or not conflict or connection.in_atomic_block:
                if conflict:
                    LOCK_CONFLICTS.labels(outcome="gave_up").inc()
                raise
            LOCK_CONFLICTS.labels(outcome="retried").inc()
            logger.warning("%s met a lock conflict (%s); running it again", what, str(error).splitlines()[0])
    raise AssertionError("unreachable")
