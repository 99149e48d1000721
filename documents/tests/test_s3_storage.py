"""Uploads kept in an S3-compatible bucket (a local S3 server, configured as a deployment's):
stored privately under the deployment's prefix, read by ingestion, deleted with their document,
bot or organization, out of other organizations' reach; a storage that is down refuses uploads
with 503 and makes ingestion wait, never half-saving anything."""

from __future__ import annotations

import logging
import threading
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import jwt_client
from documents import pipeline
from documents.models import Chunk, Document, DocumentStatus
from documents.tests.conftest import make_pdf
from tests.fakes.s3 import SECRET_ACCESS_KEY

pytestmark = pytest.mark.timeout(120)

GUIDE_PAGES = [
    "Opening hours\nThe aquarium opens at nine in the morning every day.",
    "Tickets\nChildren under six enter for free with an adult.",
    "Parking\nThe car park behind the aquarium has three hundred spaces.",
]


def upload(client, bot, name: str, data: bytes):
    url = reverse("bot-document-list", kwargs={"bot_id": bot.id})
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def ask(client, bot, question: str) -> dict:
    response = client.post(reverse("bot-chat", kwargs={"bot_id": bot.id}), {"message": question}, format="json")
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()["message"]


def test_an_upload_is_stored_privately_under_the_prefix_and_answers_cite_it(
    transactional_db, tenant_a, bot, run_tasks, s3_uploads
):
    # Committed for real: the chat answers from a thread of its own.
    pdf = make_pdf(GUIDE_PAGES)
    client = jwt_client(tenant_a.admin)
    with run_tasks():
        response = upload(client, bot, "Aquarium guide.pdf", pdf)
    assert response.status_code == HTTPStatus.ACCEPTED, response.content
    document = Document.objects.get(id=response.json()["id"])

    key = s3_uploads.key_of(document.file.name)
    assert s3_uploads.keys() == [key]
    assert key.startswith(f"acme-production/documents/{document.created_at:%Y/%m}/{document.id}/")
    assert key.endswith("/Aquarium_guide.pdf")
    assert s3_uploads.server.body(s3_uploads.bucket, key) == pdf
    assert s3_uploads.server.public_grants(s3_uploads.bucket, key) == []
    # Never linked with a signature that a log or a page could leak.
    assert "Signature" not in document.file.url and "X-Amz" not in document.file.url

    assert document.status == DocumentStatus.READY, document.error
    message = ask(client, bot, "How many parking spaces are there?")
    assert "three hundred spaces" in message["content"]
    assert str(document.id) in {citation["document_id"] for citation in message["citations"]}


def test_two_uploads_of_one_name_keep_their_own_files(tenant_a, bot, run_tasks, s3_uploads):
    client = jwt_client(tenant_a.admin)
    with run_tasks():
        first = upload(client, bot, "notes.txt", b"The ferry leaves at seven.").json()["id"]
        second = upload(client, bot, "notes.txt", b"The museum closes at five.").json()["id"]
    names = [Document.objects.get(id=document_id).file.name for document_id in (first, second)]
    assert len(set(names)) == 2
    assert s3_uploads.keys() == sorted(s3_uploads.key_of(name) for name in names)
    assert s3_uploads.server.body(s3_uploads.bucket, s3_uploads.key_of(names[0])) == b"The ferry leaves at seven."


def test_deleting_a_document_deletes_its_object(tenant_a, bot, run_tasks, s3_uploads):
    client = jwt_client(tenant_a.admin)
    with run_tasks():
        kept = upload(client, bot, "tickets.txt", b"Children under six enter for free.").json()["id"]
        deleted = upload(client, bot, "parking.txt", b"The car park has three hundred spaces.").json()["id"]
    kept_key = s3_uploads.key_of(Document.objects.get(id=kept).file.name)
    assert len(s3_uploads.keys()) == 2

    with run_tasks():
        response = client.delete(reverse("document-detail", kwargs={"document_id": deleted}))

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert s3_uploads.keys() == [kept_key]


def test_deleting_a_bot_deletes_its_objects_and_only_its(tenant_a, bot, run_tasks, s3_uploads):
    from bots.tests.factories import BotFactory

    other_bot = BotFactory(organization=tenant_a.organization)
    client = jwt_client(tenant_a.admin)
    with run_tasks():
        upload(client, bot, "tickets.txt", b"Children under six enter for free.")
        upload(client, bot, "pasted.txt", b"The aquarium opens at nine.")
        other = upload(client, other_bot, "ferry.txt", b"The ferry leaves at seven.").json()["id"]
    assert len(s3_uploads.keys()) == 3

    with run_tasks():
        response = client.delete(reverse("bot-detail", kwargs={"bot_id": bot.id}))

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert s3_uploads.keys() == [s3_uploads.key_of(Document.objects.get(id=other).file.name)]


def test_deleting_the_organization_deletes_its_objects(tenant_a, tenant_b, bot, run_tasks, s3_uploads):
    from bots.tests.factories import BotFactory

    with run_tasks():
        upload(jwt_client(tenant_a.admin), bot, "tickets.txt", b"Children under six enter for free.")
        theirs = upload(
            jwt_client(tenant_b.admin), BotFactory(organization=tenant_b.organization), "ferry.txt", b"Seven."
        ).json()["id"]
    organization_url = reverse("organization-detail", kwargs={"organization_id": tenant_a.organization.id})

    with run_tasks():
        response = jwt_client(tenant_a.owner).delete(organization_url)

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert s3_uploads.keys() == [s3_uploads.key_of(Document.objects.get(id=theirs).file.name)]


