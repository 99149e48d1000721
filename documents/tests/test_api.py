"""Adding knowledge through the API, on the embedded default (offline embedder, local store)."""

from __future__ import annotations

import io
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from chatsphere.ai.providers import get_embedder, get_vector_store
from conftest import jwt_client
from documents.models import Chunk, Document, DocumentStatus
from documents.namespaces import bot_namespace
from documents.tests.conftest import make_pdf
from documents.tests.factories import DocumentFactory

GUIDE_PAGES = [
    "Opening hours\nThe aquarium opens at nine in the morning every day.",
    "Tickets\nChildren under six enter for free with an adult.",
    "Parking\nThe car park behind the aquarium has three hundred spaces.",
]


def documents_url(bot) -> str:
    return reverse("bot-document-list", kwargs={"bot_id": bot.id})


def vectors_of(document: Document) -> list[str]:
    return sorted(
        get_vector_store().list_document_ids(namespace=bot_namespace(document.bot_id), document_id=str(document.id))
    )


def search(bot, text: str, top_k: int = 5):
    vector = get_embedder().embed_query(text)
    return get_vector_store().query(namespace=bot_namespace(bot.id), vector=vector, top_k=top_k)


def post_file(client, bot, name: str, data: bytes):
    return client.post(documents_url(bot), {"file": SimpleUploadedFile(name, data)}, format="multipart")


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_heading("Returns policy", level=1)
    document.add_paragraph("Unworn shoes can be returned within thirty days for a full refund.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class TestUploadToReady:
    def test_pdf_becomes_ready_with_page_accurate_chunks(self, tenant_a, bot, run_tasks):
        client = jwt_client(tenant_a.admin)
        with run_tasks():
            response = post_file(client, bot, "guide.pdf", make_pdf(GUIDE_PAGES))
        assert response.status_code == HTTPStatus.ACCEPTED, response.content
        document = Document.objects.get(id=response.json()["id"])

        assert document.status == DocumentStatus.READY, document.error
        assert document.progress == 100
        assert document.page_count == 3
        assert document.content_type == "pdf"
        chunks = list(Chunk.objects.filter(document=document).order_by("index"))
        assert document.chunk_count == len(chunks) >= 3
        pages_by_phrase = {"nine in the morning": 1, "under six": 2, "three hundred spaces": 3}
        for phrase, page in pages_by_phrase.items():
            holders = [chunk for chunk in chunks if phrase in chunk.text]
            assert holders, phrase
            assert {chunk.page for chunk in holders} == {page}
        assert vectors_of(document) == sorted(f"{document.id}:{chunk.index}" for chunk in chunks)
        bot.refresh_from_db()
        assert bot.embedder == get_embedder().name
        # The API reports the same state.
        detail = client.get(reverse("document-detail", kwargs={"document_id": document.id})).json()
        assert detail["status"] == "ready"
        assert detail["chunk_count"] == len(chunks)

    def test_search_finds_the_page_that_answers(self, tenant_a, bot, run_tasks):
        with run_tasks():
            post_file(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(GUIDE_PAGES))
        best = search(bot, "How many parking spaces are there?")[0]
        assert best.metadata["page"] == 3
        assert "three hundred spaces" in best.metadata["text"]

    @pytest.mark.parametrize(
        ("name", "data", "phrase"),
        [
            ("notes.txt", b"Our support line answers calls from eight to six.", "eight to six"),
            ("faq.md", b"# Shipping\n\nParcels leave the warehouse within two days.\n", "within two days"),
            (
                "page.html",
                b"<html><head><title>Careers</title></head><body><nav>Home | About</nav><main><h1>Careers</h1>"
                b"<p>We hire remote engineers across Europe and pay relocation costs.</p></main>"
                b"<footer>Copyright</footer></body></html>",
                "remote engineers",
            ),
            ("prices.csv", b"product,price\nbasic plan,10 euros\npro plan,25 euros\n", "pro plan"),
            ("cafe.txt", "Le café ouvre à sept heures.".encode("cp1252"), "café ouvre"),
            # Windows' "Unicode" text: UTF-16 without a byte-order mark.
            ("hours.txt", "Le café ouvre à sept heures, du lundi au samedi.".encode("utf-16-le"), "café ouvre"),
            ("hours-be.txt", "The depot opens at seven, Monday to Saturday.".encode("utf-16-be"), "opens at seven"),
            # A name of 90 CJK characters is 270 bytes, past the filesystem's 255.
            ("営業時間" * 23 + ".txt", b"The shop opens at nine.", "opens at nine"),
            ("é" * 200 + ".md", b"# Hours\n\nThe bakery opens at six.\n", "opens at six"),
            ("policy.docx", docx_bytes(), "thirty days"),
        ],
    )
    def test_every_file_type_end_to_end(self, tenant_a, bot, run_tasks, name, data, phrase):
        with run_tasks():
            response = post_file(jwt_client(tenant_a.admin), bot, name, data)
        assert response.status_code == HTTPStatus.ACCEPTED, response.content
        document = Document.objects.get(id=response.json()["id"])
        assert document.status == DocumentStatus.READY, document.error
        assert any(phrase in chunk.text for chunk in document.chunks.all())
        assert len(vectors_of(document)) == document.chunk_count

    def test_pasted_text(self, tenant_a, bot, run_tasks):
        with run_tasks():
            response = jwt_client(tenant_a.admin).post(
                documents_url(bot),
                {"title": "Holidays", "text": "The shop is closed on public holidays."},
                format="json",
            )
        assert response.status_code == HTTPStatus.ACCEPTED
        document = Document.objects.get(id=response.json()["id"])
        assert document.title == "Holidays"
        assert document.status == DocumentStatus.READY
        assert "public holidays" in document.chunks.get().text

    def test_web_page(self, tenant_a, bot, run_tasks):
        page = (
            b"<html><head><title>Delivery times</title></head><body><article><p>Orders placed before noon are "
            b"delivered the next working day anywhere in the country.</p></article></body></html>"
        )

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/delivery"
            with run_tasks():
                response = jwt_client(tenant_a.admin).post(documents_url(bot), {"url": url}, format="json")
        finally:
            server.shutdown()
        assert response.status_code == HTTPStatus.ACCEPTED
        document = Document.objects.get(id=response.json()["id"])
        assert document.status == DocumentStatus.READY, document.error
        assert document.title == "Delivery times"
        assert "next working day" in document.chunks.first().text


class TestRefusals:
    def assert_nothing_stored(self, bot):
        assert not Document.objects.filter(bot=bot).exists()

    def test_file_over_the_size_limit(self, tenant_a, bot, settings):
        settings.CHATSPHERE_MAX_UPLOAD_MB = 1
        response = post_file(jwt_client(tenant_a.admin), bot, "big.txt", b"a" * (1024 * 1024 + 10))
        assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
        body = response.json()
        assert body["code"] == "file_too_large"
        assert "1 MB" in body["detail"]
        assert "file" in body["errors"]
        self.assert_nothing_stored(bot)

    def test_binary_renamed_pdf(self, tenant_a, bot):
        response = post_file(jwt_client(tenant_a.admin), bot, "report.pdf", bytes(range(256)) * 40)
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json()["code"] == "unsupported_file"
        assert response.json()["errors"]["file"]
        self.assert_nothing_stored(bot)

    def test_empty_file(self, tenant_a, bot):
        response = post_file(jwt_client(tenant_a.admin), bot, "empty.txt", b"")
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "empty" in response.json()["detail"].lower()
        self.assert_nothing_stored(bot)

    def test_encrypted_pdf(self, tenant_a, bot):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Secret plans"]))))
        writer.encrypt(user_password="open-sesame", owner_password="owner")
        buffer = io.BytesIO()
        writer.write(buffer)
        response = post_file(jwt_client(tenant_a.admin), bot, "secret.pdf", buffer.getvalue())
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json()["code"] == "encrypted_pdf"
        assert "password" in response.json()["detail"]
        self.assert_nothing_stored(bot)

    def test_same_content_twice_names_the_existing_document(self, tenant_a, bot, run_tasks):
        client = jwt_client(tenant_a.admin)
        pdf = make_pdf(GUIDE_PAGES)
        with run_tasks():
            first = post_file(client, bot, "guide.pdf", pdf)
        second = post_file(client, bot, "copy-of-guide.pdf", pdf)
        assert second.status_code == HTTPStatus.CONFLICT
        assert second.json()["code"] == "duplicate_document"
        assert second.json()["document_id"] == first.json()["id"]
        assert Document.objects.filter(bot=bot).count() == 1

    def test_nothing_to_send(self, tenant_a, bot):
        response = jwt_client(tenant_a.admin).post(documents_url(bot), {"title": "only a title"}, format="json")
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "file" in response.json()["errors"]

    def test_private_address_refused_in_production_mode(self, tenant_a, bot, settings):
        settings.CHATSPHERE_ALLOW_PRIVATE_URLS = False
        client = jwt_client(tenant_a.admin)
        for url in ["http://127.0.0.1:8000/admin/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"]:
            response = client.post(documents_url(bot), {"url": url}, format="json")
            assert response.status_code == HTTPStatus.BAD_REQUEST, url
            assert response.json()["errors"]["url"]
        self.assert_nothing_stored(bot)

    def test_member_cannot_add_documents(self, tenant_a, bot):
        response = jwt_client(tenant_a.member).post(documents_url(bot), {"title": "t", "text": "x"}, format="json")
        assert response.status_code == HTTPStatus.FORBIDDEN
        self.assert_nothing_stored(bot)


class TestFailures:
    def test_pdf_without_text_fails_with_a_readable_error_and_nothing_searchable(self, tenant_a, bot, run_tasks):
        with run_tasks():
            response = post_file(jwt_client(tenant_a.admin), bot, "scan.pdf", make_pdf(["", "", ""]))
        document = Document.objects.get(id=response.json()["id"])
        assert document.status == DocumentStatus.FAILED
        assert "No text could be extracted" in document.error
        assert vectors_of(document) == []
        assert not document.chunks.exists()


class TestLifecycle:
    def test_reingest_leaves_exactly_one_set_of_vectors(self, tenant_a, bot, run_tasks):
        client = jwt_client(tenant_a.admin)
        with run_tasks():
            document_id = post_file(client, bot, "guide.pdf", make_pdf(GUIDE_PAGES)).json()["id"]
        document = Document.objects.get(id=document_id)
        before = vectors_of(document)
        with run_tasks():
            response = client.post(reverse("document-reingest", kwargs={"document_id": document_id}))
        assert response.status_code == HTTPStatus.ACCEPTED
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY
        assert vectors_of(document) == before
        assert Chunk.objects.filter(document=document).count() == len(before)

    def test_delete_removes_chunks_vectors_and_file(self, tenant_a, bot, run_tasks):
        client = jwt_client(tenant_a.admin)
        with run_tasks():
            document_id = post_file(client, bot, "guide.pdf", make_pdf(GUIDE_PAGES)).json()["id"]
        document = Document.objects.get(id=document_id)
        storage, name = document.file.storage, document.file.name
        with run_tasks():
            response = client.delete(reverse("document-detail", kwargs={"document_id": document_id}))
        assert response.status_code == HTTPStatus.NO_CONTENT
        assert not Document.objects.filter(id=document_id).exists()
        assert not Chunk.objects.filter(document_id=document_id).exists()
        assert vectors_of(document) == []
        assert search(bot, "parking spaces") == []
        assert not storage.exists(name)

    def test_deleting_the_organization_leaves_no_vectors_of_its_bots(self, tenant_a, bot, run_tasks):
        with run_tasks():
            document_id = post_file(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(GUIDE_PAGES)).json()["id"]
        document = Document.objects.get(id=document_id)
        assert vectors_of(document) != []
        organization_url = reverse("organization-detail", kwargs={"organization_id": tenant_a.organization.id})
        with run_tasks():
            response = jwt_client(tenant_a.owner).delete(organization_url)
        assert response.status_code == HTTPStatus.NO_CONTENT
        assert vectors_of(document) == []
        assert search(bot, "parking spaces") == []

    def test_list_filters_by_status_and_pages(self, tenant_a, bot, django_assert_max_num_queries):
        DocumentFactory.create_batch(5, bot=bot, status=DocumentStatus.READY)
        DocumentFactory.create_batch(3, bot=bot, status=DocumentStatus.FAILED)
        client = jwt_client(tenant_a.member)
        with django_assert_max_num_queries(8):
            failed = client.get(documents_url(bot), {"status": "failed"}).json()
        assert len(failed["results"]) == 3
        assert {item["status"] for item in failed["results"]} == {"failed"}
        first = client.get(documents_url(bot), {"page_size": 4}).json()
        second = client.get(first["next"]).json()
        ids = [item["id"] for item in first["results"] + second["results"]]
        assert len(ids) == len(set(ids)) == 8
        bad = client.get(documents_url(bot), {"status": "done-ish"})
        assert bad.status_code == HTTPStatus.BAD_REQUEST
        assert "status" in bad.json()["errors"]
