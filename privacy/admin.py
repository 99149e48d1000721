from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from accounts.admin_base import TenantAdmin
from privacy.models import RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(TenantAdmin):
    """Shown, not edited: owners change retention on the dashboard's privacy page or the API,
    where the change is checked and recorded in the audit log."""

    list_display = ["organization", "conversation_days", "lead_days", "updated_at"]
    list_filter = ["organization"]
    fields = ("organization", "conversation_days", "lead_days", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