@pytest.mark.parametrize("method", ["get", "delete"])
def test_another_organization_cannot_reach_the_document_or_its_file(
    tenant_a, tenant_b, bot, run_tasks, s3_uploads, method
):
    with run_tasks():
        document_id = upload(jwt_client(tenant_a.admin), bot, "tickets.txt", b"Children under six go free.").json()[
            "id"
        ]
    keys = s3_uploads.keys()

    with run_tasks():
        response = getattr(jwt_client(tenant_b.owner), method)(
            reverse("document-detail", kwargs={"document_id": document_id})
        )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["code"] == "not_found"
    assert Document.objects.filter(id=document_id, status=DocumentStatus.READY).exists()
    assert s3_uploads.keys() == keys


def test_an_upload_while_the_storage_is_down_answers_503_and_saves_nothing(tenant_a, bot, s3_uploads):
    s3_uploads.server.stop()

    response = upload(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(GUIDE_PAGES))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE, response.content
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "service_unavailable"
    assert "file storage" in body["detail"]
    assert not Document.objects.filter(bot=bot).exists()
    s3_uploads.server.start()
    assert s3_uploads.keys() == []
    # Once it is back, the same upload succeeds.
    assert upload(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(GUIDE_PAGES)).status_code == 202


def test_ingestion_waits_while_the_storage_is_down_and_reads_the_file_once_it_is_back(
    tenant_a, bot, s3_uploads, django_capture_on_commit_callbacks
):
    # Saved while the storage answers; the worker runs after it went down.
    with django_capture_on_commit_callbacks(execute=False):
        document_id = upload(jwt_client(tenant_a.admin), bot, "guide.pdf", make_pdf(GUIDE_PAGES)).json()["id"]
    s3_uploads.server.stop()
    ids = {"document_id": document_id, "organization_id": str(tenant_a.organization.id)}

    with pytest.raises(pipeline.TransientIngestionError):
        pipeline.ingest(**ids, final_attempt=False)

    document = Document.objects.get(id=document_id)
    assert document.status == DocumentStatus.PENDING  # not failed: the task retries it
    assert document.error.startswith("Temporary problem, retrying: The file storage did not answer")
    assert document.attempts == 0
    s3_uploads.server.start()

    assert pipeline.ingest(**ids, final_attempt=False).status == "ready"
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.error == ""
    assert Chunk.objects.filter(document=document).exists()


def test_a_file_missing_from_the_bucket_fails_the_document_saying_so(
    tenant_a, bot, s3_uploads, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        document_id = upload(jwt_client(tenant_a.admin), bot, "notes.txt", b"The ferry leaves at seven.").json()["id"]
    (key,) = s3_uploads.keys()
    s3_uploads.server.client().delete_object(Bucket=s3_uploads.bucket, Key=key)

    outcome = pipeline.ingest(
        document_id=document_id, organization_id=str(tenant_a.organization.id), final_attempt=False
    )

    assert outcome.status == "failed"
    document = Document.objects.get(id=document_id)
    assert document.status == DocumentStatus.FAILED
    assert document.error == "The uploaded file is missing from the file storage; upload it again."


def test_the_storage_keys_and_signatures_never_reach_the_logs(tenant_a, bot, run_tasks, s3_uploads, caplog):
    caplog.set_level(logging.DEBUG)
    with run_tasks():
        document_id = upload(jwt_client(tenant_a.admin), bot, "notes.txt", b"The ferry leaves at seven.").json()["id"]
        jwt_client(tenant_a.admin).delete(reverse("document-detail", kwargs={"document_id": document_id}))
    s3_uploads.server.stop()
    upload(jwt_client(tenant_a.admin), bot, "guide.txt", b"The museum closes at five.")

    assert caplog.records  # the upload and the outage were logged, at DEBUG too
    assert SECRET_ACCESS_KEY not in caplog.text
    assert "Signature=" not in caplog.text and "X-Amz-Signature" not in caplog.text


@pytest.mark.services  # two writers at once: the SQLite test database (in memory) locks the second out
def test_two_identical_uploads_at_once_leave_one_document_and_one_file(transactional_db, tenant_a, bot, s3_uploads):
    """Both pass the early duplicate check and store their file; the second is refused under the
    bot's lock, and its file is deleted: no file is left without a row."""
    from django.db import connection

    from accounts.models import Role
    from accounts.tenancy import Actor
    from chatsphere.errors import Conflict
    from documents import services

    actor = Actor(organization=tenant_a.organization, role=Role.ADMIN, user=tenant_a.admin)
    together = threading.Barrier(2)
    outcomes: list[object] = []

    def add(name: str) -> None:
        together.wait(timeout=30)
        try:
            outcomes.append(
                services.document_create_from_file(
                    actor=actor, bot=bot, uploaded_file=SimpleUploadedFile(name, b"The ferry leaves at seven.")
                )
            )
        except Conflict as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(name,)) for name in ("ferry.txt", "ferry-copy.txt")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Conflict", "Document"]
    (document,) = Document.objects.filter(bot=bot)
    assert s3_uploads.keys() == [s3_uploads.key_of(document.file.name)]
