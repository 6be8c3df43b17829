"""Spectra's status as clients see it, published only when it changed."""

from __future__ import annotations

import hashlib
import json

from htrae.vocabulary import EventType
from spectra.models import SpectraMind
from spectra.selectors import spectra_status_get
from world.events import is_collecting, publish
from world.models import GameEvent


def spectra_status_publish_if_changed(*, mind: SpectraMind | None = None) -> GameEvent | None:
    """Publish SPECTRA_STATUS_CHANGED (clients get `spectra_status_update`) only if what
    they would see differs from the last one published."""
    status = spectra_status_get()
    if status is None:
        return None
    fingerprint = hashlib.sha256(
        json.dumps({key: value for key, value in status.items() if key != "tick"}, sort_keys=True, default=str).encode()
    ).hexdigest()
    mind = mind or SpectraMind.objects.get_or_create(character_id=status["id"])[0]
    if mind.status_fingerprint == fingerprint:
        return None
    SpectraMind.objects.filter(pk=mind.pk).update(status_fingerprint=fingerprint)
    mind.status_fingerprint = fingerprint
    return publish(
        EventType.SPECTRA_STATUS_CHANGED,
        status,
        tick=status["tick"],
        location_id=None,
        actor_id=status["id"],
        broadcast=not is_collecting(),
    )
