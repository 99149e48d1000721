"""Leads are visitor data too: their own retention period, and a visitor's export and erasure."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from chat.models import Conversation
from conftest import jwt_client
from leads.models import Lead
from leads.tests.conftest import handoff_bot, make_lead, visitor_of
from leads.tests.factories import LeadFactory
from privacy.models import RetentionPolicy
from privacy.retention import retention_apply

pytestmark = pytest.mark.django_db


def _url(tenant, what: str) -> str:
    return f"/api/v1/organizations/{tenant.organization.id}/{what}/"


def test_leads_older_than_their_period_go_and_conversations_keep_their_own(tenant_a, tenant_b):
    bot = handoff_bot(tenant_a)
    old = make_lead(bot, name="Ada Lovelace", email="ada@example.com")
    recent = make_lead(bot, name="Grace Hopper", email="grace@example.com")
    Lead.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=31))
    foreign = LeadFactory(bot=handoff_bot(tenant_b))
    Lead.objects.filter(id=foreign.id).update(created_at=timezone.now() - timedelta(days=400))
    RetentionPolicy.objects.create(organization=tenant_a.organization, lead_days=30)

    result = retention_apply(organization_id=tenant_a.organization.id)

    assert result.leads == 1 and result.conversations == 0
    assert list(Lead.objects.filter(organization=tenant_a.organization)) == [recent]
    assert Lead.objects.filter(id=foreign.id).exists()
    assert Conversation.objects.filter(id=old.conversation_id).exists()
    entry = AuditEntry.objects.get(action=AuditAction.RETENTION_PURGE)
    assert entry.target_label == "Leads older than 30 days" and entry.changes["leads"] == 1


def test_owners_set_the_lead_period_through_the_api_and_the_page(tenant_a):
    client = jwt_client(tenant_a.owner, tenant_a.organization)

    response = client.put(_url(tenant_a, "retention"), {"conversation_days": 90, "lead_days": 365}, format="json")
    bad = client.put(_url(tenant_a, "retention"), {"conversation_days": 90, "lead_days": 0}, format="json")
    conversations_only = client.put(_url(tenant_a, "retention"), {"conversation_days": 30}, format="json")

    assert response.json() == {"conversation_days": 90, "lead_days": 365}
    assert bad.status_code == HTTPStatus.BAD_REQUEST and list(bad.json()["errors"]) == ["lead_days"]
    assert conversations_only.json() == {"conversation_days": 30, "lead_days": 365}


def test_a_visitors_export_and_erasure_include_their_leads(tenant_a, tenant_b):
    bot = handoff_bot(tenant_a)
    visitor = visitor_of(bot)
    lead = LeadFactory(
        bot=bot, conversation=visitor.conversation, visitor_id=visitor.visitor_id, name="Ada", email="ada@example.com"
    )
    LeadFactory(bot=handoff_bot(tenant_a))  # another visitor's
    LeadFactory(bot=handoff_bot(tenant_b), visitor_id=visitor.visitor_id)  # same id, other organization
    client = jwt_client(tenant_a.admin, tenant_a.organization)

    exported = client.post(_url(tenant_a, "visitors/export"), {"visitor_id": visitor.visitor_id}, format="json")
    deleted = client.post(_url(tenant_a, "visitors/delete"), {"visitor_id": visitor.visitor_id}, format="json")

    [item] = exported.json()["leads"]
    assert (item["id"], item["email"], item["conversation_id"]) == (
        str(lead.id),
        "ada@example.com",
        str(visitor.conversation.id),
    )
    assert deleted.json() == {"conversations": 1, "messages": 2, "leads": 1}
    assert not Lead.objects.filter(id=lead.id).exists()
    assert Lead.objects.filter(organization=tenant_a.organization).count() == 1
    assert Lead.objects.filter(organization=tenant_b.organization).count() == 1
