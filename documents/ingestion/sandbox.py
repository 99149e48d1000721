"""Extraction of untrusted files in a separate process with time and memory limits.

Parsers of PDFs and Office files are large C and Python code bases fed with bytes from the
internet: a file may make them loop, allocate without bound, crash, or take control of the
process. Extraction therefore runs in an *extraction server*: a child process that extracts one
file per request. The worker kills it at the wall-clock deadline, and a child that crashes, runs
out of memory or is killed is replaced at the next request, so a hostile file costs one failed
document, never a stuck or dead worker.

The child is a fresh interpreter (`sandbox_child.py`), not a fork: a fork would carry the
worker's memory (settings, keys), environment and open descriptors (listening sockets, database
connections) to the code that parses hostile bytes. It gets a minimal environment, /dev/null as
standard streams and its two pipes, drops its privileges before it reads anything, and talks
plain msgpack data (`sandbox_protocol.py`), so a parser exploit finds nothing to steal and
nothing it sends is trusted. The upload check for password-protected PDFs runs there too.

A long-lived child rather than a process per file: starting an interpreter and importing the
parsers costs more than extracting a short PDF.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from documents.ingestion import sandbox_protocol as protocol
from documents.ingestion.errors import ExtractionError
from documents.ingestion.extract import Extracted
from documents.ingestion.sandbox_protocol import Failure

_T = TypeVar("_T")

#: The directory that holds the `documents` package: the child's only import path of ours.
_SOURCE_ROOT = Path(__file__).resolve().parents[2]
#: How long a new child may take to start (interpreter, parsers) before it counts as broken.
STARTUP_SECONDS = 60
#: The upload's password check opens only the PDF's trailer: seconds are plenty.
INSPECTION_SECONDS = 10
DEFAULT_MEMORY_MB = 1024


@dataclass(frozen=True, slots=True)
class ExtractionLimits:
    timeout_seconds: float = 120
    memory_mb: int = DEFAULT_MEMORY_MB
    max_pages: int = 2000


class _ReaderFailed(Exception):
    """The child died, missed the deadline or answered nonsense; it has been stopped."""

    def __init__(self, returncode: int | None, *, malformed: bool = False) -> None:
        super().__init__(returncode)
        self.returncode = returncode
        self.malformed = malformed
        self.starting = False


def _child_environment() -> dict[str, str]:
    """Only what an interpreter needs: no secrets, no settings, no proxies."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": str(_SOURCE_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


class _ExtractionServer:
    """The worker's side of one extraction child."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.owner = os.getpid()
        self.served = 0
        requests_read, self.requests = os.pipe()
        self.replies, replies_write = os.pipe()
        arguments = [str(requests_read), str(replies_write), str(memory_mb)]
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-s", "-m", "documents.ingestion.sandbox_child", *arguments],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=True,
                pass_fds=(requests_read, replies_write),
                env=_child_environment(),
                cwd="/",
                start_new_session=True,  # no controlling terminal, out of the worker's signals
            )
        except OSError as exc:  # out of processes or memory: the next file tries again
            os.close(self.requests)
            os.close(self.replies)
            raise _ReaderFailed(None) from exc
        finally:
            os.close(requests_read)
            os.close(replies_write)
        self.pid = self.process.pid
        ready = self._reply(time.monotonic() + STARTUP_SECONDS, writer=None)
        if ready.get("status") != "ready":
            raise _ReaderFailed(self.stop(kill=True), malformed=True)

    def usable(self, memory_mb: int) -> bool:
        if self.pid <= 0 or self.memory_mb != memory_mb or self.served >= protocol.REQUESTS_PER_CHILD:
            return False
        # Killed between two files (the system's out-of-memory killer, an operator)?
        return self.process.poll() is None

    def stop(self, *, kill: bool, writer: threading.Thread | None = None) -> int | None:
        """Reap the child (killed first if asked) and close the pipes; its exit code, if known."""
        if kill:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        else:
            with contextlib.suppress(OSError):
                os.close(self.requests)  # end of file: the child leaves its loop
        returncode = self.process.wait()
        if writer is not None:
            writer.join()  # the write fails at once now that the child is gone
        for fd in (self.requests, self.replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.pid = -1
        return returncode

    def _reply(self, deadline: float, writer: threading.Thread | None) -> dict[str, Any]:
        try:
            reply = protocol.read_frame(self.replies, max_bytes=protocol.MAX_REPLY_BYTES, deadline=deadline)
        except protocol.MalformedReply as exc:
            raise _ReaderFailed(self.stop(kill=True, writer=writer), malformed=True) from exc
        if reply is None:
            raise _ReaderFailed(self.stop(kill=True, writer=writer))
        return reply

    def request(self, message: dict[str, Any], timeout_seconds: float) -> dict[str, Any]:
        """The child's reply; _ReaderFailed when it died, missed the deadline or answered
        nonsense (the child is then stopped and this server is done)."""
        deadline = time.monotonic() + timeout_seconds
        self.served += 1
        writer = threading.Thread(target=self._send, args=(message,), daemon=True)
        writer.start()  # a large file fills the pipe: the reply is awaited while it is written
        reply = self._reply(deadline, writer)
        writer.join()
        return reply

    def _send(self, message: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):  # the child died: the reply side reports it
            protocol.write_frame(self.requests, message)


_server: _ExtractionServer | None = None
_lock = threading.Lock()


def _memory_message(limits: ExtractionLimits) -> str:
    return (
        f"Reading this file needed more than {limits.memory_mb} MB of memory. "
        "It may be malformed; try saving it again or splitting it."
    )


def _failure(failed: _ReaderFailed, limits: ExtractionLimits, *, timed_out: bool) -> ExtractionError:
    if failed.malformed:
        return ExtractionError("This file made the document reader misbehave. It may be damaged or malicious.")
    if failed.starting:
        return ExtractionError("The document reader could not be started. Try again in a few minutes.")
    if timed_out:
        return ExtractionError(
            f"Reading this file took longer than {limits.timeout_seconds:g} seconds. "
            "It may be malformed; try saving it again or splitting it."
        )
    if failed.returncode == protocol.EXIT_MEMORY:
        return ExtractionError(_memory_message(limits))
    return ExtractionError("This file made the document reader crash. It may be damaged or malicious.")


def _ask(message: dict[str, Any], limits: ExtractionLimits, parse: Callable[[dict[str, Any]], _T | Failure]) -> _T:
    """One request to this process's extraction server (started or replaced as needed), its
    checked reply; ExtractionError with a message for the owner when the file could not be read."""
    global _server
    with _lock:
        if _server is not None and _server.owner != os.getpid():
            _server = None  # inherited through a fork: that child belongs to the parent process
        if _server is not None and not _server.usable(limits.memory_mb):
            _server.stop(kill=False)
            _server = None
        if _server is None:
            try:
                _server = _ExtractionServer(limits.memory_mb)
            except _ReaderFailed as failed:
                failed.starting = not failed.malformed
                raise _failure(failed, limits, timed_out=False) from None
        started = time.monotonic()
        try:
            outcome = parse(_server.request(message, limits.timeout_seconds))
        except _ReaderFailed as failed:
            _server = None
            raise _failure(failed, limits, timed_out=time.monotonic() - started >= limits.timeout_seconds) from None
        except protocol.MalformedReply:
            _server.stop(kill=True)
            _server = None
            raise _failure(_ReaderFailed(None, malformed=True), limits, timed_out=False) from None
        if isinstance(outcome, Failure) and outcome.kind == "memory":
            _server.stop(kill=False)  # it leaves after a memory error; the next file gets a new one
            _server = None
    if isinstance(outcome, Failure):
        raise ExtractionError(_memory_message(limits) if outcome.kind == "memory" else outcome.message)
    return outcome


def extract_safely(data: bytes, kind: str, *, limits: ExtractionLimits | None = None) -> Extracted:
    """Extract in the extraction server; raise ExtractionError with a message for the owner."""
    limits = limits or ExtractionLimits()
    request = {"op": "extract", "data": data, "kind": str(kind), "max_pages": limits.max_pages}
    return _ask({**request, "timeout": limits.timeout_seconds}, limits, protocol.parse_extracted)


def is_encrypted_pdf(data: bytes, *, memory_mb: int = DEFAULT_MEMORY_MB) -> bool:
    """True when the PDF cannot be opened without a password (an owner password alone, which
    only restricts printing or copying, does not count).

    The byte scan keeps ordinary PDFs away from any parser; the others are opened by PDFium in
    the extraction server, never in the calling (web) process. A file the server cannot read in
    time counts as not encrypted: ingestion then reports what is wrong with it.
    """
    if b"/Encrypt" not in data:
        return False
    limits = ExtractionLimits(timeout_seconds=INSPECTION_SECONDS, memory_mb=memory_mb)
    try:
        request = {"op": "inspect", "data": data, "timeout": limits.timeout_seconds}
        return _ask(request, limits, protocol.parse_inspected)
    except ExtractionError:
        return False
