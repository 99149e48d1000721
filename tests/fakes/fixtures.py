"""Pytest fixtures that run the fake Gemini and Pinecone servers, one per test.

Import them into a conftest (`from tests.fakes.fixtures import fake_gemini, fake_pinecone`).
Both set NO_PROXY for 127.0.0.1 so the SDKs never route the fakes through a proxy.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.gemini import FakeGemini
from tests.fakes.pinecone import FakePinecone

LOOPBACK = "127.0.0.1,localhost"


def _bypass_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, LOOPBACK)


@pytest.fixture
def fake_gemini(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGemini]:
    _bypass_proxies(monkeypatch)
    with FakeGemini() as server:
        yield server


@pytest.fixture
def fake_pinecone(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePinecone]:
    _bypass_proxies(monkeypatch)
    with FakePinecone() as server:
        yield server
