"""The gossip app's tick phase: what the tick's talk told and its deeds showed is learned
once every character has acted (so no batch talks of what another batch told this tick)."""

from __future__ import annotations

from gossip.services import learn_from_events


def learn_from_tick(context) -> None:
    learn_from_events(context.events, tick=context.tick)
