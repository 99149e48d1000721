"""Website sources API: crawl a site (or a sitemap) into a bot's knowledge, follow its progress
and its pages, change its schedule, crawl it again, delete it with its documents."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from accounts.tenancy import require_role
from chatsphere.api.pagination import CreatedCursorPagination
from chatsphere.api.schema import error_responses
from chatsphere.api.views import TenantAPIView, register_url_object
from documents import selectors, websites
from documents.models import RecrawlSchedule, WebsiteKind, WebsitePage, WebsitePageStatus, WebsiteSource

register_url_object("website_id", selectors.access_website_by_id)


class WebsiteProgressOutput(serializers.Serializer):
    found = serializers.IntegerField(source="pages_found", help_text="Pages of the site known (gone ones aside).")
    checked = serializers.IntegerField(source="pages_checked", help_text="Pages the current (or last) crawl checked.")
    fetched = serializers.IntegerField(source="pages_fetched", help_text="Pages fetched, changed or not.")
    ingested = serializers.IntegerField(source="pages_ingested", help_text="Pages whose document is ready.")
    failed = serializers.IntegerField(source="pages_failed")
    skipped = serializers.IntegerField(source="pages_skipped")
    gone = serializers.IntegerField(source="pages_gone", help_text="Pages the site no longer has (removed).")


class WebsiteOutput(serializers.ModelSerializer):
    bot = serializers.UUIDField(source="bot_id", read_only=True)
    progress = WebsiteProgressOutput(source="*", read_only=True)

    class Meta:
        model = WebsiteSource
        fields = [
            "id",
            "bot",
            "start_url",
            "kind",
            "max_depth",
            "max_pages",
            "schedule",
            "status",
            "error",
            "progress",
            "last_run_started_at",
            "last_run_finished_at",
            "next_run_at",
            "created_at",
            "updated_at",
        ]


class WebsitePageOutput(serializers.ModelSerializer):
    document = serializers.UUIDField(source="document_id", read_only=True, allow_null=True)
    document_status = serializers.CharField(source="document.status", read_only=True, allow_null=True, default=None)

    class Meta:
        model = WebsitePage
        fields = ["url", "depth", "status", "reason", "document", "document_status", "fetched_at"]


class WebsiteInput(serializers.Serializer):
    start_url = serializers.CharField(max_length=2000, help_text="The site's first page, or its sitemap.")
    kind = serializers.ChoiceField(choices=WebsiteKind.choices, default=WebsiteKind.SITE)
    max_depth = serializers.IntegerField(required=False, help_text="Links followed from the start (default 2).")
    max_pages = serializers.IntegerField(required=False, help_text="Most pages taken (default 50).")
    schedule = serializers.ChoiceField(choices=RecrawlSchedule.choices, default=RecrawlSchedule.OFF)


class WebsiteUpdateInput(serializers.Serializer):
    max_depth = serializers.IntegerField(required=False)
    max_pages = serializers.IntegerField(required=False)
    schedule = serializers.ChoiceField(choices=RecrawlSchedule.choices, required=False)


class WebsitePagesQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=WebsitePageStatus.choices, required=False)


def _fresh(request_view: TenantAPIView, website: WebsiteSource) -> WebsiteSource:
    return selectors.access_website_by_id(request_view.actor, website.id)


class BotWebsiteListApi(TenantAPIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(responses=WebsiteOutput(many=True), summary="Website sources of a bot, newest first")
    def get(self, request: Request, bot_id: uuid.UUID) -> Response:
        found = selectors.website_list(organization=self.actor.organization, bot=self.url_objects["bot_id"])
        return self.paginated_response(found, WebsiteOutput)

    @extend_schema(
        request=WebsiteInput,
        responses={
            202: WebsiteOutput,
            **error_responses(
                409,
                description="The site is already a source of the bot (`duplicate_website`), or the bot or its "
                "organization is at a knowledge quota (`knowledge_quota_exceeded`).",
            ),
        },
        summary="Crawl a web site (or a sitemap) into a bot's knowledge (in the background)",
    )
    def post(self, request: Request, bot_id: uuid.UUID) -> Response:
        require_role(self.actor, Role.ADMIN, action="add documents")
        data = WebsiteInput(data=request.data)
        data.is_valid(raise_exception=True)
        website = websites.website_create(actor=self.actor, bot=self.url_objects["bot_id"], **data.validated_data)
        return Response(WebsiteOutput(_fresh(self, website)).data, status=status.HTTP_202_ACCEPTED)


class WebsiteDetailApi(TenantAPIView):
    @extend_schema(responses=WebsiteOutput, summary="A website source with its crawl's progress")
    def get(self, request: Request, website_id: uuid.UUID) -> Response:
        return Response(WebsiteOutput(self.url_objects["website_id"]).data)

    @extend_schema(request=WebsiteUpdateInput, responses=WebsiteOutput, summary="Change a website's schedule or limits")
    def patch(self, request: Request, website_id: uuid.UUID) -> Response:
        data = WebsiteUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        website = websites.website_update(
            actor=self.actor, website=self.url_objects["website_id"], **data.validated_data
        )
        return Response(WebsiteOutput(_fresh(self, website)).data)

    @extend_schema(responses={204: None}, summary="Delete a website source and every document crawled from it")
    def delete(self, request: Request, website_id: uuid.UUID) -> Response:
        websites.website_delete(actor=self.actor, website=self.url_objects["website_id"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebsiteRecrawlApi(TenantAPIView):
    @extend_schema(
        request=None,
        responses={202: WebsiteOutput, **error_responses(409, description="The site is being crawled right now.")},
        summary="Crawl a website again now (changed pages are ingested again, gone ones removed)",
    )
    def post(self, request: Request, website_id: uuid.UUID) -> Response:
        website = websites.website_recrawl(actor=self.actor, website=self.url_objects["website_id"])
        return Response(WebsiteOutput(_fresh(self, website)).data, status=status.HTTP_202_ACCEPTED)


class WebsitePageListApi(TenantAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", enum=WebsitePageStatus.values, required=False, description="Only these")
        ],
        responses=WebsitePageOutput(many=True),
        summary="The pages of a website source, with what the last crawl made of each",
    )
    def get(self, request: Request, website_id: uuid.UUID) -> Response:
        query = WebsitePagesQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        pages = selectors.website_pages(
            website=self.url_objects["website_id"], status=query.validated_data.get("status", "")
        )
        return Response(WebsitePageOutput(pages, many=True).data)
