"""Throttles for the public auth endpoints: per client IP and per e-mail address.

Rates come from settings.CHATSPHERE_RATE_LIMITS at request time, so they can be tuned per
deployment (and per test) without reloading DRF's settings. A scope without a rate is not limited.
The same classes guard the dashboard's forms through `throttles_check`.
"""

from __future__ import annotations

import hashlib
import math

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from chatsphere import metrics
from chatsphere.errors import RateLimited
from chatsphere.text.durations import wait_in_words


class _SettingsRateThrottle(SimpleRateThrottle):
    scope: str  # every throttle here names its scope

    def get_rate(self) -> str | None:
        return settings.CHATSPHERE_RATE_LIMITS.get(self.scope)

    def __init__(self) -> None:
        # SimpleRateThrottle reads the rate in __init__; read ours per instance instead.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def throttle_failure(self) -> bool:
        metrics.rate_limit_refused(self.scope)
        return super().throttle_failure()


class AuthIPThrottle(_SettingsRateThrottle):
    scope = "auth_ip"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthEmailThrottle(_SettingsRateThrottle):
    scope = "auth_email"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data = request.data if isinstance(request, Request) else request.POST
        email = data.get("email") if hasattr(data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class SignupIPThrottle(AuthIPThrottle):
    """Sign-ups from one client IP (API and dashboard)."""

    scope = "signup_ip"


class PasswordResetIPThrottle(AuthIPThrottle):
    """Password-reset requests from one client IP."""

    scope = "password_reset_ip"


class PasswordResetEmailThrottle(AuthEmailThrottle):
    """Password-reset e-mails to one address, whoever asks for them."""

    scope = "password_reset_email"


class VerificationEmailThrottle(AuthEmailThrottle):
    """Re-sent verification e-mails to one address: the one posted, or the signed-in person's."""

    scope = "verification_email"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "email", None):
            ident = hashlib.sha256(user.email.strip().lower().encode()).hexdigest()
            return self.cache_format % {"scope": self.scope, "ident": ident}
        return super().get_cache_key(request, view)


def throttles_check(request: HttpRequest, throttles: list[type[_SettingsRateThrottle]]) -> None:
    """Count a dashboard form submission against `throttles`; raise RateLimited when one is exhausted."""
    for throttle_class in throttles:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):  # type: ignore[arg-type]  # DRF throttles only read the request's headers and address
            wait = throttle.wait() or 1
            raise RateLimited(f"Too many attempts. Try again in {wait_in_words(wait)}.", retry_after=math.ceil(wait))
