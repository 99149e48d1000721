"""Retention: an organization's old conversations go on schedule, in batches; recent ones and
other organizations' stay."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from bots.tests.factories import BotFactory
from chat.models import Conversation, Message
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory
from conftest import Tenant, jwt_client
from privacy import retention
from privacy.models import RetentionPolicy
from privacy.tasks import apply_retention

pytestmark = pytest.mark.django_db


def _conversation(tenant: Tenant, *, days_ago: float, visitor: str = "") -> Conversation:
    bot = BotFactory(organization=tenant.organization)
    conversation = ConversationFactory(bot=bot, **({"visitor_id": visitor} if visitor else {}))
    MessageFactory(conversation=conversation, content="When does the first ferry leave?")
    AnswerFactory(conversation=conversation, content="At 7:10.", feedback=1)
    when = timezone.now() - timedelta(days=days_ago)
    Conversation.objects.filter(pk=conversation.pk).update(created_at=when, last_message_at=when)
    return conversation


def _ids(tenant: Tenant) -> set:
    return set(Conversation.objects.filter(organization=tenant.organization).values_list("id", flat=True))


def test_old_conversations_go_recent_ones_stay_and_other_organizations_are_untouched(tenant_a, tenant_b):
    RetentionPolicy.objects.create(organization=tenant_a.organization, conversation_days=30)
    old = [_conversation(tenant_a, days_ago=31 + n) for n in range(5)]
    recent = _conversation(tenant_a, days_ago=29)
    # A conversation that started long ago but went on yesterday is still in use.
    ongoing = _conversation(tenant_a, days_ago=1)
    Conversation.objects.filter(pk=ongoing.pk).update(created_at=timezone.now() - timedelta(days=90))
    foreign_old = _conversation(tenant_b, days_ago=400)
    foreign_messages = list(Message.objects.filter(organization=tenant_b.organization).values())

    deleted = apply_retention()

    assert deleted == 5
    assert _ids(tenant_a) == {recent.id, ongoing.id}
    assert not Message.objects.filter(conversation_id__in=[c.id for c in old]).exists()
    assert _ids(tenant_b) == {foreign_old.id}
    assert list(Message.objects.filter(organization=tenant_b.organization).values()) == foreign_messages
    [entry] = AuditEntry.objects.filter(organization=tenant_a.organization)
    assert entry.action == AuditAction.RETENTION_PURGE
    assert entry.changes["conversations"] == 5
    assert entry.changes["messages"] == 10
    assert not AuditEntry.objects.filter(organization=tenant_b.organization).exists()


def test_deletion_runs_in_bounded_batches_and_a_second_run_finds_nothing(tenant_a, settings):
    settings.CHATSPHERE_RETENTION_BATCH_SIZE = 2
    RetentionPolicy.objects.create(organization=tenant_a.organization, conversation_days=7)
    for n in range(5):
        _conversation(tenant_a, days_ago=8 + n)

    first = retention.purge_conversations(
        organization_id=tenant_a.organization.id, cutoff=timezone.now() - timedelta(days=7)
    )
    second = retention.retention_apply(organization_id=tenant_a.organization.id)

    assert (first.conversations, first.messages) == (5, 10)
    assert (second.conversations, second.messages) == (0, 0)
    assert _ids(tenant_a) == set()


def test_each_batch_is_its_own_transaction(tenant_a, settings):
    """A backlog is never one giant transaction: each batch of CHATSPHERE_RETENTION_BATCH_SIZE
    conversations commits on its own (seen here as one savepoint or transaction per batch)."""
    settings.CHATSPHERE_RETENTION_BATCH_SIZE = 2
    for n in range(5):
        _conversation(tenant_a, days_ago=8 + n)

    with CaptureQueriesContext(connection) as queries:
        retention.purge_conversations(
            organization_id=tenant_a.organization.id, cutoff=timezone.now() - timedelta(days=7)
        )

    savepoints = [q for q in queries.captured_queries if q["sql"].upper().startswith("SAVEPOINT")]
    # Three batches of at most two, and a last look that finds nothing.
    assert len(savepoints) == 4


def test_without_a_period_nothing_is_deleted(tenant_a):
    kept = _conversation(tenant_a, days_ago=3000)
    RetentionPolicy.objects.create(organization=tenant_a.organization, conversation_days=None)

    assert apply_retention() == 0
    assert _ids(tenant_a) == {kept.id}


def _retention_url(tenant: Tenant) -> str:
    return f"/api/v1/organizations/{tenant.organization.id}/retention/"


def test_owners_set_the_period_through_the_api_and_the_change_is_recorded(tenant_a):
    client = jwt_client(tenant_a.owner, tenant_a.organization)

    default = client.get(_retention_url(tenant_a))
    updated = client.put(_retention_url(tenant_a), {"conversation_days": 90}, format="json")
    cleared = client.put(_retention_url(tenant_a), {"conversation_days": None}, format="json")

    assert default.json() == {"conversation_days": None, "lead_days": None}
    assert updated.json() == {"conversation_days": 90, "lead_days": None}
    assert cleared.json() == {"conversation_days": None, "lead_days": None}
    entries = AuditEntry.objects.filter(organization=tenant_a.organization).order_by("created_at")
    assert [e.changes for e in entries] == [
        {"conversation_days": {"from": None, "to": 90}},
        {"conversation_days": {"from": 90, "to": None}},
    ]
    assert {e.action for e in entries} == {AuditAction.RETENTION_UPDATE}


@pytest.mark.parametrize("role", ["admin", "member"])
def test_only_owners_change_the_period(tenant_a, role):
    RetentionPolicy.objects.create(organization=tenant_a.organization, conversation_days=30)
    client = jwt_client(tenant_a.user(role), tenant_a.organization)

    response = client.put(_retention_url(tenant_a), {"conversation_days": 1}, format="json")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert RetentionPolicy.objects.get(organization=tenant_a.organization).conversation_days == 30
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("value", [0, 3651, "soon", True])
def test_a_bad_period_answers_400_naming_the_field(tenant_a, value):
    client = jwt_client(tenant_a.owner, tenant_a.organization)

    response = client.put(_retention_url(tenant_a), {"conversation_days": value}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "conversation_days" in response.json()["errors"]
    assert not RetentionPolicy.objects.exists()


def test_owners_set_the_period_on_the_privacy_page(tenant_a):
    client = Client()
    client.force_login(tenant_a.owner)

    saved = client.post(reverse("dashboard:privacy-retention"), {"conversation_days": "180"}, follow=True)
    refused = client.post(reverse("dashboard:privacy-retention"), {"conversation_days": "0"})

    assert "deleted 180 days after their last message" in saved.content.decode()
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "greater than or equal to 1" in refused.content.decode()
    assert RetentionPolicy.objects.get(organization=tenant_a.organization).conversation_days == 180
    member = Client()
    member.force_login(tenant_a.member)
    page = member.get(reverse("dashboard:privacy")).content.decode()
    assert "deleted <strong>180 days</strong>" in page
    assert "Only an owner can change this." in page
    assert member.post(reverse("dashboard:privacy-retention"), {"conversation_days": "1"}).status_code == 403


def test_the_command_applies_retention_where_no_scheduler_runs(tenant_a):
    RetentionPolicy.objects.create(organization=tenant_a.organization, conversation_days=30)
    _conversation(tenant_a, days_ago=45)
    out = StringIO()

    call_command("apply_retention", stdout=out)

    assert out.getvalue().strip() == "1 conversation deleted."
    assert _ids(tenant_a) == set()


def test_the_scheduler_runs_retention(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]

    assert entry["task"] == apply_retention.name
    assert entry["schedule"] == float(settings.CHATSPHERE_RETENTION_INTERVAL_SECONDS)
