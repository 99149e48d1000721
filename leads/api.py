"""Leads API: the team lists, reads, exports and moves leads; the widget sends its contact form."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.context import request_client_ip
from bots.models import Bot
from bots.origins import origin_header, origin_in
from bots.selectors import bot_get_by_public_key
from chat.cors import widget_cors_headers
from chat.visitors import visitor_token_read
from chatsphere.api.csv_download import CsvDownloadMixin
from chatsphere.api.pagination import CreatedCursorPagination
from chatsphere.api.schema import error_responses
from chatsphere.api.views import TenantAPIView, register_url_object
from chatsphere.errors import NotFound, PermissionDenied
from leads import selectors, services
from leads.export import export_csv
from leads.models import Lead, LeadReason, LeadStatus

register_url_object("lead_id", selectors.access_lead_by_id)


class LeadOutput(serializers.ModelSerializer):
    bot_id = serializers.UUIDField()
    conversation_id = serializers.UUIDField(allow_null=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            "bot_id",
            "conversation_id",
            "visitor_id",
            "status",
            "reason",
            "name",
            "email",
            "message",
            "consent_given",
            "consent_text",
            "origin_page",
            "created_at",
            "updated_at",
            "status_changed_at",
        ]


class LeadFilterInput(serializers.Serializer):
    bot = serializers.UUIDField(required=False, help_text="Only this bot's leads.")
    status = serializers.ChoiceField(choices=LeadStatus.choices, required=False)
    q = serializers.CharField(required=False, max_length=200, help_text="Words in the name, e-mail or message.")
    created_from = serializers.DateField(required=False, help_text="From this day, included.")
    created_to = serializers.DateField(required=False, help_text="Up to this day, included.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("created_from") and attrs.get("created_to") and attrs["created_from"] > attrs["created_to"]:
            raise serializers.ValidationError({"created_to": ["Must be on or after created_from."]})
        return attrs

    def filters(self) -> selectors.LeadFilter:
        data = self.validated_data
        return selectors.LeadFilter(
            bot_id=data.get("bot"),
            status=data.get("status", ""),
            search=data.get("q", ""),
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
        )


FILTER_PARAMETERS = [
    OpenApiParameter("bot", OpenApiTypes.UUID, required=False, description="Only this bot's leads"),
    OpenApiParameter("status", enum=LeadStatus.values, required=False, description="Only leads in this status"),
    OpenApiParameter("q", OpenApiTypes.STR, required=False, description="Words in the name, e-mail or message"),
    OpenApiParameter("created_from", OpenApiTypes.DATE, required=False, description="From this day, included"),
    OpenApiParameter("created_to", OpenApiTypes.DATE, required=False, description="Up to this day, included"),
]


class LeadStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=LeadStatus.choices)


class _LeadListView(TenantAPIView):
    def filtered_leads(self, request: Request) -> Any:
        filters = LeadFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.lead_list(organization=self.actor.organization, filters=filters.filters())


class LeadListApi(_LeadListView):
    pagination_class = CreatedCursorPagination

    @extend_schema(parameters=FILTER_PARAMETERS, responses=LeadOutput(many=True), summary="Leads of the organization")
    def get(self, request: Request) -> Response:
        return self.paginated_response(self.filtered_leads(request), LeadOutput)


class LeadExportApi(CsvDownloadMixin, _LeadListView):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per lead, newest first.")},
        summary="Export leads as CSV",
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        return leads_csv_response(self.filtered_leads(request), organization_slug=self.actor.organization.slug)


def leads_csv_response(leads: Any, *, organization_slug: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(export_csv(leads), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leads-{organization_slug}-{timezone.now():%Y%m%d}.csv"'
    return response


class LeadDetailApi(TenantAPIView):
    @extend_schema(responses=LeadOutput, summary="A lead")
    def get(self, request: Request, lead_id: uuid.UUID) -> Response:
        return Response(LeadOutput(self.url_objects["lead_id"]).data)

    @extend_schema(request=LeadStatusInput, responses=LeadOutput, summary="Change a lead's status (admin or owner)")
    def patch(self, request: Request, lead_id: uuid.UUID) -> Response:
        data = LeadStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        lead = services.lead_status_update(actor=self.actor, lead_id=lead_id, status=data.validated_data["status"])
        return Response(LeadOutput(lead).data)


# --- the widget's contact form ------------------------------------------------------------------


class WidgetLeadInput(serializers.Serializer):
    """Types only; the bot's form decides what is required (the service names each wrong field)."""

    visitor_token = serializers.CharField(max_length=500)
    conversation_id = serializers.UUIDField(required=False, allow_null=True)
    reason = serializers.ChoiceField(choices=LeadReason.choices, required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    email = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    message = serializers.CharField(required=False, allow_blank=True, max_length=10_000, trim_whitespace=False)
    consent = serializers.BooleanField(required=False, default=False)


class WidgetLeadOutput(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()


class WidgetLeadApi(APIView):
    """Public: the widget key names the bot and the visitor token the visitor. Only the bot's
    allowed origins (and the hosted chat page) may send, as on the widget's socket."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    #: CORS headers for the bot's allowed origin, on every answer (errors too, so the widget reads them).
    cors_headers: dict[str, str] = {}

    def _bot(self, public_key: str) -> Bot:
        bot = bot_get_by_public_key(public_key=public_key)
        if bot is None or not bot.is_active or not bot.handoff_enabled:
            raise NotFound("This assistant does not take contact requests.")
        self.cors_headers = widget_cors_headers(self.request, bot)
        return bot

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in self.cors_headers.items():
            response[name] = value
        return response

    def _check_origin(self, request: Request, bot: Bot) -> None:
        origin = origin_header(request.headers.get("Origin"))
        own = [f"{request.scheme}://{request.get_host()}"]
        if not origin_in(origin, [*bot.allowed_origins, *own]):
            raise PermissionDenied("The contact form can be sent only from the bot's own website.")

    @extend_schema(
        auth=[],
        request=WidgetLeadInput,
        responses={201: WidgetLeadOutput, **error_responses(404, 429)},
        summary="Send the widget's contact form (a new lead)",
    )
    def post(self, request: Request, public_key: str) -> Response:
        bot = self._bot(public_key)
        self._check_origin(request, bot)
        data = WidgetLeadInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        visitor_id = visitor_token_read(token=values["visitor_token"], bot_id=bot.id)
        if visitor_id is None:
            raise PermissionDenied("This chat session has expired; reload the page and try again.")
        lead = services.lead_submit(
            bot=bot,
            visitor_id=visitor_id,
            client_ip=request_client_ip(request) or "unknown",
            submission=services.Submission(
                name=values.get("name", ""),
                email=values.get("email", ""),
                message=values.get("message", ""),
                consent=values.get("consent", False),
                reason=values.get("reason", ""),
                conversation_id=values.get("conversation_id"),
            ),
        )
        return Response(WidgetLeadOutput(lead).data, status=status.HTTP_201_CREATED)

    @extend_schema(exclude=True)
    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # DRF passes its Request
        """CORS preflight: allowed origins may POST the form as JSON."""
        self._bot(kwargs["public_key"])
        headers = {}
        if "Access-Control-Allow-Origin" in self.cors_headers:
            headers = {
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "600",
            }
        return Response(status=204, headers=headers)
