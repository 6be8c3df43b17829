"""What the liveliness report (`world.reporting`) learns of relationships: the acquaintance
density after each tick, from the relationship model itself. Registered in
`relationships.apps`."""

from __future__ import annotations

from relationships.selectors import acquaintance_density


def acquaintance_sample() -> dict:
    """The share of NPC pairs who know each other now (one query for the NPCs, one for their
    relationships)."""
    return {"acquaintance_density": round(acquaintance_density(), 4)}
