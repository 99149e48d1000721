"""The audit log as CSV, written row by row so a long log streams."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from audit.models import AuditEntry

HEADER = ["time", "actor", "action", "target_type", "target_id", "target", "changes", "ip_address"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    # A spreadsheet runs a cell that starts with one of these as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def audit_csv_rows(entries: Iterable[AuditEntry]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for entry in entries:
        yield writer.writerow(
            [
                entry.created_at.isoformat(),
                _cell(entry.actor_label),
                entry.action,
                entry.target_type,
                _cell(entry.target_id),
                _cell(entry.target_label),
                json.dumps(entry.changes, sort_keys=True) if entry.changes else "",
                entry.ip_address or "",
            ]
        )
