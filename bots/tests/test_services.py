"""Creating a bot from a template (the preset fills in what the owner did not give), and the
settings the services refuse."""

from __future__ import annotations

import pytest

from accounts.models import Role
from accounts.tenancy import Actor
from bots.models import DEFAULT_SYSTEM_PROMPT, DEFAULT_WELCOME_MESSAGE, Bot
from bots.services import bot_create, bot_update
from bots.templates_catalog import TEMPLATES
from bots.tests.factories import BotFactory
from chatsphere.errors import InvalidInput, PermissionDenied


def actor_of(tenant, role: Role = Role.ADMIN) -> Actor:
    return Actor(organization=tenant.organization, role=role, user=tenant.user(role))


@pytest.mark.django_db
class TestBotCreateFromTemplate:
    @pytest.mark.parametrize("key", ["support", "docs", "sales"])
    def test_the_template_gives_its_prompt_welcome_and_questions(self, tenant_a, key):
        bot = bot_create(actor=actor_of(tenant_a), name="Helper", template=key)

        template = TEMPLATES[key]
        bot.refresh_from_db()
        assert (bot.name, bot.organization) == ("Helper", tenant_a.organization)
        assert bot.system_prompt == template.system_prompt
        assert bot.welcome_message == template.welcome_message
        assert bot.suggested_questions == template.suggested_questions
        assert (bot.top_k, bot.temperature) == (template.top_k, template.temperature)

    def test_the_templates_differ_where_their_uses_differ(self):
        support, docs, sales = TEMPLATES["support"], TEMPLATES["docs"], TEMPLATES["sales"]
        assert len({support.system_prompt, docs.system_prompt, sales.system_prompt}) == 3
        assert docs.top_k > support.top_k  # documentation answers draw on more passages
        assert sales.temperature > support.temperature  # a livelier tone for sales, the most literal for support

    def test_without_a_template_the_bot_has_the_defaults(self, tenant_a):
        bot = bot_create(actor=actor_of(tenant_a), name="Plain")
        assert (bot.system_prompt, bot.welcome_message, bot.suggested_questions) == (
            DEFAULT_SYSTEM_PROMPT,
            DEFAULT_WELCOME_MESSAGE,
            [],
        )

    def test_given_settings_win_over_the_template(self, tenant_a):
        bot = bot_create(actor=actor_of(tenant_a), name="Sales", template="sales", welcome_message="Hello there!")
        assert bot.welcome_message == "Hello there!"
        assert bot.system_prompt == TEMPLATES["sales"].system_prompt

    def test_an_unknown_template_is_refused_and_nothing_is_created(self, tenant_a):
        with pytest.raises(InvalidInput) as error:
            bot_create(actor=actor_of(tenant_a), name="Odd", template="legal")
        assert error.value.errors == {"template": ["Choose one of: support, docs, sales."]}
        assert not Bot.objects.exists()

    def test_a_member_cannot_create_a_bot_from_a_template(self, tenant_a):
        with pytest.raises(PermissionDenied):
            bot_create(actor=actor_of(tenant_a, Role.MEMBER), name="Helper", template="support")
        assert not Bot.objects.exists()


UPDATE_REFUSALS = {
    "a field that cannot be changed": ({"public_key": "pk_mine"}, {"public_key": ["This field cannot be changed."]}),
    "an origin with a path": (
        {"allowed_origins": ["https://shop.example.com/cart"]},
        {
            "allowed_origins": [
                '"https://shop.example.com/cart" is not a valid origin: use scheme://host[:port], e.g. https://example.com.'
            ]
        },
    ),
    "a temperature out of range": (
        {"temperature": 3},
        {"temperature": ["Ensure this value is less than or equal to 2.0."]},
    ),
    "an overlap over half the chunk": (
        {"chunk_tokens": 200, "chunk_overlap": 150},
        {"chunk_overlap": ["The overlap must be at most half of the chunk size."]},
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("refusal", UPDATE_REFUSALS.values(), ids=UPDATE_REFUSALS.keys())
def test_refused_settings_are_invalid_input_naming_the_field_and_the_bot_is_unchanged(tenant_a, refusal):
    changes, errors = refusal
    bot = BotFactory(organization=tenant_a.organization, name="Helper")
    before = Bot.objects.values().get(pk=bot.pk)

    with pytest.raises(InvalidInput) as refused:
        bot_update(actor=actor_of(tenant_a), bot=Bot.objects.get(pk=bot.pk), **changes)

    assert refused.value.errors == errors
    assert Bot.objects.values().get(pk=bot.pk) == before
