"""Answers from documents as owners upload them: a long PDF with one fact deep inside, questions
worded unlike the text, questions about nothing in the documents, and curated answers — on the
embedded default and through Gemini and Pinecone (the real SDKs against the fake servers)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from accounts.tenancy import Actor
from bots.models import Bot
from bots.tests.factories import BotFactory
from chat import rag
from chat.curated.services import curated_answer_create
from chat.models import Channel, Message
from chat.participants import Participant
from chat.retrieval import retrieve_sync
from chat.tests.conftest import GEMINI_KEY, add_document, answer_text, collect, types
from chatsphere.ai.providers import reset_providers
from documents import services as document_services
from documents.models import DocumentStatus
from evaluation.long_documents import single_fact_document
from tests.fakes.fixtures import fake_pinecone  # noqa: F401 - fixture
from tests.fakes.gemini import FakeGemini

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

API = Participant(channel=Channel.API)
STREAM = ":streamGenerateContent"
OFF_TOPIC = [
    "What is the capital of Mongolia?",
    "How do I bake sourdough bread at home?",
    "Who won the football world cup in 1998?",
]
FACT = single_fact_document(pages=12, fact_page=3)


def owner(bot: Bot) -> Actor:
    return Actor(organization=bot.organization, role=Role.OWNER, user=None)


@database_sync_to_async
def write_answer(bot: Bot, question: str, answer: str) -> Any:
    return curated_answer_create(actor=owner(bot), bot=bot, question=question, answer=answer)


@database_sync_to_async
def bot_with_handbook(**fields: Any) -> Bot:
    bot = BotFactory(**fields)
    upload = SimpleUploadedFile("handbook.pdf", FACT.document.pdf(), content_type="application/pdf")
    document = document_services.document_create_from_file(actor=owner(bot), bot=bot, uploaded_file=upload)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    assert document.page_count == 12
    bot.refresh_from_db()
    return bot


async def ask(bot: Bot, question: str) -> list[dict[str, Any]]:
    return await collect(rag.answer(bot=bot, participant=API, text=question))


async def saved(events: list[dict[str, Any]]) -> Message:
    return await Message.objects.aget(id=events[-1]["message_id"])


def quotes(text: str) -> list[str]:
    return re.findall(r"“(.*?)”", text)


@pytest.fixture
def remote(settings, fake_gemini: FakeGemini, fake_pinecone):  # noqa: F811
    """Gemini embeddings and answers, Pinecone vectors; keyword search stays in the database."""
    settings.GEMINI_API_KEY = GEMINI_KEY
    settings.GEMINI_BASE_URL = fake_gemini.base_url
    settings.PINECONE_API_KEY = "pclocal"
    settings.PINECONE_INDEX_HOST = fake_pinecone.base_url
    settings.CHATSPHERE_EMBEDDINGS = settings.CHATSPHERE_VECTORSTORE = settings.CHATSPHERE_LLM = "auto"
    settings.CHATSPHERE_PROVIDER_RETRY_DELAY = 0.01
    reset_providers()
    yield fake_gemini, fake_pinecone
    reset_providers()


@pytest.mark.parametrize("question", [q.text for q in FACT.questions])
async def test_a_fact_on_page_3_of_12_is_answered_with_its_whole_sentence(question: str):
    bot = await bot_with_handbook()

    events = await ask(bot, question)

    assert types(events)[-1] == "done"
    message = await saved(events)
    assert not message.unanswered
    text = answer_text(events)
    assert text.startswith("Quoted from the documents:")
    assert FACT.fact.sentence in quotes(text)  # whole, as written: no PDF line fragment
    assert any(span in text for span in FACT.fact.spans)
    cited = [(c["title"], c["page"]) for c in message.citations]
    assert ("handbook.pdf", 3) in cited
    assert len(quotes(text)) == len(set(quotes(text)))


@database_sync_to_async
def bot_with_handbook_as(kind: str) -> Bot:
    bot = BotFactory()
    document = FACT.document
    if kind == "pasted":
        created = document_services.document_create_from_text(
            actor=owner(bot), bot=bot, title="Handbook", text=document.text()
        )
    else:
        body, name = {"markdown": (document.markdown(), "handbook.md"), "html": (document.html(), "handbook.html")}[
            kind
        ]
        upload = SimpleUploadedFile(name, body.encode(), content_type="application/octet-stream")
        created = document_services.document_create_from_file(actor=owner(bot), bot=bot, uploaded_file=upload)
    created.refresh_from_db()
    assert created.status == DocumentStatus.READY, created.error
    bot.refresh_from_db()
    return bot


@pytest.mark.parametrize("kind", ["markdown", "html", "pasted"])
async def test_the_fact_is_answered_from_markdown_html_and_pasted_text_too(kind: str):
    bot = await bot_with_handbook_as(kind)

    events = await ask(bot, FACT.questions[0].text)

    assert not (await saved(events)).unanswered
    assert FACT.fact.sentence in quotes(answer_text(events))


@pytest.mark.parametrize("question", OFF_TOPIC)
async def test_questions_about_nothing_in_the_documents_get_the_fallback(question: str):
    bot = await bot_with_handbook(fallback_message="I can only answer questions about the handbook.")

    events = await ask(bot, question)

    assert answer_text(events) == "I can only answer questions about the handbook."
    assert (await saved(events)).unanswered


async def test_strictness_decides_how_sure_the_bot_must_be():
    bot = await bot_with_handbook(strictness=1.0)
    question = FACT.questions[0].text

    refused = await ask(bot, question)
    bot.strictness = 0.0
    await bot.asave(update_fields=["strictness"])
    answered = await ask(bot, question)

    assert (await saved(refused)).unanswered
    assert not (await saved(answered)).unanswered


async def test_an_exact_code_found_only_by_keywords_comes_first():
    bot = await database_sync_to_async(BotFactory)()
    for number in range(6):
        await database_sync_to_async(add_document)(
            bot,
            f"Error guide {number}",
            f"Error codes of the printer series {number}. Each code names a fault and its fix. "
            f"Restart the printer before calling support about series {number}.",
        )
    target = await database_sync_to_async(add_document)(
        bot, "Fault table", "Code PX-4471 means the paper tray sensor is blocked; clear the tray and restart."
    )

    retrieval = await database_sync_to_async(retrieve_sync)(bot=bot, question="What does PX-4471 mean?")

    assert retrieval.relevant
    assert retrieval.chunks[0].document_id == target.id


async def test_through_gemini_and_pinecone_the_fact_reaches_the_model_as_a_whole_sentence(remote):
    gemini, pinecone = remote
    bot = await bot_with_handbook()
    gemini.script(text="It is in the handbook [1].")

    events = await ask(bot, FACT.questions[-1].text)

    assert types(events)[-1] == "done"
    (request,) = gemini.requests(STREAM)
    prompt = request.body["contents"][-1]["parts"][0]["text"]
    first_source = prompt.split("</source>")[0]
    assert FACT.fact.sentence in " ".join(first_source.split())
    assert 'page="3"' in first_source
    message = await saved(events)
    assert message.citations[0]["page"] == 3
    assert message.citations[0]["title"] == "handbook.pdf"
    # The query was embedded for retrieval, the vectors searched in Pinecone.
    assert gemini.requests(":batchEmbedContents") or gemini.requests(":embedContent")
    assert pinecone.vectors(f"bot-{bot.id}")


async def test_through_gemini_an_off_topic_question_calls_no_model(remote):
    gemini, _ = remote
    bot = await bot_with_handbook()

    for question in OFF_TOPIC:
        events = await ask(bot, question)
        assert (await saved(events)).unanswered

    assert gemini.streams_started == 0


async def test_a_curated_answer_is_given_verbatim_and_cited_as_such():
    bot = await bot_with_handbook()
    entry = await write_answer(
        bot, "Can I bring my dog to the office?", "Dogs are welcome on Fridays in the ground-floor studio."
    )

    events = await ask(bot, "can i bring my dog to the office")

    assert answer_text(events) == "Dogs are welcome on Fridays in the ground-floor studio. [1]"
    (citation,) = (await saved(events)).citations
    assert citation["kind"] == "curated"
    assert citation["title"] == "Curated answer"
    assert citation["curated_answer_id"] == str(entry.id)
    assert citation["document_id"] is None


async def test_through_gemini_a_curated_answer_is_the_first_source(remote):
    gemini, _ = remote
    bot = await bot_with_handbook()
    await write_answer(
        bot, "Can I bring my dog to the office?", "Dogs are welcome on Fridays in the ground-floor studio."
    )
    gemini.script(text="Yes, on Fridays [1].")

    events = await ask(bot, "Can I bring my dog to the office?")

    (request,) = gemini.requests(STREAM)
    prompt = request.body["contents"][-1]["parts"][0]["text"]
    assert '<source number="1" title="Curated answer" curated="true">' in prompt
    assert "Dogs are welcome on Fridays in the ground-floor studio." in prompt.split("</source>")[0]
    assert (await saved(events)).citations[0]["kind"] == "curated"
