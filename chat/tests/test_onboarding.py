"""The first-bot checklist's progress, computed from the organization's own data only."""

from __future__ import annotations

import pytest

from bots.tests.factories import BotFactory
from chat.models import Channel
from chat.onboarding import onboarding_progress, ready_bot_ids
from chat.tests.factories import ConversationFactory
from documents.models import DocumentStatus
from documents.tests.factories import DocumentFactory


def states(organization) -> dict[str, bool]:
    return {step.key: step.done for step in onboarding_progress(organization=organization).steps}


@pytest.mark.django_db
class TestOnboardingProgress:
    def test_a_new_organization_has_every_step_to_do(self, tenant_a):
        progress = onboarding_progress(organization=tenant_a.organization)
        assert [(step.label, step.done) for step in progress.steps] == [
            ("Create a bot", False),
            ("Add knowledge", False),
            ("Try it in the playground", False),
            ("Put it on your site", False),
        ]
        assert (progress.done_count, progress.complete, progress.bot) == (0, False, None)

    def test_each_step_is_done_when_the_data_shows_it(self, tenant_a):
        organization = tenant_a.organization
        bot = BotFactory(organization=organization, name="Harbour help", allowed_origins=[])
        assert states(organization) == {"create": True, "knowledge": False, "playground": False, "widget": False}

        DocumentFactory(bot=bot, status=DocumentStatus.PROCESSING)
        assert states(organization)["knowledge"] is False  # not ready yet
        DocumentFactory(bot=bot, status=DocumentStatus.READY)
        assert states(organization)["knowledge"] is True

        ConversationFactory(bot=bot, channel=Channel.API)
        assert states(organization)["playground"] is False
        ConversationFactory(bot=bot, channel=Channel.PLAYGROUND)
        assert states(organization)["playground"] is True

        ConversationFactory(bot=bot, channel=Channel.WIDGET)
        progress = onboarding_progress(organization=organization)
        assert (progress.done_count, progress.complete) == (4, True)

    def test_allowed_origins_count_as_putting_it_on_a_site(self, tenant_a):
        BotFactory(organization=tenant_a.organization, allowed_origins=["https://www.harbour.example"])
        assert states(tenant_a.organization)["widget"] is True

    def test_the_steps_link_to_the_bot_that_has_knowledge(self, tenant_a):
        with_knowledge = BotFactory(organization=tenant_a.organization, name="Ready")
        DocumentFactory(bot=with_knowledge)
        BotFactory(organization=tenant_a.organization, name="Newer, empty")
        assert onboarding_progress(organization=tenant_a.organization).bot == with_knowledge

    def test_another_organizations_bots_never_count(self, tenant_a, tenant_b):
        foreign = BotFactory(organization=tenant_b.organization, allowed_origins=["https://beta.example"])
        DocumentFactory(bot=foreign)
        ConversationFactory(bot=foreign, channel=Channel.PLAYGROUND)
        ConversationFactory(bot=foreign, channel=Channel.WIDGET)

        progress = onboarding_progress(organization=tenant_a.organization)
        assert (progress.done_count, progress.bot) == (0, None)
        assert ready_bot_ids(organization=tenant_a.organization) == set()
        assert ready_bot_ids(organization=tenant_b.organization) == {foreign.id}
