"""The name an uploaded file is stored under.

Filesystems limit a name to 255 bytes, not characters: 90 CJK or 128 accented characters
already pass it. The stored name keeps the original's readable start and its extension within a
byte budget; the document's title keeps the full original name.
"""

from __future__ import annotations

import os
from pathlib import PurePath

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename

#: Room for the storage's folder, its random suffix on a clash, and any filesystem's 255 bytes.
MAX_NAME_BYTES = 120
MAX_SUFFIX_BYTES = 16


def _cut(text: str, max_bytes: int) -> str:
    return text.encode()[:max_bytes].decode("utf-8", errors="ignore")


def stored_file_name(filename: str) -> str:
    try:
        name = get_valid_filename(PurePath(filename.replace("\\", "/")).name)
    except SuspiciousFileOperation:  # nothing usable left, e.g. "..", "/"
        name = "upload"
    stem, suffix = os.path.splitext(name)
    if len(suffix.encode()) > MAX_SUFFIX_BYTES:
        stem, suffix = name, ""
    stem = _cut(stem, MAX_NAME_BYTES - len(suffix.encode())).rstrip("._-") or "upload"
    return stem + suffix


def document_file_name(document_id: object, filename: str) -> str:
    """The name a document's file is saved under (below the field's dated folder): in a folder of
    its own document, so two uploads of one name never meet, even on a storage that cannot create
    a file only if it is missing (S3)."""
    return f"{document_id}/{stored_file_name(filename)}"
