"""The Conversations page's search of message text and its CSV and JSON exports of the filtered
conversations, streamed a batch at a time."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from http import HTTPStatus

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient, Client
from django.urls import reverse
from django.utils import timezone

from bots.tests.factories import BotFactory
from chat.export import conversation_batches
from chat.models import Conversation
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory
from tests.dashboard.test_page_markup import assert_references_resolve


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization, name="Harbour help")


@pytest.fixture
def conversations(bot):
    """Three conversations, the ferry one a week old, the parking one with a thumbs down."""
    ferry = ConversationFactory(bot=bot, title="Ferry times", origin_page="https://harbour.example/ferry")
    MessageFactory(conversation=ferry, content="When does the FERRY to Puffin Island leave?")
    AnswerFactory(
        conversation=ferry,
        content="Every forty minutes from pier seven [1].",
        citations=[
            {"number": 1, "title": "Timetable.pdf", "page": 2, "document_id": "d1", "snippet": "", "score": 0.7}
        ],
        feedback=1,
    )
    Conversation.objects.filter(pk=ferry.pk).update(created_at=timezone.now() - timedelta(days=7))
    parking = ConversationFactory(bot=bot, title="Parking")
    MessageFactory(conversation=parking, content='=HYPERLINK("https://evil.example")')
    AnswerFactory(conversation=parking, content="I couldn't find that.", unanswered=True, feedback=-1)
    hello = ConversationFactory(bot=bot, title="Hello")
    MessageFactory(conversation=hello, content="Hello there, café owner")
    return ferry, parking, hello


def conversations_url(bot) -> str:
    return reverse("dashboard:bot-conversations", kwargs={"bot_id": bot.id})


def export_url(bot, file_format: str) -> str:
    return reverse("dashboard:bot-conversations-export", kwargs={"bot_id": bot.id, "file_format": file_format})


def listed(response) -> list[str]:
    return [conversation.title for conversation in response.context["page"].object_list]


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.django_db
class TestSearch:
    def test_finds_words_of_visitors_and_of_the_bot_in_any_case(self, tenant_a, bot, conversations):
        client = logged_in(tenant_a.member)
        assert listed(client.get(conversations_url(bot), {"q": "ferry"})) == ["Ferry times"]
        assert listed(client.get(conversations_url(bot), {"q": "PIER SEVEN"})) == ["Ferry times"]
        assert listed(client.get(conversations_url(bot), {"q": "café"})) == ["Hello"]
        empty = client.get(conversations_url(bot), {"q": "submarine"})
        assert listed(empty) == []
        assert "No conversations match these filters" in empty.content.decode()

    def test_combines_with_the_filters(self, tenant_a, bot, conversations):
        client = logged_in(tenant_a.member)
        week_ago = (timezone.localdate() - timedelta(days=3)).isoformat()
        assert listed(client.get(conversations_url(bot), {"q": "ferry", "since": week_ago})) == []
        assert listed(client.get(conversations_url(bot), {"q": "couldn", "unanswered": "on"})) == ["Parking"]
        assert listed(client.get(conversations_url(bot), {"q": "ferry", "feedback": "down"})) == []

    def test_another_bot_or_organization_never_matches(self, tenant_a, tenant_b, bot, conversations):
        other_bot = BotFactory(organization=tenant_a.organization)
        MessageFactory(conversation=ConversationFactory(bot=other_bot, title="Other ferry"), content="ferry")
        foreign = BotFactory(organization=tenant_b.organization)
        MessageFactory(conversation=ConversationFactory(bot=foreign, title="Foreign ferry"), content="ferry")
        assert listed(logged_in(tenant_a.member).get(conversations_url(bot), {"q": "ferry"})) == ["Ferry times"]

    def test_the_page_keeps_the_search_in_its_links(self, tenant_a, bot, conversations):
        page = logged_in(tenant_a.member).get(conversations_url(bot), {"q": "ferry", "feedback": "up"})
        html = page.content.decode()
        assert f'href="{export_url(bot, "csv")}?q=ferry&amp;feedback=up"' in html
        assert f'href="{export_url(bot, "json")}?q=ferry&amp;feedback=up"' in html
        assert_references_resolve(html, "conversations")


@pytest.mark.django_db
class TestExport:
    def test_csv_has_one_row_per_message_of_the_filtered_conversations(self, tenant_a, bot, conversations):
        response = logged_in(tenant_a.member).get(export_url(bot, "csv"), {"feedback": "up"})
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        today = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == f'attachment; filename="harbour-help-conversations-{today}.csv"'
        text = body(response)
        assert text.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
        assert [(row["conversation_title"], row["role"], row["content"]) for row in rows] == [
            ("Ferry times", "user", "When does the FERRY to Puffin Island leave?"),
            ("Ferry times", "assistant", "Every forty minutes from pier seven [1]."),
        ]
        assert rows[1]["feedback"] == "helpful"
        assert rows[1]["sources"] == "Timetable.pdf"
        assert rows[0]["origin_page"] == "https://harbour.example/ferry"

    def test_csv_cells_never_run_as_spreadsheet_formulas(self, tenant_a, bot, conversations):
        text = body(logged_in(tenant_a.member).get(export_url(bot, "csv"), {"q": "hyperlink"}))
        rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
        assert rows[0]["content"] == '\'=HYPERLINK("https://evil.example")'
        assert rows[1]["unanswered"] == "yes"
        assert rows[1]["feedback"] == "not helpful"

    def test_json_holds_the_conversations_with_their_messages_newest_first(self, tenant_a, bot, conversations):
        response = logged_in(tenant_a.member).get(export_url(bot, "json"))
        assert response["Content-Type"] == "application/json"
        data = json.loads(body(response))
        assert data["bot"] == {"id": str(bot.id), "name": "Harbour help"}
        assert data["filters"] == {}
        assert [conversation["title"] for conversation in data["conversations"]] == ["Hello", "Parking", "Ferry times"]
        ferry = data["conversations"][2]
        assert [message["role"] for message in ferry["messages"]] == ["user", "assistant"]
        assert ferry["messages"][1]["sources"] == [{"title": "Timetable.pdf", "page": 2, "document_id": "d1"}]
        assert ferry["messages"][1]["feedback"] == "helpful"

    def test_a_verified_visitor_is_named_in_both_files_and_an_anonymous_one_is_not(self, tenant_a, bot, conversations):
        ferry, parking, _ = conversations
        Conversation.objects.filter(pk=ferry.pk).update(
            verified_user_id="cust-5521", verified_email="ines.moreau@example.org", verified_name="Inès Moreau"
        )
        client = logged_in(tenant_a.member)
        text = body(client.get(export_url(bot, "csv")))
        rows = {row["conversation_title"]: row for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))}
        assert (rows["Ferry times"]["verified_user_id"], rows["Ferry times"]["verified_email"]) == (
            "cust-5521",
            "ines.moreau@example.org",
        )
        assert rows["Ferry times"]["verified_name"] == "Inès Moreau"
        assert rows["Parking"]["verified_user_id"] == rows["Parking"]["verified_email"] == ""
        data = json.loads(body(client.get(export_url(bot, "json"))))
        by_title = {conversation["title"]: conversation for conversation in data["conversations"]}
        assert by_title["Ferry times"]["verified_visitor"] == {
            "user_id": "cust-5521",
            "email": "ines.moreau@example.org",
            "name": "Inès Moreau",
        }
        assert by_title["Parking"]["verified_visitor"] is None

    def test_json_says_which_filters_made_it(self, tenant_a, bot, conversations):
        data = json.loads(body(logged_in(tenant_a.member).get(export_url(bot, "json"), {"q": "ferry"})))
        assert data["filters"] == {"q": "ferry"}
        assert [conversation["title"] for conversation in data["conversations"]] == ["Ferry times"]

    def test_an_empty_export_is_still_a_valid_file(self, tenant_a, bot):
        data = json.loads(body(logged_in(tenant_a.member).get(export_url(bot, "json"))))
        assert data["conversations"] == []
        header = body(logged_in(tenant_a.member).get(export_url(bot, "csv"))).removeprefix("\ufeff")
        assert header.startswith("conversation_id,conversation_title,channel,")
        assert header.count("\n") == 1

    def test_wrong_filters_send_back_to_the_page_with_the_reason(self, tenant_a, bot, conversations):
        client = logged_in(tenant_a.member)
        response = client.get(export_url(bot, "csv"), {"since": "2026-05-10", "until": "2026-05-01"}, follow=True)
        page = response.content.decode()
        assert "Correct the filters before exporting" in page
        assert "The end date is before the start date." in page
        assert client.get(export_url(bot, "xlsx")).status_code == HTTPStatus.NOT_FOUND

    def test_another_organization_gets_404(self, tenant_a, tenant_b, bot, conversations):
        for file_format in ("csv", "json"):
            response = logged_in(tenant_b.owner).get(export_url(bot, file_format))
            assert response.status_code == HTTPStatus.NOT_FOUND
            assert b"Ferry" not in response.content

    def test_batches_read_every_conversation_once_in_a_bounded_number_of_queries(
        self, tenant_a, bot, django_assert_num_queries
    ):
        # Several share one creation time: the batches still neither skip nor repeat any.
        created = [ConversationFactory(bot=bot) for _ in range(7)]
        Conversation.objects.filter(pk__in=[c.pk for c in created[:4]]).update(created_at=timezone.now())
        for conversation in created:
            MessageFactory(conversation=conversation)
        queryset = Conversation.objects.filter(organization=tenant_a.organization, bot=bot)
        with django_assert_num_queries(8):  # four batches of two, a conversation and a message query each
            batches = [[conversation.id for conversation in batch] for batch in conversation_batches(queryset, size=2)]
        assert [len(batch) for batch in batches] == [2, 2, 2, 1]
        exported = [conversation_id for batch in batches for conversation_id in batch]
        assert sorted(exported) == sorted(c.id for c in created)
        assert exported == list(queryset.order_by("-created_at", "-id").values_list("id", flat=True))


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_under_asgi_the_export_streams_asynchronously(tenant_a):
    bot = await sync_to_async(BotFactory)(organization=tenant_a.organization, name="Harbour help")
    conversation = await sync_to_async(ConversationFactory)(bot=bot, title="Ferry times")
    await sync_to_async(MessageFactory)(conversation=conversation, content="When does the ferry leave?")
    client = AsyncClient()
    await client.aforce_login(tenant_a.member)

    response = await client.get(export_url(bot, "csv"))

    assert response.status_code == HTTPStatus.OK
    assert response.is_async, "a synchronous iterator would be read whole before the first byte is sent"
    chunks = [chunk async for chunk in response.streaming_content]
    assert len(chunks) == 2  # the header, then one batch
    assert "When does the ferry leave?" in b"".join(chunks).decode()
