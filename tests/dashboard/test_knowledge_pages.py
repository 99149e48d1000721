"""The Knowledge page of a bot: uploads (several at once), text, web pages, the document table,
delete and re-ingest, roles and scoping, and live status over the WebSocket."""

from __future__ import annotations

import asyncio
from http import HTTPStatus

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bots.tests.factories import BotFactory
from chatsphere.asgi import application
from chatsphere.celery import app as celery_app
from documents.models import Document, DocumentStatus
from documents.progress import publish_progress
from documents.tests.conftest import make_pdf
from documents.tests.factories import DocumentFactory

HOST = "testserver"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization, name="Aquarium guide")


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Ingestion runs in the test's process, also when REDIS_URL would send it to a worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def knowledge(bot) -> str:
    return reverse("dashboard:bot-knowledge", kwargs={"bot_id": bot.id})


@pytest.mark.django_db
class TestKnowledgePage:
    def test_empty_state_tells_an_admin_what_to_do(self, tenant_a, bot):
        page = logged_in(tenant_a.admin).get(knowledge(bot)).content.decode()
        assert "No knowledge yet" in page
        assert "Upload files" in page

    def test_member_sees_documents_but_no_forms(self, tenant_a, bot):
        DocumentFactory(bot=bot, title="Opening hours", status=DocumentStatus.FAILED, error="No text could be read.")
        page = logged_in(tenant_a.member).get(knowledge(bot)).content.decode()
        assert "Opening hours" in page
        assert "No text could be read." in page
        assert "Upload files" not in page
        assert "Re-ingest" not in page

    def test_several_files_at_once_become_ready(self, tenant_a, bot, run_tasks):
        files = [
            SimpleUploadedFile("guide.pdf", make_pdf(["Penguins are fed at noon."])),
            SimpleUploadedFile("faq.md", b"# Tickets\n\nChildren under six enter for free."),
        ]
        with run_tasks():
            response = logged_in(tenant_a.admin).post(
                reverse("dashboard:bot-knowledge-upload", kwargs={"bot_id": bot.id}), {"files": files}, follow=True
            )
        assert response.status_code == HTTPStatus.OK
        page = response.content.decode()
        assert "2 files added" in page
        documents = Document.objects.filter(bot=bot)
        assert {document.title for document in documents} == {"guide.pdf", "faq.md"}
        assert {document.status for document in documents} == {DocumentStatus.READY}
        assert page.count('data-document="') == 2

    def test_a_document_not_yet_ingested_is_said_to_be_processed(self, tenant_a, bot):
        # The test's transaction never commits here: ingestion has not started when the page answers.
        response = logged_in(tenant_a.admin).post(
            reverse("dashboard:bot-knowledge-upload", kwargs={"bot_id": bot.id}),
            {"files": [SimpleUploadedFile("guide.pdf", make_pdf(["Penguins are fed at noon."]))]},
            follow=True,
        )
        assert "“guide.pdf” added; it is being processed." in response.content.decode()

    def test_the_script_gets_json_and_the_page_then_shows_the_message(self, tenant_a, bot):
        client = logged_in(tenant_a.admin)
        url = reverse("dashboard:bot-knowledge-upload", kwargs={"bot_id": bot.id})
        files = [SimpleUploadedFile("notes.txt", b"The cafe opens at nine.")]

        response = client.post(url, {"files": files}, headers={"accept": "application/json"})

        assert response.status_code == HTTPStatus.OK
        assert response.json() == {"location": knowledge(bot)}
        assert "“notes.txt” added; it is being processed." in client.get(knowledge(bot)).content.decode()

    def test_the_script_gets_the_reasons_when_nothing_was_added(self, tenant_a, bot):
        client = logged_in(tenant_a.admin)
        url = reverse("dashboard:bot-knowledge-upload", kwargs={"bot_id": bot.id})
        files = [SimpleUploadedFile("photo.pdf", bytes(range(256)) * 8)]

        response = client.post(url, {"files": files}, headers={"accept": "application/json"})

        assert response.status_code == HTTPStatus.BAD_REQUEST
        (error,) = response.json()["errors"]
        assert error.startswith("photo.pdf: This file named “photo.pdf” is not a readable document.")
        assert "photo.pdf" not in client.get(knowledge(bot)).content.decode(), "no message left for later"

    def test_refused_files_are_named_and_good_ones_still_added(self, tenant_a, bot):
        files = [
            SimpleUploadedFile("photo.pdf", bytes(range(256)) * 8),
            SimpleUploadedFile("notes.txt", b"The cafe opens at nine."),
        ]
        response = logged_in(tenant_a.admin).post(
            reverse("dashboard:bot-knowledge-upload", kwargs={"bot_id": bot.id}), {"files": files}, follow=True
        )
        page = response.content.decode()
        assert "photo.pdf: " in page
        assert "not a readable document" in page
        assert list(Document.objects.filter(bot=bot).values_list("title", flat=True)) == ["notes.txt"]

    def test_only_refused_files_show_the_form_error(self, tenant_a, bot, settings):
        settings.CHATSPHERE_MAX_UPLOAD_MB = 1
        big = SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 1))
        response = logged_in(tenant_a.admin).post(
            reverse("dashboard:bot-knowledge-upload", kwargs={"bot_id": bot.id}), {"files": [big]}
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "files up to 1 MB are accepted" in response.content.decode()
        assert not Document.objects.exists()

    def test_no_file_chosen(self, tenant_a, bot):
        response = logged_in(tenant_a.admin).post(reverse("dashboard:bot-knowledge-upload", kwargs={"bot_id": bot.id}))
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "Choose at least one file." in response.content.decode()

    def test_pasted_text_and_duplicate(self, tenant_a, bot, run_tasks):
        client = logged_in(tenant_a.admin)
        url = reverse("dashboard:bot-knowledge-text", kwargs={"bot_id": bot.id})
        with run_tasks():
            first = client.post(url, {"title": "Parking", "text": "The car park has 300 spaces."})
        assert first.status_code == HTTPStatus.FOUND
        assert Document.objects.get(bot=bot).status == DocumentStatus.READY
        again = client.post(url, {"title": "Parking again", "text": "The car park has 300 spaces."})
        assert again.status_code == HTTPStatus.BAD_REQUEST
        assert "already in this bot as “Parking”" in again.content.decode()
        # The refusal names no field: it is shown on the text it is about.
        assert again.context["text_form"].errors["text"] == ["This content is already in this bot as “Parking”."]

    def test_private_web_page_refused_with_a_message(self, tenant_a, bot, settings):
        settings.CHATSPHERE_ALLOW_PRIVATE_URLS = False
        response = logged_in(tenant_a.admin).post(
            reverse("dashboard:bot-knowledge-url", kwargs={"bot_id": bot.id}), {"url": "http://127.0.0.1/admin/"}
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "private network" in response.content.decode()
        assert not Document.objects.exists()

    def test_member_cannot_add_delete_or_reingest(self, tenant_a, bot):
        document = DocumentFactory(bot=bot, status=DocumentStatus.READY)
        client = logged_in(tenant_a.member)
        text = client.post(
            reverse("dashboard:bot-knowledge-text", kwargs={"bot_id": bot.id}), {"title": "t", "text": "x"}
        )
        assert text.status_code == HTTPStatus.FORBIDDEN
        for name in ("dashboard:document-delete", "dashboard:document-reingest"):
            assert client.post(reverse(name, kwargs={"document_id": document.id})).status_code == HTTPStatus.FORBIDDEN
        assert Document.objects.get(id=document.id).status == DocumentStatus.READY

    def test_delete_and_reingest(self, tenant_a, bot, run_tasks):
        client = logged_in(tenant_a.admin)
        with run_tasks():
            client.post(
                reverse("dashboard:bot-knowledge-text", kwargs={"bot_id": bot.id}),
                {"title": "Feeding", "text": "Seals are fed at three."},
            )
        document = Document.objects.get(bot=bot)
        with run_tasks():
            response = client.post(reverse("dashboard:document-reingest", kwargs={"document_id": document.id}))
        assert response.url == knowledge(bot)
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY
        with run_tasks():
            client.post(reverse("dashboard:document-delete", kwargs={"document_id": document.id}))
        assert not Document.objects.filter(id=document.id).exists()

    def test_status_filter_and_pages(self, tenant_a, bot):
        DocumentFactory.create_batch(3, bot=bot, status=DocumentStatus.FAILED)
        DocumentFactory.create_batch(55, bot=bot, status=DocumentStatus.READY)
        client = logged_in(tenant_a.member)
        failed = client.get(knowledge(bot), {"status": "failed"}).content.decode()
        assert failed.count('data-document="') == 3
        first = client.get(knowledge(bot)).content.decode()
        assert first.count('data-document="') == 50
        assert "Page 1 of 2" in first
        assert client.get(knowledge(bot), {"page": 2}).content.decode().count('data-document="') == 8
        # A bad filter value is ignored, not an error.
        assert client.get(knowledge(bot), {"status": "nonsense"}).status_code == HTTPStatus.OK

    def test_another_organization_gets_404_everywhere(self, tenant_a, tenant_b, bot):
        document = DocumentFactory(bot=bot)
        outsider = logged_in(tenant_b.owner)
        assert outsider.get(knowledge(bot)).status_code == HTTPStatus.NOT_FOUND
        for name in ("dashboard:bot-knowledge-upload", "dashboard:bot-knowledge-text", "dashboard:bot-knowledge-url"):
            assert outsider.post(reverse(name, kwargs={"bot_id": bot.id})).status_code == HTTPStatus.NOT_FOUND
        for name in ("dashboard:document-delete", "dashboard:document-reingest"):
            response = outsider.post(reverse(name, kwargs={"document_id": document.id}))
            assert response.status_code == HTTPStatus.NOT_FOUND
        assert Document.objects.filter(id=document.id).exists()

    def test_anonymous_is_sent_to_log_in(self, bot):
        response = Client().get(knowledge(bot))
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("dashboard:login"))


# --- live status ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_message_counts_uploads_by_their_status_once_ingested(tenant_a, bot):
    # Eager tasks without the ASGI server: ingestion runs before the page answers.
    files = [
        SimpleUploadedFile("guide.pdf", make_pdf(["Penguins are fed at noon."])),
        SimpleUploadedFile("blank.pdf", make_pdf([""])),
        SimpleUploadedFile("faq.md", b"# Tickets\n\nChildren under six enter for free."),
    ]
    response = logged_in(tenant_a.admin).post(
        reverse("dashboard:bot-knowledge-upload", kwargs={"bot_id": bot.id}), {"files": files}, follow=True
    )
    page = response.content.decode()
    assert "3 files added: 2 ready, 1 failed." in page
    assert "being processed" not in page


@database_sync_to_async
def session_cookie(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


async def open_socket(bot, cookie=None, origin=f"http://{HOST}"):
    headers = [(b"host", HOST.encode())]
    if origin:
        headers.append((b"origin", origin.encode()))
    if cookie:
        headers.append(cookie)
    communicator = WebsocketCommunicator(application, f"/ws/bots/{bot.id}/documents/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_status_changes_reach_the_page_of_that_bot_only(tenant_a):
    bot = await database_sync_to_async(BotFactory)(organization=tenant_a.organization)
    other_bot = await database_sync_to_async(BotFactory)(organization=tenant_a.organization)
    cookie = await session_cookie(tenant_a.member)
    communicator, connected = await open_socket(bot, cookie)
    assert connected
    try:
        mine = await database_sync_to_async(DocumentFactory)(bot=bot, status=DocumentStatus.READY, chunk_count=7)
        theirs = await database_sync_to_async(DocumentFactory)(bot=other_bot, status=DocumentStatus.READY)
        await database_sync_to_async(publish_progress)(theirs)
        await database_sync_to_async(publish_progress)(mine)
        event = await communicator.receive_json_from(timeout=5)
        assert event["type"] == "document"
        assert event["document"]["id"] == str(mine.id)
        assert event["document"]["status"] == "ready"
        assert event["document"]["chunk_count"] == 7
        assert await communicator.receive_nothing(timeout=0.2)
    finally:
        await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_sync_returns_the_current_state_of_the_pages_own_documents(tenant_a, tenant_b):
    bot = await database_sync_to_async(BotFactory)(organization=tenant_a.organization)
    foreign_bot = await database_sync_to_async(BotFactory)(organization=tenant_b.organization)
    finished = await database_sync_to_async(DocumentFactory)(bot=bot, status=DocumentStatus.READY, page_count=4)
    foreign = await database_sync_to_async(DocumentFactory)(bot=foreign_bot, status=DocumentStatus.READY)
    communicator, connected = await open_socket(bot, await session_cookie(tenant_a.member))
    assert connected
    try:
        await communicator.send_json_to({"type": "sync", "ids": [str(finished.id), str(foreign.id), "junk"]})
        event = await communicator.receive_json_from(timeout=5)
        assert event["document"]["id"] == str(finished.id)
        assert (event["document"]["status"], event["document"]["page_count"]) == ("ready", 4)
        assert await communicator.receive_nothing(timeout=0.2), "another organization's document is not told"
        await communicator.send_to(text_data="not json")
        await communicator.send_json_to({"type": "sync", "ids": "nope"})
        assert await communicator.receive_nothing(timeout=0.2)
    finally:
        await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_live_status_refuses_strangers_anonymous_and_other_origins(tenant_a, tenant_b):
    bot = await database_sync_to_async(BotFactory)(organization=tenant_a.organization)
    outsider = await session_cookie(tenant_b.owner)
    member = await session_cookie(tenant_a.member)
    attempts = [
        (outsider, f"http://{HOST}"),
        (None, f"http://{HOST}"),
        (member, "https://evil.example"),
        (member, None),
    ]
    for cookie, origin in attempts:
        communicator, connected = await open_socket(bot, cookie, origin)
        assert not connected, (cookie is not None, origin)
        await communicator.disconnect()
    await asyncio.sleep(0)
