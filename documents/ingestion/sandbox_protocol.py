"""What the worker and the extraction child say to each other: length-prefixed msgpack frames
of plain data (bytes, strings, numbers, lists, maps).

The child parses hostile files, so everything it sends is checked here before the worker uses
it: a reply of the wrong shape or size is a `MalformedReply`, never an object the worker trusts.
No pickle: unpickling a reply would let a compromised child run code in the worker.
"""

from __future__ import annotations

import os
import select
import struct
import time
from dataclasses import dataclass
from typing import Any, Literal

import msgpack

from documents.ingestion.extract import Extracted, Section

_HEADER = struct.Struct("<Q")

#: A child is replaced after this many files, so memory fragmentation never accumulates.
REQUESTS_PER_CHILD = 200
#: Exit status of a child that ran out of memory outside a file (the worker says so).
EXIT_MEMORY = 3

#: The largest reply the worker reads: far above the text of the largest accepted document.
MAX_REPLY_BYTES = 256 * 1024 * 1024
#: Bounds on the strings of a reply (messages are shown to the owner; titles are stored).
MAX_MESSAGE_CHARS = 2000
MAX_TITLE_CHARS = 10_000


class MalformedReply(Exception):
    """The child answered with something other than a well-formed reply."""


@dataclass(frozen=True, slots=True)
class Failure:
    """The child read the file and reports why it could not extract it."""

    kind: Literal["error", "memory"]
    message: str = ""


def write_frame(fd: int, message: dict[str, Any]) -> None:
    payload = msgpack.packb(message, use_bin_type=True)
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


def read_frame(fd: int, *, max_bytes: int, deadline: float | None = None) -> dict[str, Any] | None:
    """The next message; None at end of file or past the deadline. A frame longer than
    `max_bytes` or not a msgpack map is a MalformedReply."""
    header = _read_exactly(fd, _HEADER.size, deadline)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    if size > max_bytes:
        raise MalformedReply(f"a frame of {size} bytes")
    payload = _read_exactly(fd, size, deadline)
    if payload is None:
        return None
    try:
        message = msgpack.unpackb(payload, raw=False, use_list=True, strict_map_key=True)
    except (ValueError, TypeError, msgpack.UnpackException) as exc:
        raise MalformedReply("not msgpack") from exc
    if not isinstance(message, dict):
        raise MalformedReply("not a map")
    return message


# --- replies, as the child builds them ------------------------------------------------------


def extracted_reply(extracted: Extracted) -> dict[str, Any]:
    return {
        "status": "ok",
        "sections": [[section.text, section.page, section.heading] for section in extracted.sections],
        "page_count": extracted.page_count,
        "title": extracted.title,
    }


def failure_reply(failure: Failure) -> dict[str, Any]:
    return {"status": failure.kind, "message": failure.message}


# --- replies, as the worker checks them -----------------------------------------------------


def _optional(value: object, kind: type, what: str) -> Any:
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise MalformedReply(f"{what} is a {type(value).__name__}")
    return value


def _failure(message: dict[str, Any]) -> Failure | None:
    status = message.get("status")
    if status == "ok":
        return None
    if status not in {"error", "memory"}:
        raise MalformedReply(f"unknown status {status!r}")
    text = message.get("message", "")
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS:
        raise MalformedReply("an invalid message")
    return Failure(kind=status, message=text)


def parse_extracted(message: dict[str, Any]) -> Extracted | Failure:
    failure = _failure(message)
    if failure is not None:
        return failure
    sections = message.get("sections")
    if not isinstance(sections, list):
        raise MalformedReply("sections is not a list")
    parsed = []
    for item in sections:
        if not isinstance(item, list) or len(item) != 3 or not isinstance(item[0], str):
            raise MalformedReply("a section is not [text, page, heading]")
        page = _optional(item[1], int, "a page")
        heading = _optional(item[2], str, "a heading")
        if (page is not None and page < 1) or (heading is not None and len(heading) > MAX_TITLE_CHARS):
            raise MalformedReply("a section's page or heading is out of range")
        parsed.append(Section(text=item[0], page=page, heading=heading))
    page_count = _optional(message.get("page_count"), int, "the page count")
    title = _optional(message.get("title"), str, "the title")
    if (page_count is not None and page_count < 0) or (title is not None and len(title) > MAX_TITLE_CHARS):
        raise MalformedReply("the page count or title is out of range")
    return Extracted(sections=parsed, page_count=page_count, title=title)


def parse_inspected(message: dict[str, Any]) -> bool | Failure:
    """Whether the PDF needs a password to open, or why the child could not tell."""
    failure = _failure(message)
    if failure is not None:
        return failure
    encrypted = message.get("encrypted")
    if not isinstance(encrypted, bool):
        raise MalformedReply("encrypted is not a boolean")
    return encrypted
