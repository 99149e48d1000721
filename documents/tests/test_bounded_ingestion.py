"""Ingestion work is bounded per document: a file over the passage limit fails before anything is
embedded, and batches of any size give exactly one vector and one row per passage."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from chatsphere.ai.providers import get_embedder, get_vector_store
from conftest import jwt_client
from documents.models import Chunk, Document, DocumentStage, DocumentStatus
from documents.namespaces import bot_namespace
from documents.tests.test_api import post_file, vectors_of


def manual(sections: int) -> str:
    """A Markdown manual with one short section per pump: one passage each."""
    return "\n\n".join(
        f"## Pump {n}\n\nThe seal of pump {n} is replaced every {n % 12 + 1} months by the night shift."
        for n in range(sections)
    )


def add_markdown(client, bot, title: str, text: str) -> Document:
    response = post_file(client, bot, f"{title}.md", text.encode())
    assert response.status_code == HTTPStatus.ACCEPTED, response.json()
    return Document.objects.get(id=response.json()["id"])


def vector_indexes(document: Document) -> list[int]:
    return sorted(int(vid.rsplit(":", 1)[1]) for vid in vectors_of(document))


class TestPassageLimit:
    def test_a_document_over_the_limit_fails_naming_the_limit_and_its_size(self, tenant_a, bot, run_tasks, settings):
        settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 10
        with run_tasks():
            document = add_markdown(jwt_client(tenant_a.admin), bot, "pump-manual", manual(25))
        document.refresh_from_db()
        assert document.status == DocumentStatus.FAILED
        assert "makes 25 passages" in document.error
        assert "the limit is 10 passages per document" in document.error
        assert "CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT" in document.error
        # Decided while chunking: the run never reached the embedding stage, and left nothing.
        assert document.stage == DocumentStage.CHUNKING
        assert vectors_of(document) == []
        assert not Chunk.objects.filter(document=document).exists()
        assert (document.chunk_count, document.token_count) == (0, 0)

    def test_a_document_at_the_limit_is_ingested_whole(self, tenant_a, bot, run_tasks, settings):
        settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 25
        with run_tasks():
            document = add_markdown(jwt_client(tenant_a.admin), bot, "pump-manual", manual(25))
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        assert document.chunk_count == 25

    def test_zero_means_no_limit(self, tenant_a, bot, run_tasks, settings):
        settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 0
        with run_tasks():
            document = add_markdown(jwt_client(tenant_a.admin), bot, "pump-manual", manual(30))
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        assert document.chunk_count == 30

    def test_reingesting_a_document_now_over_the_limit_removes_what_it_had(self, tenant_a, bot, run_tasks, settings):
        client = jwt_client(tenant_a.admin)
        with run_tasks():
            document = add_markdown(client, bot, "pump-manual", manual(12))
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        assert len(vectors_of(document)) == 12
        settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 5
        with run_tasks():
            response = client.post(reverse("document-reingest", kwargs={"document_id": document.id}))
        assert response.status_code == HTTPStatus.ACCEPTED
        document.refresh_from_db()
        assert document.status == DocumentStatus.FAILED
        assert "makes 12 passages" in document.error
        assert vectors_of(document) == []
        assert not Chunk.objects.filter(document=document).exists()


class TestBatches:
    # A small document's passages are made once and kept; past 1,000 they are made again per stage.
    @pytest.mark.parametrize("sections", [450, 1150])
    def test_every_passage_has_one_vector_and_one_row_across_uneven_batches(
        self, tenant_a, bot, run_tasks, settings, sections
    ):
        # 7 divides neither the count nor the 200 passages of one upsert: the last batches are partial.
        settings.CHATSPHERE_EMBED_BATCH = 7
        with run_tasks():
            document = add_markdown(jwt_client(tenant_a.admin), bot, "pump-manual", manual(sections))
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        assert document.chunk_count == sections
        assert vector_indexes(document) == list(range(sections))
        rows = list(Chunk.objects.filter(document=document).order_by("index").values_list("index", "text"))
        assert [index for index, _ in rows] == list(range(sections))
        last = sections - 1
        assert f"pump {last} is replaced every {last % 12 + 1} months" in rows[last][1]
        assert document.token_count == sum(
            Chunk.objects.filter(document=document).values_list("token_count", flat=True)
        )
        # The last passage's vector is the embedding of its own text (not a neighbour's).
        (vector,) = get_embedder().embed_documents([rows[last][1]], titles=[document.title])
        (best,) = get_vector_store().query(namespace=bot_namespace(bot.id), vector=vector, top_k=1)
        assert best.id == f"{document.id}:{last}"
        assert best.score == pytest.approx(1.0, abs=1e-4)

    def test_a_shorter_version_leaves_no_vectors_beyond_its_passages(self, tenant_a, bot, run_tasks):
        client = jwt_client(tenant_a.admin)
        bot.chunk_tokens, bot.chunk_overlap = 40, 0
        bot.save(update_fields=["chunk_tokens", "chunk_overlap"])
        text = "# Pumps\n\n" + " ".join(
            f"Pump {n} has its seal replaced every {n % 12 + 1} months." for n in range(800)
        )
        with run_tasks():
            document = add_markdown(client, bot, "pump-manual", text)
        document.refresh_from_db()
        before = document.chunk_count
        assert before > 150
        assert vector_indexes(document) == list(range(before))
        # Re-ingested with passages ten times as large, the same document makes far fewer of them.
        bot.chunk_tokens = 400
        bot.save(update_fields=["chunk_tokens"])
        with run_tasks():
            client.post(reverse("document-reingest", kwargs={"document_id": document.id}))
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        assert document.chunk_count < before / 5
        assert vector_indexes(document) == list(range(document.chunk_count))
        assert Chunk.objects.filter(document=document).count() == document.chunk_count
