"""The audit log as CSV, written row by row so a long log streams."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from audit.models import AuditEntry
from chatsphere.exports import spreadsheet_cell

HEADER = ["time", "actor", "action", "target_type", "target_id", "target", "changes", "ip_address"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv_rows(entries: Iterable[AuditEntry]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for entry in entries:
        yield writer.writerow(
            [
                entry.created_at.isoformat(),
                spreadsheet_cell(entry.actor_label),
                entry.action,
                entry.target_type,
                spreadsheet_cell(entry.target_id),
                spreadsheet_cell(entry.target_label),
                json.dumps(entry.changes, sort_keys=True) if entry.changes else "",
                entry.ip_address or "",
            ]
        )
