from __future__ import annotations

from django.contrib import admin

from accounts.admin_base import TenantAdmin, ViewOnly
from privacy.models import RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(ViewOnly, TenantAdmin):
    """Shown, not edited: owners change retention on the dashboard's privacy page or the API,
    where the change is checked and recorded in the audit log."""

    list_display = ["organization", "conversation_days", "lead_days", "updated_at"]
    list_filter = ["organization"]
    fields = ("organization", "conversation_days", "lead_days", "created_at", "updated_at")
    readonly_fields = fields
