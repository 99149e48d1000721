from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest

from accounts.admin_base import TenantAdmin, admin_actor
from chatsphere.errors import ApplicationError
from leads import services
from leads.models import Lead


@admin.register(Lead)
class LeadAdmin(TenantAdmin):
    """Leads of the staff member's organizations. Only the status changes here, through the same
    service as the dashboard (audit log); a visitor's leads are erased on the privacy page."""

    list_display = ["display_name", "email", "bot", "status", "organization", "created_at"]
    list_filter = ["status", "organization", "bot"]
    search_fields = ["name", "email", "message"]
    list_select_related = ["organization", "bot"]
    fields = (
        "organization",
        "bot",
        "conversation",
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
        "status_changed_at",
    )
    readonly_fields = tuple(field for field in fields if field != "status")
    actions: list[Any] = []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Lead, form: Any, change: bool) -> None:
        try:
            services.lead_status_update(actor=admin_actor(request, obj.organization), lead_id=obj.id, status=obj.status)
        except ApplicationError as error:
            messages.error(request, error.display_message)
