"""A real Celery worker on Redis, killed with SIGKILL in the middle of ingestion.

After the worker is killed during extraction, embedding or indexing and a new one starts, the
document still ends `ready` with exactly its chunks in the database and in the vector store:
no duplicates, no orphans. Runs when DATABASE_URL and REDIS_URL are set (the CI's second pass).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Role
from accounts.tenancy import Actor
from bots.tests.factories import BotFactory
from chatsphere.ai.models import StoredVector
from documents import services
from documents.models import Chunk, Document, DocumentStage, DocumentStatus
from documents.namespaces import bot_namespace
from documents.tasks import sweep_stalled_documents
from documents.tests.conftest import make_pdf

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
STALL_SECONDS = 2


def _paragraph(page: int) -> str:
    words = [f"topic{page}x{i} harbour lighthouse schedule ferry {i}" for i in range(12)]
    return "\n".join(" ".join(words[j : j + 3]) for j in range(0, len(words), 3))


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CHATSPHERE_VAR_DIR": str(tmp_path),
        "CHATSPHERE_INGEST_STALL_SECONDS": str(STALL_SECONDS),
        "CHATSPHERE_EMBED_BATCH": "16",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "chatsphere",
            "worker",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group, so SIGKILL reaches the pool children too
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def _wait_for(predicate, timeout: float, interval: float = 0.002):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out")


@pytest.fixture
def real_broker(settings):
    if not (settings.REDIS_URL and settings.DATABASE_URL):
        pytest.fail("the services tests need DATABASE_URL and REDIS_URL")
    from chatsphere.celery import app

    app.conf.task_always_eager = False
    settings.CHATSPHERE_INGEST_STALL_SECONDS = STALL_SECONDS
    return app


@pytest.mark.parametrize("stage", [DocumentStage.EXTRACTING, DocumentStage.EMBEDDING, DocumentStage.INDEXING])
def test_worker_killed_mid_ingestion_then_restarted(stage, tmp_path, real_broker, tenant_a):
    bot = BotFactory(organization=tenant_a.organization)
    actor = Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner)
    pdf = make_pdf([_paragraph(page) for page in range(1, 301)])

    worker = _start_worker(tmp_path)
    try:
        from django.core.files.uploadedfile import SimpleUploadedFile

        document = services.document_create_from_file(
            actor=actor, bot=bot, uploaded_file=SimpleUploadedFile("harbour.pdf", pdf)
        )
        _wait_for(lambda: Document.objects.filter(id=document.id, stage=stage).exists(), timeout=60)
        _kill(worker)
        killed_at = Document.objects.get(id=document.id)
        assert killed_at.status == DocumentStatus.PROCESSING

        # The heartbeat goes stale; the sweeper re-queues; a new worker finishes the job.
        worker = _start_worker(tmp_path)
        time.sleep(STALL_SECONDS + 0.5)
        assert sweep_stalled_documents() >= 1
        finished = _wait_for(
            lambda: Document.objects.filter(id=document.id, status__in=["ready", "failed"]).first(),
            timeout=120,
            interval=0.1,
        )
    finally:
        if worker.poll() is None:
            _kill(worker)

    assert finished.status == DocumentStatus.READY, finished.error
    assert finished.attempts == 2
    chunk_indexes = sorted(Chunk.objects.filter(document=finished).values_list("index", flat=True))
    assert chunk_indexes == list(range(finished.chunk_count))
    vector_ids = sorted(
        StoredVector.objects.filter(namespace__name=bot_namespace(bot.id)).values_list("vector_id", flat=True)
    )
    assert vector_ids == sorted(f"{finished.id}:{index}" for index in chunk_indexes)
