"""The curated answers API: CRUD for owners and admins, reads for members, 404 across
organizations, and the unanswered questions of a bot produced by really asking it."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services.api_keys import api_key_create
from accounts.tenancy import Actor
from bots.tests.factories import BotFactory
from chat.models import CuratedAnswer
from chat.tests.factories import AnswerFactory, CuratedAnswerFactory
from conftest import jwt_client

WRITERS = [Role.OWNER, Role.ADMIN]


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization, name="Shop help")


def list_url(bot) -> str:
    return reverse("bot-answer-list", kwargs={"bot_id": bot.id})


def detail_url(entry) -> str:
    return reverse("answer-detail", kwargs={"curated_answer_id": entry.id})


def rows() -> list[dict]:
    return list(CuratedAnswer.objects.order_by("pk").values())


@pytest.mark.django_db
class TestCrud:
    @pytest.mark.parametrize("role", WRITERS)
    def test_create_read_change_delete(self, tenant_a, bot, role):
        client = jwt_client(tenant_a.user(role))
        source = AnswerFactory(conversation__bot=bot, content="I don't know.")
        response = client.post(
            list_url(bot),
            {"question": "How long is the warranty?", "answer": "Two years.", "source_message_id": str(source.id)},
            format="json",
        )
        assert response.status_code == HTTPStatus.CREATED, response.content
        created = response.json()
        email = tenant_a.user(role).email
        assert created["question"] == "How long is the warranty?"
        assert created["answer"] == "Two years."
        assert created["bot_id"] == str(bot.id)
        assert created["source_message_id"] == str(source.id)
        assert created["created_by"] == created["updated_by"] == email
        entry = CuratedAnswer.objects.get(id=created["id"])

        assert client.get(detail_url(entry)).json() == created
        changed = client.patch(detail_url(entry), {"answer": "Three years."}, format="json")
        assert changed.status_code == HTTPStatus.OK
        assert changed.json()["answer"] == "Three years."
        assert changed.json()["question"] == "How long is the warranty?"
        listed = client.get(list_url(bot)).json()["results"]
        assert [item["answer"] for item in listed] == ["Three years."]

        assert client.delete(detail_url(entry)).status_code == HTTPStatus.NO_CONTENT
        assert rows() == []

    def test_api_key_writes_without_a_person(self, tenant_a, bot):
        _key, secret = api_key_create(
            actor=Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner), name="CI"
        )
        client = APIClient()
        client.credentials(HTTP_X_API_KEY=secret)
        response = client.post(list_url(bot), {"question": "Q?", "answer": "A."}, format="json")
        assert response.status_code == HTTPStatus.CREATED
        assert response.json()["created_by"] is None

    def test_member_reads_but_cannot_write(self, tenant_a, bot):
        entry = CuratedAnswerFactory(bot=bot, question="How long is the warranty?", answer="Two years.")
        client = jwt_client(tenant_a.member)
        assert client.get(list_url(bot)).status_code == HTTPStatus.OK
        assert client.get(detail_url(entry)).json()["answer"] == "Two years."
        before = rows()
        for method, url, body in [
            ("post", list_url(bot), {"question": "Q?", "answer": "A."}),
            ("patch", detail_url(entry), {"answer": "Hacked."}),
            ("delete", detail_url(entry), None),
        ]:
            response = getattr(client, method)(url, body, format="json")
            assert response.status_code == HTTPStatus.FORBIDDEN, (method, response.content)
            assert response.json()["code"] == "permission_denied"
        assert rows() == before

    def test_duplicate_question_is_a_conflict_naming_the_field_and_the_entry(self, tenant_a, bot):
        entry = CuratedAnswerFactory(bot=bot, question="How long is the warranty?")
        response = jwt_client(tenant_a.owner).post(
            list_url(bot), {"question": "how long is the warranty", "answer": "A."}, format="json"
        )
        assert response.status_code == HTTPStatus.CONFLICT
        body = response.json()
        assert body["code"] == "duplicate_question"
        assert "question" in body["errors"]
        assert body["curated_answer_id"] == str(entry.id)

    def test_unknown_or_foreign_source_message_is_404_naming_the_field(self, tenant_a, tenant_b, bot):
        foreign = AnswerFactory(conversation__bot=BotFactory(organization=tenant_b.organization))
        response = jwt_client(tenant_a.owner).post(
            list_url(bot), {"question": "Q?", "answer": "A.", "source_message_id": str(foreign.id)}, format="json"
        )
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert list(response.json()["errors"]) == ["source_message_id"]
        assert rows() == []

    def test_search(self, tenant_a, bot):
        CuratedAnswerFactory(bot=bot, question="How long is the warranty?", answer="Two years.")
        CuratedAnswerFactory(bot=bot, question="Shipping cost?", answer="Five euros.")
        found = jwt_client(tenant_a.member).get(list_url(bot), {"q": "euros"}).json()["results"]
        assert [item["question"] for item in found] == ["Shipping cost?"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.MEMBER])
def test_another_organization_gets_404_and_nothing_changes(tenant_a, tenant_b, bot, role):
    entry = CuratedAnswerFactory(bot=bot)
    client = jwt_client(tenant_b.user(role))
    before = rows()
    for method, url, body in [
        ("get", list_url(bot), None),
        ("post", list_url(bot), {"question": "Q?", "answer": "A."}),
        ("get", reverse("bot-unanswered", kwargs={"bot_id": bot.id}), None),
        ("get", detail_url(entry), None),
        ("patch", detail_url(entry), {"answer": "Taken over."}),
        ("delete", detail_url(entry), None),
    ]:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == HTTPStatus.NOT_FOUND, (method, url)
        assert response.json()["code"] == "not_found"
    assert rows() == before


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_entries(tenant_a, bot, django_assert_max_num_queries):
    for n in range(30):
        CuratedAnswerFactory(bot=bot, created_by=tenant_a.owner, updated_by=tenant_a.admin, question=f"Q{n}?")
    client = jwt_client(tenant_a.member)
    with django_assert_max_num_queries(6):
        body = client.get(list_url(bot)).json()
    assert len(body["results"]) == 30
    assert {item["updated_by"] for item in body["results"]} == {tenant_a.admin.email}


@pytest.mark.django_db
def test_unanswered_list_query_count_is_bounded(tenant_a, bot, django_assert_max_num_queries):
    for _ in range(20):
        AnswerFactory(conversation__bot=bot, unanswered=True)
    with django_assert_max_num_queries(6):
        response = jwt_client(tenant_a.member).get(reverse("bot-unanswered", kwargs={"bot_id": bot.id}))
    assert response.status_code == HTTPStatus.OK


def test_unanswered_questions_come_from_asking_the_bot(transactional_db, tenant_a):
    """A bot without documents answers with its fallback: the question is listed, once per wording,
    until an answer is written for it."""
    bot = BotFactory(organization=tenant_a.organization)
    client = jwt_client(tenant_a.member)
    chat = reverse("bot-chat", kwargs={"bot_id": bot.id})
    for question in ["Do you ship to Mars?", "Do you ship to Mars?", "Is parking free?"]:
        answered = client.post(chat, {"message": question}, format="json").json()
        assert answered["message"]["unanswered"] is True
    unanswered = reverse("bot-unanswered", kwargs={"bot_id": bot.id})
    rows_ = client.get(unanswered).json()["results"]
    assert [(row["question"], row["count"]) for row in rows_] == [("Is parking free?", 1), ("Do you ship to Mars?", 2)]
    assert client.get(unanswered, {"limit": 1}).json()["results"][0]["question"] == "Is parking free?"

    jwt_client(tenant_a.admin).post(
        list_url(bot), {"question": "Do you ship to Mars?", "answer": "Not yet."}, format="json"
    )
    assert [row["question"] for row in client.get(unanswered).json()["results"]] == ["Is parking free?"]
    bad = client.get(unanswered, {"limit": 0})
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "limit" in bad.json()["errors"]


@pytest.mark.django_db
def test_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/bots/{bot_id}/answers/"]) >= {"get", "post"}
    assert set(paths["/api/v1/answers/{curated_answer_id}/"]) >= {"get", "patch", "delete"}
    assert "get" in paths["/api/v1/bots/{bot_id}/unanswered/"]
