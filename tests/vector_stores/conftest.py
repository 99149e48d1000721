from __future__ import annotations

import pytest

from chatsphere.ai.local_store import LocalStore
from chatsphere.ai.pinecone_store import PineconeStore
from tests.fakes.fixtures import fake_pinecone  # noqa: F401 - fixture


@pytest.fixture
def local_store(db) -> LocalStore:
    return LocalStore()


@pytest.fixture
def pinecone_store(fake_pinecone) -> PineconeStore:  # noqa: F811
    fake_pinecone.dimension = 16
    return PineconeStore(api_key="pclocal", index_host=fake_pinecone.base_url)


@pytest.fixture(params=["local", "pinecone"])
def store(request, db):
    return request.getfixturevalue(f"{request.param}_store")
