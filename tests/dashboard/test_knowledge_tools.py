"""The Knowledge page's owner tools: search, filters, sort and pages that keep them; bulk delete
and re-ingest behind a confirmation; a page per document with its passages."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bots.tests.factories import BotFactory
from chatsphere.celery import app as celery_app
from documents.models import Document, DocumentSource, DocumentStage, DocumentStatus
from documents.tests.factories import ChunkFactory, DocumentFactory
from tests.dashboard.test_page_markup import assert_references_resolve


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _eager_tasks():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization, name="Harbour help")


@pytest.fixture
def library(bot):
    """Five documents of every kind and status, added a day apart (the ferry one first)."""
    now = timezone.now()
    rows = [
        dict(title="Ferry timetable", source=DocumentSource.FILE, content_type="pdf", size_bytes=90_000,
             chunk_count=12, status=DocumentStatus.READY),
        dict(title="Harbour FAQ", source=DocumentSource.URL, url="https://harbour.example/faq",
             content_type="html", size_bytes=4_000, chunk_count=30, status=DocumentStatus.READY),
        dict(title="Parking rules", source=DocumentSource.TEXT, size_bytes=500, chunk_count=2,
             status=DocumentStatus.FAILED, error="No text could be read."),
        dict(title="Opening hours", source=DocumentSource.TEXT, size_bytes=800, status=DocumentStatus.PENDING),
        dict(title="Boat hire prices", source=DocumentSource.URL, url="https://boats.example/prices",
             content_type="html", size_bytes=7_000, status=DocumentStatus.PROCESSING),
    ]  # fmt: skip
    documents = []
    for days_ago, fields in zip(range(len(rows), 0, -1), rows, strict=True):
        document = DocumentFactory(bot=bot, **fields)
        Document.objects.filter(pk=document.pk).update(created_at=now - timedelta(days=days_ago))
        documents.append(document)
    return documents


def knowledge(bot) -> str:
    return reverse("dashboard:bot-knowledge", kwargs={"bot_id": bot.id})


def titles(response) -> list[str]:
    return [document.title for document in response.context["page"].object_list]


@pytest.mark.django_db
class TestSearchFilterSort:
    def test_search_matches_titles_and_web_addresses_in_any_case(self, tenant_a, bot, library):
        client = logged_in(tenant_a.member)
        assert titles(client.get(knowledge(bot), {"q": "FERRY"})) == ["Ferry timetable"]
        assert titles(client.get(knowledge(bot), {"q": "boats.example"})) == ["Boat hire prices"]
        assert titles(client.get(knowledge(bot), {"q": "harbour faq"})) == ["Harbour FAQ"]
        nothing = client.get(knowledge(bot), {"q": "submarine"})
        assert titles(nothing) == []
        assert "No documents match" in nothing.content.decode()
        assert "No knowledge yet" not in nothing.content.decode()

    def test_status_groups_count_waiting_documents_as_being_processed(self, tenant_a, bot, library):
        client = logged_in(tenant_a.member)
        assert titles(client.get(knowledge(bot), {"status": "processing"})) == ["Boat hire prices", "Opening hours"]
        assert titles(client.get(knowledge(bot), {"status": "failed"})) == ["Parking rules"]
        page = client.get(knowledge(bot)).content.decode()
        assert ">Ready (2)</option>" in page
        assert ">Being processed (2)</option>" in page
        assert ">Failed (1)</option>" in page

    def test_kind_filter_and_combined_with_search(self, tenant_a, bot, library):
        client = logged_in(tenant_a.member)
        assert titles(client.get(knowledge(bot), {"source": "url"})) == ["Boat hire prices", "Harbour FAQ"]
        assert titles(client.get(knowledge(bot), {"source": "url", "q": "harbour"})) == ["Harbour FAQ"]
        assert titles(client.get(knowledge(bot), {"source": "text", "status": "failed"})) == ["Parking rules"]

    def test_orders(self, tenant_a, bot, library):
        client = logged_in(tenant_a.member)
        assert titles(client.get(knowledge(bot)))[0] == "Boat hire prices"  # newest first by default
        assert titles(client.get(knowledge(bot), {"order": "oldest"}))[0] == "Ferry timetable"
        assert titles(client.get(knowledge(bot), {"order": "title"})) == sorted(d.title for d in library)
        assert titles(client.get(knowledge(bot), {"order": "largest"}))[:2] == ["Ferry timetable", "Boat hire prices"]
        assert titles(client.get(knowledge(bot), {"order": "passages"}))[:2] == ["Harbour FAQ", "Ferry timetable"]

    def test_wrong_values_are_ignored_one_by_one(self, tenant_a, bot, library):
        response = logged_in(tenant_a.member).get(
            knowledge(bot), {"status": "nonsense", "order": "random", "source": "fax", "q": "ferry", "page": "x"}
        )
        assert response.status_code == HTTPStatus.OK
        assert titles(response) == ["Ferry timetable"]

    def test_pages_keep_the_search_filters_and_order(self, tenant_a, bot):
        for number in range(55):
            DocumentFactory(bot=bot, title=f"Ferry notice {number:02d}", status=DocumentStatus.READY)
        DocumentFactory(bot=bot, title="Unrelated", status=DocumentStatus.READY)
        client = logged_in(tenant_a.member)
        params = {"q": "ferry", "status": "ready", "order": "title"}
        first = client.get(knowledge(bot), params)
        assert len(titles(first)) == 50
        page = first.content.decode()
        assert "55 of 56 documents match." in page
        (next_link,) = re.findall(r'href="\?([^"]*page=2)"', page)
        assert next_link.replace("&amp;", "&") == "q=ferry&status=ready&order=title&page=2"
        second = client.get(knowledge(bot) + "?" + next_link.replace("&amp;", "&"))
        assert titles(second) == [f"Ferry notice {number}" for number in range(50, 55)]

    def test_another_organizations_documents_never_show(self, tenant_a, tenant_b, bot, library):
        foreign_bot = BotFactory(organization=tenant_b.organization)
        DocumentFactory(bot=foreign_bot, title="Ferry secrets")
        assert "Ferry secrets" not in titles(logged_in(tenant_a.owner).get(knowledge(bot), {"q": "ferry"}))
        assert logged_in(tenant_b.owner).get(knowledge(bot), {"q": "ferry"}).status_code == HTTPStatus.NOT_FOUND


def bulk(bot) -> str:
    return reverse("dashboard:bot-knowledge-bulk", kwargs={"bot_id": bot.id})


@pytest.mark.django_db
class TestBulkActions:
    def test_delete_asks_first_then_deletes_and_says_so(
        self, tenant_a, bot, library, django_capture_on_commit_callbacks
    ):
        client = logged_in(tenant_a.admin)
        chosen = [library[0], library[2]]
        ids = [str(document.id) for document in chosen]
        confirm = client.post(bulk(bot), {"action": "delete", "documents": ids, "query": "q=&status=&order=title"})
        assert confirm.status_code == HTTPStatus.OK
        page = confirm.content.decode()
        assert "Delete 2 documents?" in page
        assert "Ferry timetable" in page and "Parking rules" in page and "Harbour FAQ" not in page
        assert 'aria-current="page">Knowledge</a>' in page
        assert Document.objects.filter(bot=bot).count() == 5, "nothing is deleted before the confirmation"

        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(
                bulk(bot),
                {"action": "delete", "documents": ids, "confirmed": "on", "query": "order=title"},
                follow=True,
            )
        assert done.redirect_chain[-1][0] == knowledge(bot) + "?order=title"
        assert "2 documents were deleted." in done.content.decode()
        assert set(Document.objects.filter(bot=bot).values_list("title", flat=True)) == {
            "Harbour FAQ",
            "Opening hours",
            "Boat hire prices",
        }

    def test_reingest_skips_a_document_being_processed(self, tenant_a, bot, library):
        client = logged_in(tenant_a.admin)
        failed, processing = library[2], library[4]
        response = client.post(
            bulk(bot),
            {"action": "reingest", "documents": [str(failed.id), str(processing.id)], "confirmed": "on"},
            follow=True,
        )
        page = response.content.decode()
        assert "“Parking rules” was queued to be processed again." in page
        assert "Left as they were: “Boat hire prices” (being processed right now)." in page
        failed.refresh_from_db()
        assert (failed.status, failed.error) == (DocumentStatus.PENDING, "")

    def test_too_many_at_once_is_refused_back_on_the_list_as_it_was(self, tenant_a, bot, library):
        client = logged_in(tenant_a.admin)
        ids = [str(document.id) for document in library] + [str(uuid.uuid4()) for _ in range(100)]
        response = client.post(
            bulk(bot), {"action": "delete", "documents": ids, "confirmed": "on", "query": "q=ferry&page=2"}
        )
        assert response.status_code == HTTPStatus.FOUND
        assert response.url == knowledge(bot) + "?q=ferry&page=2"
        assert "Select at most 100 documents at a time." in client.get(response.url).content.decode()
        assert Document.objects.filter(bot=bot).count() == 5

    def test_nothing_selected_is_explained(self, tenant_a, bot, library):
        response = logged_in(tenant_a.admin).post(bulk(bot), {"action": "delete"}, follow=True)
        assert "Select at least one document" in response.content.decode()
        assert Document.objects.filter(bot=bot).count() == 5

    def test_another_organizations_document_in_the_selection_is_left_alone(self, tenant_a, tenant_b, bot, library):
        foreign = DocumentFactory(bot=BotFactory(organization=tenant_b.organization), title="Their manual")
        client = logged_in(tenant_a.owner)
        ids = [str(library[0].id), str(foreign.id), "not-an-id"]
        confirm = client.post(bulk(bot), {"action": "delete", "documents": ids}).content.decode()
        assert "Delete 1 document?" in confirm
        assert "Their manual" not in confirm
        done = client.post(bulk(bot), {"action": "delete", "documents": ids, "confirmed": "on"}, follow=True)
        assert "“Ferry timetable” was deleted. 1 no longer existed." in done.content.decode()
        assert Document.objects.filter(id=foreign.id).exists()

    @pytest.mark.parametrize("confirmed", ["", "on"])
    def test_a_member_may_not_and_nothing_changes(self, tenant_a, bot, library, confirmed):
        ids = [str(document.id) for document in library]
        for action in ("delete", "reingest"):
            response = logged_in(tenant_a.member).post(
                bulk(bot), {"action": action, "documents": ids, "confirmed": confirmed}
            )
            assert response.status_code == HTTPStatus.FORBIDDEN
        assert sorted(Document.objects.filter(bot=bot).values_list("status", flat=True)) == sorted(
            document.status for document in library
        )

    def test_another_organization_gets_404_and_nothing_changes(self, tenant_a, tenant_b, bot, library):
        ids = [str(document.id) for document in library]
        response = logged_in(tenant_b.owner).post(bulk(bot), {"action": "delete", "documents": ids, "confirmed": "on"})
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert Document.objects.filter(bot=bot).count() == 5

    def test_the_bulk_form_is_csrf_protected(self, tenant_a, bot, library):
        client = Client(enforce_csrf_checks=True)
        client.force_login(tenant_a.owner)
        ids = [str(library[0].id)]
        response = client.post(bulk(bot), {"action": "delete", "documents": ids, "confirmed": "on"})
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert Document.objects.filter(id=library[0].id).exists()

    def test_members_see_no_checkboxes_admins_do(self, tenant_a, bot, library):
        assert 'form="bulk-form"' not in logged_in(tenant_a.member).get(knowledge(bot)).content.decode()
        page = logged_in(tenant_a.admin).get(knowledge(bot)).content.decode()
        assert page.count('form="bulk-form"') == 5
        assert "Delete selected" in page


def document_url(document) -> str:
    return reverse("dashboard:document-detail", kwargs={"document_id": document.id})


@pytest.mark.django_db
class TestDocumentPage:
    def test_shows_source_status_counts_who_added_it_and_its_passages(self, tenant_a, bot):
        client = logged_in(tenant_a.admin)
        client.post(
            reverse("dashboard:bot-knowledge-text", kwargs={"bot_id": bot.id}),
            {"title": "Seal feeding", "text": "Seals are fed at three o'clock every afternoon."},
        )
        document = Document.objects.get(bot=bot)
        assert document.created_by == tenant_a.admin
        ChunkFactory(document=document, index=0, text="Seals are fed at three o'clock.", page=1)
        ChunkFactory(document=document, index=1, text="Visitors may watch from the pier.", page=2)
        Document.objects.filter(pk=document.pk).update(chunk_count=9)

        page = logged_in(tenant_a.member).get(document_url(document)).content.decode()
        assert "Seal feeding" in page
        assert "Pasted text" in page
        assert f"by {tenant_a.admin.email}" in page
        assert "9 passages" in page
        assert page.index("Seals are fed at three o&#x27;clock.") < page.index("Visitors may watch from the pier.")
        assert "Passage 2 · page 2 · " in page
        assert "Re-ingest" not in page, "a member reads, an admin acts"
        assert 'aria-current="page">Knowledge</a>' in page, "the bot's tabs show where the page belongs"

    def test_a_failed_document_says_why_and_at_which_stage(self, tenant_a, bot):
        document = DocumentFactory(
            bot=bot,
            source=DocumentSource.URL,
            url="https://harbour.example/closed",
            status=DocumentStatus.FAILED,
            stage=DocumentStage.FETCHING,
            error="The web page answered 404 Not Found.",
        )
        page = logged_in(tenant_a.owner).get(document_url(document)).content.decode()
        assert "at the fetching stage" in page
        assert "The web page answered 404 Not Found." in page
        assert 'href="https://harbour.example/closed"' in page
        assert "by an API key or a removed account" in page

    def test_reingest_from_the_document_page_comes_back_to_it(self, tenant_a, bot):
        document = DocumentFactory(bot=bot, status=DocumentStatus.FAILED, error="Timed out.")
        response = logged_in(tenant_a.admin).post(
            reverse("dashboard:document-reingest", kwargs={"document_id": document.id}), {"next": "document"}
        )
        assert response.url == document_url(document)
        document.refresh_from_db()
        assert document.status == DocumentStatus.PENDING

    def test_another_organization_gets_404(self, tenant_a, tenant_b, bot):
        document = DocumentFactory(bot=bot, title="Private notes")
        response = logged_in(tenant_b.owner).get(document_url(document))
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "Private notes" not in response.content.decode()


@pytest.mark.django_db
def test_the_new_pages_have_unique_ids_and_resolving_references(tenant_a, bot, library):
    client = logged_in(tenant_a.owner)
    pages = {
        "knowledge": client.get(knowledge(bot), {"q": "harbour"}),
        "confirmation": client.post(bulk(bot), {"action": "delete", "documents": [str(library[0].id)]}),
        "document": client.get(document_url(library[2])),
    }
    for name, response in pages.items():
        assert response.status_code == HTTPStatus.OK, name
        assert_references_resolve(response.content.decode(), name)


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_few_or_many_documents(tenant_a, bot):
    client = logged_in(tenant_a.admin)
    client.get(knowledge(bot))  # the session and the organization, once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(knowledge(bot), {"q": "notice", "order": "title"}).status_code == HTTPStatus.OK
        return len(captured)

    DocumentFactory.create_batch(3, bot=bot, title="Ferry notice")
    few = queries()
    DocumentFactory.create_batch(40, bot=bot, title="Harbour notice")
    assert queries() == few
