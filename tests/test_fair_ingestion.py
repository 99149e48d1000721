"""A real Celery worker with two processes, shared by two organizations: while one organization's
large upload is being ingested, its other files wait their turn and the other organization's
small document is ingested on the free process. Runs when DATABASE_URL and REDIS_URL are set
(the CI's second pass)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from accounts.tenancy import Actor
from bots.tests.factories import BotFactory
from documents import services
from documents.models import Document, DocumentStatus
from documents.tests.conftest import make_pdf
from tests.test_worker_resilience import ROOT, STALL_SECONDS, _database_url, _paragraph

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _start_worker(tmp_path, settings) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CHATSPHERE_VAR_DIR": str(tmp_path),
        "CHATSPHERE_INGEST_STALL_SECONDS": str(STALL_SECONDS),
        "CHATSPHERE_INGEST_SLOTS_PER_ORG": "1",
        "CHATSPHERE_INGEST_SLOT_RETRY_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "chatsphere", "worker", "--concurrency=2", "--loglevel=WARNING"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def real_broker(settings):
    if not (settings.REDIS_URL and settings.DATABASE_URL):
        pytest.fail("the services tests need DATABASE_URL and REDIS_URL")
    from chatsphere.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = previous


def test_a_large_upload_does_not_hold_every_worker(tmp_path, settings, real_broker, tenant_a, tenant_b):
    settings.CHATSPHERE_INGEST_SLOTS_PER_ORG = 1
    big_bot = BotFactory(organization=tenant_a.organization)
    big_actor = Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner)
    small_bot = BotFactory(organization=tenant_b.organization)
    small_actor = Actor(organization=tenant_b.organization, role=Role.OWNER, user=tenant_b.owner)
    worker = _start_worker(tmp_path, settings)
    most_at_once = 0
    try:
        big = [
            services.document_create_from_file(
                actor=big_actor,
                bot=big_bot,
                uploaded_file=SimpleUploadedFile(
                    f"harbour{n}.pdf", make_pdf([_paragraph(1000 * n + page) for page in range(1, 151)])
                ),
            )
            for n in range(3)
        ]
        small = services.document_create_from_text(
            actor=small_actor, bot=small_bot, title="Opening hours", text="The museum opens at ten every day."
        )
        deadline = time.monotonic() + 240
        small_ready_while_big_pending = False
        while time.monotonic() < deadline:
            statuses = dict(Document.objects.filter(id__in=[d.id for d in big]).values_list("id", "status"))
            most_at_once = max(most_at_once, sum(status == DocumentStatus.PROCESSING for status in statuses.values()))
            small_status = Document.objects.get(id=small.id).status
            if small_status == DocumentStatus.READY and any(s != DocumentStatus.READY for s in statuses.values()):
                small_ready_while_big_pending = True
            if small_status == DocumentStatus.READY and all(s == DocumentStatus.READY for s in statuses.values()):
                break
            time.sleep(0.05)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)

    assert Document.objects.get(id=small.id).status == DocumentStatus.READY
    assert small_ready_while_big_pending  # it did not wait for the whole large upload
    assert all(Document.objects.get(id=d.id).status == DocumentStatus.READY for d in big)
    assert most_at_once == 1  # never more of one organization's documents than its slots
    assert all(Document.objects.get(id=d.id).attempts == 1 for d in big)  # waiting used no attempt
