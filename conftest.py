"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Organization, Role, User
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    """Tests marked `services` need real PostgreSQL and Redis: they run in the pass that has them."""
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return
    selected = [item for item in items if "services" not in item.keywords]
    deselected = [item for item in items if "services" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Throttles and login guards live in the cache; each test starts with a clean one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Tenant:
    organization: Organization
    owner: User
    admin: User
    member: User

    def user(self, role: Role | str) -> User:
        return {Role.OWNER: self.owner, Role.ADMIN: self.admin, Role.MEMBER: self.member}[Role(role)]


def _make_tenant(name: str) -> Tenant:
    organization = OrganizationFactory(name=name)
    users = {}
    for role in Role:
        membership = MembershipFactory(organization=organization, role=role)
        users[role] = membership.user
    return Tenant(
        organization=organization, owner=users[Role.OWNER], admin=users[Role.ADMIN], member=users[Role.MEMBER]
    )


@pytest.fixture
def tenant_a(db) -> Tenant:
    return _make_tenant("Alpha")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return _make_tenant("Beta")


def jwt_client(user: User, organization: Organization | None = None) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    if organization is not None:
        client.defaults["HTTP_X_ORGANIZATION"] = str(organization.slug)
    return client


@pytest.fixture
def api_client_for() -> Callable[..., APIClient]:
    return jwt_client


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_factory(db) -> type[UserFactory]:
    return UserFactory
