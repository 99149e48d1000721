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
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bots.models import Bot, WidgetTheme
from bots.selectors import bot_get_by_public_key
from chat import rag, selectors, services, sources
from chat.cors import widget_cors_headers
from chat.models import Channel, Conversation, Message
from chat.onboarding import visitor_greeting
from chat.participants import Participant
from chat.ratelimit import API, rate_limit_hit
from chat.visitors import visitor_token_read
from chatsphere.api.pagination import CreatedCursorPagination
from chatsphere.api.schema import error_responses
from chatsphere.api.views import TenantAPIView, register_url_object
from chatsphere.errors import ApplicationError, NotFound

register_url_object(
    "conversation_id",
    selectors.access_conversation_by_id,
)
register_url_object("message_id", selectors.access_message_by_id)
# A source's number within the answer the URL names: looked up with that answer, not on its own.
register_url_object("source_number", lambda actor, number: number)

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
    snippet = serializers.CharField(allow_blank=True)
    score = serializers.FloatField()
    url = serializers.URLField(
        allow_null=True, default=None, help_text="A web page's address (http or https); null for other sources."
    )


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
            "verified_user_id",
            "verified_email",
            "verified_name",
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


class CitedSentenceOutput(serializers.Serializer):
    text = serializers.CharField()
    cited = serializers.BooleanField(help_text="One of the sentences the answer relies on (to highlight).")


class CitedPassageOutput(serializers.Serializer):
    number = serializers.IntegerField(help_text="The source's number, as the answer's [n] markers use it.")
    title = serializers.CharField()
    page = serializers.IntegerField(allow_null=True)
    url = serializers.URLField(allow_null=True)
    paragraphs = serializers.ListField(
        child=CitedSentenceOutput(many=True), help_text="The passage: paragraphs, each a list of its sentences."
    )


class WidgetConfigOutput(serializers.Serializer):
    public_key = serializers.CharField()
    title = serializers.CharField(source="display_title")
    primary_color = serializers.CharField()
    position = serializers.CharField()
    theme = serializers.ChoiceField(
        choices=WidgetTheme.choices, help_text="`light`, `dark`, or `auto`: follow the visitor's system setting."
    )
    welcome_message = serializers.CharField()
    suggested_questions = serializers.ListField(child=serializers.CharField())
    source_previews = serializers.BooleanField(
        help_text="Whether visitors may open the passage a document citation points to."
    )
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

ANSWER_DESCRIPTION = """The answer as JSON by default. With `stream: true` or `Accept: text/event-stream`,
a `text/event-stream` instead: each event is one `data: <JSON>` line followed by a blank line, in
this order:

- `{"type": "conversation", "id"}`: the conversation the question was saved in;
- `{"type": "token", "text"}`, zero or more times: the next piece of the answer;
- `{"type": "sources", "citations": [{number, kind, document_id, curated_answer_id, title, page,
  snippet, score}]}`: the passages the answer cites;
- `{"type": "done", "message_id"}`: the saved answer.

`{"type": "error", "code", "message"}` (plus `retry_after` for `rate_limited`) replaces the rest at
any point, with a `code` of the API's error vocabulary."""


