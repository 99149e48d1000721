"""A document's page shows what the bot sees: the extracted text a page at a time, every passage
(paged and searchable), the original to download, and the history of its ingestion runs."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tenancy import Actor
from bots.tests.factories import BotFactory
from chatsphere.celery import app as celery_app
from documents import services
from documents.models import Document, DocumentStatus
from documents.tests.conftest import HARBOUR_GUIDE, harbour_guide_pdf
from tests.dashboard.test_page_markup import assert_references_resolve

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(document: Document) -> str:
    return reverse("dashboard:document-detail", kwargs={"document_id": document.id})


def download_url(document: Document) -> str:
    return reverse("dashboard:document-download", kwargs={"document_id": document.id})


@pytest.fixture(autouse=True)
def _eager_tasks():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def owner(tenant_a) -> Actor:
    return Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner)


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization, name="Harbour help")


@pytest.fixture
def guide(owner, bot, django_capture_on_commit_callbacks) -> Document:
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_create_from_file(
            actor=owner,
            bot=bot,
            uploaded_file=SimpleUploadedFile("harbour-guide.pdf", harbour_guide_pdf()),
            title="Harbour guide",
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document


def _reingest(owner, document, capture) -> None:
    with capture(execute=True):
        services.document_reingest(actor=owner, document=document)


class TestExtractedText:
    def test_page_three_shows_its_text_and_nothing_of_the_other_pages(self, tenant_a, guide):
        client = logged_in(tenant_a.member)
        for params in ({"page": "3"}, {"part": "3"}):
            page = client.get(page_url(guide), params).content.decode()
            assert "Page 3 of 5" in page
            winter = HARBOUR_GUIDE[2][1]
            assert winter[0].replace("'", "&#x27;") in page and winter[1] in page
            for other in (0, 1, 3, 4):
                assert HARBOUR_GUIDE[other][1][0].replace("'", "&#x27;") not in page.split('id="passages"')[0]
            assert '<a class="button secondary" href="?part=2#text" rel="prev">' in page
            assert '<a class="button secondary" href="?part=4#text" rel="next">' in page

    def test_the_first_page_by_default_and_a_page_that_does_not_exist_is_explained(self, tenant_a, guide):
        client = logged_in(tenant_a.member)
        first = client.get(page_url(guide)).content.decode()
        assert "Page 1 of 5" in first and "The harbour has served the town for three hundred years" in first
        assert 'rel="prev"' not in first.split('id="passages"')[0]

        for asked in ("9", "zero", "-1", "99999999999999"):
            response = client.get(page_url(guide), {"page": asked})
            assert response.status_code == HTTPStatus.OK
            assert f"There is no page “{asked}”: this document has pages 1 to 5." in response.content.decode()
        assert "Page 5 of 5" in client.get(page_url(guide), {"part": "40"}).content.decode()

    def test_a_pasted_text_shows_as_parts(self, tenant_a, owner, bot, django_capture_on_commit_callbacks):
        text = "\n\n".join(" ".join(paragraphs) for _, paragraphs in HARBOUR_GUIDE)
        with django_capture_on_commit_callbacks(execute=True):
            document = services.document_create_from_text(actor=owner, bot=bot, title="Harbour notes", text=text)
        page = logged_in(tenant_a.member).get(page_url(document)).content.decode()
        assert "Part 1 of 1" in page
        assert "Go to part" in page
        assert HARBOUR_GUIDE[4][1][1] in page
        assert "Download the original text" in page


class TestPassages:
    def test_every_passage_with_its_page_and_tokens_and_a_search(self, tenant_a, guide):
        client = logged_in(tenant_a.member)
        page = client.get(page_url(guide)).content.decode()
        passages = page.split('id="passages"')[1]
        assert f"{guide.chunk_count} passage" in passages
        assert passages.count("<li value=") == guide.chunk_count
        assert "· page 3 · " in passages and "token" in passages

        found = client.get(page_url(guide), {"q": "winter months"}).content.decode().split('id="passages"')[1]
        assert "1 passage contains “winter months”." in found
        assert "the midday crossing only runs on Saturdays" in found
        assert "Season passes" not in found
        none = client.get(page_url(guide), {"q": "helicopter"}).content.decode()
        assert "0 passages contain “helicopter”." in none

    def test_passages_are_paged_twenty_at_a_time_keeping_the_text_page(
        self, tenant_a, owner, bot, django_capture_on_commit_callbacks
    ):
        bot.chunk_tokens, bot.chunk_overlap = 100, 0
        bot.save()
        paragraphs = [
            f"Notice {n}: the berth number {n} on the east quay is reserved for visiting yachts of up to "
            f"{10 + n} metres from April to October; the harbour master assigns it on arrival by radio, "
            "and the fee is paid at the office before the boat leaves the next morning."
            for n in range(1, 61)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            document = services.document_create_from_text(
                actor=owner, bot=bot, title="Berth notices", text="\n\n".join(paragraphs)
            )
        document.refresh_from_db()
        assert document.chunk_count > 20
        client = logged_in(tenant_a.member)
        first = client.get(page_url(document)).content.decode()
        assert f"Passages 1–20 of {document.chunk_count}" in first
        assert '<li value="21">' not in first
        assert '<a class="button secondary" href="?passages=2#passages" rel="next">' in first
        second = client.get(page_url(document), {"passages": "2", "part": "1"}).content.decode()
        assert '<li value="21">' in second and '<li value="1">' not in second
        assert 'href="?part=1&amp;passages=1#passages" rel="prev"' in second


class TestSourceAndDownload:
    def test_members_download_the_original_file(self, tenant_a, guide):
        client = logged_in(tenant_a.member)
        page = client.get(page_url(guide)).content.decode()
        assert f'href="{download_url(guide)}" download' in page
        response = client.get(download_url(guide))
        assert response.status_code == HTTPStatus.OK
        with guide.file.open("rb") as stored:
            original = stored.read()
        assert b"".join(response.streaming_content) == original
        assert original.startswith(b"%PDF") and len(original) == guide.size_bytes
        assert response["Content-Disposition"] == 'attachment; filename="harbour-guide.pdf"'
        assert response["Content-Type"] == "application/octet-stream", "never shown inline as a page of the site"

    def test_a_web_page_links_to_itself_in_a_new_tab_and_has_nothing_to_download(self, tenant_a, bot):
        document = Document.objects.create(
            organization=tenant_a.organization, bot=bot, source="url", title="Harbour FAQ",
            url="https://harbour.example/faq", content_type="html",
        )  # fmt: skip
        page = logged_in(tenant_a.member).get(page_url(document)).content.decode()
        assert (
            '<a class="url" href="https://harbour.example/faq" rel="noopener noreferrer nofollow" target="_blank">'
            in page
        )
        assert "(opens in a new tab)" in page
        assert "Download the original" not in page
        assert logged_in(tenant_a.member).get(download_url(document)).status_code == HTTPStatus.NOT_FOUND

    def test_another_organization_gets_404_on_the_page_the_text_and_the_download(self, tenant_a, tenant_b, guide):
        client = logged_in(tenant_b.owner)
        for url in (page_url(guide), page_url(guide) + "?page=3", download_url(guide)):
            response = client.get(url)
            assert response.status_code == HTTPStatus.NOT_FOUND, url
            assert b"Harbour guide" not in response.content and b"Winter timetable" not in response.content


class TestHistory:
    def test_a_failed_then_reingested_document_shows_both_runs_with_the_error(
        self, tenant_a, owner, guide, settings, django_capture_on_commit_callbacks
    ):
        settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 1
        _reingest(owner, guide, django_capture_on_commit_callbacks)
        failed_page = logged_in(tenant_a.member).get(page_url(guide)).content.decode()
        assert "No text: the last ingestion failed (see its history below)." in failed_page
        assert "Winter timetable" not in failed_page

        settings.CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT = 0
        client = logged_in(tenant_a.admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("dashboard:document-reingest", kwargs={"document_id": guide.id}), {"next": "document"}
            )
        assert response.url == page_url(guide)
        guide.refresh_from_db()
        assert guide.status == DocumentStatus.READY
        page = client.get(page_url(guide)).content.decode()
        history = page.split('id="history"')[1]
        assert history.count('class="timeline-run"') == 3
        assert history.index("Attempt 1") < history.index("Failed") < history.rindex("Ready")
        assert "the limit is 1 passages per document" in history
        assert f"{guide.chunk_count} passage" in history
        assert "Re-ingest now" in history
        assert "Re-ingest now" not in logged_in(tenant_a.member).get(page_url(guide)).content.decode()

    def test_the_page_markup_is_accessible(self, tenant_a, guide):
        response = logged_in(tenant_a.owner).get(page_url(guide), {"page": "zz", "q": "ferry"})
        assert_references_resolve(response.content.decode(), "document page")


def test_a_long_document_costs_the_same_queries_and_sends_one_page_of_text(
    tenant_a, owner, bot, guide, django_capture_on_commit_callbacks
):
    client = logged_in(tenant_a.member)
    client.get(page_url(guide))  # the session and the organization, once

    def measure(document: Document) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page_url(document), {"page": "3"})
        assert response.status_code == HTTPStatus.OK
        return len(captured), len(response.content)

    with django_capture_on_commit_callbacks(execute=True):
        long = services.document_create_from_file(
            actor=owner, bot=bot, uploaded_file=SimpleUploadedFile("long-guide.pdf", harbour_guide_pdf(editions=24))
        )
    long.refresh_from_db()
    assert long.page_count == 120
    short_queries, short_size = measure(guide)
    long_queries, long_size = measure(long)
    assert long_queries == short_queries
    assert long_size < short_size * 3, "one page of text and twenty passages, whatever the document's length"
