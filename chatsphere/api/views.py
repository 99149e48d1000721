"""Base views: the one place where an API request's organization and role are resolved."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.models import ApiKey, User
from accounts.tenancy import Actor, actor_for_organization, resolve_actor
from chatsphere import log_context
from chatsphere.api import rows

ORGANIZATION_HEADER = "X-Organization"
#: Session key of the organization selected in the dashboard.
SESSION_ORGANIZATION_KEY = "organization_id"

#: URL keyword -> access helper(actor, value) that returns the actor's object or raises NotFound
#: (`access_bot_by_id` and its kind). Each app registers the ids its routes take; a route with an
#: unregistered id cannot serve.
_URL_OBJECT_SELECTORS: dict[str, Callable[[Actor, Any], Any]] = {}


def register_url_object(kwarg: str, selector: Callable[[Actor, Any], Any]) -> None:
    _URL_OBJECT_SELECTORS[kwarg] = selector


def registered_url_objects() -> frozenset[str]:
    return frozenset(_URL_OBJECT_SELECTORS)


def _credentials(request: Request) -> tuple[User | None, ApiKey | None]:
    api_key = request.auth if isinstance(request.auth, ApiKey) else None
    user = request.user if isinstance(request.user, User) else None
    return user, api_key


class PaginatedMixin:
    """List endpoints page with the project's cursor pagination. A view that pages sets
    `pagination_class` (the schema then declares `{next, previous, results}`, `cursor` and
    `page_size`); views that answer a whole list at once leave it unset."""

    pagination_class: type[BasePagination] | None = None
    request: Request  # set by the APIView this is mixed into

    def paginated_response(self, queryset: QuerySet, serializer_class: type[BaseSerializer]) -> Response:
        if self.pagination_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} pages its list: set `pagination_class`.")
        paginator = self.pagination_class()
        columns = rows.plain_columns(serializer_class)  # type: ignore[arg-type]  # a class is hashable; the stub's __hash__ is an instance method
        if columns is not None:
            # Plain columns: read as rows (same JSON, no model instances); the cursor needs its ordering.
            ordering = tuple(name.lstrip("-") for name in getattr(paginator, "ordering", ()))
            page_rows = paginator.paginate_queryset(
                rows.as_rows(queryset, columns, also=ordering, expressions=rows.row_expressions(serializer_class)),
                self.request,
                view=self,  # type: ignore[arg-type]  # mixed into an APIView
            )
            return paginator.get_paginated_response(rows.represent(list(page_rows or []), columns))
        page = paginator.paginate_queryset(queryset, self.request, view=self)  # type: ignore[arg-type]  # mixed into an APIView
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
            self.url_objects[kwarg] = selector(self.actor, value)
        if "bot_id" in self.url_objects:
            log_context.bind(bot=self.url_objects["bot_id"].id)

    @cached_property
    def actor(self) -> Actor:
        user, api_key = _credentials(self.request)
        hint = self.request.headers.get(ORGANIZATION_HEADER)
        if not hint and api_key is None and hasattr(self.request, "session"):
            hint = self.request.session.get(SESSION_ORGANIZATION_KEY)
        actor = resolve_actor(user=user, api_key=api_key, organization_hint=hint)
        log_context.bind(organization=actor.organization.id)
        return actor


class OrganizationAPIView(TenantAPIView):
    """Endpoint under `organizations/{organization_id}/`: the URL names the organization."""

    @cached_property
    def actor(self) -> Actor:
        user, api_key = _credentials(self.request)
        organization_id = self.kwargs["organization_id"]
        actor = actor_for_organization(user=user, api_key=api_key, organization_id=uuid.UUID(str(organization_id)))
        log_context.bind(organization=actor.organization.id)
        return actor


# The actor's organization is the one the URL names (membership already checked).
register_url_object("organization_id", lambda actor, value: actor.organization)
