"""A visitor's data: admins and owners export it as JSON or delete it, in their organization only."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from bots.tests.factories import BotFactory
from chat.models import Conversation, Message
from chat.tests.factories import AnswerFactory, ConversationFactory, CuratedAnswerFactory, MessageFactory
from conftest import Tenant, jwt_client

pytestmark = pytest.mark.django_db

VISITOR = "4f1c2a9be07d4c55a1f0c3d2e6b7a8c9"


def _visit(tenant: Tenant, visitor: str, *, bot_name: str = "Ferry helper", question: str = "Is there a dog fee?"):
    bot = BotFactory(organization=tenant.organization, name=bot_name)
    conversation = ConversationFactory(
        bot=bot, visitor_id=visitor, title=question, origin_page="https://ferries.example/fares"
    )
    MessageFactory(conversation=conversation, content=question)
    answer = AnswerFactory(conversation=conversation, content="No, dogs travel free.", feedback=-1)
    return conversation, answer


def _url(tenant: Tenant, what: str) -> str:
    return f"/api/v1/organizations/{tenant.organization.id}/visitors/{what}/"


def test_the_export_holds_every_conversation_of_the_visitor_and_nothing_else(tenant_a, tenant_b):
    first, _ = _visit(tenant_a, VISITOR, bot_name="Ferry helper")
    second, _ = _visit(tenant_a, VISITOR, bot_name="Harbour desk", question="Where do I park?")
    _visit(tenant_a, "someone-else")
    _visit(tenant_b, VISITOR, question="Beta's secret question")
    client = jwt_client(tenant_a.admin, tenant_a.organization)

    response = client.post(_url(tenant_a, "export"), {"visitor_id": VISITOR}, format="json")

    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert data["visitor_id"] == VISITOR
    assert [c["id"] for c in data["conversations"]] == [str(first.id), str(second.id)]
    assert [c["bot"]["name"] for c in data["conversations"]] == ["Ferry helper", "Harbour desk"]
    assert [(m["role"], m["content"], m["feedback"]) for m in data["conversations"][1]["messages"]] == [
        ("user", "Where do I park?", None),
        ("assistant", "No, dogs travel free.", -1),
    ]
    assert "Beta's secret question" not in response.content.decode()
    [entry] = AuditEntry.objects.filter(organization=tenant_a.organization)
    assert (entry.action, entry.target_id, entry.changes) == (
        AuditAction.VISITOR_EXPORT,
        VISITOR,
        {"conversations": 2, "leads": 0},
    )


def test_deletion_removes_the_visitors_conversations_messages_and_feedback_only(tenant_a, tenant_b):
    mine, answer = _visit(tenant_a, VISITOR)
    curated = CuratedAnswerFactory(bot=mine.bot, source_message=answer)
    other, _ = _visit(tenant_a, "someone-else")
    foreign, _ = _visit(tenant_b, VISITOR)
    foreign_rows = list(Message.objects.filter(organization=tenant_b.organization).values())
    client = jwt_client(tenant_a.owner, tenant_a.organization)

    response = client.post(_url(tenant_a, "delete"), {"visitor_id": VISITOR}, format="json")
    again = client.post(_url(tenant_a, "delete"), {"visitor_id": VISITOR}, format="json")

    assert response.json() == {"conversations": 1, "messages": 2, "leads": 0}
    assert again.json() == {"conversations": 0, "messages": 0, "leads": 0}
    assert not Conversation.objects.filter(pk=mine.pk).exists()
    assert not Message.objects.filter(conversation_id=mine.pk).exists()
    assert Conversation.objects.filter(pk=other.pk).exists()
    assert list(Message.objects.filter(organization=tenant_b.organization).values()) == foreign_rows
    assert Conversation.objects.filter(pk=foreign.pk).exists()
    # The owner's curated answer stays; it no longer points at the deleted message.
    curated.refresh_from_db()
    assert curated.source_message is None
    entries = AuditEntry.objects.filter(organization=tenant_a.organization).order_by("created_at")
    assert [(e.action, e.actor_user, e.changes) for e in entries] == [
        (AuditAction.VISITOR_DELETE, tenant_a.owner, {"conversations": 1, "messages": 2, "leads": 0}),
        (AuditAction.VISITOR_DELETE, tenant_a.owner, {"conversations": 0, "messages": 0, "leads": 0}),
    ]
    # The log names the visitor, never what they wrote.
    assert "dog fee" not in json.dumps(list(entries.values("changes", "target_label")))


def test_members_can_neither_export_nor_delete(tenant_a):
    mine, _ = _visit(tenant_a, VISITOR)
    client = jwt_client(tenant_a.member, tenant_a.organization)

    exported = client.post(_url(tenant_a, "export"), {"visitor_id": VISITOR}, format="json")
    deleted = client.post(_url(tenant_a, "delete"), {"visitor_id": VISITOR}, format="json")

    assert exported.status_code == deleted.status_code == HTTPStatus.FORBIDDEN
    assert Message.objects.filter(conversation=mine).count() == 2
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("body", [{}, {"visitor_id": ""}, {"visitor_id": "x" * 65}, {"visitor_id": ["a"]}])
def test_a_missing_or_bad_visitor_id_answers_400_naming_the_field(tenant_a, body):
    client = jwt_client(tenant_a.admin, tenant_a.organization)

    response = client.post(_url(tenant_a, "delete"), body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "visitor_id" in response.json()["errors"]


def test_admins_export_and_delete_on_the_privacy_page(tenant_a):
    mine, _ = _visit(tenant_a, VISITOR)
    client = Client()
    client.force_login(tenant_a.admin)

    page = client.get(reverse("dashboard:privacy")).content.decode()
    exported = client.post(reverse("dashboard:privacy-visitor-export"), {"visitor_id": VISITOR})
    missing = client.post(reverse("dashboard:privacy-visitor-delete"), {"visitor_id": ""})
    deleted = client.post(reverse("dashboard:privacy-visitor-delete"), {"visitor_id": VISITOR}, follow=True)

    assert '<label for="id_visitor_id">Visitor id</label>' in page
    assert exported["Content-Disposition"] == 'attachment; filename="visitor-data.json"'
    assert json.loads(exported.content)["conversations"][0]["id"] == str(mine.id)
    assert missing.status_code == HTTPStatus.BAD_REQUEST
    assert "Enter a visitor id or an e-mail address." in missing.content.decode()
    assert "Deleted 1 conversation, 2 messages and 0 leads of this visitor." in deleted.content.decode()
    assert not Conversation.objects.filter(pk=mine.pk).exists()


def test_the_conversation_page_shows_the_visitor_id(tenant_a):
    mine, _ = _visit(tenant_a, VISITOR)
    client = Client()
    client.force_login(tenant_a.admin)

    page = client.get(reverse("dashboard:conversation-detail", args=[mine.id])).content.decode()
    privacy_page = client.get(reverse("dashboard:privacy"), {"visitor_id": VISITOR}).content.decode()

    assert f"Visitor id <code>{VISITOR}</code>" in page
    assert f"/app/privacy/?visitor_id={VISITOR}" in page
    assert f'value="{VISITOR}"' in privacy_page
