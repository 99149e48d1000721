from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from accounts.models import Role
from accounts.tenancy import Actor
from bots.tests.factories import BotFactory
from chatsphere.ai.providers import reset_providers
from chatsphere.celery import app as celery_app


def make_pdf(pages: list[str]) -> bytes:
    """A real PDF with one text block per page (empty strings give empty pages)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for text in pages:
        y = 800
        for line in text.split("\n"):
            pdf.drawString(50, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def pdf_bytes() -> Callable[[list[str]], bytes]:
    return make_pdf


@pytest.fixture
def upload() -> Callable[[str, bytes], SimpleUploadedFile]:
    def build(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, data, content_type=content_type)

    return build


@pytest.fixture(autouse=True)
def _fresh_providers(settings):
    """Each test chooses providers through settings; shared instances must not leak between tests."""
    settings.CHATSPHERE_ALLOW_PRIVATE_URLS = True
    reset_providers()
    yield
    reset_providers()


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Tasks run in the test's process (the real-worker tests start their own worker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Inside `with run_tasks():`, tasks enqueued on commit run when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization)


@pytest.fixture
def owner_actor(tenant_a) -> Actor:
    return Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner)
