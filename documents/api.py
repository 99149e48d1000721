"""Documents API: add knowledge to a bot (file, text or web page), list, read, delete, re-ingest."""

from __future__ import annotations

import uuid
from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from accounts.tenancy import require_role
from chatsphere.api.pagination import CreatedCursorPagination, NumberedPagination
from chatsphere.api.schema import error_responses
from chatsphere.api.views import TenantAPIView, register_url_object
from documents import selectors, services
from documents.models import Document, DocumentStatus, DocumentText, IngestionRun

register_url_object(
    "document_id",
    selectors.access_document_by_id,
)


class DocumentOutput(serializers.ModelSerializer):
    bot = serializers.UUIDField(source="bot_id", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "bot",
            "source",
            "title",
            "url",
            "content_type",
            "size_bytes",
            "page_count",
            "status",
            "stage",
            "progress",
            "error",
            "chunk_count",
            "token_count",
            "embedder",
            "embedding_dimension",
            "indexed_at",
            "created_at",
            "updated_at",
        ]


class IngestionRunOutput(serializers.ModelSerializer):
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = IngestionRun
        fields = [
            "id",
            "attempt",
            "outcome",
            "stage",
            "error",
            "chunk_count",
            "worker",
            "queued_at",
            "started_at",
            "finished_at",
            "duration_seconds",
        ]


class DocumentDetailOutput(DocumentOutput):
    """A document with its ingestion history, newest run first (the last `HISTORY_RUNS`)."""

    history = serializers.SerializerMethodField()

    class Meta(DocumentOutput.Meta):
        fields = [*DocumentOutput.Meta.fields, "history"]

    @extend_schema_field(IngestionRunOutput(many=True))
    def get_history(self, document: Document) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], IngestionRunOutput(self.context["history"], many=True).data)


class DocumentTextOutput(serializers.ModelSerializer):
    class Meta:
        model = DocumentText
        fields = ["number", "page", "heading", "text"]


class DocumentInput(serializers.Serializer):
    """One of `file` (multipart), `text` (with an optional title) or `url`."""

    file = serializers.FileField(required=False, allow_empty_file=True)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    url = serializers.CharField(required=False, max_length=2000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=255)

    def validate(self, attrs: dict) -> dict:
        given = [name for name in ("file", "text", "url") if name in attrs]
        if not given:
            raise serializers.ValidationError({"file": ["Send a file, a text with a title, or the url of a web page."]})
        if len(given) > 1:
            raise serializers.ValidationError({given[1]: [f"Send only one of file, text or url, not {given}."]})
        return attrs


class DocumentListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=DocumentStatus.choices, required=False)


class BotDocumentListApi(TenantAPIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("status", enum=DocumentStatus.values, required=False, description="Only these"),
        ],
        responses=DocumentOutput(many=True),
        summary="Documents of a bot, newest first",
    )
    def get(self, request: Request, bot_id: uuid.UUID) -> Response:
        query = DocumentListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        documents = selectors.document_list(
            organization=self.actor.organization,
            bot=self.url_objects["bot_id"],
            status=query.validated_data.get("status"),
        )
        return self.paginated_response(documents, DocumentOutput)

    @extend_schema(
        request={"multipart/form-data": DocumentInput, "application/json": DocumentInput},
        responses={
            202: DocumentOutput,
            **error_responses(
                409,
                description="The bot already has this content (`duplicate_document`), or the bot or its "
                "organization is at a knowledge quota (`knowledge_quota_exceeded`).",
            ),
        },
        summary="Add a file, a text or a web page to a bot's knowledge (processed in the background)",
    )
    def post(self, request: Request, bot_id: uuid.UUID) -> Response:
        # Before the body is read: a member's upload is refused without receiving the file.
        require_role(self.actor, Role.ADMIN, action="add documents")
        data = DocumentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        bot, title = self.url_objects["bot_id"], values.get("title", "")
        if "file" in values:
            document = services.document_create_from_file(
                actor=self.actor, bot=bot, uploaded_file=values["file"], title=title
            )
        elif "url" in values:
            document = services.document_create_from_url(actor=self.actor, bot=bot, url=values["url"], title=title)
        else:
            document = services.document_create_from_text(actor=self.actor, bot=bot, title=title, text=values["text"])
        return Response(DocumentOutput(document).data, status=status.HTTP_202_ACCEPTED)


#: Runs of a document's history in its detail.
HISTORY_RUNS = 20


class DocumentDetailApi(TenantAPIView):
    @extend_schema(
        responses=DocumentDetailOutput, summary="A document with its processing status and ingestion history"
    )
    def get(self, request: Request, document_id: uuid.UUID) -> Response:
        document = self.url_objects["document_id"]
        history = list(selectors.document_runs(document=document)[:HISTORY_RUNS])
        return Response(DocumentDetailOutput(document, context={"history": history}).data)

    @extend_schema(responses={204: None}, summary="Delete a document, its passages and its vectors")
    def delete(self, request: Request, document_id: uuid.UUID) -> Response:
        services.document_delete(actor=self.actor, document=self.url_objects["document_id"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentReingestApi(TenantAPIView):
    @extend_schema(
        request=None,
        responses={202: DocumentOutput, **error_responses(409, description="The document is being processed.")},
        summary="Process a document again",
    )
    def post(self, request: Request, document_id: uuid.UUID) -> Response:
        document = services.document_reingest(actor=self.actor, document=self.url_objects["document_id"])
        return Response(DocumentOutput(document).data, status=status.HTTP_202_ACCEPTED)


class DocumentTextQuery(serializers.Serializer):
    pdf_page = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)


class DocumentTextApi(TenantAPIView):
    pagination_class = NumberedPagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "pdf_page", int, required=False, description="Only the text of this page of a PDF (one part or more)"
            ),
        ],
        responses=DocumentTextOutput(many=True),
        summary="The text extracted from a document, part by part (a PDF page by page)",
    )
    def get(self, request: Request, document_id: uuid.UUID) -> Response:
        query = DocumentTextQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        parts = selectors.document_text_parts(
            document=self.url_objects["document_id"], page=query.validated_data.get("pdf_page")
        )
        return self.paginated_response(parts, DocumentTextOutput)
