"""Fetching the pages of a crawl, with the same guard as single web pages (`chatsphere.outbound`):
every connection — each redirect hop included — resolves the host itself and refuses private,
loopback and link-local addresses unless they are allowed. A redirect may not leave the site.

One `SiteFetcher` serves a whole crawl: its connection pool is shared by the crawl's threads.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpcore

from chatsphere.outbound import GuardedBackend
from documents.crawling.robots import ROBOTS_AGENT
from documents.crawling.urls import normalize

MAX_REDIRECTS = 5
USER_AGENT = f"{ROBOTS_AGENT}/1.0 (knowledge crawl)"
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.1"


class PageRefused(Exception):
    """A page the crawl could not take, with a reason for the owner. `gone` means the site says it
    does not exist (404, 410); `transient` that trying later may work (5xx, 429, timeouts)."""

    def __init__(self, message: str, *, gone: bool = False, transient: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.gone = gone
        self.transient = transient


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str
    final_url: str
    #: 200, or 304 when the page is unchanged since the ETag / Last-Modified given (no content).
    status: int
    content: bytes
    content_type: str
    etag: str
    last_modified: str

    @property
    def unchanged(self) -> bool:
        return self.status == 304


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return ""


class SiteFetcher:
    def __init__(
        self, *, allow_private: bool, timeout: float, max_bytes: int, same_site: Callable[[str], bool]
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.same_site = same_site
        backend = GuardedBackend(
            allow_private=allow_private,
            unresolved=lambda host: PageRefused(f"The address {host} could not be found."),
            private=lambda host: PageRefused(f"{host} points to a private network; only public web pages are crawled."),
        )
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(), network_backend=backend, max_connections=8
        )

    def __enter__(self) -> SiteFetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._pool.close()

    def get(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchedPage:
        """GET the page, following redirects within the site; raise PageRefused otherwise."""
        timeouts = {"connect": self.timeout, "read": self.timeout, "write": self.timeout, "pool": self.timeout}
        headers = [(b"User-Agent", USER_AGENT.encode()), (b"Accept", ACCEPT.encode())]
        if etag:
            headers.append((b"If-None-Match", etag.encode("latin-1", "replace")))
        if last_modified:
            headers.append((b"If-Modified-Since", last_modified.encode("latin-1", "replace")))
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not normalize(current):
                raise PageRefused(f"Only http:// and https:// addresses are crawled, not “{current[:200]}”.")
            try:
                with self._pool.stream("GET", current, headers=headers, extensions={"timeout": timeouts}) as response:
                    if response.status in {301, 302, 303, 307, 308}:
                        location = _header(response.headers, b"location")
                        if not location:
                            raise PageRefused(f"The site answered {response.status} without saying where to go.")
                        target = urljoin(current, location)
                        if not self.same_site(normalize(target)):
                            raise PageRefused(f"The page redirects off the site, to {target[:300]}.")
                        current = target
                        continue
                    if response.status in {404, 410}:
                        raise PageRefused(f"The site answered {response.status}: the page does not exist.", gone=True)
                    if response.status == 429 or response.status >= 500:
                        raise PageRefused(f"The site answered {response.status}; try again later.", transient=True)
                    if response.status >= 400 or response.status not in {200, 203, 304}:
                        raise PageRefused(f"The site answered {response.status}.")
                    body = bytearray()
                    for part in response.iter_stream():
                        body.extend(part)
                        if len(body) > self.max_bytes:
                            raise PageRefused(f"The page is larger than {self.max_bytes // (1024 * 1024)} MB.")
                    return FetchedPage(
                        url=url,
                        final_url=normalize(current),
                        status=response.status if response.status == 304 else 200,
                        content=bytes(body),
                        content_type=_header(response.headers, b"content-type").lower(),
                        etag=_header(response.headers, b"etag")[:200],
                        last_modified=_header(response.headers, b"last-modified")[:100],
                    )
            except httpcore.TimeoutException as exc:
                raise PageRefused(f"The page did not answer within {self.timeout:g} seconds.", transient=True) from exc
            except (httpcore.ConnectError, httpcore.NetworkError, httpcore.RemoteProtocolError) as exc:
                host = urlsplit(current).hostname
                raise PageRefused(f"Could not connect to {host}: {exc}", transient=True) from exc
            except httpcore.UnsupportedProtocol as exc:
                raise PageRefused(f"Only http:// and https:// addresses are crawled, not “{current[:200]}”.") from exc
        raise PageRefused(f"The page redirected more than {MAX_REDIRECTS} times.")
