"""Who is connected to this web process's WebSocket, for the admin's world dashboard.

Channels' groups cannot be listed, so each process counts its own open connections. In
embedded mode, and in served mode with one `web`, that process also serves the admin, so
the figure is every player; with several `web`s behind a proxy it is the players of the one
that answered the dashboard (the dashboard says so).
"""

from __future__ import annotations

import threading
from collections import Counter

_lock = threading.Lock()
_connections: Counter[int] = Counter()  # character id -> its open connections here


def connection_opened(character_id: int) -> None:
    with _lock:
        _connections[character_id] += 1


def connection_closed(character_id: int) -> None:
    with _lock:
        _connections[character_id] -= 1
        if _connections[character_id] <= 0:
            del _connections[character_id]


def players_connected() -> int:
    """Characters with at least one WebSocket open to this process (a player's tabs count once)."""
    with _lock:
        return len(_connections)
