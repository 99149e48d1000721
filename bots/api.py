"""Bots API: list, create, read, change, delete, rotate the widget key, make the identity secret."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bots import selectors, services
from bots.handoff import HANDOFF_FIELDS
from bots.models import (
    HANDOFF_AFTER_MESSAGES_MAX,
    HANDOFF_EMAIL_CHOICES,
    Bot,
    HandoffField,
    WidgetPosition,
    WidgetTheme,
)
from bots.templates_catalog import TEMPLATES
from bots.validation import (
    MAX_ALLOWED_ORIGINS,
    MAX_SUGGESTED_QUESTION_LENGTH,
    MAX_SUGGESTED_QUESTIONS,
    normalize_allowed_origins,
    validate_color,
)
from chatsphere.api.pagination import CreatedCursorPagination
from chatsphere.api.views import TenantAPIView, register_url_object

register_url_object("bot_id", selectors.access_bot_by_id)


class BotOutput(serializers.ModelSerializer):
    identity_verification = serializers.BooleanField(
        read_only=True,
        help_text="Whether the widget verifies signed visitor identities (an identity secret was made). "
        "The secret itself is shown only by `rotate-identity-secret/`, once.",
    )

    class Meta:
        model = Bot
        #: For list pages read as rows (chatsphere.api.rows): the property computed in the database.
        row_expressions = {
            "identity_verification": ExpressionWrapper(~Q(identity_secret=""), output_field=BooleanField())
        }
        fields = [
            "id",
            "name",
            "description",
            "system_prompt",
            "model",
            "temperature",
            "max_output_tokens",
            "welcome_message",
            "suggested_questions",
            "fallback_message",
            "top_k",
            "strictness",
            "chunk_tokens",
            "chunk_overlap",
            "public_key",
            "allowed_origins",
            "widget_title",
            "primary_color",
            "position",
            "theme",
            "source_previews",
            "is_active",
            "identity_verification",
            "identity_secret_rotated_at",
            *HANDOFF_FIELDS,
            "embedder",
            "embedding_dimension",
            "created_at",
            "updated_at",
        ]


class BotInput(serializers.Serializer):
    """Types and sizes; the services check the rules (origins, colours, models, ranges)."""

    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    system_prompt = serializers.CharField(max_length=8000, allow_blank=True, required=False, trim_whitespace=False)
    model = serializers.CharField(max_length=100, required=False)
    temperature = serializers.FloatField(min_value=0.0, max_value=2.0, required=False)
    max_output_tokens = serializers.IntegerField(min_value=16, max_value=8192, required=False)
    welcome_message = serializers.CharField(max_length=500, allow_blank=True, required=False)
    suggested_questions = serializers.ListField(
        child=serializers.CharField(max_length=MAX_SUGGESTED_QUESTION_LENGTH),
        max_length=MAX_SUGGESTED_QUESTIONS,
        required=False,
    )
    fallback_message = serializers.CharField(max_length=500, required=False)
    top_k = serializers.IntegerField(min_value=1, max_value=20, required=False)
    strictness = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)
    chunk_tokens = serializers.IntegerField(min_value=100, max_value=2000, required=False, allow_null=True)
    chunk_overlap = serializers.IntegerField(min_value=0, max_value=500, required=False, allow_null=True)
    allowed_origins = serializers.ListField(
        child=serializers.CharField(max_length=300), max_length=MAX_ALLOWED_ORIGINS, required=False
    )
    widget_title = serializers.CharField(max_length=60, allow_blank=True, required=False)
    primary_color = serializers.CharField(max_length=7, required=False)
    position = serializers.ChoiceField(choices=WidgetPosition.choices, required=False)
    theme = serializers.ChoiceField(
        choices=WidgetTheme.choices,
        required=False,
        help_text="The widget's colours: `light`, `dark`, or `auto` (the visitor's system setting).",
    )
    source_previews = serializers.BooleanField(
        required=False,
        help_text="Visitors may open a cited document's passage with the cited sentences highlighted; "
        "`false`: they see its title and page only (for internal documents). Web pages stay links.",
    )
    is_active = serializers.BooleanField(required=False)
    handoff_enabled = serializers.BooleanField(required=False, help_text="Offer visitors a contact form (leads).")
    handoff_on_fallback = serializers.BooleanField(required=False)
    handoff_on_request = serializers.BooleanField(required=False)
    handoff_after_messages = serializers.IntegerField(
        min_value=1, max_value=HANDOFF_AFTER_MESSAGES_MAX, required=False, allow_null=True
    )
    handoff_name = serializers.ChoiceField(choices=HandoffField.choices, required=False)
    handoff_name_label = serializers.CharField(max_length=80, required=False)
    handoff_email = serializers.ChoiceField(choices=HANDOFF_EMAIL_CHOICES, required=False)
    handoff_email_label = serializers.CharField(max_length=80, required=False)
    handoff_message = serializers.ChoiceField(choices=HandoffField.choices, required=False)
    handoff_message_label = serializers.CharField(max_length=80, required=False)
    handoff_consent_text = serializers.CharField(max_length=500, allow_blank=True, required=False)
    handoff_notify_user_ids = serializers.ListField(
        child=serializers.UUIDField(), max_length=100, required=False, help_text="Members e-mailed about new leads."
    )

    # The same rules as the services, checked here too so one response lists every bad field.
    def validate_allowed_origins(self, value: list[str]) -> list[str]:
        try:
            return normalize_allowed_origins(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_primary_color(self, value: str) -> str:
        try:
            validate_color(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value

    def validate_model(self, value: str) -> str:
        if value not in settings.GEMINI_MODELS:
            raise serializers.ValidationError(
                f'"{value}" is not an available model. Choose one of: {", ".join(settings.GEMINI_MODELS)}.'
            )
        return value


class BotCreateInput(BotInput):
    template = serializers.ChoiceField(
        choices=list(TEMPLATES),
        required=False,
        help_text="A starting point: its system prompt, welcome message, suggested questions, top_k and "
        "temperature fill in the settings not given.",
    )


class BotListApi(TenantAPIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(responses=BotOutput(many=True), summary="Bots of the organization")
    def get(self, request: Request) -> Response:
        bots = selectors.bot_list(organization=self.actor.organization)
        return self.paginated_response(bots, BotOutput)

    @extend_schema(request=BotCreateInput, responses={201: BotOutput}, summary="Create a bot (admin or owner)")
    def post(self, request: Request) -> Response:
        data = BotCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        bot = services.bot_create(actor=self.actor, **data.validated_data)
        return Response(BotOutput(bot).data, status=status.HTTP_201_CREATED)


class BotDetailApi(TenantAPIView):
    def _bot(self, bot_id: uuid.UUID) -> Bot:
        return self.url_objects["bot_id"]

    @extend_schema(responses=BotOutput, summary="A bot")
    def get(self, request: Request, bot_id: uuid.UUID) -> Response:
        return Response(BotOutput(self._bot(bot_id)).data)

    @extend_schema(request=BotInput(partial=True), responses=BotOutput, summary="Change a bot's settings")
    def patch(self, request: Request, bot_id: uuid.UUID) -> Response:
        bot = self._bot(bot_id)
        data = BotInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        bot = services.bot_update(actor=self.actor, bot=bot, **data.validated_data)
        return Response(BotOutput(bot).data)

    @extend_schema(request=BotInput, responses=BotOutput, summary="Replace a bot's settings")
    def put(self, request: Request, bot_id: uuid.UUID) -> Response:
        bot = self._bot(bot_id)
        data = BotInput(data=request.data)
        data.is_valid(raise_exception=True)
        bot = services.bot_update(actor=self.actor, bot=bot, **data.validated_data)
        return Response(BotOutput(bot).data)

    @extend_schema(responses={204: None}, summary="Delete a bot with its knowledge and conversations")
    def delete(self, request: Request, bot_id: uuid.UUID) -> Response:
        services.bot_delete(actor=self.actor, bot=self._bot(bot_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BotRotateKeyApi(TenantAPIView):
    @extend_schema(request=None, responses=BotOutput, summary="Give the widget a new public key")
    def post(self, request: Request, bot_id: uuid.UUID) -> Response:
        bot = services.bot_rotate_key(actor=self.actor, bot=self.url_objects["bot_id"])
        return Response(BotOutput(bot).data)


class BotIdentitySecretOutput(BotOutput):
    identity_secret = serializers.CharField(
        read_only=True,
        help_text="The new identity secret (`ids_…`) your server signs visitor identities with "
        "(docs/identity.md). It is shown only once: store it now.",
    )

    class Meta(BotOutput.Meta):
        fields = [*BotOutput.Meta.fields, "identity_secret"]


class BotRotateIdentitySecretApi(TenantAPIView):
    @extend_schema(
        request=None,
        responses=BotIdentitySecretOutput,
        summary="Make a new identity secret (shown once)",
        description="Signatures made with the previous secret stop verifying at once: those visitors "
        "become anonymous until your pages sign with the new one.",
    )
    def post(self, request: Request, bot_id: uuid.UUID) -> Response:
        bot, secret = services.bot_rotate_identity_secret(actor=self.actor, bot=self.url_objects["bot_id"])
        return Response(BotIdentitySecretOutput(bot).data | {"identity_secret": secret})
