"""The lexical index of chunk text: written and deleted with the chunks, scoped to one bot of one
organization, with statistics of the bot's own knowledge (SQLite FTS5 on the embedded default,
PostgreSQL full-text search on the PostgreSQL pass)."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import Role
from accounts.services.organizations import organization_delete
from accounts.tenancy import Actor
from accounts.tests.factories import UserFactory
from bots.services import bot_delete
from bots.tests.factories import BotFactory
from chatsphere.text.query import query_terms
from documents import services
from documents.lexical import lexical_index
from documents.models import Chunk, Document, DocumentStatus
from documents.tasks import reindex_bot

pytestmark = pytest.mark.django_db(transaction=True)

HANDBOOK = (
    "Travel and expenses\n\n"
    "Employees book train journeys through the travel desk at least a week ahead. "
    "Hotel rooms are reimbursed up to the regional limit published each January. "
    "The quarterly mileage allowance for private cars is reviewed by the finance committee."
)
CANARY = "Project zanzibarite is the codename of the unreleased heat pump."


def owner(bot) -> Actor:
    return Actor(organization=bot.organization, role=Role.OWNER, user=None)


def add(bot, title: str, text: str) -> Document:
    document = services.document_create_from_text(actor=owner(bot), bot=bot, title=title, text=text)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document


def search(bot, question: str, limit: int = 10):
    return lexical_index().search(
        organization_id=bot.organization_id, bot_id=bot.id, terms=query_terms(question), limit=limit
    )


def hit_documents(bot, question: str) -> list:
    found = search(bot, question).hits
    by_id = dict(Chunk.objects.filter(id__in=[chunk_id for chunk_id, _ in found]).values_list("id", "document_id"))
    return [by_id[chunk_id] for chunk_id, _ in found]


def fts_rows(bot_id) -> int | None:
    """Rows of the bot's FTS5 table (None on PostgreSQL, where the index is a column)."""
    if connection.vendor != "sqlite":
        return None
    table = f"lexical_{bot_id.hex}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [table])
        if cursor.fetchone() is None:
            return 0
        cursor.execute(f"SELECT count(*) FROM {table}_docsize")  # noqa: S608 - a UUID's hex
        return int(cursor.fetchone()[0])


@pytest.fixture(autouse=True)
def _eager(settings):
    from chatsphere.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.GEMINI_API_KEY = ""
    settings.PINECONE_API_KEY = ""
    yield
    app.conf.task_always_eager = previous


def test_a_word_found_only_in_one_passage_finds_it_first():
    bot = BotFactory()
    handbook = add(bot, "Handbook", HANDBOOK)
    add(bot, "Canteen", "The canteen serves lunch from noon. Vegetarian dishes are marked green on the menu.")

    assert hit_documents(bot, "Who reviews the mileage allowance?") == [handbook.id]
    # Stems match: "reimbursement" finds "reimbursed", "journey" finds "journeys".
    assert hit_documents(bot, "reimbursement of a train journey") == [handbook.id]


def test_terms_found_and_unknown_are_reported_per_chunk():
    bot = BotFactory()
    add(bot, "Handbook", HANDBOOK)

    result = search(bot, "What is the mileage allowance for bicycles?")

    (chunk_id, _score), *_ = result.hits
    assert result.chunk_terms[chunk_id] == {"mileage", "allowance"}
    assert result.frequencies["bicycles"] == 0
    assert result.frequencies["mileage"] == 1


def test_another_organizations_canary_never_surfaces_and_never_moves_a_score():
    mine = BotFactory()
    add(mine, "Handbook", HANDBOOK + " The zanzibarite sample sits in the lobby.")
    before = search(mine, "zanzibarite mileage allowance")

    theirs = BotFactory()
    for number in range(3):
        add(theirs, f"Secret {number}", f"{CANARY} Prototype {number} is tested in the lab.")
    after = search(mine, "zanzibarite mileage allowance")

    assert {chunk_id for chunk_id, _ in after.hits} <= set(Chunk.objects.filter(bot=mine).values_list("id", flat=True))
    # Statistics are the bot's own: the other organization's copies of the word change nothing.
    assert after.hits == before.hits
    assert after.frequencies == before.frequencies
    assert search(theirs, "mileage allowance").hits == []


def test_deleting_a_document_removes_it_from_the_index():
    bot = BotFactory()
    handbook = add(bot, "Handbook", HANDBOOK)
    add(bot, "Canteen", "The canteen serves lunch from noon.")
    rows = fts_rows(bot.id)

    services.document_delete(actor=owner(bot), document=handbook)

    assert hit_documents(bot, "mileage allowance") == []
    assert search(bot, "mileage allowance").frequencies["mileage"] == 0
    if rows is not None:
        assert fts_rows(bot.id) == rows - 1


def test_reingesting_replaces_the_indexed_text():
    bot = BotFactory()
    handbook = add(bot, "Handbook", HANDBOOK)
    Document.objects.filter(id=handbook.id).update(status=DocumentStatus.PENDING)
    Chunk.objects.filter(document=handbook).update(text="The mileage allowance moved to the new intranet page.")

    services.document_reingest(actor=owner(bot), document=Document.objects.get(id=handbook.id))

    # The chunks were rebuilt from the stored text; the index holds them once, not twice.
    assert hit_documents(bot, "mileage allowance") == [handbook.id]
    assert hit_documents(bot, "intranet") == []
    if connection.vendor == "sqlite":
        assert fts_rows(bot.id) == Chunk.objects.filter(bot=bot).count()


def test_a_document_that_is_not_ready_is_not_searched():
    bot = BotFactory()
    handbook = add(bot, "Handbook", HANDBOOK)

    Document.objects.filter(id=handbook.id).update(status=DocumentStatus.PROCESSING)

    assert hit_documents(bot, "mileage allowance") == []


def test_deleting_a_bot_or_its_organization_drops_its_index():
    bot = BotFactory()
    add(bot, "Handbook", HANDBOOK)
    other = BotFactory()
    add(other, "Handbook", HANDBOOK)

    bot_id, other_id = bot.id, other.id

    bot_delete(actor=owner(bot), bot=bot)
    person = UserFactory()
    organization_delete(actor=Actor(organization=other.organization, role=Role.OWNER, user=person))

    assert fts_rows(bot_id) in (0, None)
    assert fts_rows(other_id) in (0, None)
    assert not Chunk.objects.exists()


def test_reindexing_a_bot_rebuilds_its_lexical_index():
    bot = BotFactory()
    handbook = add(bot, "Handbook", HANDBOOK)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE lexical_{bot.id.hex}")
        assert hit_documents(bot, "mileage allowance") == []

    bot.embedder = "an-older-embedder"
    bot.save(update_fields=["embedder"])
    reindex_bot(bot_id=str(bot.id), organization_id=str(bot.organization_id))

    assert hit_documents(bot, "mileage allowance") == [handbook.id]
