"""Idempotent writes: make a row look like the given data, touching it only if it differs."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import models


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class UpsertTally:
    """Counts outcomes per model label, for a command to report."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = {}

    def add(self, label: str, outcome: Outcome) -> None:
        self.counts.setdefault(label, Counter())[outcome] += 1

    def total(self, outcome: Outcome) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def lines(self) -> Iterable[str]:
        for label, counter in self.counts.items():
            yield (
                f"{label}: {counter[Outcome.CREATED]} created, {counter[Outcome.UPDATED]} updated, "
                f"{counter[Outcome.UNCHANGED]} unchanged"
            )


def upsert(
    model: type[models.Model],
    *,
    existing: models.Model | None,
    lookup: dict[str, Any],
    fields: dict[str, Any],
) -> tuple[models.Model, Outcome]:
    """Create `model(**lookup, **fields)`, or update `existing` where its fields differ.

    Rows are validated with `full_clean`, so bad data fails with the field named. Only the
    fields that differ are written; an identical row is not saved at all.
    """
    if existing is None:
        instance = model(**lookup, **fields)
        instance.full_clean()
        instance.save()
        return instance, Outcome.CREATED
    changed = [name for name, value in fields.items() if getattr(existing, name) != value]
    if not changed:
        return existing, Outcome.UNCHANGED
    for name in changed:
        setattr(existing, name, fields[name])
    existing.full_clean()
    update_fields = [name.removesuffix("_id") if name.endswith("_id") else name for name in changed]
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        update_fields.append("updated_at")
    existing.save(update_fields=update_fields)
    return existing, Outcome.UPDATED
