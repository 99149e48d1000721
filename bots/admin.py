from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from accounts.admin import _copy_fields
from accounts.admin_base import TenantAdmin, admin_actor
from bots import services
from bots.models import Bot
from chatsphere.errors import ApplicationError


class BotAdminForm(forms.ModelForm):
    class Meta:
        model = Bot
        fields = ["organization", *services.EDITABLE_FIELDS]
        widgets = {
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "system_prompt": forms.Textarea(attrs={"rows": 6}),
        }


@admin.register(Bot)
class BotAdmin(TenantAdmin):
    form = BotAdminForm
    list_display = ["name", "organization", "model", "is_active", "created_at"]
    list_filter = ["organization", "is_active", "model"]
    search_fields = ["name", "description"]
    list_select_related = ["organization"]
    # The identity secret itself never: only whether there is one and since when.
    readonly_fields = [
        "public_key",
        "identity_verification",
        "identity_secret_rotated_at",
        "embedder",
        "embedding_dimension",
        "created_at",
        "updated_at",
    ]
    actions = ["rotate_public_keys"]
    fieldsets = (
        (None, {"fields": ("organization", "name", "description", "is_active")}),
        (
            "Answering",
            {
                "fields": (
                    "system_prompt",
                    "model",
                    "temperature",
                    "max_output_tokens",
                    "top_k",
                    "strictness",
                    "fallback_message",
                )
            },
        ),
        (
            "Widget",
            {
                "fields": (
                    "public_key",
                    "identity_verification",
                    "identity_secret_rotated_at",
                    "widget_title",
                    "welcome_message",
                    "suggested_questions",
                    "allowed_origins",
                    "primary_color",
                    "position",
                    "theme",
                )
            },
        ),
        (
            "Knowledge",
            {
                "fields": (
                    "chunk_tokens",
                    "chunk_overlap",
                    "embedder",
                    "embedding_dimension",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Bot | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "organization"] if obj else readonly

    def save_model(self, request: HttpRequest, obj: Bot, form: forms.ModelForm, change: bool) -> None:
        actor = admin_actor(request, obj.organization)
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
            services.bot_update(actor=actor, bot=obj, **changes)
            return
        fields = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS if name in form.cleaned_data}
        _copy_fields(obj, services.bot_create(actor=actor, **fields))

    def delete_model(self, request: HttpRequest, obj: Bot) -> None:
        services.bot_delete(actor=admin_actor(request, obj.organization), bot=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for bot in queryset.select_related("organization"):
            self.delete_model(request, bot)

    @admin.action(description="Rotate the widget key of selected bots")
    def rotate_public_keys(self, request: HttpRequest, queryset: Any) -> None:
        rotated = 0
        for bot in queryset.select_related("organization"):
            try:
                services.bot_rotate_key(actor=admin_actor(request, bot.organization), bot=bot)
            except ApplicationError as exc:
                messages.error(request, f"{bot.name}: {exc.message}")
                continue
            rotated += 1
        if rotated:
            messages.success(request, f"{rotated} widget key(s) rotated; pages using the old keys must be updated.")
