"""The published OpenAPI schema tells the truth: schemathesis sends generated requests to every
operation it describes, as the owner of an organization with a bot, documents, conversations and
curated answers, and every answer must be one the schema documents (status, media type, body),
never a server error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis import GenerationMode

from accounts.models import Membership
from accounts.tests.factories import ApiKeyFactory, InvitationFactory
from bots.tests.factories import BotFactory
from chat.models import Channel
from chat.tests.factories import AnswerFactory, ConversationFactory, CuratedAnswerFactory, MessageFactory
from chatsphere.wsgi import application
from conftest import Tenant
from documents.models import DocumentStatus
from documents.tests.factories import DocumentFactory, WebsiteSourceFactory
from webhooks.tests.factories import WebhookDeliveryFactory

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]


# The schema as clients get it: from /api/schema/, through the WSGI application.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def owner_world(tenant_a: Tenant) -> dict[str, str]:
    """Path ids of real objects of the owner's organization: requests reach the views' real work
    instead of stopping at 404."""
    organization = tenant_a.organization
    bot = BotFactory(organization=organization, name="Ferry helper")
    document = DocumentFactory(bot=bot, title="Timetable", status=DocumentStatus.READY)
    conversation = ConversationFactory(bot=bot, channel=Channel.API)
    MessageFactory(conversation=conversation, content="When does the first ferry leave?")
    answer = AnswerFactory(conversation=conversation, content="At 7:10 from the north pier.")
    curated = CuratedAnswerFactory(bot=bot, question="Are dogs allowed on board?", answer="Yes, on a lead.")
    invitation = InvitationFactory(organization=organization, email="deckhand@example.com")
    api_key = ApiKeyFactory(organization=organization)
    webhook = WebhookDeliveryFactory(endpoint__organization=organization).endpoint
    website = WebsiteSourceFactory(bot=bot, start_url="https://ferries.example.com/")
    return {
        "organization_id": str(organization.id),
        "bot_id": str(bot.id),
        "document_id": str(document.id),
        "conversation_id": str(conversation.id),
        "message_id": str(answer.id),
        "curated_answer_id": str(curated.id),
        "invitation_id": str(invitation.id),
        "api_key_id": str(api_key.id),
        "webhook_id": str(webhook.id),
        "website_id": str(website.id),
        "membership_id": str(Membership.objects.get(organization=organization, user=tenant_a.member).id),
        "public_key": bot.public_key,
        "authorization": f"Bearer {RefreshToken.for_user(tenant_a.owner).access_token}",
    }


@pytest.fixture
def _requests_share_the_test_transaction() -> Iterator[None]:
    """As Django's test client does: a request must not close the connection that holds the test's
    transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_requests_share_the_test_transaction")
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_answer_is_documented(operation, owner_world):
    ids = {name: value for name, value in owner_world.items() if f"{{{name}}}" in operation.path}
    # Requests that follow the schema and requests that break it: 12 per operation, the same ones
    # on every run.
    requests = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=ids),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=ids),
    )

    @given(case=requests)
    @settings(
        max_examples=12,
        derandomize=True,
        deadline=None,
        database=None,
        # Slow or heavily filtered generation (large bot settings bodies) is expected, not a fault.
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case):
        # Each request starts from the same organization: what one deletes, the next still has.
        with transaction.atomic():
            case.call_and_validate(headers={"Authorization": owner_world["authorization"]}, checks=CHECKS)
            transaction.set_rollback(True)

    answers_as_documented()
