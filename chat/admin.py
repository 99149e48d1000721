from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest

from accounts.admin import _copy_fields
from accounts.admin_base import TenantAdmin, ViewOnly, admin_actor
from chat.curated import services as curated_services
from chat.models import Conversation, CuratedAnswer, Message
from chatsphere.errors import ApplicationError


class MessageInline(ViewOnly, admin.TabularInline):
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
    readonly_fields = fields  # type: ignore[assignment]  # the same names; the stub types the two lists apart

    # The conversation page is already scoped to the user's organizations; its messages follow it.
    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True


@admin.register(Conversation)
class ConversationAdmin(TenantAdmin):
    list_display = ["__str__", "bot", "organization", "channel", "message_count", "created_at", "last_message_at"]
    list_filter = ["organization", "bot", "channel"]
    search_fields = ["title", "visitor_id", "verified_user_id", "verified_email"]
    list_select_related = ["bot", "organization"]
    date_hierarchy = "created_at"
    fields = [
        "organization",
        "bot",
        "channel",
        "title",
        "visitor_id",
        "verified_user_id",
        "verified_email",
        "verified_name",
        "user",
        "origin_page",
        "user_agent",
        "created_at",
        "last_message_at",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # the same names; the stub types the two lists apart
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


class CuratedAnswerAdminForm(forms.ModelForm):
    """The entry is written by the services while the form is validated (inside the admin's
    transaction), so their refusals (role, duplicate question, sizes) show as form errors."""

    request: HttpRequest
    saved: CuratedAnswer | None = None

    class Meta:
        model = CuratedAnswer
        fields = ["bot", "question", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 8})}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        adding = self.instance._state.adding
        bot = cleaned.get("bot") if adding else self.instance.bot
        if bot is None or self.errors:
            return cleaned
        actor = admin_actor(self.request, bot.organization)
        try:
            with transaction.atomic():
                if adding:
                    self.saved = curated_services.curated_answer_create(
                        actor=actor, bot=bot, question=cleaned.get("question"), answer=cleaned.get("answer")
                    )
                else:
                    current = CuratedAnswer.objects.get(organization=bot.organization, id=self.instance.id)
                    self.saved = curated_services.curated_answer_update(
                        actor=actor,
                        curated_answer=current,
                        question=cleaned.get("question"),
                        answer=cleaned.get("answer"),
                    )
        except ApplicationError as exc:
            raise ValidationError(exc.errors or exc.message) from exc
        return cleaned


@admin.register(CuratedAnswer)
class CuratedAnswerAdmin(TenantAdmin):
    form = CuratedAnswerAdminForm
    list_display = ["question", "bot", "organization", "updated_by", "updated_at"]
    list_filter = ["organization", "bot"]
    search_fields = ["question", "answer"]
    list_select_related = ["bot", "organization", "updated_by"]
    readonly_fields = ["source_message", "created_by", "updated_by", "embedder", "created_at", "updated_at"]

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:  # type: ignore[override]  # a list[str] is a valid answer; the stub's union of lists rejects it (invariance)
        if obj is None:
            return ["bot", "question", "answer"]
        return ["organization", "bot", "question", "answer", *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # An entry stays with its bot: moving it would bypass the per-bot duplicate check.
        return [*self.readonly_fields, "organization", "bot"] if obj is not None else []

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form_class = super().get_form(request, obj, change, **kwargs)
        return type("CuratedAnswerAdminFormForRequest", (form_class,), {"request": request})

    def save_model(self, request: HttpRequest, obj: CuratedAnswer, form: forms.ModelForm, change: bool) -> None:
        saved = cast(CuratedAnswerAdminForm, form).saved
        assert saved is not None  # clean() saved it, or the form would not be valid
        _copy_fields(obj, saved)

    def delete_model(self, request: HttpRequest, obj: CuratedAnswer) -> None:
        curated_services.curated_answer_delete(actor=admin_actor(request, obj.organization), curated_answer=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for entry in queryset.select_related("organization"):
            self.delete_model(request, entry)
