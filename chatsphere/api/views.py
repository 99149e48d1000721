"""Base views: the one place where an API request's organization and role are resolved."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.models import ApiKey, Organization, User
from accounts.tenancy import Actor, actor_for_organization, resolve_actor

ORGANIZATION_HEADER = "X-Organization"
#: Session key of the organization selected in the dashboard.
SESSION_ORGANIZATION_KEY = "organization_id"

#: URL keyword -> selector(organization, value) that returns the object or raises NotFound.
#: Each app registers the ids its routes take; a route with an unregistered id cannot serve.
_URL_OBJECT_SELECTORS: dict[str, Callable[[Organization, Any], Any]] = {}


def register_url_object(kwarg: str, selector: Callable[[Organization, Any], Any]) -> None:
    _URL_OBJECT_SELECTORS[kwarg] = selector


def registered_url_objects() -> frozenset[str]:
    return frozenset(_URL_OBJECT_SELECTORS)


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
    url_objects: dict[str, Any]

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        # Resolve the tenant and every object the URL names before anything else: a foreign or
        # missing id answers 404 whatever the method or body.
        self.url_objects = {}
        for kwarg, value in self.kwargs.items():
            selector = _URL_OBJECT_SELECTORS.get(kwarg)
            if selector is None:
                raise ImproperlyConfigured(f"No selector is registered for the URL keyword {kwarg!r}.")
            self.url_objects[kwarg] = selector(self.actor.organization, value)

    @cached_property
    def actor(self) -> Actor:
        user, api_key = _credentials(self.request)
        hint = self.request.headers.get(ORGANIZATION_HEADER)
        if not hint and api_key is None and hasattr(self.request, "session"):
            hint = self.request.session.get(SESSION_ORGANIZATION_KEY)
        return resolve_actor(user=user, api_key=api_key, organization_hint=hint)


class OrganizationAPIView(TenantAPIView):
    """Endpoint under `organizations/{organization_id}/`: the URL names the organization."""

    @cached_property
    def actor(self) -> Actor:
        user, api_key = _credentials(self.request)
        organization_id = self.kwargs["organization_id"]
        return actor_for_organization(user=user, api_key=api_key, organization_id=uuid.UUID(str(organization_id)))


# The actor's organization is the one the URL names (membership already checked).
register_url_object("organization_id", lambda organization, value: organization)
