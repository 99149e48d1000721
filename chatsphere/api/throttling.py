"""Throttles for the public auth endpoints: per client IP and per e-mail address.

Rates come from settings.CHATSPHERE_RATE_LIMITS at request time, so they can be tuned per
deployment (and per test) without reloading DRF's settings.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return settings.CHATSPHERE_RATE_LIMITS.get(self.scope)

    def __init__(self) -> None:
        # SimpleRateThrottle reads the rate in __init__; read ours per instance instead.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)


class AuthIPThrottle(_SettingsRateThrottle):
    scope = "auth_ip"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthEmailThrottle(_SettingsRateThrottle):
    scope = "auth_email"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
