from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from accounts.admin_base import TenantAdmin, ViewOnly, admin_actor, organization_ids
from accounts.models import Role
from chatsphere.errors import ApplicationError
from chatsphere.events import EventType
from webhooks import services
from webhooks.models import URL_MAX, WebhookAttempt, WebhookDelivery, WebhookEndpoint


class AdminsOnly(TenantAdmin):
    """Webhooks, like their API and page, are for admins and owners: members do not see them."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organization_id__in=organization_ids(request, minimum=Role.ADMIN))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or (
            request.user.is_active and request.user.is_staff and bool(organization_ids(request, minimum=Role.ADMIN))
        )


class WebhookEndpointForm(forms.ModelForm):
    url = forms.CharField(max_length=URL_MAX, label="URL")
    events = forms.MultipleChoiceField(choices=EventType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["organization", "url", "description", "events", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AdminsOnly):
    form = WebhookEndpointForm
    list_display = ["url", "organization", "is_active", "consecutive_failures", "created_at"]
    list_filter = ["organization", "is_active"]
    search_fields = ["url", "description"]
    list_select_related = ["organization"]
    actions = ["send_test_event", "delete_selected"]

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:  # type: ignore[override]  # a list[str] is a valid answer; the stub's union of lists rejects it (invariance)
        if obj is None:
            return ["organization", "url", "description", "events"]
        return [
            "organization",
            "url",
            "description",
            "events",
            "is_active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_by",
            "created_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        if obj is None:
            return []
        return ["organization", "consecutive_failures", "disabled_at", "disabled_reason", "created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: forms.ModelForm, change: bool) -> None:
        actor = admin_actor(request, obj.organization)
        data = form.cleaned_data
        try:
            if change:
                services.webhook_endpoint_update(
                    actor=actor,
                    endpoint_id=obj.pk,
                    url=data["url"],
                    events=data["events"],
                    description=data["description"],
                    is_active=data["is_active"],
                )
                return
            endpoint, secret = services.webhook_endpoint_create(
                actor=actor, url=data["url"], events=data["events"], description=data["description"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return
        for field in endpoint._meta.concrete_fields:
            setattr(obj, field.attname, getattr(endpoint, field.attname))
        obj._state.adding = False
        messages.warning(request, f"Copy the signing secret now; it will not be shown again: {secret}")

    def delete_model(self, request: HttpRequest, obj: WebhookEndpoint) -> None:
        services.webhook_endpoint_delete(actor=admin_actor(request, obj.organization), endpoint_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for endpoint in queryset.select_related("organization"):
            try:
                self.delete_model(request, endpoint)
            except ApplicationError as exc:
                messages.error(request, f"{endpoint.url}: {exc.message}")

    @admin.action(description="Send a test event")
    def send_test_event(self, request: HttpRequest, queryset: QuerySet) -> None:
        for endpoint in queryset.select_related("organization"):
            try:
                services.webhook_test_send(actor=admin_actor(request, endpoint.organization), endpoint_id=endpoint.pk)
            except ApplicationError as exc:
                messages.error(request, f"{endpoint.url}: {exc.message}")
            else:
                messages.info(request, f"A test event is on its way to {endpoint.url}.")


class WebhookAttemptInline(ViewOnly, admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = ("number", "created_at", "response_status", "error", "duration_ms", "retry_at")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ViewOnly, AdminsOnly):
    """The delivery log: read only."""

    list_display = [
        "event_type",
        "endpoint",
        "organization",
        "status",
        "attempt_count",
        "last_response_status",
        "created_at",
    ]
    list_filter = ["organization", "status", "event_type"]
    search_fields = ["event_type", "endpoint__url"]
    list_select_related = ["organization", "endpoint"]
    inlines = [WebhookAttemptInline]
    actions = None
    fields = readonly_fields = (
        "organization",
        "endpoint",
        "event_id",
        "event_type",
        "is_test",
        "status",
        "attempt_count",
        "next_attempt_at",
        "last_response_status",
        "finished_at",
        "payload",
        "created_at",
    )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}
