"""Knowledge quotas per organization and per bot: a full quota refuses uploads with a JSON error
naming it, and content that does not fit fails after extraction, before anything is embedded."""

from __future__ import annotations

from http import HTTPStatus

from django.test import Client
from django.urls import reverse

from bots.tests.factories import BotFactory
from conftest import jwt_client
from documents.models import Chunk, Document, DocumentStage, DocumentStatus
from documents.tests.conftest import make_pdf
from documents.tests.test_api import documents_url, post_file, vectors_of
from documents.tests.test_bounded_ingestion import manual


def add_text(client, bot, text: str):
    return client.post(documents_url(bot), {"title": text[:20], "text": text}, format="json")


class TestAtUpload:
    def test_an_organization_at_its_document_quota_refuses_new_documents(self, tenant_a, bot, run_tasks, settings):
        settings.CHATSPHERE_ORG_MAX_DOCUMENTS = 2
        other_bot = BotFactory(organization=tenant_a.organization)
        client = jwt_client(tenant_a.admin)
        with run_tasks():
            assert add_text(client, bot, "The shop opens at nine.").status_code == HTTPStatus.ACCEPTED
            assert add_text(client, other_bot, "The shop closes at six.").status_code == HTTPStatus.ACCEPTED
            response = add_text(client, bot, "The shop is closed on Sundays.")
        assert response.status_code == HTTPStatus.CONFLICT
        body = response.json()
        assert body["code"] == "knowledge_quota_exceeded"
        assert (body["scope"], body["quota"], body["used"], body["limit"]) == ("organization", "documents", 2, 2)
        assert "CHATSPHERE_ORG_MAX_DOCUMENTS" in body["errors"]["text"][0]
        assert Document.objects.filter(organization=tenant_a.organization).count() == 2

    def test_a_bot_at_its_document_quota_leaves_the_organizations_other_bots_free(
        self, tenant_a, bot, run_tasks, settings
    ):
        settings.CHATSPHERE_BOT_MAX_DOCUMENTS = 1
        other_bot = BotFactory(organization=tenant_a.organization)
        client = jwt_client(tenant_a.admin)
        with run_tasks():
            assert post_file(client, bot, "a.txt", b"The shop opens at nine.").status_code == HTTPStatus.ACCEPTED
            refused = post_file(client, bot, "b.txt", b"The shop closes at six.")
            accepted = post_file(client, other_bot, "b.txt", b"The shop closes at six.")
        assert refused.status_code == HTTPStatus.CONFLICT
        assert (refused.json()["scope"], refused.json()["quota"]) == ("bot", "documents")
        assert "file" in refused.json()["errors"]
        assert accepted.status_code == HTTPStatus.ACCEPTED
        assert Document.objects.filter(bot=bot).count() == 1

    def test_quotas_of_one_organization_do_not_count_anothers_documents(
        self, tenant_a, tenant_b, bot, run_tasks, settings
    ):
        settings.CHATSPHERE_ORG_MAX_DOCUMENTS = 1
        with run_tasks():
            assert add_text(jwt_client(tenant_a.admin), bot, "Opens at nine.").status_code == HTTPStatus.ACCEPTED
            b_bot = BotFactory(organization=tenant_b.organization)
            assert add_text(jwt_client(tenant_b.admin), b_bot, "Opens at ten.").status_code == HTTPStatus.ACCEPTED

    def test_zero_means_no_quota(self, tenant_a, bot, run_tasks, settings):
        settings.CHATSPHERE_ORG_MAX_DOCUMENTS = 0
        settings.CHATSPHERE_BOT_MAX_DOCUMENTS = 0
        client = jwt_client(tenant_a.admin)
        with run_tasks():
            for n in range(3):
                assert add_text(client, bot, f"Pump {n} is serviced yearly.").status_code == HTTPStatus.ACCEPTED


