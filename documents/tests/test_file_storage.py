"""Where uploads are kept, whatever the storage: private, never served; a storage that refuses
to work makes an upload answer 503 with nothing saved, on the API and on the dashboard."""

from __future__ import annotations

from http import HTTPStatus

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import jwt_client
from documents.models import Document


def upload(client, bot, name: str, data: bytes):
    url = reverse("bot-document-list", kwargs={"bot_id": bot.id})
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_uploads_are_never_served(tenant_a, bot, run_tasks, settings):
    with run_tasks():
        document_id = upload(jwt_client(tenant_a.admin), bot, "notes.txt", b"The cafe opens at nine.").json()["id"]
    name = Document.objects.get(id=document_id).file.name
    assert (settings.MEDIA_ROOT / name).read_bytes() == b"The cafe opens at nine."

    for client in (Client(), logged_in(tenant_a.owner)):
        assert client.get(f"{settings.MEDIA_URL}{name}").status_code == HTTPStatus.NOT_FOUND


def test_a_disk_that_refuses_the_file_makes_the_upload_answer_503(tenant_a, bot, settings, tmp_path):
    unmounted = tmp_path / "not-a-folder"
    unmounted.write_text("")
    settings.MEDIA_ROOT = unmounted

    response = upload(jwt_client(tenant_a.admin), bot, "notes.txt", b"The cafe opens at nine.")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE, response.content
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The file storage is unavailable for a moment, so nothing was saved. Try again shortly.",
        "code": "service_unavailable",
    }
    assert not Document.objects.filter(bot=bot).exists()


def test_the_dashboard_says_the_storage_is_down_and_keeps_nothing(tenant_a, bot, s3_uploads):
    s3_uploads.server.stop()
    url = reverse("dashboard:bot-knowledge-upload", kwargs={"bot_id": bot.id})

    response = logged_in(tenant_a.admin).post(url, {"files": [SimpleUploadedFile("faq.md", b"# Tickets\n\nFree.")]})

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "faq.md: The file storage is unavailable for a moment, so nothing was saved. Try again shortly." in page
    assert "No file was added" in page
    assert not Document.objects.filter(bot=bot).exists()
    s3_uploads.server.start()
    assert s3_uploads.keys() == []


def test_the_dashboard_script_gets_503_and_the_reason(tenant_a, bot, s3_uploads):
    s3_uploads.server.stop()
    url = reverse("dashboard:bot-knowledge-upload", kwargs={"bot_id": bot.id})

    response = logged_in(tenant_a.admin).post(
        url, {"files": [SimpleUploadedFile("faq.md", b"# Tickets\n\nFree.")]}, headers={"accept": "application/json"}
    )

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "errors": ["faq.md: The file storage is unavailable for a moment, so nothing was saved. Try again shortly."]
    }
