"""Fixtures of the chat tests: bots with real knowledge (ingested by the real pipeline with the
offline embedder and the local store), the fake Gemini server, and helpers to collect events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from accounts.models import Role
from accounts.tenancy import Actor
from bots.models import Bot
from bots.tests.factories import BotFactory
from chatsphere.ai.providers import reset_providers
from chatsphere.celery import app as celery_app
from documents import services as document_services
from documents.models import Document, DocumentStatus
from tests.fakes.fixtures import fake_gemini  # noqa: F401 - fixture
from tests.fakes.gemini import FakeGemini

GEMINI_KEY = "test-gemini-key-chat"
ALLOWED = "https://allowed.example"

Event = dict[str, Any]


@pytest.fixture(autouse=True)
def _offline_providers(settings: Any) -> Iterator[None]:
    """Every test starts on the embedded default (offline embedder and answerer, local store)."""
    settings.GEMINI_API_KEY = ""
    settings.PINECONE_API_KEY = ""
    settings.CHATSPHERE_LLM = "auto"
    settings.CHATSPHERE_EMBEDDINGS = "auto"
    settings.CHATSPHERE_VECTORSTORE = "auto"
    settings.CHATSPHERE_MONTHLY_MESSAGE_QUOTA = 0
    settings.CHATSPHERE_ALLOW_PRIVATE_URLS = True
    reset_providers()
    yield
    reset_providers()


@pytest.fixture(autouse=True)
def _eager_tasks() -> Iterator[None]:
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def gemini(settings: Any, fake_gemini: FakeGemini) -> Iterator[FakeGemini]:  # noqa: F811
    """Answers come from the fake Gemini server through the real google-genai SDK. Embeddings
    stay offline, so documents ingested before or after switching are searchable alike."""
    settings.GEMINI_API_KEY = GEMINI_KEY
    settings.GEMINI_BASE_URL = fake_gemini.base_url
    settings.CHATSPHERE_EMBEDDINGS = "offline"
    settings.CHATSPHERE_VECTORSTORE = "local"
    settings.CHATSPHERE_LLM = "gemini"
    settings.CHATSPHERE_PROVIDER_RETRY_DELAY = 0.01
    reset_providers()
    yield fake_gemini
    reset_providers()


def add_document(bot: Bot, title: str, text: str) -> Document:
    """Ingest a text into the bot with the real services (runs on commit, eagerly).

    Works inside a test transaction (`django_db`) and in `transaction=True` tests alike."""
    from django.db import connection

    actor = Actor(organization=bot.organization, role=Role.OWNER, user=None)
    if connection.in_atomic_block:
        # A test transaction: run the on-commit callbacks (the ingestion task) ourselves.
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            document = document_services.document_create_from_text(actor=actor, bot=bot, title=title, text=text)
    else:
        document = document_services.document_create_from_text(actor=actor, bot=bot, title=title, text=text)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    bot.refresh_from_db()
    return document


def add_pdf(bot: Bot, name: str, pages: list[str]) -> Document:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import TestCase

    from documents.tests.conftest import make_pdf

    actor = Actor(organization=bot.organization, role=Role.OWNER, user=None)
    upload = SimpleUploadedFile(name, make_pdf(pages), content_type="application/pdf")

    def create() -> Document:
        return document_services.document_create_from_file(actor=actor, bot=bot, uploaded_file=upload)

    if connection.in_atomic_block:
        with TestCase.captureOnCommitCallbacks(execute=True):
            document = create()
    else:
        document = create()
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    bot.refresh_from_db()
    return document


TIDES_TEXT = (
    "Harbour ferry timetable.\n\n"
    "The harbour ferry to Puffin Island leaves from pier seven every forty minutes. "
    "Tickets for the Puffin Island ferry cost twelve euros for adults and five euros for children. "
    "Bicycles travel free on the ferry outside the summer season."
)
BAKERY_TEXT = (
    "Sourdough baking guide.\n\n"
    "Feed the sourdough starter with rye flour and water twice a day. "
    "Bake the sourdough loaf in a preheated cast iron pot for forty five minutes."
)


@pytest.fixture
def make_bot() -> Callable[..., Bot]:
    def build(organization: Any, **fields: Any) -> Bot:
        fields.setdefault("allowed_origins", [ALLOWED])
        return BotFactory(organization=organization, **fields)

    return build


async def collect(events: AsyncIterator[Event]) -> list[Event]:
    return [event async for event in events]


def types(events: list[Event]) -> list[str]:
    return [event["type"] for event in events]


def answer_text(events: list[Event]) -> str:
    return "".join(event["text"] for event in events if event["type"] == "token")