class TestAfterExtraction:
    def test_passages_over_the_bots_quota_fail_the_document_naming_it(self, tenant_a, bot, run_tasks, settings):
        settings.CHATSPHERE_BOT_MAX_CHUNKS = 30
        client = jwt_client(tenant_a.admin)
        with run_tasks():
            first = Document.objects.get(id=post_file(client, bot, "a.md", manual(20).encode()).json()["id"])
            second = Document.objects.get(id=post_file(client, bot, "b.md", manual(15).encode()).json()["id"])
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == DocumentStatus.READY
        assert second.status == DocumentStatus.FAILED
        assert "15 passages" in second.error
        assert "already holds 20 of its 30 (CHATSPHERE_BOT_MAX_CHUNKS)" in second.error
        assert second.stage == DocumentStage.CHUNKING
        assert vectors_of(second) == []
        assert not Chunk.objects.filter(document=second).exists()
        # Now full, the bot refuses further uploads; the organization's other bots still accept.
        with run_tasks():
            third = post_file(client, bot, "c.md", manual(1).encode())
        assert third.status_code == HTTPStatus.ACCEPTED  # 20 of 30: there is room for one more
        settings.CHATSPHERE_BOT_MAX_CHUNKS = 20
        refused = post_file(client, bot, "d.md", manual(2).encode())
        assert refused.status_code == HTTPStatus.CONFLICT
        assert (refused.json()["quota"], refused.json()["used"]) == ("chunks", 21)

    def test_pdf_pages_over_the_organizations_quota_fail_the_document(self, tenant_a, bot, run_tasks, settings):
        settings.CHATSPHERE_ORG_MAX_PAGES = 4
        client = jwt_client(tenant_a.admin)
        pages = [
            "Opening hours\nThe aquarium opens at nine in the morning every day.",
            "Tickets\nChildren under six enter for free with an adult.",
            "Parking\nThe car park behind the aquarium has three hundred spaces.",
        ]
        with run_tasks():
            first = post_file(client, bot, "a.pdf", make_pdf(pages)).json()["id"]
            second = post_file(client, bot, "b.pdf", make_pdf([*pages[1:], *pages[:2]])).json()["id"]
        assert Document.objects.get(id=first).status == DocumentStatus.READY
        failed = Document.objects.get(id=second)
        assert failed.status == DocumentStatus.FAILED
        assert "This document has 4 PDF pages" in failed.error
        assert "CHATSPHERE_ORG_MAX_PAGES" in failed.error


class TestOnTheKnowledgePage:
    def test_owners_see_usage_against_each_quota(self, tenant_a, bot, run_tasks, settings):
        settings.CHATSPHERE_BOT_MAX_CHUNKS = 40
        settings.CHATSPHERE_ORG_MAX_PAGES = 0
        with run_tasks():
            post_file(jwt_client(tenant_a.admin), bot, "a.md", manual(12).encode())
        client = Client()
        client.force_login(tenant_a.owner)
        page = client.get(reverse("dashboard:bot-knowledge", kwargs={"bot_id": bot.id})).content.decode()
        assert "12 of 40 passages" in page
        assert "1 of 2,000 documents" in page
        assert "0 PDF pages (no limit)" in page

    def test_a_full_quota_is_a_message_on_the_form(self, tenant_a, bot, run_tasks, settings):
        settings.CHATSPHERE_BOT_MAX_DOCUMENTS = 1
        client = Client()
        client.force_login(tenant_a.admin)
        url = reverse("dashboard:bot-knowledge-text", kwargs={"bot_id": bot.id})
        with run_tasks():
            assert client.post(url, {"title": "Parking", "text": "The car park has 300 spaces."}).status_code == 302
        refused = client.post(url, {"title": "Tickets", "text": "Children under six enter for free."})
        assert refused.status_code == HTTPStatus.BAD_REQUEST
        (message,) = refused.context["text_form"].errors["text"]
        assert message.startswith("This bot holds 1 document, its limit (CHATSPHERE_BOT_MAX_DOCUMENTS is 1).")
        assert Document.objects.filter(bot=bot).count() == 1
