"""Audit log API: owners read and export what was done in their organization."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from audit import selectors
from audit.export import audit_csv_rows
from audit.models import AuditAction, AuditEntry
from chatsphere.api.csv_download import CsvDownloadMixin
from chatsphere.api.pagination import CreatedCursorPagination
from chatsphere.api.views import OrganizationAPIView


class AuditEntryOutput(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")
    actor_user_id = serializers.UUIDField(allow_null=True)
    actor_api_key_id = serializers.UUIDField(allow_null=True)
    changes = serializers.JSONField(help_text='Settings: {"field": {"from": old, "to": new}}; otherwise facts.')

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_user_id",
            "actor_api_key_id",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "changes",
            "ip_address",
        ]


class AuditFilterInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=AuditAction.choices, required=False)
    actor = serializers.UUIDField(required=False, help_text="Only actions of this user (id).")
    since = serializers.DateField(required=False, help_text="From this day (UTC), included.")
    until = serializers.DateField(required=False, help_text="Up to this day (UTC), included.")


FILTER_PARAMETERS = [
    OpenApiParameter("action", enum=AuditAction.values, required=False, description="Only this action"),
    OpenApiParameter("actor", OpenApiTypes.UUID, required=False, description="Only actions of this user (id)"),
    OpenApiParameter("since", OpenApiTypes.DATE, required=False, description="From this day (UTC), included"),
    OpenApiParameter("until", OpenApiTypes.DATE, required=False, description="Up to this day (UTC), included"),
]


class _AuditLogView(OrganizationAPIView):
    def filtered_entries(self, request: Request) -> Any:
        filters = AuditFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return selectors.audit_entry_list(
            actor=self.actor,
            action=data.get("action", ""),
            actor_user_id=data.get("actor"),
            since=data.get("since"),
            until=data.get("until"),
        )


class AuditLogApi(_AuditLogView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses=AuditEntryOutput(many=True),
        summary="The organization's audit log, newest first (owners)",
    )
    def get(self, request: Request, organization_id: uuid.UUID) -> Response:
        return self.paginated_response(self.filtered_entries(request), AuditEntryOutput)


class AuditLogExportApi(CsvDownloadMixin, _AuditLogView):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per entry, newest first.")
        },
        summary="Export the audit log as CSV (owners)",
    )
    def get(self, request: Request, organization_id: uuid.UUID) -> StreamingHttpResponse:
        entries = self.filtered_entries(request).iterator(chunk_size=500)
        return audit_csv_response(entries, organization_slug=self.actor.organization.slug)


def audit_csv_response(entries: Any, *, organization_slug: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(audit_csv_rows(entries), content_type="text/csv; charset=utf-8")
    name = f"audit-log-{organization_slug}-{timezone.now():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
