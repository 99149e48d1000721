"""The OpenAPI schema's error side: one error body, and on every operation the error statuses it
can answer, derived from what the operation is (body, query parameters, path ids, credentials,
throttles) so that views declare only the errors particular to them (`error_responses(409)`)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from chatsphere.api.views import TenantAPIView
from chatsphere.errors import ERROR_CODES

ERROR_CODE_CHOICES = sorted(ERROR_CODES)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

#: What each error status means on any operation that can give it.
STATUS_DESCRIPTIONS = {
    400: "Bad input: `errors` names each wrong field or parameter (`invalid`), or the body is not "
    "JSON (`parse_error`), or the organization is ambiguous (`organization_required`).",
    401: "No credentials, or credentials that are wrong, expired or revoked.",
    403: "Your role, or an API key, may not do this (`permission_denied`).",
    404: "It does not exist or belongs to another organization (`not_found`).",
    409: "The current state forbids it.",
    413: "The body is over the limit (`body_too_large`, `file_too_large`, `text_too_long`).",
    415: "The body is not JSON, multipart or form data (`unsupported_media_type`).",
    429: "Too many requests (`rate_limited`): wait the seconds in `Retry-After`.",
    502: "The answer could not be produced; the question is saved.",
    503: "The database, the cache or the file storage does not answer (`service_unavailable`): "
    "wait the seconds in `Retry-After`.",
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


@extend_schema_serializer(component_name="Error")
class ErrorOutput(serializers.Serializer):
    """Every error the API answers. Some carry more facts, e.g. `conversation_id`, `document_id`,
    `curated_answer_id` or `limit`."""

    detail = serializers.CharField(help_text="A readable sentence.")
    code = serializers.ChoiceField(choices=ERROR_CODE_CHOICES, help_text="A stable machine value.")
    errors = serializers.DictField(  # type: ignore[assignment]  # a declared field: DRF moves it off the class
        child=serializers.JSONField(),
        required=False,
        help_text="Field or parameter -> its messages (a list of sentences, or the same shape nested).",
    )


def error_responses(*statuses: int, description: str | None = None) -> dict[int, OpenApiResponse]:
    """Error statuses particular to one operation, for its `extend_schema(responses=...)`."""
    return {
        status: OpenApiResponse(ErrorOutput, description=description or STATUS_DESCRIPTIONS.get(status, ""))
        for status in statuses
    }


class ChatSphereAutoSchema(AutoSchema):
    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        error_body = {"application/json": {"schema": self.resolve_serializer(ErrorOutput, "response").ref}}
        for status in self._error_statuses(operation):
            response = responses.setdefault(
                str(status), {"description": STATUS_DESCRIPTIONS.get(status, HTTPStatus(status).phrase)}
            )
            # Errors are JSON whatever the operation's success media types (see exceptions.py).
            response["content"] = error_body
            if status in (HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE):
                response.setdefault("headers", RETRY_AFTER)
        return operation

    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular's AutoSchema asks without arguments; the stub has DRF's inspector
        # A view's own docstring describes it; one inherited from a base view describes the base.
        method_doc = get_doc(getattr(self.view, self.method.lower(), None))
        view_class = type(self.view)
        return method_doc or (get_doc(view_class) if view_class.__doc__ else "")

    def _get_format_parameters(self) -> list[dict[str, Any]]:
        # The API picks the media type from `Accept` and the body (e.g. the chat's `stream`), never
        # from a `?format=` parameter.
        return []

    def _error_statuses(self, operation: dict[str, Any]) -> list[int]:
        declared = {int(code) for code in operation.get("responses", {}) if str(code).isdigit()}
        parameters = operation.get("parameters", [])
        takes_body = self.method in BODY_METHODS and "requestBody" in operation
        has_query = any(parameter["in"] == "query" for parameter in parameters)
        has_path_ids = any(parameter["in"] == "path" for parameter in parameters)
        # Endpoints inside an organization resolve it from the request: it may be ambiguous (400)
        # or not the caller's (404).
        in_organization = isinstance(self.view, TenantAPIView)
        needs_credentials = not all(issubclass(p, AllowAny) for p in getattr(self.view, "permission_classes", []))

        # Every operation reads the database.
        statuses = set(declared) | {503}
        if takes_body or has_query or in_organization:
            statuses.add(400)
        if needs_credentials:
            statuses |= {401, 403}
        if has_path_ids or in_organization:
            statuses.add(404)
        if takes_body:
            statuses |= {413, 415}
        if self.view.get_throttles():
            statuses.add(429)
        return sorted(status for status in statuses if status >= 400)
