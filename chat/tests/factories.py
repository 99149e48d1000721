from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from bots.tests.factories import BotFactory
from chat.models import Channel, Conversation, Message, MessageRole


class ConversationFactory(DjangoModelFactory):
    class Meta:
        model = Conversation

    bot = factory.SubFactory(BotFactory)
    organization = factory.SelfAttribute("bot.organization")
    channel = Channel.WIDGET
    visitor_id = factory.Sequence(lambda n: f"visitor{n:028d}")
    title = factory.Sequence(lambda n: f"Question {n}")


class MessageFactory(DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    organization = factory.SelfAttribute("conversation.organization")
    role = MessageRole.USER
    content = factory.Faker("sentence")


class AnswerFactory(MessageFactory):
    role = MessageRole.ASSISTANT
    model = "gemini-test"
