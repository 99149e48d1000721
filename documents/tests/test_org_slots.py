"""Per-organization ingestion slots: while one organization's runs hold its slots, its next
document waits (re-queued, no attempt used up) and other organizations' documents go ahead."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from bots.tests.factories import BotFactory
from documents import leases, org_slots, pipeline
from documents.models import DocumentStage, DocumentStatus
from documents.tasks import ingest_document
from documents.tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _free_slots():
    cache.clear()
    yield
    cache.clear()


def pasted(organization, text: str):
    bot = BotFactory(organization=organization)
    document = DocumentFactory(
        organization=organization,
        bot=bot,
        source="text",
        content_type="text",
        title=text[:20],
        status=DocumentStatus.PENDING,
        stage=DocumentStage.QUEUED,
        chunk_count=0,
    )
    document.file.save("pasted.txt", ContentFile(text.encode()), save=True)
    return document


def ingest(document, *, fair: bool = True) -> str:
    return pipeline.ingest(
        document_id=str(document.id), organization_id=str(document.organization_id), final_attempt=False, fair=fair
    ).status


def test_a_busy_organization_waits_while_another_goes_ahead(tenant_a, tenant_b, settings):
    settings.CHATSPHERE_INGEST_SLOTS_PER_ORG = 1
    waiting = pasted(tenant_a.organization, "The shop opens at nine.")
    other = pasted(tenant_b.organization, "The museum opens at ten.")
    big_upload = org_slots.take(tenant_a.organization.id, "worker-1:big-upload")  # a run of A in progress
    assert big_upload is not None

    assert ingest(waiting) == "deferred"
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts, waiting.chunk_count) == (DocumentStatus.PENDING, 0, 0)
    assert ingest(other) == "ready"

    big_upload.release()
    assert ingest(waiting) == "ready"
    assert org_slots.holders(tenant_a.organization.id) == []  # the run gave its slot back


def test_an_organization_runs_as_many_documents_at_once_as_it_has_slots(tenant_a, settings):
    settings.CHATSPHERE_INGEST_SLOTS_PER_ORG = 2
    first = org_slots.take(tenant_a.organization.id, "run-1")
    assert first is not None
    document = pasted(tenant_a.organization, "The car park has 300 spaces.")
    assert ingest(document) == "ready"  # the second slot was free
    second = org_slots.take(tenant_a.organization.id, "run-2")
    assert second is not None
    assert org_slots.take(tenant_a.organization.id, "run-3") is None
    assert sorted(org_slots.holders(tenant_a.organization.id)) == ["run-1", "run-2"]


def test_a_slot_of_a_run_that_died_frees_itself(tenant_a, settings):
    settings.CHATSPHERE_INGEST_SLOTS_PER_ORG = 1
    settings.CHATSPHERE_INGEST_LEASE_SECONDS = 1
    assert org_slots.take(tenant_a.organization.id, "dead-run") is not None  # never renewed nor released
    assert org_slots.take(tenant_a.organization.id, "next-run") is None
    time.sleep(2.2)
    assert org_slots.take(tenant_a.organization.id, "next-run") is not None


def test_zero_slots_means_no_limit(tenant_a, settings):
    settings.CHATSPHERE_INGEST_SLOTS_PER_ORG = 0
    for n in range(3):
        assert org_slots.take(tenant_a.organization.id, f"run-{n}") is not None
    assert ingest(pasted(tenant_a.organization, "Tickets are sold at the door.")) == "ready"


def test_the_task_queues_a_deferred_document_again_instead_of_dropping_it(tenant_a, settings):
    settings.CHATSPHERE_INGEST_SLOTS_PER_ORG = 1
    document = pasted(tenant_a.organization, "Children under six enter for free.")
    busy = org_slots.take(tenant_a.organization.id, "worker-1:big-upload")
    assert busy is not None
    # Called as a worker calls it (not eagerly): it defers, and queues the document again, which
    # the test's eager queue runs at once (eager runs do not wait for a slot).
    assert ingest_document(document_id=str(document.id), organization_id=str(document.organization_id)) == "deferred"
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.attempts == 1


def test_a_slot_held_by_a_process_that_is_gone_is_taken_over_at_once(tenant_a, settings):
    settings.CHATSPHERE_INGEST_SLOTS_PER_ORG = 1
    child = subprocess.Popen(["/bin/true"])  # noqa: S603 - a fixed command
    child.wait()
    dead_pid = child.pid
    dead_owner = f"{socket.gethostname()}:{dead_pid}:abcdef123456"
    assert org_slots.take(tenant_a.organization.id, dead_owner) is not None
    assert org_slots.take(tenant_a.organization.id, leases.new_owner()) is not None
