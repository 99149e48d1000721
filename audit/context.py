"""The address of the request being served, for the audit entries its services write.

Services take an actor, not a request; the middleware keeps the client's address in a context
variable for the duration of the request, so recording it needs no change to their signatures.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)


def request_client_ip(request: HttpRequest) -> str | None:
    """The client's address, trusting `X-Forwarded-For` only as far as CHATSPHERE_TRUSTED_PROXY_COUNT proxies."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CHATSPHERE_TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def current_client_ip() -> str | None:
    return _client_ip.get()


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(request_client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
