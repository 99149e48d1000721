from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest

from accounts.admin_base import TenantAdmin
from chat.models import Conversation, Message


class MessageInline(admin.TabularInline):
    """The transcript, read-only: conversations are records of what was said."""

    model = Message
    extra = 0
    can_delete = False
    ordering = ["created_at"]
    fields = [
        "created_at",
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
    ]
    readonly_fields = fields

    # The conversation page is already scoped to the user's organizations; its messages follow it.
    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(TenantAdmin):
    list_display = ["__str__", "bot", "organization", "channel", "message_count", "created_at", "last_message_at"]
    list_filter = ["organization", "bot", "channel"]
    search_fields = ["title", "visitor_id"]
    list_select_related = ["bot", "organization"]
    date_hierarchy = "created_at"
    fields = [
        "organization",
        "bot",
        "channel",
        "title",
        "visitor_id",
        "user",
        "origin_page",
        "user_agent",
        "created_at",
        "last_message_at",
    ]
    readonly_fields = fields
    inlines = [MessageInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Conversation]:
        return super().get_queryset(request).annotate(message_total=Count("messages"))

    @admin.display(description="messages", ordering="message_total")
    def message_count(self, obj: Conversation) -> int:
        return getattr(obj, "message_total", 0)

    # Conversations are created by chatting, never typed in; admins may delete them (e.g. on request).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
