from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin_base import TenantAdmin, ViewOnly, organization_ids
from accounts.models import Role
from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ViewOnly, TenantAdmin):
    """Read-only for everyone, superusers included: the log is a record, never edited or deleted.
    Staff see the entries of organizations they own, as on the dashboard."""

    list_display = ["created_at", "organization", "actor_label", "action", "target_type", "target_label", "ip_address"]
    list_filter = ["organization", "action"]
    search_fields = ["actor_label", "target_label", "target_id"]
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "organization",
        "actor_label",
        "actor_user",
        "actor_api_key",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "changes",
        "ip_address",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organization_id__in=organization_ids(request, minimum=Role.OWNER))
