"""Pytest fixtures that run the fake Gemini and Pinecone servers and a local S3 server, one per test.

Import them into a conftest (`from tests.fakes.fixtures import fake_gemini, fake_pinecone`).
They set NO_PROXY for 127.0.0.1 so the SDKs never route the fakes through a proxy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from chatsphere.settings import s3_upload_storage
from tests.fakes.gemini import FakeGemini
from tests.fakes.pinecone import FakePinecone
from tests.fakes.s3 import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, FakeS3

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


@pytest.fixture
def fake_s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeS3]:
    _bypass_proxies(monkeypatch)
    with FakeS3() as server:
        yield server


@dataclass
class S3Uploads:
    server: FakeS3
    bucket: str
    prefix: str

    def keys(self) -> list[str]:
        return self.server.keys(self.bucket)

    def key_of(self, name: str) -> str:
        return f"{self.prefix}/{name}"


@pytest.fixture
def s3_uploads(fake_s3: FakeS3, settings: Any) -> S3Uploads:
    """Uploads stored in a fresh bucket of the local S3 server, configured as a deployment's."""
    bucket = fake_s3.create_bucket()
    prefix = "acme-production"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_upload_storage(
            bucket=bucket,
            prefix=prefix,
            endpoint_url=fake_s3.url,
            region=REGION,
            access_key_id=ACCESS_KEY_ID,
            secret_access_key=SECRET_ACCESS_KEY,
            addressing_style="path",
        ),
    }
    return S3Uploads(server=fake_s3, bucket=bucket, prefix=prefix)
