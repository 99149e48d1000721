"""The web process: daphne's command line, with a graceful stop.

    python -m chatsphere.serve --bind 0.0.0.0 --port 8000 chatsphere.asgi:application

takes every option of `daphne`. On SIGTERM or SIGINT it stops accepting connections, tells open
sockets the server is restarting (each closes with 4012 once its answer is finished), waits up to
`CHATSPHERE_SHUTDOWN_GRACE_SECONDS` for answers and HTTP streams in progress, saves an answer
still running after that as interrupted, and exits. A second signal stops it at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Any

from daphne.cli import CommandLineInterface
from daphne.server import Server

logger = logging.getLogger("chatsphere.serve")


class GracefulServer(Server):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["signal_handlers"] = False  # ours, below, instead of twisted's immediate stop
        super().__init__(*args, **kwargs)
        self.ports: list[Any] = []
        self.stopping = False

    def listen_success(self, port: Any) -> None:
        self.ports.append(port)
        super().listen_success(port)

    def run(self) -> None:
        from twisted.internet import reactor

        reactor.callWhenRunning(self._handle_signals)
        super().run()

    def _handle_signals(self) -> None:
        # Through the event loop's own signal handling: the handler runs as a normal callback,
        # never in the middle of whatever the loop was doing.
        loop = asyncio.get_event_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.request_stop, signal.Signals(signum).name)

    def request_stop(self, reason: str = "a stop request") -> None:
        from django.conf import settings

        from chatsphere import shutdown

        if self.stopping:  # asked twice: no more waiting
            logger.info("%s again: stopping now", reason)
            self.stop()
            return
        self.stopping = True
        logger.info("%s: no new connections; finishing what is in progress", reason)
        for port in self.ports:
            port.stopListening()
        # Sockets drain themselves; every other connection (HTTP requests, SSE streams) is waited for.
        drained = asyncio.ensure_future(
            shutdown.drain(
                grace_seconds=settings.CHATSPHERE_SHUTDOWN_GRACE_SECONDS,
                busy=self._requests_in_progress,
            )
        )
        drained.add_done_callback(lambda _: self.stop())

    def _requests_in_progress(self) -> int:
        """HTTP requests and streams still running (idle keep-alive connections do not count)."""
        from daphne.ws_protocol import WebSocketProtocol

        return sum(
            1
            for protocol, details in list(self.connections.items())
            if not isinstance(protocol, WebSocketProtocol)
            and details.get("application_instance") is not None
            and not details["application_instance"].done()
        )


class GracefulCommandLine(CommandLineInterface):
    description = "ChatSphere's web process (daphne, stopped gracefully)"
    server_class = GracefulServer


if __name__ == "__main__":
    GracefulCommandLine().run(sys.argv[1:])
