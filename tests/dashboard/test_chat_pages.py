"""Dashboard pages of conversations: the playground, the filtered list and the transcript."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bots.tests.factories import BotFactory
from chat.models import Channel, Conversation
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory
from documents.tests.factories import DocumentFactory


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization, name="Harbour help", welcome_message="Ahoy!")


def conversations_url(bot) -> str:
    return reverse("dashboard:bot-conversations", kwargs={"bot_id": bot.id})


def listed(response) -> list[str]:
    return [conversation.title for conversation in response.context["page"].object_list]


@pytest.mark.django_db
class TestPlayground:
    def test_member_gets_the_playground_of_the_bot(self, tenant_a, bot):
        DocumentFactory(bot=bot, title="Harbour opening hours")
        response = logged_in(tenant_a.member).get(reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id}))
        assert response.status_code == HTTPStatus.OK
        page = response.content.decode()
        assert f'data-socket="/ws/playground/{bot.id}/"' in page
        assert "Ahoy!" in page
        assert "Retrieved passages" in page

    def test_send_waits_for_the_socket_so_an_early_click_cannot_reload_the_page(self, tenant_a, bot):
        response = logged_in(tenant_a.member).get(reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id}))
        assert '<button type="submit" disabled>Send</button>' in response.content.decode()


@pytest.mark.django_db
class TestConversationList:
    @pytest.fixture
    def conversations(self, bot):
        now = timezone.now()
        widget = ConversationFactory(bot=bot, channel=Channel.WIDGET, title="Widget, helpful")
        AnswerFactory(conversation=widget, feedback=1)
        api = ConversationFactory(bot=bot, channel=Channel.API, title="API, unhelpful and unanswered")
        AnswerFactory(conversation=api, feedback=-1, unanswered=True)
        old = ConversationFactory(bot=bot, channel=Channel.PLAYGROUND, title="Playground, last month")
        MessageFactory(conversation=old)
        Conversation.objects.filter(id=old.id).update(created_at=now - timedelta(days=30))
        return widget, api, old

    def test_filters(self, tenant_a, bot, conversations):
        client = logged_in(tenant_a.member)
        url = conversations_url(bot)
        assert len(listed(client.get(url))) == 3
        assert listed(client.get(url, {"channel": "api"})) == ["API, unhelpful and unanswered"]
        assert listed(client.get(url, {"unanswered": "on"})) == ["API, unhelpful and unanswered"]
        assert listed(client.get(url, {"feedback": "up"})) == ["Widget, helpful"]
        assert listed(client.get(url, {"feedback": "down"})) == ["API, unhelpful and unanswered"]
        assert listed(client.get(url, {"feedback": "none"})) == ["Playground, last month"]
        week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
        assert sorted(listed(client.get(url, {"since": week_ago}))) == [
            "API, unhelpful and unanswered",
            "Widget, helpful",
        ]
        assert listed(client.get(url, {"until": week_ago})) == ["Playground, last month"]

    def test_bad_filters_are_explained_not_a_500(self, tenant_a, bot, conversations):
        client = logged_in(tenant_a.member)
        today = timezone.localdate()
        reversed_range = client.get(
            conversations_url(bot), {"since": today.isoformat(), "until": (today - timedelta(days=3)).isoformat()}
        )
        assert reversed_range.status_code == HTTPStatus.OK
        assert "The end date is before the start date." in reversed_range.content.decode()
        garbage = client.get(conversations_url(bot), {"since": "yesterday-ish", "channel": "fax", "page": "x"})
        assert garbage.status_code == HTTPStatus.OK
        assert "Enter a valid date." in garbage.content.decode()

    def test_pages(self, tenant_a, bot):
        ConversationFactory.create_batch(55, bot=bot)
        client = logged_in(tenant_a.member)
        first = client.get(conversations_url(bot), {"channel": "widget"})
        assert len(listed(first)) == 50
        assert "page=2" in first.content.decode()
        assert "channel=widget" in first.content.decode()
        assert len(listed(client.get(conversations_url(bot), {"channel": "widget", "page": 2}))) == 5

    def test_empty_state_points_to_the_playground(self, tenant_a, bot):
        page = logged_in(tenant_a.member).get(conversations_url(bot)).content.decode()
        assert "No conversations" in page
        assert reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id}) in page


@pytest.mark.django_db
class TestTranscript:
    def test_shows_messages_citations_feedback_and_timing(self, tenant_a, bot):
        conversation = ConversationFactory(bot=bot, title="Ferry prices", origin_page="https://shop.example/help")
        MessageFactory(conversation=conversation, content="How much is the ferry?")
        AnswerFactory(
            conversation=conversation,
            content="Twelve euros for adults [1].",
            citations=[{"number": 1, "title": "Fares.pdf", "page": 2, "document_id": "x", "snippet": "", "score": 0.5}],
            feedback=-1,
            time_to_first_token_ms=420,
            latency_ms=900,
        )
        response = logged_in(tenant_a.member).get(
            reverse("dashboard:conversation-detail", kwargs={"conversation_id": conversation.id})
        )
        page = response.content.decode()
        assert response.status_code == HTTPStatus.OK
        assert "How much is the ferry?" in page
        assert "Twelve euros for adults [1]." in page
        assert "[1] Fares.pdf, page 2" in page
        assert "not helpful" in page
        assert "first token 420 ms" in page
        assert "https://shop.example/help" in page
        # The messages are the transcript, not notices of the messages framework at the top of the page.
        assert 'class="messages"' not in page
        assert page.count("How much is the ferry?") == 1

    def test_answer_text_is_escaped(self, tenant_a, bot):
        conversation = ConversationFactory(bot=bot)
        AnswerFactory(conversation=conversation, content="<script>alert(1)</script>")
        page = (
            logged_in(tenant_a.member)
            .get(reverse("dashboard:conversation-detail", kwargs={"conversation_id": conversation.id}))
            .content.decode()
        )
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;" in page


@pytest.mark.django_db
def test_another_organization_gets_404_for_every_chat_page(tenant_a, tenant_b, bot):
    conversation = ConversationFactory(bot=bot)
    outsider = logged_in(tenant_b.owner)
    for url in (
        reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id}),
        reverse("dashboard:bot-conversations", kwargs={"bot_id": bot.id}),
        reverse("dashboard:conversation-detail", kwargs={"conversation_id": conversation.id}),
    ):
        assert outsider.get(url).status_code == HTTPStatus.NOT_FOUND, url
    assert Client().get(reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id})).status_code == HTTPStatus.FOUND


@pytest.mark.django_db
class TestWidgetPage:
    def url(self, bot) -> str:
        return reverse("dashboard:bot-widget", kwargs={"bot_id": bot.id})

    def test_snippet_hosted_page_and_live_preview(self, tenant_a, bot, settings):
        settings.SITE_URL = "https://chat.example.net"
        page = logged_in(tenant_a.member).get(self.url(bot)).content.decode()
        assert (
            f"&lt;script src=&quot;https://chat.example.net/static/chatsphere/widget.js&quot; "
            f"data-bot=&quot;{bot.public_key}&quot; async&gt;&lt;/script&gt;"
        ) in page
        assert f"https://chat.example.net/chat/{bot.public_key}/" in page
        assert f'data-bot="{bot.public_key}"' in page  # the preview on this page
        assert "Only admins and owners can change these settings." in page

    def test_admin_saves_settings_and_errors_stay_next_to_fields(self, tenant_a, bot):
        client = logged_in(tenant_a.admin)
        form = {
            "widget_title": "Ask the harbour",
            "welcome_message": "Ahoy!",
            "suggested_questions": "When does the ferry leave?\nHow much is it?",
            "primary_color": "#112233",
            "position": "left",
            "theme": "dark",
            "allowed_origins": "https://Shop.Example.com\nhttps://www.example.org",
            "is_active": "on",
        }
        assert client.post(self.url(bot), form).status_code == HTTPStatus.FOUND
        bot.refresh_from_db()
        assert bot.widget_title == "Ask the harbour"
        assert bot.position == "left"
        assert bot.theme == "dark"
        assert bot.allowed_origins == ["https://shop.example.com", "https://www.example.org"]
        assert bot.suggested_questions == ["When does the ferry leave?", "How much is it?"]

        for field, value in (
            ("allowed_origins", "shop.example.com/path"),
            ("primary_color", "red"),
            ("theme", "sepia"),
        ):
            bad = client.post(self.url(bot), {**form, field: value})
            assert bad.status_code == HTTPStatus.BAD_REQUEST
            assert f'id="id_{field}_error"' in bad.content.decode()
        bot.refresh_from_db()
        assert bot.primary_color == "#112233"
        assert bot.theme == "dark"

    def test_member_cannot_change_the_widget(self, tenant_a, bot):
        response = logged_in(tenant_a.member).post(self.url(bot), {"widget_title": "Hijacked", "position": "left"})
        assert response.status_code == HTTPStatus.FORBIDDEN
        bot.refresh_from_db()
        assert bot.widget_title != "Hijacked"

    def test_another_organization_gets_404(self, tenant_b, bot):
        client = logged_in(tenant_b.owner)
        assert client.get(self.url(bot)).status_code == HTTPStatus.NOT_FOUND
        assert client.post(self.url(bot), {"widget_title": "x"}).status_code == HTTPStatus.NOT_FOUND


# --- every page, every role ---------------------------------------------------------------------


def chat_page_urls(bot, conversation) -> list[str]:
    return [
        reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id}),
        reverse("dashboard:bot-conversations", kwargs={"bot_id": bot.id}),
        reverse("dashboard:conversation-detail", kwargs={"conversation_id": conversation.id}),
        reverse("dashboard:bot-analytics", kwargs={"bot_id": bot.id}),
        reverse("dashboard:bot-widget", kwargs={"bot_id": bot.id}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["owner", "admin", "member"])
def test_every_role_of_the_organization_reads_every_page(tenant_a, bot, role):
    conversation = ConversationFactory(bot=bot)
    AnswerFactory(conversation=conversation)
    client = logged_in(tenant_a.user(role))
    for url in chat_page_urls(bot, conversation):
        assert client.get(url).status_code == HTTPStatus.OK, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["owner", "admin", "member"])
def test_every_role_of_another_organization_gets_404_and_changes_nothing(tenant_a, tenant_b, bot, role):
    conversation = ConversationFactory(bot=bot, title="Private")
    AnswerFactory(conversation=conversation, content="Secret answer")
    client = logged_in(tenant_b.user(role))
    for url in chat_page_urls(bot, conversation):
        response = client.get(url)
        assert response.status_code == HTTPStatus.NOT_FOUND, url
        assert b"Secret answer" not in response.content
    widget = reverse("dashboard:bot-widget", kwargs={"bot_id": bot.id})
    before = (bot.widget_title, bot.allowed_origins, bot.primary_color)
    posted = client.post(
        widget, {"widget_title": "Taken", "allowed_origins": "https://evil.example", "position": "left"}
    )
    assert posted.status_code == HTTPStatus.NOT_FOUND
    bot.refresh_from_db()
    assert (bot.widget_title, bot.allowed_origins, bot.primary_color) == before


@pytest.mark.django_db
def test_a_conversation_of_another_bot_of_the_same_organization_is_shown_under_its_own_bot(tenant_a, bot):
    other = BotFactory(organization=tenant_a.organization, name="Other bot")
    conversation = ConversationFactory(bot=other, title="Asked the other bot")
    client = logged_in(tenant_a.member)
    assert listed(client.get(conversations_url(bot))) == []
    page = client.get(reverse("dashboard:conversation-detail", kwargs={"conversation_id": conversation.id}))
    assert page.context["bot"] == other


@pytest.mark.django_db
def test_conversation_list_queries_do_not_grow_with_rows(tenant_a, bot, django_assert_max_num_queries):
    for conversation in ConversationFactory.create_batch(30, bot=bot):
        MessageFactory(conversation=conversation)
        AnswerFactory(conversation=conversation, feedback=1)
    client = logged_in(tenant_a.member)
    with django_assert_max_num_queries(10):
        response = client.get(conversations_url(bot), {"feedback": "up", "channel": "widget"})
    assert len(listed(response)) == 30
    assert {conversation.message_count for conversation in response.context["page"].object_list} == {2}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"since": "0001-01-01"},
        {"since": "9999-12-31"},
        {"until": "0001-01-01"},
        {"since": "2026-02-30"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"feedback": "sideways", "unanswered": "maybe"},
        {"channel": ["api", "widget"]},
    ],
)
def test_odd_filters_never_answer_500(tenant_a, bot, params):
    AnswerFactory(conversation=ConversationFactory(bot=bot))
    client = logged_in(tenant_a.member)
    client.raise_request_exception = False
    assert client.get(conversations_url(bot), params).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_the_last_representable_end_date_is_explained_not_a_500(tenant_a, bot):
    response = logged_in(tenant_a.member).get(conversations_url(bot), {"until": "9999-12-31"})
    assert response.status_code == HTTPStatus.OK
    assert "Ensure this value is less than or equal to 9999-12-30." in response.content.decode()


# --- links and the widget preview ---------------------------------------------------------------


@pytest.mark.django_db
def test_bot_list_links_to_every_page_of_each_bot(tenant_a, bot):
    page = logged_in(tenant_a.member).get(reverse("dashboard:bot-list")).content.decode()
    for name in ("knowledge", "playground", "conversations", "analytics", "widget"):
        assert f'href="{reverse(f"dashboard:bot-{name}", kwargs={"bot_id": bot.id})}"' in page, name
    assert f'aria-label="Pages of {bot.name}"' in page


@pytest.mark.django_db
def test_bot_tabs_lead_to_the_chat_pages(tenant_a, bot):
    page = logged_in(tenant_a.member).get(reverse("dashboard:bot-analytics", kwargs={"bot_id": bot.id}))
    html = page.content.decode()
    for name in ("playground", "conversations", "widget"):
        assert reverse(f"dashboard:bot-{name}", kwargs={"bot_id": bot.id}) in html
    assert f'href="{reverse("dashboard:bot-analytics", kwargs={"bot_id": bot.id})}" aria-current="page"' in html


@pytest.mark.django_db
def test_widget_preview_opens_with_this_bots_key(tenant_a, bot):
    page = logged_in(tenant_a.admin).get(reverse("dashboard:bot-widget", kwargs={"bot_id": bot.id})).content.decode()
    assert f'src="/static/chatsphere/widget.js" data-bot="{bot.public_key}" data-open="wide" data-preview async' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Save the widget settings" in page


# --- the playground socket, as the page uses it ---------------------------------------------------

HOST = "testserver"
HARBOUR_TEXT = (
    "The Puffin Island ferry leaves the north pier at nine in the morning and at three in the "
    "afternoon. A return ticket costs twelve euros for adults and six euros for children. "
    "Bicycles travel free of charge on every crossing."
)


@pytest.fixture
def offline(settings):
    """The embedded default: offline embedder and answerer, local vector store, eager tasks."""
    from chatsphere.ai.providers import reset_providers
    from chatsphere.celery import app as celery_app

    settings.GEMINI_API_KEY = ""
    settings.PINECONE_API_KEY = ""
    settings.CHATSPHERE_LLM = "auto"
    settings.CHATSPHERE_EMBEDDINGS = "auto"
    settings.CHATSPHERE_VECTORSTORE = "auto"
    settings.CHATSPHERE_MONTHLY_MESSAGE_QUOTA = 0
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    reset_providers()
    yield
    reset_providers()
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def harbour_bot(transactional_db, tenant_a, offline, django_capture_on_commit_callbacks):
    from accounts.models import Role
    from accounts.tenancy import Actor
    from documents.models import DocumentStatus
    from documents.services import document_create_from_text

    bot = BotFactory(organization=tenant_a.organization, name="Harbour help")
    with django_capture_on_commit_callbacks(execute=True):
        document = document_create_from_text(
            actor=Actor(organization=tenant_a.organization, role=Role.ADMIN, user=tenant_a.admin),
            bot=bot,
            title="Ferry timetable",
            text=HARBOUR_TEXT,
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    return bot


def page_and_cookie(user, bot) -> tuple[str, tuple[bytes, bytes]]:
    """The playground page as the member sees it: its socket path and the session cookie."""
    client = logged_in(user)
    response = client.get(reverse("dashboard:bot-playground", kwargs={"bot_id": bot.id}))
    assert response.status_code == HTTPStatus.OK
    path = response.content.decode().split('data-socket="', 1)[1].split('"', 1)[0]
    return path, (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


async def open_playground(path: str, cookie: tuple[bytes, bytes], origin: str = f"http://{HOST}"):
    from channels.testing import WebsocketCommunicator

    from chatsphere.asgi import application

    headers = [(b"host", HOST.encode()), (b"origin", origin.encode()), cookie]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=15)
    return communicator, connected


async def events_until_end(communicator) -> list[dict]:
    events = []
    while not events or events[-1]["type"] not in ("done", "error"):
        events.append(await communicator.receive_json_from(timeout=15))
    return events


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
async def test_member_chats_in_the_playground_and_sees_passages_with_scores(tenant_a, harbour_bot):
    from channels.db import database_sync_to_async

    path, cookie = await database_sync_to_async(page_and_cookie)(tenant_a.member, harbour_bot)
    assert path == f"/ws/playground/{harbour_bot.id}/"
    communicator, connected = await open_playground(path, cookie)
    try:
        assert connected
        assert (await communicator.receive_json_from(timeout=15))["type"] == "session"
        await communicator.send_json_to({"type": "message", "text": "How much is a return ferry ticket?"})
        events = await events_until_end(communicator)
    finally:
        await communicator.disconnect()

    kinds = [event["type"] for event in events]
    assert kinds[0] == "conversation"
    assert "token" in kinds
    assert kinds[-2:] == ["sources", "done"], events
    answer = "".join(event["text"] for event in events if event["type"] == "token")
    assert "twelve euros" in answer
    (sources,) = [event for event in events if event["type"] == "sources"]
    assert sources["citations"], "the debug panel needs the passages"
    for citation in sources["citations"]:
        assert citation["title"] == "Ferry timetable"
        assert 0 < citation["score"] <= 1
        assert citation["snippet"] in HARBOUR_TEXT

    def the_conversation_is_in_the_dashboard() -> None:
        conversation = Conversation.objects.get(id=events[0]["id"])
        assert conversation.channel == Channel.PLAYGROUND
        assert conversation.bot_id == harbour_bot.id
        client = logged_in(tenant_a.member)
        response = client.get(conversations_url(harbour_bot), {"channel": "playground"})
        assert [c.id for c in response.context["page"].object_list] == [conversation.id]
        transcript = client.get(reverse("dashboard:conversation-detail", kwargs={"conversation_id": conversation.id}))
        assert "How much is a return ferry ticket?" in transcript.content.decode()
        assert "Ferry timetable" in transcript.content.decode()

    await database_sync_to_async(the_conversation_is_in_the_dashboard)()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
async def test_playground_socket_refuses_another_organization_and_other_origins(tenant_a, tenant_b, harbour_bot):
    from channels.db import database_sync_to_async

    path = f"/ws/playground/{harbour_bot.id}/"

    def cookie_of(user) -> tuple[bytes, bytes]:
        client = logged_in(user)
        return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())

    outsider = await database_sync_to_async(cookie_of)(tenant_b.owner)
    member = await database_sync_to_async(cookie_of)(tenant_a.member)
    for cookie, origin in ((outsider, f"http://{HOST}"), (member, "https://evil.example")):
        communicator, connected = await open_playground(path, cookie, origin)
        await communicator.disconnect()
        assert not connected, origin
    assert not await Conversation.objects.filter(bot=harbour_bot).aexists()
