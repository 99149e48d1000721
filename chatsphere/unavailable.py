"""A dependency that is down (the database, Redis as cache, channel layer or broker) is worth
trying again shortly: every surface answers 503 with `Retry-After` (a socket closes with 4503), never a
500."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

UNAVAILABLE: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerError,
)
RETRY_AFTER_SECONDS = 5
#: WebSocket close code for "a dependency is down, reconnect shortly" (the 4000s are the
#: application's; servers may not send RFC 6455's 1013). The widget reconnects with backoff.
SOCKET_TRY_AGAIN_LATER = 4503


def is_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc`, or an exception it was raised from, means a dependency is down."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False
