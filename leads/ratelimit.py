"""Spam bursts of the contact form: leads counted per widget visitor and per client IP in the
Django cache (shared by every web process with Redis), with django-ratelimit's counters.

Rates come from settings.CHATSPHERE_LEAD_RATE_LIMITS, read on every call.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import get_usage

from chatsphere import metrics
from chatsphere.errors import RateLimited
from chatsphere.text.durations import wait_in_words

VISITOR = "visitor"
IP = "ip"


def lead_rate_limit_hit(*, visitor: str, ip: str) -> None:
    """Count one lead for the visitor and the IP; raise RateLimited when either is over its rate.
    Like the chat's limits, an unreachable cache lets the form through."""
    retry_after = 0
    for scope, ident in ((VISITOR, visitor), (IP, ip)):
        rate = settings.CHATSPHERE_LEAD_RATE_LIMITS.get(scope)
        if not rate:
            continue
        usage = get_usage(
            None, group=f"lead.{scope}", key=lambda _group, _request, ident=ident: ident, rate=rate, increment=True
        )
        if usage and usage["should_limit"] and usage["limit"]:
            retry_after = max(retry_after, int(usage["time_left"]), 1)
            metrics.rate_limit_refused(f"lead_{scope}")
    if retry_after:
        raise RateLimited(
            f"You have already sent us several requests. Please wait {wait_in_words(retry_after)} before "
            "sending another.",
            retry_after=retry_after,
        )
