"""Fetching a web page for ingestion without letting the URL reach internal services.

Every connection, including each redirect hop, goes through `chatsphere.outbound.GuardedBackend`:
it resolves the host itself, refuses private, loopback, link-local and other non-public addresses
(unless allowed), and connects to the very address it checked.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore

from chatsphere.outbound import GuardedBackend
from documents.ingestion.errors import FetchError

MAX_REDIRECTS = 5
USER_AGENT = "ChatSphereBot/1.0 (knowledge ingestion)"
ACCEPT = "text/html,text/plain,application/pdf;q=0.9,*/*;q=0.5"


@dataclass(frozen=True, slots=True)
class FetchedPage:
    content: bytes
    content_type: str
    final_url: str


def _guarded_backend(*, allow_private: bool) -> GuardedBackend:
    return GuardedBackend(
        allow_private=allow_private,
        unresolved=lambda host: FetchError(f"The address {host} could not be found."),
        private=lambda host: FetchError(f"{host} points to a private network; only public web pages can be added."),
    )


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(f"Only http:// and https:// addresses can be fetched, not “{url[:200]}”.")


def _status_error(status: int, url: str) -> FetchError:
    if status == 429 or status >= 500:
        return FetchError(f"The site answered {status} for {url}; it will be tried again.", transient=True)
    return FetchError(f"The page could not be fetched: the site answered {status} for {url}.")


def fetch_url(url: str, *, allow_private: bool, timeout: float, max_bytes: int) -> FetchedPage:
    """GET the page, following redirects; raise FetchError with a message for the owner."""
    timeouts = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
    headers = [(b"User-Agent", USER_AGENT.encode()), (b"Accept", ACCEPT.encode())]
    with httpcore.ConnectionPool(
        ssl_context=ssl.create_default_context(), network_backend=_guarded_backend(allow_private=allow_private)
    ) as pool:
        for _ in range(MAX_REDIRECTS + 1):
            _check_url(url)
            try:
                with pool.stream("GET", url, headers=headers, extensions={"timeout": timeouts}) as response:
                    if response.status in {301, 302, 303, 307, 308}:
                        location = dict(response.headers).get(b"Location") or dict(response.headers).get(b"location")
                        if not location:
                            raise _status_error(response.status, url)
                        url = urljoin(url, location.decode("latin-1"))
                        continue
                    if response.status >= 400:
                        raise _status_error(response.status, url)
                    content_type = ""
                    for name, value in response.headers:
                        if name.lower() == b"content-type":
                            content_type = value.decode("latin-1").lower()
                    body = bytearray()
                    for part in response.iter_stream():
                        body.extend(part)
                        if len(body) > max_bytes:
                            raise FetchError(f"The page is larger than {max_bytes // (1024 * 1024)} MB.")
                    return FetchedPage(content=bytes(body), content_type=content_type, final_url=url)
            except httpcore.TimeoutException as exc:
                raise FetchError(f"{url} did not answer within {timeout:g} seconds.", transient=True) from exc
            except (httpcore.ConnectError, httpcore.NetworkError, httpcore.RemoteProtocolError) as exc:
                raise FetchError(f"Could not connect to {urlsplit(url).hostname}: {exc}", transient=True) from exc
            except httpcore.UnsupportedProtocol as exc:
                raise FetchError(f"Only http:// and https:// addresses can be fetched, not “{url[:200]}”.") from exc
    raise FetchError(f"The page redirected more than {MAX_REDIRECTS} times.")
