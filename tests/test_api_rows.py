"""List pages read as rows give the JSON the serializer gives for model instances."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from bots.api import BotOutput
from bots.models import Bot
from bots.tests.factories import BotFactory
from chatsphere.api import rows
from conftest import jwt_client

pytestmark = pytest.mark.django_db


def test_a_page_of_rows_matches_the_serializer_field_for_field(tenant_a):
    for number in range(5):
        BotFactory(
            organization=tenant_a.organization,
            name=f"Harbour {number}",
            allowed_origins=["https://shop.example.com"],
            suggested_questions=["When does the ferry leave?"],
            identity_secret="ids_" + "k" * 43 if number % 2 else "",  # verified identities on some
        )
    queryset = Bot.objects.filter(organization=tenant_a.organization).order_by("-created_at", "-id")
    columns = rows.plain_columns(BotOutput)
    assert columns is not None
    expressions = rows.row_expressions(BotOutput)
    page = rows.as_rows(queryset, columns, expressions=expressions)
    assert rows.represent(list(page), columns) == BotOutput(queryset, many=True).data


def test_the_bots_list_answers_what_the_serializer_would(tenant_a):
    BotFactory.create_batch(3, organization=tenant_a.organization)
    body = jwt_client(tenant_a.owner).get("/api/v1/bots/").json()
    expected = BotOutput(
        Bot.objects.filter(organization=tenant_a.organization).order_by("-created_at", "-id"), many=True
    ).data
    assert body["results"] == expected


def test_serializers_with_more_than_plain_columns_keep_the_serializer():
    class WithMethod(serializers.ModelSerializer):
        label = serializers.SerializerMethodField()

        class Meta:
            model = Bot
            fields = ["id", "label"]

        def get_label(self, bot: Bot) -> str:
            return bot.name.upper()

    class WithRelation(serializers.ModelSerializer):
        class Meta:
            model = Bot
            fields = ["id", "organization"]

    assert rows.plain_columns(WithMethod) is None
    assert rows.plain_columns(WithRelation) is None
