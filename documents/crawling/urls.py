"""Web addresses as a crawl compares them: one spelling per page, and whether two are one site."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize(url: str) -> str:
    """The address without its fragment, with a lower-case scheme and host, no default port and
    at least "/" as its path ("" when it is not an http(s) address)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def site_of(url: str) -> str:
    """The host (and port, when not the default) a site is known by; http and https are one
    site, and so are `example.com` and `www.example.com`."""
    netloc = urlsplit(normalize(url)).netloc
    return netloc.removeprefix("www.")


def same_site(url: str, site: str) -> bool:
    return bool(url) and site_of(url) == site
