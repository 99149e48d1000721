from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.tests.factories import OrganizationFactory
from bots.models import Bot


class BotFactory(DjangoModelFactory[Bot]):
    class Meta:
        model = Bot

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Bot {n}")
    allowed_origins = factory.LazyFunction(lambda: ["https://www.example.com"])