#: One event of the stream (Open API 3.0 has a text/event-stream schema describe each event).
SERVER_SENT_EVENT = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "string",
            "description": "One chat event as JSON: `conversation`, `token`, `sources`, `done` or `error`.",
        },
        "event": {"type": "string"},
        "id": {"type": "string"},
    },
}


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
            (200, "application/json"): OpenApiResponse(ChatOutput, description=ANSWER_DESCRIPTION),
            (200, EVENT_STREAM): OpenApiResponse(SERVER_SENT_EVENT, description=ANSWER_DESCRIPTION),
            **error_responses(429, 502),
        },
        summary="Ask a bot a question",
    )
    def post(self, request: Request, bot_id: uuid.UUID) -> Response | StreamingHttpResponse:
        started = time.monotonic()
        data = ChatInput(data=request.data)
        data.is_valid(raise_exception=True)
        rate_limit_hit([(API, self._rate_identity())])
        turn = services.api_turn_start(
            actor=self.actor,
            bot=self.url_objects["bot_id"],
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
        message = selectors.access_message_by_id(self.actor, outcome["message_id"])
        return Response({"conversation_id": str(turn.conversation.id), "message": MessageOutput(message).data})


class ConversationListApi(TenantAPIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        parameters=[OpenApiParameter("channel", enum=Channel.values, required=False, description="Only these")],
        responses=ConversationOutput(many=True),
        summary="Conversations of a bot, newest first",
    )
    def get(self, request: Request, bot_id: uuid.UUID) -> Response:
        conversations = selectors.conversation_list(
            organization=self.actor.organization,
            bot=self.url_objects["bot_id"],
            channel=request.query_params.get("channel", ""),
        )
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


class MessageSourceApi(TenantAPIView):
    @extend_schema(
        responses={200: CitedPassageOutput, **error_responses(404)},
        summary="The passage an answer cites as [number], its cited sentences marked",
    )
    def get(self, request: Request, message_id: uuid.UUID, source_number: int) -> Response:
        passage = sources.message_cited_passage(message=self.url_objects["message_id"], number=source_number)
        return Response(CitedPassageOutput(passage.as_dict()).data)


VISITOR_TOKEN_HEADER = "X-Visitor-Token"  # noqa: S105 - the name of a header, not a secret


class WidgetSourceApi(APIView):
    """Public, for the widget: a passage cited to the visitor whose token comes in the
    `X-Visitor-Token` header, in one of their conversations with this bot. Any other answer,
    source or visitor, and a bot whose source previews are off, is 404."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def _bot(self, public_key: str) -> Bot:
        bot = bot_get_by_public_key(public_key=public_key)
        if bot is None or not bot.is_active:
            raise NotFound(sources.SOURCE_NOT_FOUND)
        return bot

    def _cors(self, response: Response, bot: Bot) -> Response:
        for name, value in widget_cors_headers(self.request, bot).items():
            response[name] = value
        return response

    @extend_schema(
        auth=[],
        parameters=[OpenApiParameter(VISITOR_TOKEN_HEADER, location=OpenApiParameter.HEADER, required=True)],
        responses={200: CitedPassageOutput, **error_responses(404)},
        summary="A passage cited to a widget visitor",
    )
    def get(self, request: Request, public_key: str, message_id: uuid.UUID, number: int) -> Response:
        bot = self._bot(public_key)
        visitor_id = visitor_token_read(token=request.headers.get(VISITOR_TOKEN_HEADER, ""), bot_id=bot.id)
        if visitor_id is None:
            raise NotFound(sources.SOURCE_NOT_FOUND)
        passage = sources.visitor_cited_passage(
            bot=bot,
            participant=Participant(channel=Channel.WIDGET, visitor_id=visitor_id),
            message_id=message_id,
            number=number,
        )
        response = Response(CitedPassageOutput(passage.as_dict()).data)
        response["Cache-Control"] = "private, no-store"
        return self._cors(response, bot)

    @extend_schema(exclude=True)
    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # DRF passes its Request
        """CORS preflight: allowed origins may GET passages with the visitor's token."""
        headers = widget_cors_headers(request, self._bot(kwargs["public_key"]))
        if "Access-Control-Allow-Origin" in headers:
            headers |= {
                "Access-Control-Allow-Methods": "GET",
                "Access-Control-Allow-Headers": VISITOR_TOKEN_HEADER,
                "Access-Control-Max-Age": "600",
            }
        return Response(status=204, headers=headers)


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
        welcome, questions = visitor_greeting(bot=bot)
        response = Response(
            {**WidgetConfigOutput(bot).data, "welcome_message": welcome, "suggested_questions": questions}
        )
        response["Cache-Control"] = "max-age=60"
        for name, value in widget_cors_headers(request, bot).items():
            response[name] = value
        return response

    @extend_schema(exclude=True)
    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # DRF passes its Request
        """CORS preflight: allowed origins may GET the configuration."""
        headers = widget_cors_headers(request, self._bot(kwargs["public_key"]))
        if "Access-Control-Allow-Origin" in headers:
            headers |= {"Access-Control-Allow-Methods": "GET", "Access-Control-Max-Age": "600"}
        return Response(status=204, headers=headers)
