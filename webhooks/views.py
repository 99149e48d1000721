"""Dashboard pages of webhooks (/app/webhooks/): admins and owners add endpoints, see the secret
once, choose events, send test events and read the delivery log."""

from __future__ import annotations

import json
import uuid
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from chatsphere.dashboard import OrganizationMixin
from chatsphere.events import EventType
from webhooks import selectors, services
from webhooks.forms import WebhookEndpointEditForm, WebhookEndpointForm
from webhooks.models import WebhookEndpoint

#: Deliveries shown on an endpoint's page (the API pages through all of them).
LOG_SIZE = 50


class WebhookListView(OrganizationMixin, TemplateView):
    template_name = "dashboard/webhooks/list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.webhooks_access_check(actor=self.actor)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", WebhookEndpointForm())
        endpoints = selectors.webhook_endpoint_list(organization=self.actor.organization)
        return super().get_context_data(endpoints=endpoints, event_types=EventType.choices, **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.submitted_form = WebhookEndpointForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        endpoint, secret = services.webhook_endpoint_create(actor=self.actor, **form.cleaned_data)
        # Rendered, not redirected: the secret is never put in the session.
        context = EndpointPage.context(self, endpoint, secret=secret)
        return render(request, EndpointPage.template_name, context, status=201)

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EndpointPage(OrganizationMixin, TemplateView):
    """An endpoint: its settings, its actions and its delivery log."""

    template_name = "dashboard/webhooks/detail.html"
    kwargs: dict[str, Any]

    @cached_property
    def endpoint(self) -> WebhookEndpoint:
        return selectors.webhook_endpoint_get(
            organization=self.actor.organization, endpoint_id=self.kwargs["webhook_id"]
        )

    def resolve_objects(self) -> None:
        services.webhooks_access_check(actor=self.actor)
        self.endpoint  # noqa: B018

    @staticmethod
    def context(view: OrganizationMixin, endpoint: WebhookEndpoint, **extra: Any) -> dict[str, Any]:
        extra.setdefault(
            "form",
            WebhookEndpointEditForm(
                initial={
                    "url": endpoint.url,
                    "description": endpoint.description,
                    "events": endpoint.events,
                    "is_active": endpoint.is_active,
                }
            ),
        )
        deliveries = list(
            selectors.webhook_delivery_list(organization=view.actor.organization, endpoint=endpoint)[:LOG_SIZE]
        )
        for item in deliveries:
            item.payload_json = json.dumps(item.payload, indent=2, ensure_ascii=False)  # type: ignore[attr-defined]
        return view.get_context_data(endpoint=endpoint, deliveries=deliveries, **extra)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.context(self, self.endpoint))

    def post(self, request: HttpRequest, webhook_id: uuid.UUID) -> HttpResponse:
        form = self.submitted_form = WebhookEndpointEditForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        services.webhook_endpoint_update(actor=self.actor, endpoint_id=self.endpoint.id, **form.cleaned_data)
        messages.success(request, "The endpoint was saved.")
        return redirect("dashboard:webhook-detail", webhook_id=self.endpoint.id)

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.context(self, self.endpoint, form=form), status=400)


class WebhookRotateSecretView(EndpointPage):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("dashboard:webhook-detail", webhook_id=self.endpoint.id)

    def post(self, request: HttpRequest, webhook_id: uuid.UUID) -> HttpResponse:
        endpoint, secret = services.webhook_endpoint_rotate_secret(actor=self.actor, endpoint_id=self.endpoint.id)
        return render(request, self.template_name, self.context(self, endpoint, secret=secret, rotated=True))


class WebhookTestView(OrganizationMixin, View):
    def post(self, request: HttpRequest, webhook_id: uuid.UUID) -> HttpResponse:
        services.webhook_test_send(actor=self.actor, endpoint_id=webhook_id)
        messages.success(request, "A test event is on its way: its delivery appears in the log below.")
        return redirect("dashboard:webhook-detail", webhook_id=webhook_id)


class WebhookDeleteView(OrganizationMixin, View):
    def post(self, request: HttpRequest, webhook_id: uuid.UUID) -> HttpResponse:
        endpoint = selectors.webhook_endpoint_get(organization=self.actor.organization, endpoint_id=webhook_id)
        services.webhook_endpoint_delete(actor=self.actor, endpoint_id=endpoint.id)
        messages.success(request, f"The endpoint {endpoint.url} was deleted; it receives no more events.")
        return redirect("dashboard:webhook-list")
