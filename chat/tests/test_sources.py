"""Opening a cited source: the passage an answer cites, read on demand by the visitor it was cited
to (widget) or by a member of the organization (API and playground), with the cited sentences
marked; web pages as links; and the owner's switch that keeps documents' passages from visitors."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services.api_keys import api_key_create
from accounts.tenancy import Actor
from bots.models import Bot
from chat import rag, selectors
from chat.models import Channel
from chat.participants import Participant
from chat.tests.conftest import ALLOWED, TIDES_TEXT, add_document, collect
from chat.visitors import visitor_token_issue
from conftest import jwt_client
from documents.models import DocumentSource

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

QUESTION = "How much does the Puffin Island ferry cost?"
CITED = "Tickets for the Puffin Island ferry cost twelve euros for adults and five euros for children."
PASSAGE = [
    [{"text": "Harbour ferry timetable.", "cited": False}],
    [
        {"text": "The harbour ferry to Puffin Island leaves from pier seven every forty minutes.", "cited": False},
        {"text": CITED, "cited": True},
        {"text": "Bicycles travel free on the ferry outside the summer season.", "cited": False},
    ],
]


def visitor_asks(bot: Bot, visitor_id: str, text: str = QUESTION) -> list[dict[str, Any]]:
    visitor = Participant(channel=Channel.WIDGET, visitor_id=visitor_id)
    return async_to_sync(collect)(rag.answer(bot=bot, participant=visitor, text=text, public_key=bot.public_key))


def source_url(bot: Bot, message_id: Any, number: int = 1) -> str:
    return f"/api/v1/widget/{bot.public_key}/sources/{message_id}/{number}/"


def read_as_visitor(bot: Bot, token: str, message_id: Any, number: int = 1) -> Any:
    return APIClient().get(source_url(bot, message_id, number), HTTP_X_VISITOR_TOKEN=token, HTTP_ORIGIN=ALLOWED)


@pytest.fixture
def ferry_bot(tenant_a, make_bot) -> Bot:
    bot = make_bot(tenant_a.organization, name="Harbour help")
    add_document(bot, "Ferries", TIDES_TEXT)
    return bot


@pytest.fixture
def visitor(ferry_bot) -> tuple[str, str]:
    return visitor_token_issue(bot_id=ferry_bot.id)


def answered(bot: Bot, visitor_id: str) -> tuple[str, dict[str, Any]]:
    events = visitor_asks(bot, visitor_id)
    (sources,) = [event for event in events if event["type"] == "sources"]
    (citation,) = sources["citations"]
    return events[-1]["message_id"], citation


def test_the_visitor_reads_the_cited_passage_with_the_quoted_sentence_highlighted(ferry_bot, visitor):
    visitor_id, token = visitor
    message_id, citation = answered(ferry_bot, visitor_id)
    assert citation["preview"] is True and citation["url"] is None
    assert "chunk" not in citation and "highlights" not in citation, "the server's bookkeeping stays on the server"

    response = read_as_visitor(ferry_bot, token, message_id)

    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json() == {"number": 1, "title": "Ferries", "page": None, "url": None, "paragraphs": PASSAGE}
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert response["Cache-Control"] == "private, no-store"


def test_the_preflight_lets_allowed_sites_send_the_visitor_token(ferry_bot, visitor):
    visitor_id, _ = visitor
    message_id, _ = answered(ferry_bot, visitor_id)
    url = source_url(ferry_bot, message_id)

    allowed = APIClient().options(url, HTTP_ORIGIN=ALLOWED, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    elsewhere = APIClient().options(url, HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")

    assert allowed["Access-Control-Allow-Headers"] == "X-Visitor-Token"
    assert "Access-Control-Allow-Origin" not in elsewhere and "Access-Control-Allow-Headers" not in elsewhere


def test_only_the_visitor_it_was_cited_to_can_read_it(ferry_bot, visitor, tenant_b, make_bot):
    visitor_id, token = visitor
    message_id, _ = answered(ferry_bot, visitor_id)
    _, other_visitor_token = visitor_token_issue(bot_id=ferry_bot.id)
    other_bot = make_bot(tenant_b.organization, name="Elsewhere")
    _, other_bot_token = visitor_token_issue(bot_id=other_bot.id)
    question_id = selectors.participant_history(
        bot=ferry_bot,
        participant=Participant(channel=Channel.WIDGET, visitor_id=visitor_id),
        conversation_id=visitor_asks(ferry_bot, visitor_id)[0]["id"],
    )[0]["id"]

    refused = {
        "another visitor": read_as_visitor(ferry_bot, other_visitor_token, message_id),
        "no token": APIClient().get(source_url(ferry_bot, message_id)),
        "a forged token": read_as_visitor(ferry_bot, token + "x", message_id),
        "another bot's token": read_as_visitor(ferry_bot, other_bot_token, message_id),
        "through another bot's widget": read_as_visitor(other_bot, other_bot_token, message_id),
        "a source the answer did not cite": read_as_visitor(ferry_bot, token, message_id, number=2),
        "the visitor's question": read_as_visitor(ferry_bot, token, question_id),
    }

    for case, response in refused.items():
        assert response.status_code == HTTPStatus.NOT_FOUND, case
        assert response.json() == {"detail": "Source not found.", "code": "not_found"}, case
    assert read_as_visitor(ferry_bot, token, message_id).status_code == HTTPStatus.OK


def test_a_deleted_document_or_a_switched_off_widget_has_nothing_to_show(ferry_bot, visitor):
    visitor_id, token = visitor
    message_id, _ = answered(ferry_bot, visitor_id)

    Bot.objects.filter(id=ferry_bot.id).update(is_active=False)
    assert read_as_visitor(ferry_bot, token, message_id).status_code == HTTPStatus.NOT_FOUND
    Bot.objects.filter(id=ferry_bot.id).update(is_active=True)
    ferry_bot.documents.get().delete()
    assert read_as_visitor(ferry_bot, token, message_id).status_code == HTTPStatus.NOT_FOUND


def test_with_previews_switched_off_visitors_get_title_and_page_only(ferry_bot, visitor, tenant_a):
    visitor_id, token = visitor
    response = jwt_client(tenant_a.admin).patch(
        f"/api/v1/bots/{ferry_bot.id}/", {"source_previews": False}, format="json"
    )
    assert response.status_code == HTTPStatus.OK and response.json()["source_previews"] is False
    ferry_bot.refresh_from_db()

    events = visitor_asks(ferry_bot, visitor_id)
    (citation,) = next(event for event in events if event["type"] == "sources")["citations"]
    history = selectors.participant_history(
        bot=ferry_bot,
        participant=Participant(channel=Channel.WIDGET, visitor_id=visitor_id),
        conversation_id=events[0]["id"],
    )
    config = APIClient().get(f"/api/v1/widget/{ferry_bot.public_key}/config/").json()

    assert (citation["title"], citation["preview"], citation["snippet"]) == ("Ferries", False, "")
    assert history[1]["citations"] == [citation]
    assert config["source_previews"] is False
    refused = read_as_visitor(ferry_bot, token, events[-1]["message_id"])
    assert refused.status_code == HTTPStatus.NOT_FOUND
    # Members still open it: the documents are their own.
    member = jwt_client(tenant_a.member).get(f"/api/v1/messages/{events[-1]['message_id']}/sources/1/")
    assert member.status_code == HTTPStatus.OK and member.json()["paragraphs"] == PASSAGE


def test_a_web_page_source_is_a_link_to_its_address(ferry_bot, visitor):
    visitor_id, _ = visitor
    ferry_bot.documents.update(source=DocumentSource.URL, url="https://harbour.example/ferries?lang=en")

    _, citation = answered(ferry_bot, visitor_id)

    assert citation["url"] == "https://harbour.example/ferries?lang=en"
    assert citation["preview"] is False


def test_a_web_page_whose_address_is_not_http_is_no_link(ferry_bot, visitor):
    visitor_id, _ = visitor
    ferry_bot.documents.update(source=DocumentSource.URL, url="javascript:alert(1)")

    _, citation = answered(ferry_bot, visitor_id)

    assert citation["url"] is None


@pytest.mark.parametrize("role", ["owner", "admin", "member"])
def test_members_read_passages_of_their_organization_only(ferry_bot, visitor, tenant_a, tenant_b, role):
    visitor_id, _ = visitor
    message_id, _ = answered(ferry_bot, visitor_id)
    url = f"/api/v1/messages/{message_id}/sources/1/"

    own = jwt_client(tenant_a.user(role)).get(url)
    stranger = jwt_client(tenant_b.user(role)).get(url)
    _key, secret = api_key_create(
        actor=Actor(organization=tenant_b.organization, role=Role.OWNER, user=tenant_b.owner), name="Backend"
    )
    stranger_key = APIClient()
    stranger_key.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    stranger_key_response = stranger_key.get(url)

    assert own.status_code == HTTPStatus.OK and own.json()["paragraphs"] == PASSAGE
    assert stranger.status_code == HTTPStatus.NOT_FOUND
    assert stranger_key_response.status_code == HTTPStatus.NOT_FOUND
