"""A visitor's data found by an e-mail address: every visitor it belongs to, in the organization only."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tenancy import Actor
from audit.models import AuditAction, AuditEntry
from bots.tests.factories import BotFactory
from chat.models import Channel, Conversation, Message
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory
from chatsphere.errors import InvalidInput
from conftest import Tenant, jwt_client
from leads.models import Lead
from leads.tests.factories import LeadFactory
from privacy.services import visitor_delete

pytestmark = pytest.mark.django_db

ADDRESS = "Maria.Lopez@Ferries-Example.org"
LEAD_VISITOR = "a1" * 16
LAPTOP = "b2" * 16
PHONE = "c3" * 16


def _conversation(bot, visitor: str, question: str, **kwargs) -> Conversation:
    conversation = ConversationFactory(bot=bot, visitor_id=visitor, title=question, **kwargs)
    MessageFactory(conversation=conversation, content=question)
    AnswerFactory(conversation=conversation, content="The crossing takes 45 minutes in calm weather.")
    return conversation


def _people(tenant: Tenant) -> dict[str, object]:
    """A visitor who left a lead with the address, a verified visitor signed in on a laptop and a phone (the
    phone's token carried no e-mail), a near-duplicate address and an API conversation without a visitor."""
    bot = BotFactory(organization=tenant.organization, name="Ferry helper", handoff_enabled=True)
    desk = BotFactory(organization=tenant.organization, name="Harbour desk")
    asked = _conversation(bot, LEAD_VISITOR, "Can I bring a bicycle on the morning ferry?")
    lead = LeadFactory(
        bot=bot,
        conversation=asked,
        email="maria.lopez@ferries-example.org",
        message="Please call me about a group booking for twelve cyclists.",
    )
    earlier = _conversation(desk, LEAD_VISITOR, "Where is the long-stay car park?")
    laptop = _conversation(
        bot, LAPTOP, "Is my booking for Friday confirmed?", verified_user_id="user-42", verified_email=ADDRESS.upper()
    )
    phone = _conversation(desk, PHONE, "Can I change my seat?", verified_user_id="user-42")
    lookalike = LeadFactory(bot=bot, email="maria.lopez@ferries-example.org.uk")
    api = _conversation(bot, "", "What are the fares?", channel=Channel.API)
    return {
        "lead": lead,
        "mine": [asked, earlier, laptop, phone],
        "others": [lookalike.conversation, api],
        "lookalike": lookalike,
    }


def _url(tenant: Tenant, what: str) -> str:
    return f"/api/v1/organizations/{tenant.organization.id}/visitors/{what}/"


def _snapshot(tenant: Tenant) -> list[list[dict[str, object]]]:
    organization = tenant.organization
    return [
        list(model.objects.filter(organization=organization).order_by("id").values())
        for model in (Conversation, Message, Lead)
    ]


def test_the_export_by_address_covers_every_visitor_it_belongs_to(tenant_a, tenant_b):
    people = _people(tenant_a)
    _people(tenant_b)
    foreign = _snapshot(tenant_b)
    client = jwt_client(tenant_a.admin, tenant_a.organization)

    response = client.post(_url(tenant_a, "export"), {"email": " maria.LOPEZ@ferries-example.org "}, format="json")

    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert (data["visitor_id"], data["email"]) == (None, "maria.LOPEZ@ferries-example.org")
    assert data["visitor_ids"] == sorted([LEAD_VISITOR, LAPTOP, PHONE])
    assert [c["id"] for c in data["conversations"]] == [str(c.id) for c in people["mine"]]
    assert [lead["message"] for lead in data["leads"]] == ["Please call me about a group booking for twelve cyclists."]
    assert _snapshot(tenant_b) == foreign
    [entry] = AuditEntry.objects.filter(organization=tenant_a.organization)
    assert (entry.action, entry.target_label, entry.changes) == (
        AuditAction.VISITOR_EXPORT,
        "e-mail lookup",
        {"lookup": "email", "visitors": 3, "conversations": 4, "leads": 1},
    )
    assert "lopez" not in json.dumps(list(AuditEntry.objects.values()), default=str).lower()


def test_deletion_by_address_removes_every_visitor_of_it_and_nothing_else(tenant_a, tenant_b):
    people = _people(tenant_a)
    _people(tenant_b)
    foreign = _snapshot(tenant_b)
    client = jwt_client(tenant_a.owner, tenant_a.organization)

    response = client.post(_url(tenant_a, "delete"), {"email": ADDRESS}, format="json")
    again = client.post(_url(tenant_a, "delete"), {"email": ADDRESS.lower()}, format="json")

    assert response.json() == {"conversations": 4, "messages": 8, "leads": 1}
    assert again.json() == {"conversations": 0, "messages": 0, "leads": 0}
    remaining = Conversation.objects.filter(organization=tenant_a.organization)
    assert set(remaining.values_list("id", flat=True)) == {c.id for c in people["others"]}
    assert list(Lead.objects.filter(organization=tenant_a.organization)) == [people["lookalike"]]
    assert _snapshot(tenant_b) == foreign
    entries = AuditEntry.objects.filter(organization=tenant_a.organization).order_by("created_at")
    assert [(e.action, e.target_label, e.changes) for e in entries] == [
        (
            AuditAction.VISITOR_DELETE,
            "e-mail lookup",
            {"lookup": "email", "visitors": 3, "conversations": 4, "messages": 8, "leads": 1},
        ),
        (
            AuditAction.VISITOR_DELETE,
            "e-mail lookup",
            {"lookup": "email", "visitors": 0, "conversations": 0, "messages": 0, "leads": 0},
        ),
    ]
    # The same address, in any case, is logged under the same opaque id.
    assert entries[0].target_id == entries[1].target_id
    assert "lopez" not in json.dumps(list(entries.values()), default=str).lower()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"visitor_id": LAPTOP, "email": ADDRESS}, {"visitor_id", "email"}),
        ({}, {"visitor_id", "email"}),
        ({"email": "maria.lopez"}, {"email"}),
        ({"email": ""}, {"email"}),
    ],
)
def test_both_neither_or_a_bad_address_answer_400_naming_the_field(tenant_a, body, fields):
    _people(tenant_a)
    before = _snapshot(tenant_a)
    client = jwt_client(tenant_a.admin, tenant_a.organization)

    for what in ("export", "delete"):
        response = client.post(_url(tenant_a, what), body, format="json")

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert set(response.json()["errors"]) == fields
    assert _snapshot(tenant_a) == before
    assert not AuditEntry.objects.exists()


