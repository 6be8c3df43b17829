"""No index repeats the head of another on the same table: each costs every write, and the
tick writes its tables tens of thousands of rows at a time (issue 10: "no duplicate indexes").
A lookup by the shorter column list is served by the longer index that leads with it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

PROJECT_APPS = ("world", "memory", "gossip", "narrative", "relationships", "spectra", "htrae")


def _index_columns(model: type[models.Model]) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The model's plain indexes and every index a lookup can use (unique ones too), as column
    lists; partial and expression indexes serve only their own queries and are left out."""
    meta = model._meta
    column = {field.name: field.column for field in meta.concrete_fields}
    plain: list[tuple[str, ...]] = []
    usable: list[tuple[str, ...]] = [(meta.pk.column,)]
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        if field.unique:
            usable.append((field.column,))
        elif field.db_index:
            plain.append((field.column,))
    for index in meta.indexes:
        if index.condition is None and not index.expressions:
            plain.append(tuple(column[name.lstrip("-")] for name in index.fields))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None and constraint.fields:
            usable.append(tuple(column[name] for name in constraint.fields))
    usable += [tuple(column[name] for name in together) for together in meta.unique_together]
    return plain, usable + plain


def _project_models():
    return [
        model
        for name in PROJECT_APPS
        for model in apps.get_app_config(name).get_models()
        if not model._meta.auto_created  # Django's own many-to-many tables, not ours to shape
    ]


@pytest.mark.parametrize("model", _project_models(), ids=lambda model: model._meta.label)
def test_no_index_repeats_the_head_of_another(model):
    plain, usable = _index_columns(model)
    repeated = [
        (index, other)
        for index in plain
        for other in usable
        if other is not index and len(other) >= len(index) and other[: len(index)] == index and other != index
    ]
    same = [index for index in plain if usable.count(index) > 1]
    assert not repeated and not same, f"{model._meta.db_table}: {repeated or same}"
