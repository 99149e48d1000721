from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from bots.tests.factories import BotFactory
from chat.curated.text import question_key
from chat.models import Channel, Conversation, CuratedAnswer, Message, MessageRole


class ConversationFactory(DjangoModelFactory[Conversation]):
    class Meta:
        model = Conversation

    bot = factory.SubFactory(BotFactory)
    organization = factory.SelfAttribute("bot.organization")
    channel = Channel.WIDGET
    visitor_id = factory.Sequence(lambda n: f"visitor{n:028d}")
    title = factory.Sequence(lambda n: f"Question {n}")


class MessageFactory(DjangoModelFactory[Message]):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    organization = factory.SelfAttribute("conversation.organization")
    role = MessageRole.USER
    content = factory.Faker("sentence")


class AnswerFactory(MessageFactory):
    role = MessageRole.ASSISTANT
    model = "gemini-test"


class CuratedAnswerFactory(DjangoModelFactory[CuratedAnswer]):
    """A stored entry without its vector (the first match embeds it, as after an embedder change)."""

    class Meta:
        model = CuratedAnswer

    bot = factory.SubFactory(BotFactory)
    organization = factory.SelfAttribute("bot.organization")
    question = factory.Sequence(lambda n: f"What is rule number {n}?")
    question_key = factory.LazyAttribute(lambda entry: question_key(entry.question))
    answer = factory.Faker("sentence")
