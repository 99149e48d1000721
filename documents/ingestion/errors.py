"""Errors of the ingestion library; their messages are shown to bot owners as they are."""

from __future__ import annotations


class UnsupportedFileType(ValueError):
    """The bytes are not one of the accepted document types (checked by content, not name)."""


class ExtractionError(Exception):
    """The document could not be read: malformed, empty, too large, too slow or crashing."""


class FetchError(Exception):
    """A web page could not be fetched. `transient` failures (timeouts, 5xx, 429) are retried."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
