"""The extraction child: a fresh interpreter that parses untrusted files and nothing else.

Started by `sandbox.py` as `python -m documents.ingestion.sandbox_child REQUESTS_FD REPLIES_FD
MEMORY_MB` with a minimal environment and no descriptors but /dev/null and its two pipes. Before
it reads a file it loads the parsers, then gives up what a parser exploit could use: its
privileges (root becomes `nobody`), the network (a network namespace of its own, where the
kernel allows), the right to gain privileges again, to write files and to dump core. It never
loads Django settings, so the process holds no secret to steal.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import io
import os
import pkgutil
import pwd
import resource
import sys
from typing import Any

from documents.ingestion import sandbox_protocol as protocol
from documents.ingestion.errors import ExtractionError, UnsupportedFileType
from documents.ingestion.extract import extract, pdf_needs_password

#: The worker's own files are capped by the upload limit; this only bounds a broken worker.
MAX_REQUEST_BYTES = 4 * 1024 * 1024 * 1024

_PR_SET_NO_NEW_PRIVS = 38
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


#: A one-page PDF with a line of text (PDFium rebuilds the missing cross-reference table).
_SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length 52>>stream\n"
    b"BT /F1 12 Tf 20 100 Td (A sample line of text.) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _sample_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("A heading", level=1)
    document.add_paragraph("A paragraph.")
    document.add_table(rows=1, cols=2).cell(0, 0).text = "cell"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _load_parsers() -> None:
    """Load every parser and codec now, and run each once on a sample: once privileges are
    dropped, the interpreter's and the parsers' files may no longer be readable, so nothing may
    be imported lazily later."""
    import encodings

    for module in pkgutil.iter_modules(encodings.__path__):
        with contextlib.suppress(ImportError):  # codecs of other systems (mbcs, oem)
            importlib.import_module(f"encodings.{module.name}")
    samples = [
        (_SAMPLE_PDF, "pdf"),
        (_sample_docx(), "docx"),
        (b"<html><head><title>T</title></head><body><article><h1>T</h1><p>A page.</p></article></body></html>", "html"),
        (b"# Title\n\nSome [linked](https://example.com) text.", "markdown"),
        (b"name;price\nbasic;10\n", "csv"),
        ("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, na\u00efve fa\u00e7ade.".encode("cp1252"), "text"),
        ("A text.".encode("utf-16"), "text"),
    ]
    for data, kind in samples:
        with contextlib.suppress(Exception):  # a sample that fails only leaves a path unloaded
            extract(data, kind, max_pages=1)
    pdf_needs_password(_SAMPLE_PDF)


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _confine(memory_mb: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    # Off the network: a new namespace has only a loopback that is down (root, or unprivileged
    # user namespaces, are needed; without them the child keeps the host's network).
    root = os.geteuid() == 0
    libc.unshare(_CLONE_NEWNET if root else _CLONE_NEWUSER | _CLONE_NEWNET)
    if root:
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            nobody = None
        if nobody is not None:
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
    libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    # The memory cap is on top of what the process already maps (interpreter, parsers).
    cap = _address_space_bytes() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _failure_for(exc: Exception) -> protocol.Failure:
    if isinstance(exc, ExtractionError | UnsupportedFileType):
        return protocol.Failure("error", str(exc)[: protocol.MAX_MESSAGE_CHARS])
    if isinstance(exc, RecursionError):
        return protocol.Failure("error", "This file is nested too deeply to be read.")
    return protocol.Failure("error", f"This file could not be read ({type(exc).__name__}). It may be damaged.")


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    data, operation = request.get("data"), request.get("op")
    if not isinstance(data, bytes):
        raise ValueError("a request without data")
    try:
        if operation == "inspect":
            return {"status": "ok", "encrypted": pdf_needs_password(data)}
        if operation == "extract":
            extracted = extract(data, str(request["kind"]), max_pages=int(request["max_pages"]))
            return protocol.extracted_reply(extracted)
    except MemoryError:
        return protocol.failure_reply(protocol.Failure("memory"))
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's, reported as such
        return protocol.failure_reply(_failure_for(exc))
    raise ValueError(f"unknown operation {operation!r}")


def _serve(requests_fd: int, replies_fd: int) -> None:
    for _ in range(protocol.REQUESTS_PER_CHILD):
        request = protocol.read_frame(requests_fd, max_bytes=MAX_REQUEST_BYTES)
        if request is None:
            return
        # A CPU-time cap per file as well, in case the worker dies and cannot kill us.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        soft_cpu = int(usage.ru_utime + usage.ru_stime + float(request.get("timeout", 0))) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (soft_cpu, resource.getrlimit(resource.RLIMIT_CPU)[1]))
        reply = _answer(request)
        del request
        try:
            protocol.write_frame(replies_fd, reply)
        except MemoryError:
            protocol.write_frame(replies_fd, protocol.failure_reply(protocol.Failure("memory")))
            return
        if reply["status"] == "memory":
            return  # the heap may be fragmented beyond use: a fresh child takes over


def main(argv: list[str]) -> int:
    requests_fd, replies_fd, memory_mb = (int(value) for value in argv)
    try:
        _load_parsers()
        _confine(memory_mb)
        protocol.write_frame(replies_fd, {"status": "ready"})
        _serve(requests_fd, replies_fd)
    except MemoryError:
        return protocol.EXIT_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
