"""One webhook POST, to public addresses only, without following redirects.

The connection goes through `chatsphere.outbound.GuardedBackend` (the same guard as web pages
added to a bot's knowledge): the host is resolved once, a private address is refused unless
`CHATSPHERE_ALLOW_PRIVATE_URLS` is on, and the request goes to the address checked. A redirect is
an answer like any other non-2xx: following it would let an endpoint send the signed event, and
the checks, somewhere else.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass

import httpcore

from chatsphere.outbound import GuardedBackend

USER_AGENT = "ChatSphere-Webhooks/1.0"
#: Of the endpoint's answer, only the start is read and kept for the delivery log.
MAX_RESPONSE_READ = 64 * 1024
RESPONSE_KEPT = 1000


class _Refused(Exception):
    pass


@dataclass(frozen=True, slots=True)
class PostResult:
    status: int | None
    body: str
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(*, url: str, body: bytes, headers: dict[str, str], allow_private: bool, timeout: float) -> PostResult:
    started = time.monotonic()
    backend = GuardedBackend(
        allow_private=allow_private,
        unresolved=lambda host: _Refused(f"The address {host} could not be found."),
        private=lambda host: _Refused(f"{host} points to a private network; webhooks go to public addresses only."),
    )
    timeouts = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
    request_headers = [
        (b"User-Agent", USER_AGENT.encode()),
        (b"Content-Type", b"application/json"),
        *((name.encode(), value.encode()) for name, value in headers.items()),
    ]

    def done(status: int | None, text: str = "", error: str = "") -> PostResult:
        return PostResult(status, text, error[:500], int((time.monotonic() - started) * 1000))

    try:
        with (
            httpcore.ConnectionPool(ssl_context=ssl.create_default_context(), network_backend=backend) as pool,
            pool.stream(
                "POST", url, headers=request_headers, content=body, extensions={"timeout": timeouts}
            ) as response,
        ):
            received = bytearray()
            for part in response.iter_stream():
                received.extend(part)
                if len(received) >= MAX_RESPONSE_READ:
                    break
            text = received.decode("utf-8", errors="replace")[:RESPONSE_KEPT]
            if 300 <= response.status < 400:
                return done(response.status, text, "Redirects are not followed: give the final address.")
            return done(response.status, text)
    except _Refused as exc:
        return done(None, error=str(exc))
    except httpcore.TimeoutException:
        return done(None, error=f"No answer within {timeout:g} seconds.")
    except (httpcore.ConnectError, httpcore.NetworkError, httpcore.RemoteProtocolError) as exc:
        return done(None, error=f"Could not connect: {exc or type(exc).__name__}")
    except httpcore.UnsupportedProtocol:
        return done(None, error="Only http:// and https:// addresses can receive webhooks.")
