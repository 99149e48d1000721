"""Reads that guide a new owner: the first-bot checklist and whether a bot has anything to answer from.

They span bots, documents and conversations, so they live here, above all three.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from accounts.models import Organization
from bots.models import Bot
from chat.models import Channel, Conversation
from documents.models import Document, DocumentStatus

#: What a bot without ready documents greets visitors with: it must not invite questions it cannot answer.
NO_KNOWLEDGE_WELCOME = "Hi! I can't answer questions yet: my documents are still being added. Please check back soon."


@dataclass(frozen=True)
class OnboardingStep:
    key: str
    label: str
    done: bool


@dataclass(frozen=True)
class OnboardingProgress:
    steps: list[OnboardingStep]
    #: The bot the next steps link to: the newest one with ready documents, else the newest one.
    bot: Bot | None

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)


def onboarding_progress(*, organization: Organization) -> OnboardingProgress:
    """The four steps from sign-up to a bot on a website, each done when the data shows it."""
    bots = Bot.objects.filter(organization=organization)
    ready = Document.objects.filter(organization=organization, status=DocumentStatus.READY)
    conversations = Conversation.objects.filter(organization=organization)
    ready_bot = bots.filter(id__in=ready.values("bot_id")).first()
    on_site = conversations.filter(channel=Channel.WIDGET).exists() or bots.exclude(allowed_origins=[]).exists()
    steps = [
        OnboardingStep("create", "Create a bot", bots.exists()),
        OnboardingStep("knowledge", "Add knowledge", ready_bot is not None),
        OnboardingStep(
            "playground", "Try it in the playground", conversations.filter(channel=Channel.PLAYGROUND).exists()
        ),
        OnboardingStep("widget", "Put it on your site", on_site),
    ]
    return OnboardingProgress(steps=steps, bot=ready_bot or bots.first())


def ready_bot_ids(*, organization: Organization) -> set[uuid.UUID]:
    """The organization's bots with at least one ready document, in one query."""
    rows = Document.objects.filter(organization=organization, status=DocumentStatus.READY).values_list(
        "bot_id", flat=True
    )
    return set(rows.distinct())


def bot_has_ready_documents(*, bot: Bot) -> bool:
    return Document.objects.filter(organization_id=bot.organization_id, bot=bot, status=DocumentStatus.READY).exists()


def visitor_greeting(*, bot: Bot, ready: bool | None = None) -> tuple[str, list[str]]:
    """The welcome and suggested questions visitors see; honest ones while the bot has no ready documents.

    `ready` spares the query when the caller already knows."""
    if ready if ready is not None else bot_has_ready_documents(bot=bot):
        return bot.welcome_message, list(bot.suggested_questions)
    return NO_KNOWLEDGE_WELCOME, []
