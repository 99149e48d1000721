from __future__ import annotations

import hashlib

import factory
from factory.django import DjangoModelFactory

from bots.tests.factories import BotFactory
from documents.models import Chunk, Document, DocumentSource, DocumentStatus, WebsiteSource, WebsiteStatus


class DocumentFactory(DjangoModelFactory[Document]):
    class Meta:
        model = Document

    bot = factory.SubFactory(BotFactory)
    organization = factory.SelfAttribute("bot.organization")
    source = DocumentSource.TEXT
    title = factory.Sequence(lambda n: f"Document {n}")
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"document-{n}".encode()).hexdigest())
    content_type = "text"
    status = DocumentStatus.READY


class ChunkFactory(DjangoModelFactory[Chunk]):
    class Meta:
        model = Chunk

    document = factory.SubFactory(DocumentFactory)
    bot = factory.SelfAttribute("document.bot")
    organization = factory.SelfAttribute("document.organization")
    index = factory.Sequence(lambda n: n)
    text = factory.Faker("paragraph")
    content_hash = factory.LazyAttribute(lambda chunk: hashlib.sha256(chunk.text.encode()).hexdigest())


class WebsiteSourceFactory(DjangoModelFactory[WebsiteSource]):
    class Meta:
        model = WebsiteSource

    bot = factory.SubFactory(BotFactory)
    organization = factory.SelfAttribute("bot.organization")
    start_url = factory.Sequence(lambda n: f"https://www.example.com/site-{n}/")
    max_depth = 2
    max_pages = 50
    status = WebsiteStatus.DONE
