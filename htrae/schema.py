"""The error responses of the OpenAPI schema, declared once for every endpoint.

Every error the API answers has the shape `htrae.errors.error_body` builds:
`{"code", "message", "errors"}`. `error_responses(400, 401, 404, codes={404: ["no_character"]})`
gives a view's `extend_schema(responses=...)` one entry per status: the shared `Error`
component, narrowed to the `code` values that status can carry on that endpoint (an enum, so
a client, and the contract test, can rely on it), with each code explained in the description.

The codes DRF and Django produce themselves are the defaults of their status; a view adds its
own domain codes. A code that an endpoint can answer but its schema does not list fails
`tests/served/test_api_contract.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from drf_spectacular.utils import OpenApiResponse

ERROR_COMPONENT = "Error"

# The shape of `htrae.errors.error_body`; `errors` comes only with validation errors.
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error of the API: a stable `code`, a human `message` and, for invalid input, `errors`.",
    "properties": {
        "code": {"type": "string", "description": "Stable and machine-readable; the response lists its values."},
        "message": {"type": "string", "description": "For people; may change."},
        "errors": {
            "type": "object",
            "description": "Invalid input only: each offending field (or `non_field_errors`) and its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message"],
}

# What every code means, for the descriptions. A code missing here is a programming error.
CODE_MEANINGS = {
    "invalid": "The input failed validation; `errors` names each field.",
    "parse_error": "The body is not valid JSON.",
    "invalid_credentials": "Unknown username or wrong password.",
    "not_authenticated": "No credentials were sent (`Authorization: Token ...`).",
    "authentication_failed": "The token is unknown or its account is inactive.",
    "permission_denied": "The account may not do this.",
    "not_found": "Nothing is at this address, or the cursor is not one this API gave.",
    "no_character": "The account has no player character.",
    "unknown_character": "No character has this id.",
    "no_spectra": "Spectra is not in this world yet.",
    "username_taken": "Someone already has this name (names are compared case-insensitively).",
    "not_acceptable": "The `Accept` header asks for something other than JSON.",
    "unsupported_media_type": "The body is not `application/json` (a form or multipart upload, say).",
    "throttled": "Too many requests; `Retry-After` says when to try again.",
    "world_not_ready": "The world has not started yet (no clock, or no starting location).",
    "resync": "The position is older than the history kept (its retention window): fetch the state afresh.",
    "unavailable": (
        "The database or Redis is down, or every database connection of the server is in use "
        "(`htrae/outage.py`); `Retry-After` says when to try again."
    ),
}

# The codes Django and DRF answer by themselves for each status.
DEFAULT_CODES: dict[int, tuple[str, ...]] = {
    400: ("invalid",),
    401: ("not_authenticated", "authentication_failed"),
    403: ("permission_denied",),
    404: ("not_found",),
    409: (),
    410: ("resync",),
    406: ("not_acceptable",),
    415: ("unsupported_media_type",),
    429: ("throttled",),
    503: ("unavailable",),
}

STATUS_SUMMARIES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    410: "Gone",
    406: "Not acceptable",
    415: "Unsupported media type",
    429: "Too many requests",
    503: "Service unavailable",
}


def error_schema(codes: Iterable[str]) -> dict:
    """The `Error` component with `code` narrowed to these values."""
    return {
        "allOf": [
            {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"},
            {"type": "object", "properties": {"code": {"type": "string", "enum": list(codes)}}},
        ]
    }


def error_responses(
    *statuses: int, codes: Mapping[int, Iterable[str]] | None = None, json_body: bool = False
) -> dict[int, OpenApiResponse]:
    """The error responses of an endpoint, for `extend_schema(responses={200: ..., **error_responses(...)})`.

    `codes` adds an endpoint's own codes to a status's defaults (`DEFAULT_CODES`); a status
    with no defaults (409) needs its codes given. Every endpoint can answer 406 (DRF's content
    negotiation: it renders only JSON) and 503 `unavailable` (an outage, `htrae/outage.py`);
    `json_body=True` adds what reading a JSON body can answer: 400 `parse_error` and 415.
    """
    wanted: dict[int, list[str]] = {status: list(DEFAULT_CODES[status]) for status in (*statuses, 406, 503)}
    if json_body:
        wanted.setdefault(400, list(DEFAULT_CODES[400])).append("parse_error")
        wanted.setdefault(415, list(DEFAULT_CODES[415]))
    for status, extra in (codes or {}).items():
        if status not in (*statuses, 503):
            raise ValueError(f"codes given for status {status}, which is not listed")
        wanted[status].extend(extra)
    responses = {}
    for status in sorted(wanted):
        listed = list(dict.fromkeys(wanted[status]))
        if not listed:
            raise ValueError(f"status {status} needs its codes")
        explained = "; ".join(f"`{code}`: {CODE_MEANINGS[code]}" for code in listed)
        responses[status] = OpenApiResponse(
            response=error_schema(listed), description=f"{STATUS_SUMMARIES[status]}. {explained}"
        )
    return responses


def error_component_add(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: add the `Error` component the error responses use."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    return result
