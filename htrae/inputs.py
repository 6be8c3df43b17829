"""Reading requests the way the OpenAPI schema describes them.

DRF is lenient where the schema is not: it reads an empty query value as an absent one, and
takes `0` for a string or `"1.5"` for a number in a JSON body. A client that trusts the schema
is never hurt by that, but one that does not is told nothing; these helpers make the API
refuse what its schema refuses (tests/served/test_api_contract.py holds it to that).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rest_framework import serializers


def query_input(request) -> dict[str, Any]:
    """The query string as a serializer's `data`: each parameter's last value.

    Given the QueryDict itself, DRF reads an empty value (`?type=`) as if the parameter were
    absent. Given a plain dict, "" is a value like any other, which the field refuses with a
    400 naming the parameter, as the schema says (an empty enum value, an empty date).
    """
    return request.query_params.dict()


# The JSON types each kind of field takes; bool is an int in Python but not a number in JSON.
_JSON_TYPES: list[tuple[type[serializers.Field], tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "a boolean"),
    (serializers.ChoiceField, (str,), "a string"),
    (serializers.CharField, (str,), "a string"),
    (serializers.IntegerField, (int,), "an integer"),
    (serializers.FloatField, (int, float), "a number"),
]


class JsonInputSerializer(serializers.Serializer):
    """A JSON body's serializer: each value must already have the JSON type the schema gives
    its field (DRF would turn `0` into "0" and `"2.5"` into 2.5); a wrong one is a 400
    naming the field, like any invalid value."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                value = data.get(name)
                if field.read_only or value is None:
                    continue  # absent or null: the field itself says whether that is allowed
                for kind, json_types, label in _JSON_TYPES:
                    if isinstance(field, kind):
                        if not _is_json_type(value, json_types):
                            errors[name] = [f"Must be {label}."]
                        break
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _is_json_type(value: Any, json_types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in json_types
    if int in json_types and isinstance(value, float) and float not in json_types:
        return value.is_integer()  # JSON Schema counts 2.0 as an integer
    return isinstance(value, json_types)


ID_MAX = 2**63 - 1  # ids are 64-bit: a larger one would overflow the database's integer


class QueryIntegerField(serializers.IntegerField):
    """An integer query parameter written plainly, as the schema's `integer` says: DRF's
    IntegerField would also take "5.0"."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(r"-?[0-9]{1,20}", data):
            self.fail("invalid")
        return super().to_internal_value(data)
