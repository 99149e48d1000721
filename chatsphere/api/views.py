"""Base views: the one place where an API request's organization and role are resolved."""

from __future__ import annotations

import uuid
from functools import cached_property

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.models import ApiKey, User
from accounts.tenancy import Actor, actor_for_organization, resolve_actor

ORGANIZATION_HEADER = "X-Organization"
#: Session key of the organization selected in the dashboard.
SESSION_ORGANIZATION_KEY = "organization_id"


def _credentials(request: Request) -> tuple[User | None, ApiKey | None]:
    api_key = request.auth if isinstance(request.auth, ApiKey) else None
    user = request.user if isinstance(request.user, User) else None
    return user, api_key


class PaginatedMixin:
    """List endpoints page with the project's cursor pagination."""

    def paginated_response(self, queryset: QuerySet, serializer_class: type[BaseSerializer]) -> Response:
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(queryset, self.request, view=self)  # type: ignore[attr-defined]
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


class TenantAPIView(PaginatedMixin, APIView):
    """Endpoint acting inside the request's organization (API key, X-Organization or only membership).

    Concrete views read and write only through selectors and services that take `self.actor`.
    """

    request: Request

    @cached_property
    def actor(self) -> Actor:
        user, api_key = _credentials(self.request)
        hint = self.request.headers.get(ORGANIZATION_HEADER)
        if not hint and api_key is None and hasattr(self.request, "session"):
            hint = self.request.session.get(SESSION_ORGANIZATION_KEY)
        return resolve_actor(user=user, api_key=api_key, organization_hint=hint)


class OrganizationAPIView(APIView):
    """Endpoint under `organizations/{organization_id}/`: the URL names the organization."""

    request: Request

    @cached_property
    def actor(self) -> Actor:
        user, api_key = _credentials(self.request)
        organization_id = self.kwargs["organization_id"]
        return actor_for_organization(user=user, api_key=api_key, organization_id=uuid.UUID(str(organization_id)))
