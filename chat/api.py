"""Chat API: ask a bot (JSON or server-sent events), read conversations, rate answers, and the
public widget configuration."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from http import HTTPStatus
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.tenancy import require_role
from bots.models import Bot
from bots.selectors import bot_get_by_public_key
from chat import rag, selectors, services
from chat.cors import widget_cors_headers
from chat.models import Channel, Conversation, Message
from chat.participants import Participant
from chat.ratelimit import API, rate_limit_hit
from chatsphere.api.views import TenantAPIView, register_url_object
from chatsphere.errors import ApplicationError, NotFound

register_url_object(
    "conversation_id",
    lambda organization, value: selectors.conversation_get(organization=organization, conversation_id=value),
)
register_url_object(
    "message_id", lambda organization, value: selectors.message_get(organization=organization, message_id=value)
)

EVENT_STREAM = "text/event-stream"


class AnswerFailed(ApplicationError):
    status = HTTPStatus.BAD_GATEWAY
    code = "answer_failed"


# --- serializers ------------------------------------------------------------------------------


class CitationOutput(serializers.Serializer):
    number = serializers.IntegerField()
    #: "document" (a passage of `document_id`) or "curated" (the curated answer `curated_answer_id`).
    kind = serializers.CharField(default="document")
    document_id = serializers.UUIDField(allow_null=True)
    curated_answer_id = serializers.UUIDField(allow_null=True, default=None)
    title = serializers.CharField()
    page = serializers.IntegerField(allow_null=True)
    snippet = serializers.CharField()
    score = serializers.FloatField()


class MessageOutput(serializers.ModelSerializer):
    citations = CitationOutput(many=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "role",
            "content",
            "citations",
            "model",
            "input_tokens",
            "output_tokens",
            "time_to_first_token_ms",
            "latency_ms",
            "unanswered",
            "feedback",
            "error",
            "created_at",
        ]


class ConversationOutput(serializers.ModelSerializer):
    bot_id = serializers.UUIDField()
    user_id = serializers.UUIDField(allow_null=True)
    message_count = serializers.IntegerField()

    class Meta:
        model = Conversation
        fields = [
            "id",
            "bot_id",
            "channel",
            "title",
            "visitor_id",
            "user_id",
            "origin_page",
            "user_agent",
            "message_count",
            "created_at",
            "last_message_at",
        ]


class ConversationDetailOutput(ConversationOutput):
    messages = MessageOutput(many=True, source="loaded_messages")

    class Meta(ConversationOutput.Meta):
        fields = [*ConversationOutput.Meta.fields, "messages"]


class ChatInput(serializers.Serializer):
    # Emptiness and length are the service's rules, answered with the same codes on every surface.
    message = serializers.CharField(allow_blank=True, trim_whitespace=False)
    conversation_id = serializers.UUIDField(required=False, allow_null=True)
    stream = serializers.BooleanField(required=False, default=False)


class ChatOutput(serializers.Serializer):
    conversation_id = serializers.UUIDField()
    message = MessageOutput()


class FeedbackInput(serializers.Serializer):
    rating = serializers.IntegerField(help_text="1 (helpful) or -1 (not helpful)")


class WidgetConfigOutput(serializers.Serializer):
    public_key = serializers.CharField()
    title = serializers.CharField(source="display_title")
    primary_color = serializers.CharField()
    position = serializers.CharField()
    welcome_message = serializers.CharField()
    suggested_questions = serializers.ListField(child=serializers.CharField())
    max_message_chars = serializers.SerializerMethodField()
    socket_path = serializers.SerializerMethodField()

    def get_max_message_chars(self, bot: Bot) -> int:
        return settings.CHATSPHERE_CHAT_MAX_MESSAGE_CHARS

    def get_socket_path(self, bot: Bot) -> str:
        return f"/ws/widget/{bot.public_key}/"


# --- server-sent events -----------------------------------------------------------------------


def sse_frame(event: dict[str, Any]) -> bytes:
    """One event as one `data:` line; JSON escapes newlines, so a frame never spans lines."""
    return b"data: " + json.dumps(event, ensure_ascii=False).encode() + b"\n\n"


async def _sse(events: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    async for event in events:
        yield sse_frame(event)


async def _collect(events: AsyncIterator[dict[str, Any]]) -> list[dict[str, Any]]:
    return [event async for event in events]


class EventStreamRenderer(BaseRenderer):
    """Lets clients send `Accept: text/event-stream`; the stream itself is written by the view."""

    media_type = EVENT_STREAM
    format = "sse"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return json.dumps(data).encode()


def event_stream_response(request: Request, events: AsyncIterator[dict[str, Any]]) -> StreamingHttpResponse:
    if isinstance(request._request, ASGIRequest):
        content: AsyncIterator[bytes] | Iterator[bytes] = _sse(events)
    else:
        # A WSGI worker has no event loop to stream from: the events come together at the end.
        content = iter([sse_frame(event) for event in async_to_sync(_collect)(events)])
    response = StreamingHttpResponse(content, content_type=f"{EVENT_STREAM}; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx and similar proxies must not hold tokens back
    return response


# --- views ------------------------------------------------------------------------------------


class ChatApi(TenantAPIView):
    renderer_classes = [JSONRenderer, EventStreamRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # Every response that is not the event stream (errors included) is JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def _rate_identity(self) -> str:
        if self.actor.api_key is not None:
            return f"key:{self.actor.api_key.id}"
        return f"user:{self.actor.user.pk if self.actor.user else 'anonymous'}"

    @extend_schema(
        request=ChatInput,
        responses={
            200: OpenApiResponse(
                ChatOutput,
                description="The answer as JSON; with `stream: true` or `Accept: text/event-stream`, a "
                "text/event-stream of `data: <event JSON>` lines (see docs/chat.md).",
            )
        },
        summary="Ask a bot a question",
    )
    def post(self, request: Request, bot_id: uuid.UUID) -> Response | StreamingHttpResponse:
        started = time.monotonic()
        require_role(self.actor, Role.MEMBER, action="chat with bots")
        data = ChatInput(data=request.data)
        data.is_valid(raise_exception=True)
        rate_limit_hit([(API, self._rate_identity())])
        turn = services.turn_start(
            bot=self.url_objects["bot_id"],
            participant=Participant(channel=Channel.API),
            text=data.validated_data["message"],
            conversation_id=data.validated_data.get("conversation_id"),
        )
        events = rag.answer_turn(turn, started=started)
        if data.validated_data["stream"] or EVENT_STREAM in request.headers.get("Accept", ""):
            return event_stream_response(request, events)

        outcome = async_to_sync(_collect)(events)[-1]
        if outcome["type"] == "error":
            raise AnswerFailed(
                outcome["message"], code=outcome["code"], extra={"conversation_id": str(turn.conversation.id)}
            )
        message = selectors.message_get(organization=self.actor.organization, message_id=outcome["message_id"])
        return Response({"conversation_id": str(turn.conversation.id), "message": MessageOutput(message).data})


class ConversationListApi(TenantAPIView):
    @extend_schema(responses=ConversationOutput(many=True), summary="Conversations of a bot, newest first")
    def get(self, request: Request, bot_id: uuid.UUID) -> Response:
        conversations = selectors.conversation_list(
            organization=self.actor.organization, bot=self.url_objects["bot_id"]
        )
        channel = request.query_params.get("channel")
        if channel:
            if channel not in Channel.values:
                raise ValidationError({"channel": [f"Must be one of: {', '.join(Channel.values)}."]})
            conversations = conversations.filter(channel=channel)
        return self.paginated_response(conversations, ConversationOutput)


class ConversationDetailApi(TenantAPIView):
    @extend_schema(responses=ConversationDetailOutput, summary="A conversation with its messages")
    def get(self, request: Request, conversation_id: uuid.UUID) -> Response:
        conversation = self.url_objects["conversation_id"]
        conversation.loaded_messages = list(selectors.conversation_messages(conversation=conversation))
        conversation.message_count = len(conversation.loaded_messages)
        return Response(ConversationDetailOutput(conversation).data)


class MessageFeedbackApi(TenantAPIView):
    @extend_schema(request=FeedbackInput, responses=MessageOutput, summary="Rate an answer (1 or -1)")
    def post(self, request: Request, message_id: uuid.UUID) -> Response:
        data = FeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_rate(
            actor=self.actor, message=self.url_objects["message_id"], rating=data.validated_data["rating"]
        )
        return Response(MessageOutput(message).data)


class WidgetConfigApi(APIView):
    """Public: the widget key is the credential. Cross-origin reads are allowed only from the
    bot's allowed origins (see `chat.cors`)."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def _bot(self, public_key: str) -> Bot:
        bot = bot_get_by_public_key(public_key=public_key)
        if bot is None or not bot.is_active:
            raise NotFound("Widget not found.")
        return bot

    @extend_schema(auth=[], responses=WidgetConfigOutput, summary="The widget's appearance and texts")
    def get(self, request: Request, public_key: str) -> Response:
        bot = self._bot(public_key)
        response = Response(WidgetConfigOutput(bot).data)
        response["Cache-Control"] = "max-age=60"
        for name, value in widget_cors_headers(request, bot).items():
            response[name] = value
        return response

    @extend_schema(exclude=True)
    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """CORS preflight: allowed origins may GET the configuration."""
        headers = widget_cors_headers(request, self._bot(kwargs["public_key"]))
        if "Access-Control-Allow-Origin" in headers:
            headers |= {"Access-Control-Allow-Methods": "GET", "Access-Control-Max-Age": "600"}
        return Response(status=204, headers=headers)
