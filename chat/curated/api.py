"""Curated answers API: a bot's owner-written answers (list, create, read, change, delete) and
the questions the bot could not answer."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from chat import selectors as chat_selectors
from chat.curated import selectors, services
from chat.models import CURATED_ANSWER_MAX, CURATED_QUESTION_MAX, CuratedAnswer, Message
from chatsphere.api.pagination import CreatedCursorPagination
from chatsphere.api.schema import error_responses
from chatsphere.api.views import TenantAPIView, register_url_object
from chatsphere.errors import NotFound

register_url_object(
    "curated_answer_id",
    selectors.access_curated_answer_by_id,
)


DUPLICATE = "The bot already has an answer to this question (`duplicate_question`, `curated_answer_id`)."


class CuratedAnswerOutput(serializers.ModelSerializer):
    bot_id = serializers.UUIDField()
    source_message_id = serializers.UUIDField(allow_null=True)
    created_by = serializers.EmailField(source="created_by.email", allow_null=True, default=None)
    updated_by = serializers.EmailField(source="updated_by.email", allow_null=True, default=None)

    class Meta:
        model = CuratedAnswer
        fields = [
            "id",
            "bot_id",
            "question",
            "answer",
            "source_message_id",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
        ]


class CuratedAnswerInput(serializers.Serializer):
    """Types and sizes; the services check the rest (blank text, duplicates, the source message)."""

    question = serializers.CharField(max_length=CURATED_QUESTION_MAX)
    answer = serializers.CharField(max_length=CURATED_ANSWER_MAX)
    source_message_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="The bot answer this entry corrects (create only)."
    )


class CuratedAnswerChange(serializers.Serializer):
    question = serializers.CharField(max_length=CURATED_QUESTION_MAX, required=False)
    answer = serializers.CharField(max_length=CURATED_ANSWER_MAX, required=False)


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Words in the question or the answer"
    )


class UnansweredQuery(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=200, default=50, help_text="At most this many questions"
    )


class UnansweredOutput(serializers.Serializer):
    question = serializers.CharField()
    count = serializers.IntegerField()
    last_asked_at = serializers.DateTimeField()
    message_id = serializers.UUIDField(help_text="The newest fallback answer to this question.")
    conversation_id = serializers.UUIDField()


def _source_message(request_value: uuid.UUID | None, view: TenantAPIView) -> Message | None:
    if request_value is None:
        return None
    try:
        return chat_selectors.access_message_by_id(view.actor, request_value)
    except NotFound as exc:
        exc.errors = {"source_message_id": ["No answer of this bot has this id."]}
        raise


class BotCuratedAnswerListApi(TenantAPIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        parameters=[SearchQuery],
        responses=CuratedAnswerOutput(many=True),
        summary="Curated answers of a bot, newest first",
    )
    def get(self, request: Request, bot_id: uuid.UUID) -> Response:
        query = SearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        entries = selectors.curated_answer_list(
            organization=self.actor.organization,
            bot=self.url_objects["bot_id"],
            search=query.validated_data.get("q", ""),
        )
        return self.paginated_response(entries, CuratedAnswerOutput)

    @extend_schema(
        request=CuratedAnswerInput,
        responses={201: CuratedAnswerOutput, **error_responses(409, description=DUPLICATE)},
        summary="Write the answer to a question (admin or owner)",
    )
    def post(self, request: Request, bot_id: uuid.UUID) -> Response:
        data = CuratedAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        entry = services.curated_answer_create(
            actor=self.actor,
            bot=self.url_objects["bot_id"],
            question=values["question"],
            answer=values["answer"],
            source_message=_source_message(values.get("source_message_id"), self),
        )
        return Response(CuratedAnswerOutput(entry).data, status=status.HTTP_201_CREATED)


class CuratedAnswerDetailApi(TenantAPIView):
    @extend_schema(responses=CuratedAnswerOutput, summary="A curated answer")
    def get(self, request: Request, curated_answer_id: uuid.UUID) -> Response:
        return Response(CuratedAnswerOutput(self.url_objects["curated_answer_id"]).data)

    @extend_schema(
        request=CuratedAnswerChange,
        responses={200: CuratedAnswerOutput, **error_responses(409, description=DUPLICATE)},
        summary="Change a curated answer",
    )
    def patch(self, request: Request, curated_answer_id: uuid.UUID) -> Response:
        data = CuratedAnswerChange(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.curated_answer_update(
            actor=self.actor, curated_answer=self.url_objects["curated_answer_id"], **data.validated_data
        )
        return Response(CuratedAnswerOutput(entry).data)

    @extend_schema(responses={204: None}, summary="Delete a curated answer")
    def delete(self, request: Request, curated_answer_id: uuid.UUID) -> Response:
        services.curated_answer_delete(actor=self.actor, curated_answer=self.url_objects["curated_answer_id"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class BotUnansweredApi(TenantAPIView):
    @extend_schema(
        parameters=[UnansweredQuery],
        responses=inline_serializer("UnansweredList", {"results": UnansweredOutput(many=True)}),
        summary="Questions the bot answered with its fallback, newest first, one row per question",
    )
    def get(self, request: Request, bot_id: uuid.UUID) -> Response:
        query = UnansweredQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.unanswered_questions(
            organization=self.actor.organization, bot=self.url_objects["bot_id"], limit=query.validated_data["limit"]
        )
        return Response({"results": UnansweredOutput(rows, many=True).data})
