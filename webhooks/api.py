"""Webhooks API, under `organizations/{organization_id}/webhooks/`: endpoints, their secrets, test
events and the delivery log. Admins and owners, signed in as themselves (not with an API key)."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from chatsphere.api.pagination import CreatedCursorPagination
from chatsphere.api.views import OrganizationAPIView, register_url_object
from chatsphere.events import EventType
from webhooks import selectors, services
from webhooks.models import URL_MAX, DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint

register_url_object(
    "webhook_id",
    lambda actor, value: selectors.webhook_endpoint_get(organization=actor.organization, endpoint_id=value),
)


class WebhookEndpointOutput(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))
    disabled_reason = serializers.CharField(help_text="Why the endpoint was switched off; empty while it is on.")

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "is_active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]


class WebhookEndpointSecretOutput(WebhookEndpointOutput):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret (`whsec_…`). It is shown only once: store it now."
    )

    class Meta(WebhookEndpointOutput.Meta):
        fields = [*WebhookEndpointOutput.Meta.fields, "secret"]


class WebhookAttemptOutput(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "created_at",
            "response_status",
            "response_body",
            "error",
            "duration_ms",
            "succeeded",
            "retry_at",
        ]


class WebhookDeliveryOutput(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    payload = serializers.JSONField(help_text="The body sent, the same on every attempt.")
    attempts = WebhookAttemptOutput(many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "is_test",
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_response_status",
            "created_at",
            "finished_at",
            "payload",
            "attempts",
        ]


def _events_field(*, required: bool) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        allow_empty=False,
        max_length=len(EventType.values),
        required=required,
        help_text="The events to send to this endpoint.",
    )


class WebhookEndpointListApi(OrganizationAPIView):
    class CreateInput(serializers.Serializer):
        url = serializers.CharField(max_length=URL_MAX, help_text="An https:// address that accepts POST requests.")
        events = _events_field(required=True)
        description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(responses=WebhookEndpointOutput(many=True), summary="Webhook endpoints of the organization")
    def get(self, request: Request, organization_id: uuid.UUID) -> Response:
        services.webhooks_access_check(actor=self.actor)
        endpoints = selectors.webhook_endpoint_list(organization=self.actor.organization)
        return Response(WebhookEndpointOutput(endpoints, many=True).data)

    @extend_schema(
        request=CreateInput,
        responses={201: WebhookEndpointSecretOutput},
        summary="Add a webhook endpoint (secret shown once)",
    )
    def post(self, request: Request, organization_id: uuid.UUID) -> Response:
        data = self.CreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = services.webhook_endpoint_create(actor=self.actor, **data.validated_data)
        endpoint.secret = secret
        return Response(WebhookEndpointSecretOutput(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailApi(OrganizationAPIView):
    class UpdateInput(serializers.Serializer):
        url = serializers.CharField(max_length=URL_MAX, required=False)
        events = _events_field(required=False)
        description = serializers.CharField(max_length=200, required=False, allow_blank=True)
        is_active = serializers.BooleanField(
            required=False, help_text="Switch the endpoint off or back on (which forgets its earlier failures)."
        )

    @extend_schema(responses=WebhookEndpointOutput, summary="A webhook endpoint")
    def get(self, request: Request, organization_id: uuid.UUID, webhook_id: uuid.UUID) -> Response:
        services.webhooks_access_check(actor=self.actor)
        return Response(WebhookEndpointOutput(self.url_objects["webhook_id"]).data)

    @extend_schema(request=UpdateInput, responses=WebhookEndpointOutput, summary="Change a webhook endpoint")
    def patch(self, request: Request, organization_id: uuid.UUID, webhook_id: uuid.UUID) -> Response:
        data = self.UpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(actor=self.actor, endpoint_id=webhook_id, **data.validated_data)
        return Response(WebhookEndpointOutput(endpoint).data)

    @extend_schema(responses={204: None}, summary="Delete a webhook endpoint and its delivery log")
    def delete(self, request: Request, organization_id: uuid.UUID, webhook_id: uuid.UUID) -> Response:
        services.webhook_endpoint_delete(actor=self.actor, endpoint_id=webhook_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretApi(OrganizationAPIView):
    @extend_schema(
        request=None,
        responses=WebhookEndpointSecretOutput,
        summary="Rotate the signing secret (new secret shown once)",
        description="Requests are signed with the new secret and, for 24 hours, with the old one too.",
    )
    def post(self, request: Request, organization_id: uuid.UUID, webhook_id: uuid.UUID) -> Response:
        endpoint, secret = services.webhook_endpoint_rotate_secret(actor=self.actor, endpoint_id=webhook_id)
        endpoint.secret = secret
        return Response(WebhookEndpointSecretOutput(endpoint).data)


class WebhookTestApi(OrganizationAPIView):
    @extend_schema(
        request=None,
        responses={202: WebhookDeliveryOutput},
        summary="Send a test event",
        description="Queues a `webhook.test` event to the endpoint; follow it in the delivery log.",
    )
    def post(self, request: Request, organization_id: uuid.UUID, webhook_id: uuid.UUID) -> Response:
        test_delivery = services.webhook_test_send(actor=self.actor, endpoint_id=webhook_id)
        return Response(WebhookDeliveryOutput(test_delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListApi(OrganizationAPIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        responses=WebhookDeliveryOutput(many=True),
        summary="Delivery log of an endpoint, newest first, with every attempt",
    )
    def get(self, request: Request, organization_id: uuid.UUID, webhook_id: uuid.UUID) -> Response:
        services.webhooks_access_check(actor=self.actor)
        deliveries = selectors.webhook_delivery_list(
            organization=self.actor.organization, endpoint=self.url_objects["webhook_id"]
        )
        return self.paginated_response(deliveries, WebhookDeliveryOutput)
