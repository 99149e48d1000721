"""A run that died is taken over at once, not after minutes: its lease says whether anyone is
still working on the document, and a dead process on the same host is recognised by its pid.

The crashed run's traces are written as a killed worker leaves them (status `processing`, a fresh
heartbeat, its owner on the row and its lease in the cache); the real-worker version, with
SIGKILL, is in tests/test_worker_resilience.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tenancy import Actor
from bots.tests.factories import BotFactory
from documents import leases, services
from documents.models import Chunk, Document, DocumentStage, DocumentStatus
from documents.tasks import ingest_document, sweep_stalled_documents
from documents.tests.conftest import make_pdf

pytestmark = pytest.mark.django_db

PAGES = [
    "The harbour ferry leaves every morning at seven from the north pier.\nTickets cost four euros.",
    "In winter the ferry runs twice a day; the timetable is posted at the pier.",
]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def document(tenant_a, upload, run_tasks):
    bot = BotFactory(organization=tenant_a.organization)
    actor = Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner)
    with run_tasks():
        created = services.document_create_from_file(
            actor=actor, bot=bot, uploaded_file=upload("ferry.pdf", make_pdf(PAGES))
        )
    created.refresh_from_db()
    assert created.status == DocumentStatus.READY
    return created


def _crashed_run(document: Document, owner: str, *, stage: str = DocumentStage.EMBEDDING, attempts: int = 1) -> None:
    """What a worker killed while `stage` leaves behind: a fresh heartbeat and a lease it no longer renews."""
    Document.objects.filter(id=document.id).update(
        status=DocumentStatus.PROCESSING,
        stage=stage,
        progress=40,
        attempts=attempts,
        heartbeat_at=timezone.now(),
        claimed_by=owner,
    )
    leases.grant(document.id, owner)


def _redeliver(document: Document) -> None:
    ingest_document.delay(document_id=str(document.id), organization_id=str(document.organization_id))


def test_a_redelivered_task_takes_over_from_a_dead_process_at_once(document):
    _crashed_run(document, f"{socket.gethostname()}:{_dead_pid()}:a1b2c3")
    _redeliver(document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    assert document.attempts == 2
    assert Chunk.objects.filter(document=document).count() == document.chunk_count > 0
    assert document.claimed_by.startswith(f"{socket.gethostname()}:{os.getpid()}:")


def test_a_second_delivery_leaves_a_live_run_alone(document):
    live_owner = f"{socket.gethostname()}:{os.getpid()}:livelive"
    _crashed_run(document, live_owner)
    _redeliver(document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PROCESSING
    assert document.attempts == 1
    assert document.claimed_by == live_owner


def test_a_run_on_another_host_is_trusted_until_its_lease_lapses(document, settings):
    settings.CHATSPHERE_INGEST_LEASE_SECONDS = 1
    _crashed_run(document, "worker-7.internal:4242:feed01")
    _redeliver(document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PROCESSING  # its lease is still fresh

    time.sleep(2.5)
    assert sweep_stalled_documents.apply().get() == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    assert document.attempts == 2


def test_the_sweeper_finds_a_dead_run_without_waiting_for_its_heartbeat_to_age(document, settings):
    settings.CHATSPHERE_INGEST_STALL_SECONDS = 3600
    _crashed_run(document, f"{socket.gethostname()}:{_dead_pid()}:d00d")
    assert sweep_stalled_documents.apply().get() == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error


def test_a_file_that_keeps_killing_its_worker_ends_failed_naming_the_stage(document, settings):
    settings.CHATSPHERE_INGEST_MAX_ATTEMPTS = 3
    _crashed_run(document, f"{socket.gethostname()}:{_dead_pid()}:third", stage=DocumentStage.EMBEDDING, attempts=3)
    _redeliver(document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.stage == DocumentStage.EMBEDDING
    assert "3 times, the last time while embedding" in document.error
    assert not Chunk.objects.filter(document=document).exists()


def test_a_live_run_keeps_its_lease_past_its_length_and_gives_it_up_when_done(document, settings):
    settings.CHATSPHERE_INGEST_LEASE_SECONDS = 1
    owner = leases.new_owner()
    leases.grant(document.id, owner)
    with leases.Renewal(document.id, owner):
        time.sleep(2.5)
        assert leases.owner_is_alive(document.id, owner) is True
    assert leases.owner_is_alive(document.id, owner) is False
