from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from bots.tests.factories import BotFactory
from chat.tests.factories import ConversationFactory
from leads.models import Lead


class LeadFactory(DjangoModelFactory[Lead]):
    class Meta:
        model = Lead

    bot = factory.SubFactory(BotFactory, handoff_enabled=True)
    organization = factory.SelfAttribute("bot.organization")
    conversation = factory.SubFactory(ConversationFactory, bot=factory.SelfAttribute("..bot"))
    visitor_id = factory.SelfAttribute("conversation.visitor_id")
    reason = "fallback"
    name = factory.Faker("name")
    email = factory.Faker("email")
    message = factory.Faker("paragraph")
