"""The rules of world.locks, each tried: a player's transaction moves no other mind; a tick
or an action that meets a deadlock runs again once; an action that keeps meeting them answers
`busy` and writes nothing."""

import pytest
from django.db import OperationalError
from django.test import TestCase

from htrae.errors import DomainError
from tests.factories import CharacterFactory, LocationFactory, PlayerFactory, WorldClockFactory
from world import services
from world import tick as tick_module
from world.consequences import consequences_schedule
from world.locks import in_mind_work, is_lock_conflict, mind_writer
from world.models import Character, GameEvent, PlayerActionReceipt, WorldClock


@pytest.fixture
def place_with_spectra(db):
    here = LocationFactory(name="Lantern Square")
    WorldClockFactory(seed=5)
    spectra = CharacterFactory(
        kind=Character.Kind.SPECTRA, name="Spectra", slug="spectra", location=here, emotional_state={"mood": "calm"}
    )
    npc = CharacterFactory(name="Oren Vael", location=here)
    player = PlayerFactory(name="wren", user__username="wren", location=here)
    return {"here": here, "spectra": spectra, "npc": npc, "player": player}


def test_a_players_action_moves_no_other_mind_in_its_own_transaction(place_with_spectra):
    world = place_with_spectra
    with TestCase.captureOnCommitCallbacks() as callbacks:
        services.player_action_apply(
            character_id=world["player"].id, request_id="r1", action="speak", data={"text": "Spectra, you shine!"}
        )
        assert Character.objects.get(id=world["spectra"].id).emotional_state == {"mood": "calm"}
        assert not GameEvent.objects.filter(type="SPECTRA_EMOTION_CHANGED").exists()

    mind_work = [callback for callback in callbacks if getattr(callback, "func", None) is consequences_schedule]
    assert len(mind_work) == 1, "what she feels about it runs after commit, as mind work"
    mind_work[0]()
    assert "pleasure" in Character.objects.get(id=world["spectra"].id).emotional_state


def test_mind_work_is_marked_while_it_runs(db):
    assert not in_mind_work()
    with mind_writer():
        assert in_mind_work()
    assert not in_mind_work()


def test_lock_conflicts_are_told_apart_from_other_database_errors():
    assert is_lock_conflict(OperationalError("deadlock detected\nDETAIL: ..."))
    assert not is_lock_conflict(OperationalError("connection refused"))


@pytest.mark.django_db(transaction=True)
def test_a_tick_that_meets_a_deadlock_rolls_back_whole_and_runs_again(place_with_spectra, monkeypatch):
    real_batch, calls = tick_module.batch_apply, []

    def batch_meeting_one_deadlock(*args, **kwargs):
        real_batch(*args, **kwargs)  # writes, then the deadlock: all of it must roll back
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("deadlock detected")

    monkeypatch.setattr(tick_module, "batch_apply", batch_meeting_one_deadlock)
    result = tick_module.run_tick(force=True)

    assert result.ran and result.tick == 1 and len(calls) == 2
    assert WorldClock.objects.get().tick == 1
    # One tick's worth of events, not two: the first attempt left nothing behind (an NPC's
    # action is one event, or two for a move: leaving and arriving; a talk, its opening line
    # among the exchange's turns).
    npc_actions = (
        GameEvent.objects.filter(tick=1, actor_id=place_with_spectra["npc"].id)
        .exclude(type="NPC_EMOTION_CHANGED")
        .exclude(payload__exchange__turn__gt=0)
    )
    assert 1 <= npc_actions.count() <= 2
    assert (
        GameEvent.objects.filter(tick=1, type__startswith="SPECTRA_")
        .exclude(type__in=["SPECTRA_EMOTION_CHANGED", "SPECTRA_STATUS_CHANGED", "SPECTRA_EXPRESSED"])
        .exclude(payload__exchange__turn__gt=0)
        .count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_an_action_that_keeps_meeting_deadlocks_answers_busy_and_writes_nothing(place_with_spectra, monkeypatch):
    attempts = []

    def deadlocked_speech(**kwargs):
        services.player_speak(**kwargs)
        attempts.append(1)
        raise OperationalError("deadlock detected")

    monkeypatch.setitem(services._BUILT_IN_ACTIONS, "speak", deadlocked_speech)
    with pytest.raises(DomainError) as refused:
        services.player_action_apply(
            character_id=place_with_spectra["player"].id, request_id="r1", action="speak", data={"text": "hello"}
        )
    assert refused.value.code == "busy" and len(attempts) == 2
    assert not PlayerActionReceipt.objects.exists()
    assert not GameEvent.objects.filter(type="PLAYER_SPOKE").exists()
