"""The one JSON error shape of the API: `{"code": ..., "message": ..., "errors": {...}}`.

`code` is stable and machine-readable, `message` is for people, and `errors` (validation
only) maps each offending field to its messages. Services raise `DomainError` subclasses;
the DRF exception handler and the plain Django handlers below turn everything into this shape.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from htrae.outage import RETRY_AFTER_SECONDS, is_outage, log_outage, unavailable_body, unavailable_response


class DomainError(Exception):
    """A rule of the world refused an operation; carries the API's code and HTTP status."""

    code = "domain_error"
    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code


def error_body(code: str, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return body


def _first_message(errors: Any) -> str:
    """The first human message in a nested DRF error structure, prefixed by its field."""
    if isinstance(errors, dict):
        for field, value in errors.items():
            inner = _first_message(value)
            return inner if field == "non_field_errors" else f"{field}: {inner}"
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if is_outage(exc):  # PostgreSQL or Redis is down: try again later, not a server bug
        request = context.get("request")
        log_outage(exc, f"{request.method} {request.path}" if request is not None else "API")
        return Response(unavailable_body(exc), status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    if isinstance(exc, DomainError):
        response = Response(error_body(exc.code, exc.message), status=exc.status_code)
        retry_after = getattr(exc, "retry_after", None)  # a refusal that ends (a lockout) says when
        if retry_after:
            response["Retry-After"] = str(int(retry_after))
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's handler500 answers in JSON

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", _first_message(detail), detail)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        message = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = error_body(code, str(message))
    return response


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def api_not_found_middleware(get_response):
    """Unknown `/api/` addresses answer the JSON error shape in every mode.

    `handler404` does it with DEBUG off; with it on, Django answers its HTML debug page
    instead and never calls the handler. This middleware sits inside CommonMiddleware, so a
    missing trailing slash (`/api/schema`) is still redirected first.
    """

    def middleware(request):
        response = get_response(request)
        # A view's own 404 (a DRF Response, in whatever format was negotiated) or the JSON one stands.
        if response.status_code == 404 and _wants_json(request) and not isinstance(response, (Response, JsonResponse)):
            return handler404(request)
        return response

    return middleware


def handler404(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("not_found", "Nothing is at this address."), status=404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    # Django calls this inside its `except` block: an outage raised outside a view (a
    # middleware reading the session while the database restarts) is still a 503.
    error = sys.exc_info()[1]
    if is_outage(error):
        return unavailable_response(request, error)
    if _wants_json(request):
        return JsonResponse(error_body("server_error", "The server failed; the error has been logged."), status=500)
    return defaults.server_error(request)


def handler400(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("bad_request", "The request could not be understood."), status=400)
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("permission_denied", "You may not do this."), status=403)
    return defaults.permission_denied(request, exception)
