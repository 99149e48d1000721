"""Ingestion through Gemini embeddings and Pinecone: the real SDKs against the fake servers,
selected by the same settings production uses."""

from __future__ import annotations

import io
import threading
import time
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from bots.models import Bot
from chatsphere.ai.providers import reset_providers
from conftest import jwt_client
from documents import pipeline, services
from documents.models import Chunk, Document, DocumentStage, DocumentStatus
from documents.namespaces import bot_namespace
from documents.tests.conftest import make_pdf
from tests.fakes.fixtures import fake_gemini, fake_pinecone  # noqa: F401 - fixtures

PAGES = [
    "Opening hours\nThe aquarium opens at nine in the morning every day.",
    "Tickets\nChildren under six enter for free with an adult.",
]


@pytest.fixture
def remote(settings, fake_gemini, fake_pinecone):  # noqa: F811
    settings.GEMINI_API_KEY = "test-gemini-key"
    settings.GEMINI_BASE_URL = fake_gemini.base_url
    settings.PINECONE_API_KEY = "pclocal"
    settings.PINECONE_INDEX_HOST = fake_pinecone.base_url
    settings.CHATSPHERE_PROVIDER_RETRY_DELAY = 0.01
    reset_providers()
    yield fake_gemini, fake_pinecone
    reset_providers()


def upload(client, bot, name: str, data: bytes):
    return client.post(
        reverse("bot-document-list", kwargs={"bot_id": bot.id}),
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def test_pdf_is_embedded_by_gemini_and_indexed_in_pinecone(remote, tenant_a, bot, run_tasks):
    gemini, pinecone = remote
    with run_tasks():
        response = upload(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(PAGES))
    document = Document.objects.get(id=response.json()["id"])
    assert document.status == DocumentStatus.READY, document.error
    assert document.embedder == "gemini:gemini-embedding-001:768"

    stored = pinecone.vectors(bot_namespace(bot.id))
    chunks = list(Chunk.objects.filter(document=document))
    assert sorted(stored) == sorted(f"{document.id}:{chunk.index}" for chunk in chunks)
    by_page = {values_metadata[1]["page"] for values_metadata in stored.values()}
    assert by_page == {1, 2}
    for _values, metadata in stored.values():
        assert metadata["document_id"] == str(document.id)
        assert metadata["title"] == "guide.pdf"
        assert metadata["text"]

    embed_requests = gemini.requests(":batchEmbedContents")
    assert embed_requests
    for request in embed_requests:
        for item in request.body["requests"]:
            assert item["taskType"] == "RETRIEVAL_DOCUMENT"
            assert item["outputDimensionality"] == 768


def test_rate_limited_embedding_is_retried_then_succeeds(remote, tenant_a, bot, run_tasks):
    gemini, pinecone = remote
    gemini.fail(429, times=2, path_contains=":batchEmbedContents")
    with run_tasks():
        response = upload(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(PAGES))
    document = Document.objects.get(id=response.json()["id"])
    assert document.status == DocumentStatus.READY, document.error
    assert gemini.pending_faults() == 0
    assert len(pinecone.vectors(bot_namespace(bot.id))) == document.chunk_count


def test_permanent_provider_error_is_recorded_and_nothing_is_searchable(remote, tenant_a, bot, run_tasks):
    gemini, pinecone = remote
    gemini.fail(400, times=50, path_contains=":batchEmbedContents")
    with run_tasks():
        response = upload(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(PAGES))
    document = Document.objects.get(id=response.json()["id"])
    assert document.status == DocumentStatus.FAILED
    assert document.error
    assert "test-gemini-key" not in document.error
    assert pinecone.vectors(bot_namespace(bot.id)) == {}
    assert not Chunk.objects.filter(document=document).exists()


def test_vector_store_outage_ends_failed_after_bounded_retries(remote, tenant_a, bot, run_tasks):
    _gemini, pinecone = remote
    pinecone.fail(503, times=1000, path_contains="/vectors/upsert")
    with run_tasks():
        response = upload(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(PAGES))
    document = Document.objects.get(id=response.json()["id"])
    assert document.status == DocumentStatus.FAILED
    assert "Gave up" in document.error
    assert not Chunk.objects.filter(document=document).exists()


def test_reindexing_retries_while_the_vector_store_is_briefly_down(remote, tenant_a, bot, run_tasks):
    _gemini, pinecone = remote
    with run_tasks():
        response = upload(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(PAGES))
    document = Document.objects.get(id=response.json()["id"])
    # The bot's vectors were made by an older embedding model; dropping them fails at first.
    Bot.objects.filter(id=bot.id).update(embedder="an-older-embedder:384")
    pinecone.fail(503, times=4, path_contains="/vectors/delete")
    with run_tasks():
        call_command("reindex_bot", str(bot.id), stdout=io.StringIO())

    bot.refresh_from_db()
    document.refresh_from_db()
    assert bot.embedder == "gemini:gemini-embedding-001:768"
    assert document.status == DocumentStatus.READY, document.error
    assert document.embedder == "gemini:gemini-embedding-001:768"
    chunks = Chunk.objects.filter(document=document)
    assert sorted(pinecone.vectors(bot_namespace(bot.id))) == sorted(f"{document.id}:{c.index}" for c in chunks)


@pytest.mark.django_db(transaction=True)
def test_document_deleted_during_ingestion_leaves_nothing_behind(remote, settings, tenant_a, bot, owner_actor):
    _gemini, pinecone = remote
    settings.CHATSPHERE_EMBED_BATCH = 1  # one embedding request per chunk: ingestion takes a while
    text = "\n\n".join(f"Section {i}. The ferry to island {i} leaves from pier {i % 7}." * 30 for i in range(80))
    with transaction.atomic():
        document = services.document_create_from_text(actor=owner_actor, bot=bot, title="Ferries", text=text)
        connection.run_on_commit.clear()  # no queued task: the thread below plays the worker
    worker = threading.Thread(
        target=pipeline.ingest,
        kwargs={
            "document_id": str(document.id),
            "organization_id": str(document.organization_id),
            "final_attempt": True,
        },
    )
    worker.start()
    deadline = time.monotonic() + 30
    while not Document.objects.filter(id=document.id, stage=DocumentStage.EMBEDDING).exists():
        assert time.monotonic() < deadline, "ingestion never reached the embedding stage"
        time.sleep(0.005)
    services.document_delete(actor=owner_actor, document=Document.objects.get(id=document.id))
    worker.join(timeout=60)

    assert not worker.is_alive()
    assert not Document.objects.filter(id=document.id).exists()
    assert not Chunk.objects.filter(document_id=document.id).exists()
    leftovers = [vid for vid in pinecone.vectors(bot_namespace(bot.id)) if vid.startswith(str(document.id))]
    assert leftovers == []


def test_foreign_document_is_404_for_every_document_route(remote, tenant_a, tenant_b, bot, run_tasks):
    with run_tasks():
        document_id = upload(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(PAGES)).json()["id"]
    outsider = jwt_client(tenant_b.owner)
    for url in (
        reverse("document-detail", kwargs={"document_id": document_id}),
        reverse("document-reingest", kwargs={"document_id": document_id}),
        reverse("bot-document-list", kwargs={"bot_id": bot.id}),
    ):
        for method in ("get", "post", "delete"):
            assert getattr(outsider, method)(url).status_code == HTTPStatus.NOT_FOUND, (method, url)
    assert Document.objects.get(id=document_id).status == DocumentStatus.READY
