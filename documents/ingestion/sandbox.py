"""Extraction of untrusted files in a forked child process with time and memory limits.

Parsers of PDFs and Office files are large C and Python code bases fed with bytes from the
internet: a file may make them loop, allocate without bound or crash. The child gets an address
space cap (RLIMIT_AS) and a CPU-time cap, and the parent kills it at the wall-clock deadline, so
a hostile file costs one failed document, never a stuck or dead worker.

`os.fork` rather than `multiprocessing`: Celery's pool processes are daemonic and may not start
multiprocessing children, and a fork shares the already-imported parsers, so it costs about a
millisecond instead of a fresh interpreter.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from dataclasses import dataclass

from documents.ingestion.errors import ExtractionError, UnsupportedFileType
from documents.ingestion.extract import Extracted, extract


@dataclass(frozen=True, slots=True)
class ExtractionLimits:
    timeout_seconds: float = 120
    memory_mb: int = 1024
    max_pages: int = 2000


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _run_child(write_fd: int, data: bytes, kind: str, limits: ExtractionLimits) -> None:
    """Body of the child: extract, send the pickled outcome, exit without cleanup handlers."""
    status = 0
    try:
        # The cap is on top of what the process already maps (interpreter, libraries).
        cap = _address_space_bytes() + limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        cpu = int(limits.timeout_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        try:
            outcome: tuple[str, object] = ("ok", extract(data, kind, max_pages=limits.max_pages))
        except (ExtractionError, UnsupportedFileType) as exc:
            outcome = ("error", str(exc))
        except MemoryError:
            outcome = ("memory", "")
        except RecursionError:
            outcome = ("error", "This file is nested too deeply to be read.")
        except Exception as exc:  # noqa: BLE001 - any parser failure is the file's, reported as such
            outcome = ("error", f"This file could not be read ({type(exc).__name__}). It may be damaged.")
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(payload)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
    except MemoryError:
        status = 3
    except BaseException:  # noqa: BLE001 - the child must never return into the parent's code
        status = 1
    finally:
        os._exit(status)


def _read_until(read_fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None if the deadline passes first."""
    parts: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([read_fd], [], [], remaining)
        if not ready:
            return None
        part = os.read(read_fd, 1024 * 1024)
        if not part:
            return b"".join(parts)
        parts.append(part)


def _memory_message(limits: ExtractionLimits) -> str:
    return (
        f"Reading this file needed more than {limits.memory_mb} MB of memory. "
        "It may be malformed; try saving it again or splitting it."
    )


def extract_safely(data: bytes, kind: str, *, limits: ExtractionLimits | None = None) -> Extracted:
    """Extract in a sandboxed child; raise ExtractionError with a message for the owner."""
    limits = limits or ExtractionLimits()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        _run_child(write_fd, data, kind, limits)
    os.close(write_fd)
    try:
        payload = _read_until(read_fd, time.monotonic() + limits.timeout_seconds)
    finally:
        os.close(read_fd)
    if payload is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise ExtractionError(
            f"Reading this file took longer than {limits.timeout_seconds:g} seconds. "
            "It may be malformed; try saving it again or splitting it."
        )
    _, status = os.waitpid(pid, 0)
    if not payload:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
            raise ExtractionError(f"Reading this file took longer than {limits.timeout_seconds:g} seconds.")
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
            raise ExtractionError(_memory_message(limits))
        raise ExtractionError("This file made the document reader crash. It may be damaged or malicious.")
    verdict, value = pickle.loads(payload)  # noqa: S301 - written by our own child process
    if verdict == "ok":
        return value
    if verdict == "memory":
        raise ExtractionError(_memory_message(limits))
    raise ExtractionError(str(value))
