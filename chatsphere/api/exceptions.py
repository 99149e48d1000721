"""One JSON error shape for the whole API: {"detail", "code"} plus "errors" (field -> messages),
with `code` always one of `chatsphere.errors.ERROR_CODES`."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from chatsphere.errors import ApplicationError, RateLimited, ServiceUnavailable

logger = logging.getLogger(__name__)

#: The database or the cache (throttles, rate limits) not answering: worth trying again shortly.
UNAVAILABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
UNAVAILABLE_RETRY_AFTER_SECONDS = 5

#: Codes of DRF's and simplejwt's exceptions -> the code our vocabulary (ERROR_CODES) has for them.
LIBRARY_CODES = {
    "authentication_failed": "not_authenticated",
    "token_not_valid": "not_authenticated",
    "bad_authorization_header": "not_authenticated",
    "user_not_found": "not_authenticated",
    "user_inactive": "not_authenticated",
    "password_changed": "token_revoked",
    "no_active_account": "invalid_credentials",
    "throttled": "rate_limited",
    "error": "server_error",
}


def _field_errors(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {
            key: _field_errors(value) if isinstance(value, dict) else _messages(value) for key, value in detail.items()
        }
    return {"non_field_errors": _messages(detail)}


def _messages(detail: Any) -> list[Any]:
    if isinstance(detail, list):
        return [item if isinstance(item, dict) else str(item) for item in detail]
    return [str(detail)]


def _first_message(errors: dict[str, Any]) -> str:
    for field, messages in errors.items():
        if isinstance(messages, list) and messages and isinstance(messages[0], str):
            return messages[0] if field == "non_field_errors" else f"{field}: {messages[0]}"
        if isinstance(messages, dict):
            return f"{field}: {_first_message(messages)}"
    return "Invalid input."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.errors:
            body["errors"] = exc.errors
        body.update({key: value for key, value in exc.extra.items() if key not in body})
        response = Response(body, status=exc.status)
        if isinstance(exc, RateLimited | ServiceUnavailable):
            response["Retry-After"] = str(exc.retry_after)
        return response

    if isinstance(exc, UNAVAILABLE):
        logger.error("A service the API needs is unavailable", exc_info=exc)
        response = Response(
            {"detail": "The service is unavailable for a moment; try again shortly.", "code": "service_unavailable"},
            status=503,
        )
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
        return response

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    handled = drf_exception_handler(exc, context)
    if handled is None:
        return None
    response = handled

    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        response.data = {"detail": _first_message(errors), "code": "invalid", "errors": errors}
    elif isinstance(exc, exceptions.APIException):
        detail: object = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        if isinstance(detail, dict | list):
            detail = exc.default_detail
        response.data = {"detail": str(detail), "code": LIBRARY_CODES.get(str(code), str(code))}
    return response
