"""Organization B never reaches organization A's objects through the API.

Routes are discovered from the URLconf: every API route that names an object is requested
as organization B with organization A's ids, with every method (implemented or not), and must answer 404 and
change nothing. A new route whose id kind is unknown here fails `test_every_id_kind_is_covered`,
so new endpoints cannot skip this check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.models import Membership, Role
from accounts.services.api_keys import api_key_create
from accounts.tenancy import Actor
from accounts.tests.factories import ApiKeyFactory, InvitationFactory
from bots.tests.factories import BotFactory
from chat.tests.factories import AnswerFactory, ConversationFactory, CuratedAnswerFactory
from chatsphere.api.views import registered_url_objects
from conftest import Tenant, jwt_client
from documents.tests.factories import DocumentFactory, WebsiteSourceFactory
from leads.tests.factories import LeadFactory
from webhooks.tests.factories import WebhookEndpointFactory

#: Routes that are public by design (the key in the URL is the credential) or take no object id.
PUBLIC_ROUTES: set[str] = {
    "widget-config",  # the widget's public key is the credential; chat/tests/test_api.py covers it
    "widget-source",  # the public key and the visitor's token; chat/tests/test_sources.py covers it
    "widget-lead",  # the widget key and visitor token are the credentials; leads/tests/test_widget_form.py
}

METHODS = ["get", "post", "put", "patch", "delete"]


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: frozenset[str]
    view_class: type


def _walk(patterns: list[Any], prefix: str = "", namespace: str | None = None) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def api_routes_with_ids() -> list[Route]:
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or not pattern.name:
            continue
        kwargs = frozenset(pattern.pattern.converters)
        if not kwargs or pattern.name in PUBLIC_ROUTES:
            continue
        routes.append(Route(pattern.name, kwargs, pattern.callback.view_class))
    return routes


def _object_ids(tenant: Tenant) -> dict[str, Callable[[], Any]]:
    """How to make one object of each id kind in `tenant`'s organization."""
    organization = tenant.organization
    return {
        "organization_id": lambda: organization.id,
        "membership_id": lambda: Membership.objects.get(organization=organization, user=tenant.member).id,
        "invitation_id": lambda: InvitationFactory(organization=organization).id,
        "api_key_id": lambda: ApiKeyFactory(organization=organization).id,
        "bot_id": lambda: BotFactory(organization=organization).id,
        "document_id": lambda: DocumentFactory(bot=BotFactory(organization=organization)).id,
        "conversation_id": lambda: ConversationFactory(bot=BotFactory(organization=organization)).id,
        "message_id": lambda: AnswerFactory(conversation__bot=BotFactory(organization=organization)).id,
        "source_number": lambda: 1,  # the first citation of the message named with it
        "curated_answer_id": lambda: CuratedAnswerFactory(bot=BotFactory(organization=organization)).id,
        "webhook_id": lambda: WebhookEndpointFactory(organization=organization).id,
        "website_id": lambda: WebsiteSourceFactory(bot=BotFactory(organization=organization)).id,
        "lead_id": lambda: LeadFactory(bot=BotFactory(organization=organization)).id,
    }


def snapshot(tenant: Tenant) -> dict[str, list[dict[str, Any]]]:
    """Every row organization A owns, to prove a refused request changed nothing."""
    organization = tenant.organization
    state: dict[str, list[dict[str, Any]]] = {
        "accounts.Organization": list(type(organization).objects.filter(id=organization.id).values()),
    }
    for model in apps.get_models():
        field_names = {field.name for field in model._meta.get_fields()}
        if "organization" in field_names and model._meta.app_label != "token_blacklist":
            state[model._meta.label] = list(model.objects.filter(organization=organization).order_by("pk").values())
    return state


def test_every_id_kind_is_covered(db, tenant_a):
    known = set(_object_ids(tenant_a))
    for route in api_routes_with_ids():
        missing = route.kwargs - known
        assert not missing, f"route {route.name} takes {sorted(missing)}: add a factory to _object_ids"
        unresolved = route.kwargs - registered_url_objects()
        assert not unresolved, f"route {route.name} takes {sorted(unresolved)} with no tenant-scoped selector"


def test_discovery_finds_the_object_routes():
    names = {route.name for route in api_routes_with_ids()}
    assert {"bot-detail", "bot-rotate-key", "organization-detail", "member-detail", "api-key-detail"} <= names
    assert {"bot-answer-list", "answer-detail", "bot-unanswered"} <= names


def _clients_of_b(tenant_b: Tenant) -> dict[str, APIClient]:
    actor = Actor(organization=tenant_b.organization, role=Role.OWNER, user=tenant_b.owner)
    _key, secret = api_key_create(actor=actor, name="B's key")
    api_key_client = APIClient()
    api_key_client.credentials(HTTP_X_API_KEY=secret)
    return {"jwt-owner": jwt_client(tenant_b.owner), "api-key": api_key_client}


@pytest.mark.parametrize("route", api_routes_with_ids(), ids=lambda route: route.name)
def test_other_organization_gets_404_and_changes_nothing(route, tenant_a, tenant_b):
    makers = _object_ids(tenant_a)
    kwargs = {name: makers[name]() for name in route.kwargs}
    url = reverse(route.name, kwargs=kwargs)
    before = snapshot(tenant_a)

    for client_name, client in _clients_of_b(tenant_b).items():
        for method in METHODS:
            response = getattr(client, method)(url, {"name": "x", "role": "owner"}, format="json")
            assert response.status_code == HTTPStatus.NOT_FOUND, (client_name, method, url, response.content)
            assert response.json()["code"] == "not_found"

    assert snapshot(tenant_a) == before


@pytest.mark.parametrize("route", api_routes_with_ids(), ids=lambda route: route.name)
def test_x_organization_header_cannot_reach_a_foreign_organization(route, tenant_a, tenant_b):
    """Naming organization A in the header does not help a user who is not A's member."""
    makers = _object_ids(tenant_a)
    url = reverse(route.name, kwargs={name: makers[name]() for name in route.kwargs})
    client = jwt_client(tenant_b.owner)
    client.defaults["HTTP_X_ORGANIZATION"] = tenant_a.organization.slug
    before = snapshot(tenant_a)
    for method in METHODS:
        response = getattr(client, method)(url, {"name": "x"}, format="json")
        assert response.status_code == HTTPStatus.NOT_FOUND, (method, url)
    assert snapshot(tenant_a) == before
