"""Slows down password guessing against one account.

After a few failed logins for an e-mail address, every further attempt for it must wait,
and the wait doubles with each failure (capped). Kept in the cache, shared by all processes.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

from chatsphere.errors import RateLimited
from chatsphere.text.durations import wait_in_words

FAILURE_WINDOW_SECONDS = 60 * 60


def _key(email: str) -> str:
    return "login-failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def login_guard_check(*, email: str) -> None:
    """Raise RateLimited while this account is in its cool-down after repeated failures."""
    state = cache.get(_key(email))
    if not state:
        return
    # Round up: truncating would let the first (one-second) lock pass unenforced.
    wait = math.ceil(state.get("locked_until", 0) - time.time())
    if wait > 0:
        raise RateLimited(
            f"Too many failed logins for this account. Try again in {wait_in_words(wait)}.", retry_after=wait
        )


def login_failure_record(*, email: str) -> None:
    key = _key(email)
    state = cache.get(key) or {"count": 0, "locked_until": 0}
    state["count"] += 1
    excess = state["count"] - settings.CHATSPHERE_LOGIN_FAILURES_BEFORE_DELAY
    if excess >= 0:
        delay = min(2**excess, settings.CHATSPHERE_LOGIN_MAX_DELAY_SECONDS)
        state["locked_until"] = time.time() + delay
    cache.set(key, state, FAILURE_WINDOW_SECONDS)


def login_success(*, email: str) -> None:
    cache.delete(_key(email))
