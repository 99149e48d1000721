"""The history of a document's ingestion: one `IngestionRun` per attempt, written by the pipeline.

A run is found by its document and its owner (`host:pid:token`, the same string the claim writes
on the document), so every stage of the pipeline can record its progress without carrying the
row around. A run killed mid-way never writes its end: the next run that claims the document
marks it interrupted, naming the stage it stopped in.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import QuerySet, Subquery
from django.utils import timezone

from documents.models import Document, DocumentStage, IngestionOutcome, IngestionRun

#: Runs kept per document; older ones are dropped when a new run starts.
KEPT_RUNS = 50


def _running(document_id: uuid.UUID | str, worker: str = "") -> QuerySet[IngestionRun]:
    runs = IngestionRun.objects.filter(document_id=document_id, outcome=IngestionOutcome.RUNNING)
    return runs.filter(worker=worker) if worker else runs


def runs_interrupt(*, document_id: uuid.UUID | str, stopped_at: datetime) -> int:
    """Mark the document's runs that never finished as interrupted (their worker was killed or
    lost), at `stopped_at`, the last sign of life the document recorded."""
    interrupted = 0
    for run in _running(document_id):
        stage = DocumentStage(run.stage).label.lower() if run.stage in DocumentStage.values else "working"
        run.outcome = IngestionOutcome.INTERRUPTED
        run.finished_at = max(stopped_at, run.started_at)
        run.error = f"The worker stopped while {stage} (it was killed or lost); another run took over."
        run.save(update_fields=["outcome", "finished_at", "error", "updated_at"])
        interrupted += 1
    return interrupted


def run_start(*, document: Document, worker: str, queued_at: datetime | None, started_at: datetime) -> IngestionRun:
    """Record a run that just claimed `document` (in the claim's transaction)."""
    run = IngestionRun.objects.create(
        organization_id=document.organization_id,
        document=document,
        attempt=document.attempts,
        worker=worker,
        queued_at=queued_at,
        started_at=started_at,
        stage=document.stage,
    )
    keep = IngestionRun.objects.filter(document_id=document.id).order_by("-started_at", "-id")[:KEPT_RUNS]
    IngestionRun.objects.filter(document_id=document.id).exclude(id__in=Subquery(keep.values("id"))).delete()
    return run


def run_reached(*, document_id: uuid.UUID | str, worker: str, stage: str) -> None:
    _running(document_id, worker).update(stage=stage, updated_at=timezone.now())


def run_end(*, document_id: uuid.UUID | str, worker: str, outcome: str, error: str = "", chunk_count: int = 0) -> None:
    """Record how the run of `worker` ended (nothing happens if it was already marked interrupted)."""
    now = timezone.now()
    fields: dict[str, object] = {"stage": DocumentStage.DONE} if outcome == IngestionOutcome.READY else {}
    _running(document_id, worker).update(
        outcome=outcome, error=error[:2000], chunk_count=chunk_count, finished_at=now, updated_at=now, **fields
    )