def test_members_cannot_look_up_an_address(tenant_a):
    _people(tenant_a)
    before = _snapshot(tenant_a)
    client = jwt_client(tenant_a.member, tenant_a.organization)

    response = client.post(_url(tenant_a, "delete"), {"email": ADDRESS}, format="json")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _snapshot(tenant_a) == before


def test_admins_export_and_delete_by_address_on_the_privacy_page(tenant_a, tenant_b):
    people = _people(tenant_a)
    _people(tenant_b)
    foreign = _snapshot(tenant_b)
    client = Client()
    client.force_login(tenant_a.admin)

    page = client.get(reverse("dashboard:privacy")).content.decode()
    exported = client.post(reverse("dashboard:privacy-visitor-export"), {"visitor_id": "", "email": ADDRESS})
    both = client.post(reverse("dashboard:privacy-visitor-delete"), {"visitor_id": LAPTOP, "email": ADDRESS})
    deleted = client.post(
        reverse("dashboard:privacy-visitor-delete"), {"visitor_id": "", "email": ADDRESS}, follow=True
    )

    assert '<label for="id_email">Or e-mail address</label>' in page
    assert json.loads(exported.content)["visitor_ids"] == sorted([LEAD_VISITOR, LAPTOP, PHONE])
    assert both.status_code == HTTPStatus.BAD_REQUEST
    assert "Enter a visitor id or an e-mail address, not both." in both.content.decode()
    assert "Deleted 4 conversations, 8 messages and 1 lead found by this e-mail address." in deleted.content.decode()
    assert not Conversation.objects.filter(id__in=[c.id for c in people["mine"]]).exists()
    assert _snapshot(tenant_b) == foreign


@pytest.mark.parametrize("lookup", [{}, {"visitor_id": LAPTOP, "email": ADDRESS}])
def test_the_services_take_exactly_one_of_id_and_address(tenant_a, lookup):
    _people(tenant_a)
    before = _snapshot(tenant_a)

    with pytest.raises(InvalidInput) as raised:
        visitor_delete(actor=Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner), **lookup)

    assert set(raised.value.errors) == {"visitor_id", "email"}
    assert _snapshot(tenant_a) == before
