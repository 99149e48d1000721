"""What every file export shares: cells a spreadsheet never runs as formulas, and rows read a
batch at a time, newest first, so that an export of any size holds one batch in memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

ModelT = TypeVar("ModelT", bound=Model)

#: A spreadsheet runs a cell that starts with one of these as a formula; visitors write the text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """The value as CSV text, with an apostrophe before what a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def newest_first_batches(rows: QuerySet[ModelT], *, size: int) -> Iterator[list[ModelT]]:
    """The rows, newest first, `size` at a time. Each batch starts after the last one's
    (created_at, id), so no row is read twice or skipped, however many share a creation time."""
    ordered = rows.order_by("-created_at", "-id")
    last: Any = None
    while True:
        page = ordered
        if last is not None:
            page = page.filter(Q(created_at__lt=last.created_at) | Q(created_at=last.created_at, id__lt=last.id))
        batch = list(page[:size])
        if batch:
            yield batch
        if len(batch) < size:
            return
        last = batch[-1]
