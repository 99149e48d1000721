"""Extraction of untrusted files in a separate process with time and memory limits.

Parsers of PDFs and Office files are large C and Python code bases fed with bytes from the
internet: a file may make them loop, allocate without bound or crash. Extraction therefore runs in
an *extraction server*: a child forked from the worker, capped in address space (RLIMIT_AS), that
extracts one file per request. The worker kills it at the wall-clock deadline, and a child that
crashes, runs out of memory or is killed is replaced at the next request, so a hostile file costs
one failed document, never a stuck or dead worker.

A long-lived child rather than a fork per file: forking a worker with a large heap and then
touching it (copy-on-write) costs about as much as extracting a short PDF. `os.fork` rather than
`multiprocessing`: Celery's pool processes are daemonic and may not start multiprocessing
children, and a fork shares the parsers the worker already imported.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import select
import signal
import struct
import threading
import time
from dataclasses import dataclass

from documents.ingestion.errors import ExtractionError, UnsupportedFileType
from documents.ingestion.extract import Extracted, extract

#: A child is replaced after this many files, so memory fragmentation never accumulates.
REQUESTS_PER_CHILD = 200
_HEADER = struct.Struct("<Q")


@dataclass(frozen=True, slots=True)
class ExtractionLimits:
    timeout_seconds: float = 120
    memory_mb: int = 1024
    max_pages: int = 2000


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _write_frame(fd: int, payload: bytes) -> None:
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes | None:
    """`size` bytes from `fd`; None at end of file or when the deadline passes."""
    parts, missing = [], size
    while missing:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None
        part = os.read(fd, min(missing, 1024 * 1024))
        if not part:
            return None
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _read_frame(fd: int, deadline: float | None = None) -> bytes | None:
    header = _read_exactly(fd, _HEADER.size, deadline)
    if header is None:
        return None
    return _read_exactly(fd, _HEADER.unpack(header)[0], deadline)


def _extract_outcome(data: bytes, kind: str, max_pages: int) -> tuple[str, object]:
    try:
        return "ok", extract(data, kind, max_pages=max_pages)
    except (ExtractionError, UnsupportedFileType) as exc:
        return "error", str(exc)
    except MemoryError:
        return "memory", ""
    except RecursionError:
        return "error", "This file is nested too deeply to be read."
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's, reported as such
        return "error", f"This file could not be read ({type(exc).__name__}). It may be damaged."


def _serve(requests_fd: int, replies_fd: int, memory_mb: int) -> None:
    """Body of the child: answer requests until the worker closes the pipe or the quota is used."""
    status = 0
    try:
        # The cap is on top of what the process already maps (interpreter, libraries).
        cap = _address_space_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        for _ in range(REQUESTS_PER_CHILD):
            frame = _read_frame(requests_fd)
            if frame is None:
                break
            data, kind, max_pages, timeout = pickle.loads(frame)  # noqa: S301 - written by our own parent
            # A CPU-time cap per file as well, in case the worker dies and cannot kill us.
            usage = resource.getrusage(resource.RUSAGE_SELF)
            soft_cpu = int(usage.ru_utime + usage.ru_stime + timeout) + 2
            resource.setrlimit(resource.RLIMIT_CPU, (soft_cpu, resource.getrlimit(resource.RLIMIT_CPU)[1]))
            verdict, value = _extract_outcome(data, kind, max_pages)
            del data, frame
            _write_frame(replies_fd, pickle.dumps((verdict, value), protocol=pickle.HIGHEST_PROTOCOL))
            if verdict == "memory":
                break  # the heap may be fragmented beyond use: a fresh child takes over
    except MemoryError:
        status = 3
    except BaseException:  # noqa: BLE001 - the child must never return into the worker's code
        status = 1
    finally:
        os._exit(status)


class _ExtractionServer:
    """The worker's side of one extraction child."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.owner = os.getpid()
        self.served = 0
        requests_read, self.requests = os.pipe()
        self.replies, replies_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - runs in the child
            os.close(self.requests)
            os.close(self.replies)
            _serve(requests_read, replies_write, memory_mb)
        os.close(requests_read)
        os.close(replies_write)

    def usable(self, memory_mb: int) -> bool:
        if self.pid <= 0 or self.memory_mb != memory_mb or self.served >= REQUESTS_PER_CHILD:
            return False
        try:  # killed between two files (the system's out-of-memory killer, an operator)?
            return os.waitpid(self.pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return False

    def stop(self, *, kill: bool, writer: threading.Thread | None = None) -> int | None:
        """Reap the child (killed first if asked) and close the pipes; its wait status, if known."""
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        else:
            with contextlib.suppress(OSError):
                os.close(self.requests)  # end of file: the child leaves its loop
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            status = None
        if writer is not None:
            writer.join()  # the write fails at once now that the child is gone
        for fd in (self.requests, self.replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.pid = -1
        return status

    def request(self, data: bytes, kind: str, limits: ExtractionLimits) -> tuple[tuple[str, object] | None, int | None]:
        """(the child's verdict, None), or (None, its wait status) when it died or missed the
        deadline; the child is then stopped and this server is done."""
        deadline = time.monotonic() + limits.timeout_seconds
        self.served += 1
        payload = pickle.dumps((data, kind, limits.max_pages, limits.timeout_seconds), protocol=pickle.HIGHEST_PROTOCOL)
        writer = threading.Thread(target=self._send, args=(payload,), daemon=True)
        writer.start()  # a large file fills the pipe: the reply is awaited while it is written
        reply = _read_frame(self.replies, deadline)
        if reply is None:
            return None, self.stop(kill=True, writer=writer)
        writer.join()
        return pickle.loads(reply), None  # noqa: S301 - written by our own child process

    def _send(self, payload: bytes) -> None:
        with contextlib.suppress(OSError):  # the child died: the reply side reports it
            _write_frame(self.requests, payload)


_server: _ExtractionServer | None = None
_lock = threading.Lock()


def _memory_message(limits: ExtractionLimits) -> str:
    return (
        f"Reading this file needed more than {limits.memory_mb} MB of memory. "
        "It may be malformed; try saving it again or splitting it."
    )


def _failure(status: int | None, limits: ExtractionLimits, *, timed_out: bool) -> ExtractionError:
    if timed_out:
        return ExtractionError(
            f"Reading this file took longer than {limits.timeout_seconds:g} seconds. "
            "It may be malformed; try saving it again or splitting it."
        )
    if status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
        return ExtractionError(_memory_message(limits))
    return ExtractionError("This file made the document reader crash. It may be damaged or malicious.")


def extract_safely(data: bytes, kind: str, *, limits: ExtractionLimits | None = None) -> Extracted:
    """Extract in the extraction server; raise ExtractionError with a message for the owner."""
    global _server
    limits = limits or ExtractionLimits()
    with _lock:
        if _server is not None and _server.owner != os.getpid():
            _server = None  # inherited through a fork: that child belongs to the parent process
        if _server is not None and not _server.usable(limits.memory_mb):
            _server.stop(kill=False)
            _server = None
        if _server is None:
            _server = _ExtractionServer(limits.memory_mb)
        started = time.monotonic()
        outcome, status = _server.request(data, kind, limits)
        if outcome is None:
            _server = None
            raise _failure(status, limits, timed_out=time.monotonic() - started >= limits.timeout_seconds)
        if outcome[0] == "memory":
            _server.stop(kill=False)  # it leaves after a memory error; the next file gets a new one
            _server = None
    verdict, value = outcome
    if verdict == "ok":
        return value  # type: ignore[return-value]
    if verdict == "memory":
        raise ExtractionError(_memory_message(limits))
    raise ExtractionError(str(value))
