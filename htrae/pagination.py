"""One pagination shape for every list of the API: a forward cursor.

Every list answers `{"results": [...], "next": <URL> | null, "next_cursor": <str> | null}`,
oldest or best first as the list says, at most `limit` results. `next` is the URL of the
following page (the same query, with `cursor=`), `next_cursor` the cursor alone; both are null
on the last page. A list may add fields of its own (the event log adds `last_id`).

A cursor is the position of the last result of its page (its sort keys), signed: a client
cannot forge one, so what it holds is always a position this API gave; a tampered or foreign
cursor is a 404 `not_found` (no such page; DRF's own cursor pagination answers so, and any
string is a well-formed cursor, so it is not a 400). Positions, not offsets: rows added or removed while a
client pages never make it skip or repeat one (keyset pagination). A cursor belongs to its
list (its `scope`, which includes the ordering where a list has several).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.utils.urls import remove_query_param, replace_query_param

from htrae.errors import DomainError
from htrae.inputs import QueryIntegerField

_SALT = "htrae.pagination"


@dataclass(frozen=True)
class Page:
    results: list
    next_position: list | None  # the sort keys of the last result, when more follow


_UNKNOWN = "No page has this cursor: use a `next_cursor` (or `next`) this list gave."


class CursorField(serializers.CharField):
    """The `cursor` query parameter: a `next_cursor` this list gave; its value is the position
    (a 404 `not_found` for any other text)."""

    def __init__(self, *, scope: str, **kwargs):
        self.scope = scope
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("help_text", "The `next_cursor` of the previous page; absent for the first page.")
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> list:
        return cursor_decode(super().to_internal_value(data), scope=self.scope)


def cursor_decode(text: str, *, scope: str) -> list:
    """The position in a cursor of the list `scope` (for a list whose scope depends on other
    parameters, call it from its serializer's validate())."""
    try:
        position = signing.loads(text, salt=f"{_SALT}:{scope}")
    except signing.BadSignature:
        position = None
    if not isinstance(position, list):
        raise DomainError(_UNKNOWN, code="not_found", status_code=404)
    return position


def cursor_encode(position: list, *, scope: str) -> str:
    return signing.dumps(position, salt=f"{_SALT}:{scope}", compress=True)


def cursor_scope(*parts: str) -> str:
    """A list's scope, and a variant of it (an ordering): cursors of one do not fit another."""
    return ":".join(parts)


# --- Pages of a queryset (keyset over its ordering) ----------------------------------------


def queryset_page(queryset: QuerySet, *, ordering: Sequence[str], after: list | None, limit: int) -> Page:
    """At most `limit` rows of `queryset` in `ordering` (fields, "-" for descending; the last
    one unique, e.g. "id"), from just past the position `after`. One query."""
    names = [field.lstrip("-") for field in ordering]
    if after is not None:
        queryset = queryset.filter(_past(queryset, ordering, after))
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    page = rows[:limit]
    more = len(rows) > limit
    return Page(results=page, next_position=[_json_value(_value(page[-1], name)) for name in names] if more else None)


def _past(queryset: QuerySet, ordering: Sequence[str], position: list) -> Q:
    """Rows after `position` in `ordering`: (a > x) or (a = x and b > y) or ... ('<' where descending)."""
    if len(position) != len(ordering):  # signed by this list, so never; but never a 500 either
        raise DomainError(_UNKNOWN, code="not_found", status_code=404)
    model = queryset.model
    values = [
        model._meta.get_field(field.lstrip("-")).to_python(value)
        for field, value in zip(ordering, position, strict=True)
    ]
    condition = Q(pk__in=[])
    equal = Q()
    for field, value in zip(ordering, values, strict=True):
        name = field.lstrip("-")
        beyond = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": value})
        condition |= equal & beyond
        equal &= Q(**{name: value})
    return condition


def _value(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


# --- Pages of a list already in memory (a short one: factions, a character's quests) --------


def list_page(items: Sequence, *, key: Callable[[Any], tuple], after: list | None, limit: int) -> Page:
    """At most `limit` of `items`, in the order of `key` (ascending; unique), past `after`."""
    items = sorted(items, key=key)
    start = 0
    if after is not None:
        position = tuple(after)
        start = next((index for index, item in enumerate(items) if _comparable(key(item)) > position), len(items))
    page = list(items[start : start + limit])
    more = start + limit < len(items)
    return Page(results=page, next_position=list(_comparable(key(page[-1]))) if more else None)


def _comparable(key: tuple) -> tuple:
    """A key as its JSON round trip gives it back (tuples in cursors come back as lists)."""
    return tuple(_json_value(part) for part in key)


# --- The response ----------------------------------------------------------------------------


def page_body(request, page: Page, *, scope: str, results: list, **extra: Any) -> dict[str, Any]:
    """The page as the API answers it: `results`, `next`, `next_cursor` (and `extra` fields)."""
    cursor = cursor_encode(page.next_position, scope=scope) if page.next_position is not None else None
    next_url = None
    if cursor is not None:
        # The cursor is the position from here on: a first page's `after` would only compete with it.
        next_url = replace_query_param(remove_query_param(request.build_absolute_uri(), "after"), "cursor", cursor)
    return {"results": results, "next": next_url, "next_cursor": cursor, **extra}


def page_serializer(component_name: str, item: serializers.BaseSerializer, **extra: serializers.Field):
    """The OpenAPI shape of a page of `item` (`many=True`), named `component_name`."""
    return inline_serializer(
        component_name,
        fields={
            "results": item,
            "next": serializers.URLField(allow_null=True, help_text="The following page; null on the last."),
            "next_cursor": serializers.CharField(
                allow_null=True, help_text="The following page's `cursor`; null on the last."
            ),
            **extra,
        },
    )


def limit_field(*, default: int, maximum: int) -> QueryIntegerField:
    """The `limit` query parameter."""
    return QueryIntegerField(
        min_value=1, max_value=maximum, default=default, help_text=f"Results per page (at most {maximum})."
    )
