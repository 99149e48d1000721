"""What the bot read from a document (its text page by page, kept with its passages) and the
history of its ingestion runs: failures, retries, and runs a killed worker left behind."""

from __future__ import annotations

import socket
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from documents import leases, runs, services
from documents.ingestion import Section, text_parts
from documents.models import (
    Document,
    DocumentStage,
    DocumentStatus,
    DocumentText,
    IngestionOutcome,
    IngestionRun,
)
from documents.tasks import ingest_document
from documents.tests.conftest import HARBOUR_GUIDE, harbour_guide_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(owner_actor, bot, upload, run_tasks) -> Document:
    with run_tasks():
        document = services.document_create_from_file(
            actor=owner_actor, bot=bot, uploaded_file=upload("harbour-guide.pdf", harbour_guide_pdf())
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document


def test_the_text_is_kept_page_by_page_with_the_passages(guide):
    parts = list(DocumentText.objects.filter(document=guide).order_by("number"))
    assert [part.page for part in parts] == [1, 2, 3, 4, 5]
    assert guide.page_count == 5
    for part, (heading, paragraphs) in zip(parts, HARBOUR_GUIDE, strict=True):
        assert part.text.startswith(heading)
        for paragraph in paragraphs:
            assert paragraph in part.text, "wrapped lines come back as whole paragraphs"
        assert "Harbour guide — 2026 edition" not in part.text, "running headers are not the text"
        assert "Page " not in part.text
        assert part.organization_id == guide.organization_id


def test_a_failed_run_keeps_no_text_and_a_deleted_document_takes_its_text(guide, owner_actor, run_tasks, settings):
    settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 1
    with run_tasks():
        services.document_reingest(actor=owner_actor, document=guide)
    guide.refresh_from_db()
    assert guide.status == DocumentStatus.FAILED
    assert not DocumentText.objects.filter(document=guide).exists(), "the text matches the passages: none"

    settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 0
    with run_tasks():
        services.document_reingest(actor=owner_actor, document=guide)
    assert DocumentText.objects.filter(document=guide).count() == 5
    services.document_delete(actor=owner_actor, document=guide)
    assert not DocumentText.objects.exists()
    assert not IngestionRun.objects.exists()


def test_a_failed_then_reingested_document_has_both_runs(guide, owner_actor, run_tasks, settings):
    settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 1
    with run_tasks():
        services.document_reingest(actor=owner_actor, document=guide)
    settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 0
    with run_tasks():
        services.document_reingest(actor=owner_actor, document=guide)
    guide.refresh_from_db()

    newest, failed, first = IngestionRun.objects.filter(document=guide).order_by("-started_at")
    assert (first.outcome, failed.outcome, newest.outcome) == ("ready", "failed", "ready")
    assert "the limit is 1 passages per document" in failed.error
    assert failed.stage == DocumentStage.CHUNKING, "where it stopped"
    assert failed.chunk_count == 0
    assert newest.chunk_count == guide.chunk_count > 0
    assert newest.stage == DocumentStage.DONE
    for run in (first, failed, newest):
        assert run.queued_at is not None and run.queued_at <= run.started_at <= run.finished_at
        assert run.duration_seconds is not None and run.duration_seconds >= 0
        assert run.worker.startswith(f"{socket.gethostname()}:")
        assert run.organization_id == guide.organization_id


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_killed_mid_way_is_marked_interrupted_when_another_takes_over(guide):
    # What a worker killed while embedding leaves: the claim, its run's record, a lease it no longer renews.
    dead = f"{socket.gethostname()}:{_dead_pid()}:k1ll3d"
    Document.objects.filter(id=guide.id).update(
        status=DocumentStatus.PROCESSING, stage=DocumentStage.EMBEDDING, attempts=1, claimed_by=dead,
        heartbeat_at=timezone.now(),
    )  # fmt: skip
    guide.refresh_from_db()
    killed = runs.run_start(document=guide, worker=dead, queued_at=None, started_at=timezone.now())
    runs.run_reached(document_id=guide.id, worker=dead, stage=DocumentStage.EMBEDDING)
    leases.grant(guide.id, dead)

    ingest_document.delay(document_id=str(guide.id), organization_id=str(guide.organization_id))

    killed.refresh_from_db()
    assert killed.outcome == IngestionOutcome.INTERRUPTED
    assert killed.error == "The worker stopped while embedding (it was killed or lost); another run took over."
    assert killed.finished_at is not None
    takeover = IngestionRun.objects.filter(document=guide).order_by("-started_at").first()
    assert takeover.outcome == IngestionOutcome.READY and takeover.attempt == 2
    assert takeover.worker != dead


def test_temporary_failures_are_recorded_as_retries_until_the_run_that_gives_up(guide, owner_actor, run_tasks):
    with run_tasks():
        document = services.document_create_from_url(
            actor=owner_actor, bot=guide.bot, url="http://127.0.0.1:9/closed-port"
        )
    history = list(IngestionRun.objects.filter(document=document).order_by("started_at"))
    assert [run.outcome for run in history] == [IngestionOutcome.RETRYING] * 5 + [IngestionOutcome.FAILED]
    assert history[0].error.startswith("Temporary problem, retrying: Could not connect to 127.0.0.1")
    assert history[-1].error.startswith("Gave up after several tries: Could not connect to 127.0.0.1")
    assert {run.stage for run in history} == {DocumentStage.FETCHING}


class TestTextParts:
    def test_long_pages_split_between_paragraphs_and_other_documents_gather_sections(self):
        paragraph = "The harbour office answers questions about fares. " * 20  # about 1,000 characters
        long_page = "\n\n".join([paragraph.strip()] * 30)
        parts = list(text_parts([Section(text=long_page, page=1), Section(text="Short page.", page=2)], limit=5_000))
        assert [part.page for part in parts[:-1]] == [1] * (len(parts) - 1)
        assert parts[-1].page == 2 and parts[-1].text == "Short page."
        assert all(len(part.text) <= 5_000 for part in parts)
        assert "\n\n".join(part.text for part in parts[:-1]) == long_page, "nothing lost at the cuts"
        assert [part.number for part in parts] == list(range(1, len(parts) + 1))

        sections = [Section(text=f"Answer {n}.", heading=f"Question {n}") for n in range(1, 4)]
        (gathered,) = text_parts(sections)
        assert gathered.text == "Question 1\n\nAnswer 1.\n\nQuestion 2\n\nAnswer 2.\n\nQuestion 3\n\nAnswer 3."
        assert gathered.page is None and gathered.heading == "Question 1"


def test_the_admin_shows_the_runs_read_only_on_the_document(guide, tenant_a, tenant_b, client):
    url = reverse("admin:documents_document_change", args=[guide.pk])
    client.force_login(tenant_a.owner)
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    assert [form.instance.outcome for form in formset.forms] == [IngestionOutcome.READY]
    assert not formset.can_delete and formset.extra == 0
    assert "ingestion_runs-0-outcome" not in response.content.decode(), "read only: no field to edit"
    assert guide.claimed_by in response.content.decode(), "the worker is shown"

    client.force_login(tenant_b.owner)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
