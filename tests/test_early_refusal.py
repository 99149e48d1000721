"""Uploads that will be refused are refused before the body is received: a member's upload (403)
and a body declared larger than the upload limit (413) are answered after the headers alone."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework_simplejwt.tokens import RefreshToken

from bots.tests.factories import BotFactory
from conftest import jwt_client
from documents.models import Document

BOUNDARY = "chatsphere-test-boundary"


def _send_headers_and_a_little(live_server, *, path: str, token: str, content_length: int) -> tuple[int, dict]:
    """Declare a body of `content_length` bytes, send only its first kilobyte, and read the answer."""
    address = urlsplit(live_server.url)
    head = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: {address.hostname}:{address.port}\r\n"
        f"Authorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {content_length}\r\n"
        "\r\n"
    ).encode()
    first_part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode() + b"x" * 1024
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(head + first_part)
        # The rest of the body is never sent: only an answer given before reading it arrives.
        received = b""
        while True:
            chunk = sock.recv(65536)
            assert chunk, f"the connection closed after {received!r}"
            received += chunk
            head, separator, body = received.partition(b"\r\n\r\n")
            if separator:
                try:
                    return int(head.split()[1]), json.loads(body)
                except json.JSONDecodeError:
                    continue


def _token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.mark.django_db(transaction=True)
def test_member_upload_is_refused_before_the_body_is_received(live_server, tenant_a):
    bot = BotFactory(organization=tenant_a.organization)
    status, payload = _send_headers_and_a_little(
        live_server,
        path=f"/api/v1/bots/{bot.id}/documents/",
        token=_token(tenant_a.member),
        content_length=10 * 1024 * 1024,
    )
    assert status == 403
    assert payload["code"] == "permission_denied"
    assert not Document.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_upload_declared_over_the_limit_is_refused_before_the_body_is_received(live_server, tenant_a):
    bot = BotFactory(organization=tenant_a.organization)
    status, payload = _send_headers_and_a_little(
        live_server,
        path=f"/api/v1/bots/{bot.id}/documents/",
        token=_token(tenant_a.admin),
        content_length=(settings.CHATSPHERE_MAX_UPLOAD_MB + 1) * 1024 * 1024,
    )
    assert status == 413
    assert payload["code"] == "file_too_large"
    assert f"{settings.CHATSPHERE_MAX_UPLOAD_MB} MB" in payload["detail"]
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_member_upload_answers_403_json(tenant_a):
    bot = BotFactory(organization=tenant_a.organization)
    upload = SimpleUploadedFile("notes.txt", b"Opening hours are nine to five.", content_type="text/plain")
    response = jwt_client(tenant_a.member).post(f"/api/v1/bots/{bot.id}/documents/", {"file": upload})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_upload_over_the_limit_answers_413_json(tenant_a, settings):
    settings.CHATSPHERE_MAX_UPLOAD_MB = 1
    bot = BotFactory(organization=tenant_a.organization)
    upload = SimpleUploadedFile("big.txt", b"word " * (300 * 1024), content_type="text/plain")
    response = jwt_client(tenant_a.admin).post(f"/api/v1/bots/{bot.id}/documents/", {"file": upload})
    assert response.status_code == 413
    payload = response.json()
    assert payload["code"] == "file_too_large"
    assert "1 MB" in payload["detail"]
    assert not Document.objects.exists()
