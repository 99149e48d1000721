"""Error reports to Sentry, when SENTRY_DSN is set (docs/deploy.md, "Error reports").

Reports carry the error, its stack (without local variables), the request's method and path, and
the request, organization and bot ids of the logs; never request bodies, cookies, credentials,
query strings or the visitor's question (masked as in the logs by chatsphere.log_redaction).
"""

from __future__ import annotations

from typing import Any

from chatsphere import log_context
from chatsphere.log_redaction import redact

#: Request headers a report may keep; everything else (Authorization, Cookie, X-Api-Key, …) goes.
KEPT_HEADERS = {"accept", "content-type", "content-length", "host", "user-agent", "x-request-id"}


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    request = event.get("request")
    if isinstance(request, dict):
        kept: dict[str, Any] = {"method": request.get("method"), "url": str(request.get("url") or "").split("?")[0]}
        headers = request.get("headers") or {}
        kept["headers"] = {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}
        event["request"] = {key: value for key, value in kept.items() if value}
    event.pop("user", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    event["tags"] = {
        **(event.get("tags") or {}),
        "request_id": log_context.request_id.get(),
        "organization_id": log_context.organization_id.get(),
        "bot_id": log_context.bot_id.get(),
    }
    # Messages, exception values, breadcrumbs and extras may quote a secret or the question.
    scrubbed: dict[str, Any] = _scrub(event)
    return scrubbed


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    scrubbed: dict[str, Any] = _scrub(crumb)
    return scrubbed


def sentry_init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,  # type: ignore[arg-type]  # the SDK's Event is a TypedDict of the same shape
        before_breadcrumb=scrub_breadcrumb,
    )
