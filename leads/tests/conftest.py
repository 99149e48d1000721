"""A bot taking contact requests, a widget visitor with a conversation, and how its widget sends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from bots.models import Bot, HandoffField
from chat.models import Conversation
from chat.tests.factories import AnswerFactory, ConversationFactory, MessageFactory
from chat.visitors import visitor_token_issue
from chatsphere.celery import app as celery_app
from conftest import Tenant
from leads.models import Lead
from leads.services import Submission, lead_submit

SITE = "https://www.puffin-ferries.example"
QUESTION = "Can I bring my kayak on the night ferry to Puffin Island, and does it need a separate ticket?"
LONG_MESSAGE = (
    "We are a group of six paddlers planning a trip in late September.\n"
    "Two of us bring sea kayaks (5.2 m), the others rent on the island.\n\n"
    "Could someone tell us whether the night ferry takes boats on the car deck, and what the\n"
    "fare is per kayak? We could also take the 7:10 morning crossing if that is easier."
)


@dataclass
class Visitor:
    bot: Bot
    visitor_id: str
    token: str
    conversation: Conversation

    def form(self, **values: Any) -> dict[str, Any]:
        return {
            "visitor_token": self.token,
            "conversation_id": str(self.conversation.id),
            "reason": "fallback",
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "message": LONG_MESSAGE,
            "consent": True,
            **values,
        }


def handoff_bot(tenant: Tenant, **changes: Any) -> Bot:
    settings = {
        "handoff_enabled": True,
        "handoff_name": HandoffField.OPTIONAL,
        "handoff_email": HandoffField.REQUIRED,
        "handoff_message": HandoffField.OPTIONAL,
        "handoff_consent_text": "I agree to be contacted by e-mail about my request.",
        "handoff_notify_user_ids": [str(tenant.admin.id)],
        **changes,
    }
    return Bot.objects.create(
        organization=tenant.organization, name="Puffin Ferries", allowed_origins=[SITE], **settings
    )


def visitor_of(bot: Bot) -> Visitor:
    visitor_id, token = visitor_token_issue(bot_id=bot.id)
    conversation = ConversationFactory(
        bot=bot, visitor_id=visitor_id, title=QUESTION[:60], origin_page=f"{SITE}/timetable/night-ferry"
    )
    MessageFactory(conversation=conversation, content=QUESTION)
    AnswerFactory(conversation=conversation, content=bot.fallback_message, unanswered=True)
    return Visitor(bot=bot, visitor_id=visitor_id, token=token, conversation=conversation)


def send_form(visitor: Visitor, *, origin: str = SITE, ip: str = "203.0.113.7", **values: Any) -> Any:
    return APIClient().post(
        f"/api/v1/widget/{visitor.bot.public_key}/leads/",
        visitor.form(**values),
        format="json",
        HTTP_ORIGIN=origin,
        REMOTE_ADDR=ip,
    )


def make_lead(bot: Bot, *, name: str, email: str, message: str = "", ip: str = "203.0.113.9") -> Lead:
    visitor = visitor_of(bot)
    return lead_submit(
        bot=bot,
        visitor_id=visitor.visitor_id,
        client_ip=ip,
        submission=Submission(
            name=name, email=email, message=message, consent=True, conversation_id=visitor.conversation.id
        ),
    )


@pytest.fixture
def bot(tenant_a: Tenant) -> Bot:
    return handoff_bot(tenant_a)


@pytest.fixture
def visitor(bot: Bot) -> Visitor:
    return visitor_of(bot)


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """The e-mail task runs in this process (with Redis it would wait for a worker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
