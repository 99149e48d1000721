"""Connections the server opens to addresses its users gave it (web pages to ingest, webhook
endpoints), without letting those addresses reach internal services.

`GuardedBackend` resolves the host itself, refuses private, loopback, link-local and other
non-public addresses (unless allowed), and connects to the very address it checked, so a DNS
answer that changes between check and connect cannot slip through. `is_private_host` is the
cheap check of a URL's literal host when it is saved; the connection checks again.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import httpcore


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def is_private_host(host: str) -> bool:
    """A host that names a local or private machine without asking DNS (`localhost`, `10.0.0.5`)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not is_public_address(host)
    except ValueError:
        return False


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to public addresses unless `allow_private`.

    `unresolved(host)` and `private(host)` make the exception raised when the host cannot be found
    or points to a private network; each caller words them for its own users.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        unresolved: Callable[[str], Exception],
        private: Callable[[str], Exception],
    ) -> None:
        self.allow_private = allow_private
        self.unresolved = unresolved
        self.private = private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise self.unresolved(host) from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not self.allow_private and not all(is_public_address(address) for address in addresses):
            raise self.private(host)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        raise httpcore.ConnectError(str(last_error or f"could not connect to {host}"))
