"""One JSON error shape for the whole API: {"detail", "code"} plus "errors" (field -> messages)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from chatsphere.errors import ApplicationError, RateLimited


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
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        response.data = {"detail": _first_message(errors), "code": "invalid", "errors": errors}
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        if isinstance(detail, dict | list):
            detail = exc.default_detail
        response.data = {"detail": str(detail), "code": str(code)}
    return response
