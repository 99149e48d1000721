"""Privacy API: the retention period, and a visitor's data export and deletion."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from chatsphere.api.views import OrganizationAPIView
from privacy import selectors, services
from privacy.models import RETENTION_MAX_DAYS, RETENTION_MIN_DAYS
from privacy.selectors import EMAIL_MAX_LENGTH, VISITOR_ID_MAX_LENGTH


class RetentionOutput(serializers.Serializer):
    conversation_days = serializers.IntegerField(
        allow_null=True, help_text="Conversations whose last message is older are deleted; null keeps them."
    )
    lead_days = serializers.IntegerField(
        allow_null=True, help_text="Leads older than this are deleted; null keeps them."
    )


class RetentionInput(serializers.Serializer):
    conversation_days = serializers.IntegerField(
        allow_null=True, min_value=RETENTION_MIN_DAYS, max_value=RETENTION_MAX_DAYS
    )
    lead_days = serializers.IntegerField(
        allow_null=True,
        min_value=RETENTION_MIN_DAYS,
        max_value=RETENTION_MAX_DAYS,
        required=False,
        help_text="Left out: unchanged.",
    )


class VisitorInput(serializers.Serializer):
    """Exactly one of the two."""

    visitor_id = serializers.CharField(
        max_length=VISITOR_ID_MAX_LENGTH,
        required=False,
        help_text="The id in the visitor's widget token (see the conversation).",
    )
    email = serializers.EmailField(
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        help_text="Every visitor who left a lead with this address or signed in with it as a verified visitor "
        "(whole address, any case).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("visitor_id" in attrs) == ("email" in attrs):
            message = "Send either visitor_id or email, not both." if attrs else "Send a visitor_id or an email."
            raise serializers.ValidationError({"visitor_id": [message], "email": [message]})
        return attrs


class VisitorMessageOutput(serializers.Serializer):
    id = serializers.UUIDField()
    role = serializers.CharField()
    content = serializers.CharField()
    created_at = serializers.DateTimeField()
    feedback = serializers.IntegerField(allow_null=True)


class VisitorBotOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class VisitorConversationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    bot = VisitorBotOutput()
    channel = serializers.CharField()
    title = serializers.CharField()
    origin_page = serializers.CharField()
    user_agent = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    messages = VisitorMessageOutput(many=True)


class VisitorLeadOutput(serializers.Serializer):
    id = serializers.UUIDField()
    bot = VisitorBotOutput()
    conversation_id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    email = serializers.CharField()
    message = serializers.CharField()
    consent_given = serializers.BooleanField()
    consent_text = serializers.CharField()
    origin_page = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class VisitorExportOutput(serializers.Serializer):
    visitor_id = serializers.CharField(allow_null=True, help_text="The visitor asked for; null for an e-mail lookup.")
    email = serializers.EmailField(allow_null=True, help_text="The address asked for; null for a visitor id.")
    visitor_ids = serializers.ListField(
        child=serializers.CharField(), help_text="Every visitor the export covers (the address's visitors)."
    )
    organization = serializers.CharField()
    exported_at = serializers.DateTimeField()
    conversations = VisitorConversationOutput(many=True)
    leads = VisitorLeadOutput(many=True)


class VisitorDeletedOutput(serializers.Serializer):
    conversations = serializers.IntegerField(help_text="Conversations deleted")
    messages = serializers.IntegerField(help_text="Messages (with their feedback) deleted")
    leads = serializers.IntegerField(help_text="Leads (contact forms) deleted")


class RetentionApi(OrganizationAPIView):
    @extend_schema(responses=RetentionOutput, summary="How long conversations are kept")
    def get(self, request: Request, organization_id: uuid.UUID) -> Response:
        policy = selectors.retention_policy_get(organization=self.actor.organization)
        return Response(RetentionOutput(policy).data)

    @extend_schema(
        request=RetentionInput, responses=RetentionOutput, summary="Set how long conversations are kept (owners)"
    )
    def put(self, request: Request, organization_id: uuid.UUID) -> Response:
        data = RetentionInput(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.retention_update(actor=self.actor, **data.validated_data)
        return Response(RetentionOutput(policy).data)


class VisitorExportApi(OrganizationAPIView):
    """The visitor id or address travels in the body, not the URL, so it stays out of access logs."""

    @extend_schema(request=VisitorInput, responses=VisitorExportOutput, summary="Export a visitor's data (admins)")
    def post(self, request: Request, organization_id: uuid.UUID) -> Response:
        data = VisitorInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.visitor_export(actor=self.actor, **data.validated_data))


class VisitorDeleteApi(OrganizationAPIView):
    """The visitor id or address travels in the body, not the URL, so it stays out of access logs."""

    @extend_schema(request=VisitorInput, responses=VisitorDeletedOutput, summary="Delete a visitor's data (admins)")
    def post(self, request: Request, organization_id: uuid.UUID) -> Response:
        data = VisitorInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(VisitorDeletedOutput(services.visitor_delete(actor=self.actor, **data.validated_data)).data)
