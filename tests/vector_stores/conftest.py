from __future__ import annotations

import pytest

from chatsphere.ai.local_store import LocalStore


@pytest.fixture
def local_store(db) -> LocalStore:
    return LocalStore()


@pytest.fixture(params=["local"])
def store(request, db):
    return request.getfixturevalue(f"{request.param}_store")
