"""Fixtures shared by every app's tests."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connections
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Organization, Role, User
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

#: Tests that run on one pytest-xdist worker, one after the other: the browser tests share one
#: daphne server and one Chromium; the real-worker tests each start a Celery worker and time its
#: heartbeat; the cluster tests are one deployment's story in order (an upload, then visitors
#: asking about it, then faults). Keys are paths or folders as in node ids.
XDIST_GROUPS = {
    "tests/browser/": "browser",
    "tests/test_worker_resilience.py": "celery-worker",
    "tests/test_cluster.py": "cluster",
}


class _GroupedScheduling:
    """`pytest -n N` (`make test`) spreads single tests over the workers, except XDIST_GROUPS:
    each group is one unit of work, handed out first (the largest first) so that it overlaps
    with the rest."""

    @staticmethod
    def pytest_xdist_make_scheduler(config, log):
        from xdist.scheduler import LoadScopeScheduling

        if config.getvalue("dist") not in ("load", "loadgroup"):
            return None

        class Scheduling(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                path = nodeid.split("::", 1)[0]
                return next((group for prefix, group in XDIST_GROUPS.items() if path.startswith(prefix)), nodeid)

        return Scheduling(config, log)


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_GroupedScheduling(), "chatsphere-xdist-groups")


def pytest_collection_modifyitems(config, items):
    """Tests marked `services` need real PostgreSQL and Redis: they run in the pass that has them."""
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return
    selected = [item for item in items if "services" not in item.keywords]
    deselected = [item for item in items if "services" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(scope="session", autouse=True)
def _own_redis_keys() -> Iterator[None]:
    """With Redis, this process's keys (cache, channel layer, Celery queues) carry a prefix of
    its own (`chatsphere.settings_test`); delete what is left of them when the session ends."""
    yield
    if django_settings.REDIS_URL:
        import redis

        from tests.redis_cache import delete_keys

        with redis.Redis.from_url(django_settings.REDIS_URL) as client:
            delete_keys(client, django_settings.TEST_REDIS_PREFIX + "*")


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


@pytest.fixture(scope="session", autouse=True)
def _release_thread_connections(django_db_setup: None) -> Iterator[None]:
    """Database connections opened by worker threads of finished event loops are closed once
    unreachable; collect them before the test database is dropped (PostgreSQL refuses to drop a
    database with open sessions)."""
    yield
    # The thread-sensitive calls of async tests share one long-lived thread: close its connection.
    asyncio.run(sync_to_async(connections.close_all, thread_sensitive=True)())
    gc.collect()
