"""The task queue (Redis as Celery's broker) being down while owners change knowledge: an upload
is saved and says so, and is queued by the sweeper once the broker is back; a deletion still
removes the document's vectors, in the request's process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from kombu import pools

from chatsphere.ai.models import StoredVector
from chatsphere.celery import app as celery_app
from conftest import jwt_client
from documents.models import Document, DocumentStatus
from documents.namespaces import bot_namespace
from documents.tasks import sweep_stalled_documents
from tests.processes import free_port

pytestmark = pytest.mark.django_db

TEXT = b"The harbour office opens at nine in winter.\nFerry tickets are sold at the pier."


def _reset_connections() -> None:
    # Celery keeps its broker connection and producer pools once made; a new broker address needs new ones.
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Celery sends to a Redis address where nothing listens, as when Redis is stopped."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    celery_app.conf.task_always_eager = False
    _reset_connections()
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    _reset_connections()


def _upload(client, bot):
    return client.post(
        reverse("bot-document-list", kwargs={"bot_id": bot.id}),
        {"file": SimpleUploadedFile("winter.txt", TEXT)},
        format="multipart",
    )


def test_an_upload_while_the_queue_is_down_is_saved_then_queued_when_it_is_back(
    tenant_a, bot, run_tasks, broker_down, settings
):
    with run_tasks():
        response = _upload(jwt_client(tenant_a.admin), bot)
    assert response.status_code == 202, response.content
    document = Document.objects.get(id=response.json()["id"])
    assert document.status == DocumentStatus.PENDING
    assert document.queue_failed_at is not None

    # The broker is back (here: tasks run in this process again); beat's next sweep sends it.
    celery_app.conf.task_always_eager = True
    settings.CHATSPHERE_INGEST_STALL_SECONDS = 3600  # not the "lost message" rule: the recorded miss
    assert sweep_stalled_documents.apply().get() == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    assert document.queue_failed_at is None


def test_deleting_while_the_queue_is_down_still_removes_the_vectors(tenant_a, bot, run_tasks):
    client = jwt_client(tenant_a.admin)
    with run_tasks():
        document_id = _upload(client, bot).json()["id"]
    namespace = bot_namespace(bot.id)
    assert StoredVector.objects.filter(namespace__name=namespace).exists()

    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    celery_app.conf.task_always_eager = False
    _reset_connections()
    try:
        with run_tasks():
            response = client.delete(reverse("document-detail", kwargs={"document_id": document_id}))
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        _reset_connections()
    assert response.status_code == 204, response.content
    assert not Document.objects.filter(id=document_id).exists()
    assert not StoredVector.objects.filter(namespace__name=namespace, vector_id__startswith=document_id).exists()
