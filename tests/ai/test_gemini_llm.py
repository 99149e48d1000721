"""GeminiLLM drives google-genai's async client against the fake Gemini server."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from chatsphere.ai.gemini_llm import GeminiLLM
from chatsphere.ai.types import LLM, ChatTurn, Completion, LLMRequest, ProviderError, TextDelta
from tests.fakes.gemini import FakeGemini, count_tokens

API_KEY = "test-gemini-key-11d0"
STREAM_PATH = ":streamGenerateContent"
QUESTION = "What is the refund policy for annual plans?"
pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(30)]


def make_llm(fake: FakeGemini, max_attempts: int = 3) -> GeminiLLM:
    return GeminiLLM(API_KEY, base_url=fake.base_url, max_attempts=max_attempts, retry_initial_delay=0.01)


def make_request(**overrides: object) -> LLMRequest:
    fields: dict[str, object] = {
        "model": "gemini-test-flash",
        "system_instruction": "Answer from the sources only.",
        "contents": [
            ChatTurn("user", "Hello"),
            ChatTurn("model", "Hi! How can I help?"),
            ChatTurn("user", QUESTION),
        ],
        "question": QUESTION,
        "temperature": 0.3,
        "max_output_tokens": 321,
        "timeout_seconds": 10.0,
    }
    fields.update(overrides)
    return LLMRequest(**fields)  # type: ignore[arg-type]


async def collect(llm: GeminiLLM, request: LLMRequest) -> list[TextDelta | Completion]:
    return [event async for event in llm.stream(request)]


async def collect_into(texts: list[str], llm: GeminiLLM, request: LLMRequest) -> None:
    """Keep the text of each delta as it arrives, so a test can inspect them after a failure."""
    async for event in llm.stream(request):
        if isinstance(event, TextDelta):
            texts.append(event.text)


async def test_implements_the_llm_protocol(fake_gemini):
    assert isinstance(make_llm(fake_gemini), LLM)


async def test_streams_deltas_then_a_completion_with_usage(fake_gemini):
    events = await collect(make_llm(fake_gemini), make_request())

    deltas, completion = events[:-1], events[-1]
    assert all(isinstance(event, TextDelta) for event in deltas)
    assert len(deltas) > 1
    assert "".join(delta.text for delta in deltas) == FakeGemini.reply_for(QUESTION)
    # The fake counts words: the three turns plus the system instruction in, the reply out.
    prompt = "Hello Hi! How can I help? " + QUESTION + " Answer from the sources only."
    assert completion == Completion(
        finish_reason="STOP",
        input_tokens=count_tokens(prompt),
        output_tokens=count_tokens(FakeGemini.reply_for(QUESTION)),
        model="gemini-fake-001",
    )
    assert completion.input_tokens == 19


async def test_request_on_the_wire(fake_gemini):
    await collect(make_llm(fake_gemini), make_request())

    (request,) = fake_gemini.requests(STREAM_PATH)
    assert request.path == "/v1/models/gemini-test-flash:streamGenerateContent"
    assert request.param("alt") == "sse"
    assert request.headers["x-goog-api-key"] == API_KEY
    assert [(c["role"], c["parts"][0]["text"]) for c in request.body["contents"]] == [
        ("user", "Hello"),
        ("model", "Hi! How can I help?"),
        ("user", QUESTION),
    ]
    assert request.body["systemInstruction"]["parts"] == [{"text": "Answer from the sources only."}]
    assert request.body["generationConfig"] == {"temperature": 0.3, "maxOutputTokens": 321}


async def test_first_delta_arrives_before_the_server_sends_its_last_chunk(fake_gemini):
    gate = threading.Event()
    fake_gemini.script(text="one two three four", words_per_chunk=1, gate=gate)
    stream = make_llm(fake_gemini).stream(make_request())

    first = await anext(stream)
    # The fake holds every later chunk until the gate opens, so nothing was buffered.
    assert first == TextDelta("one ")
    assert fake_gemini.chunks_sent == 1
    assert fake_gemini.streams_completed == 0
    gate.set()
    rest = [event async for event in stream]

    assert [event.text for event in rest if isinstance(event, TextDelta)] == ["two ", "three ", "four"]
    assert fake_gemini.streams_completed == 1


async def test_deltas_arrive_as_the_server_paces_them(fake_gemini):
    fake_gemini.script(text="a b c", words_per_chunk=1, chunk_delay=0.4)

    arrivals = [time.monotonic() async for _ in make_llm(fake_gemini).stream(make_request())]

    # Two pauses of 0.4 s separate the first chunk from the last: the first delta was not held back.
    assert len(arrivals) == 4
    assert arrivals[-1] - arrivals[0] >= 0.75


async def test_finish_reason_passes_through(fake_gemini):
    fake_gemini.script(text="cut short", finish_reason="MAX_TOKENS")
    events = await collect(make_llm(fake_gemini), make_request())
    assert isinstance(events[-1], Completion)
    assert events[-1].finish_reason == "MAX_TOKENS"


async def test_mid_stream_error_raises_and_is_not_retried(fake_gemini):
    fake_gemini.script(text="one two three four five six", words_per_chunk=1, error_after=2, error_status=503)
    seen: list[str] = []

    with pytest.raises(ProviderError) as caught:
        await collect_into(seen, make_llm(fake_gemini), make_request())

    assert seen == ["one ", "two "]
    assert caught.value.transient is True
    assert len(fake_gemini.requests(STREAM_PATH)) == 1


async def test_mid_stream_client_error_is_permanent(fake_gemini):
    fake_gemini.script(text="one two", words_per_chunk=1, error_after=1, error_status=400)
    with pytest.raises(ProviderError) as caught:
        await collect(make_llm(fake_gemini), make_request())
    assert caught.value.transient is False


async def test_error_before_the_first_token_is_retried(fake_gemini):
    fake_gemini.script(error_after=0, error_status=500, once=True)

    events = await collect(make_llm(fake_gemini), make_request())

    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == FakeGemini.reply_for(QUESTION)
    assert len(fake_gemini.requests(STREAM_PATH)) == 2


async def test_rate_limit_is_retried(fake_gemini):
    fake_gemini.fail(429, path_contains=STREAM_PATH)

    events = await collect(make_llm(fake_gemini), make_request())

    assert isinstance(events[-1], Completion)
    assert len(fake_gemini.requests(STREAM_PATH)) == 2


async def test_transient_errors_until_attempts_run_out(fake_gemini):
    fake_gemini.fail(503, times=5, path_contains=STREAM_PATH)

    with pytest.raises(ProviderError) as caught:
        await collect(make_llm(fake_gemini, max_attempts=3), make_request())

    assert caught.value.transient is True
    assert caught.value.code == "unavailable"
    assert len(fake_gemini.requests(STREAM_PATH)) == 3


async def test_client_error_is_not_retried(fake_gemini):
    fake_gemini.fail(400, path_contains=STREAM_PATH)

    with pytest.raises(ProviderError) as caught:
        await collect(make_llm(fake_gemini), make_request())

    assert caught.value.transient is False
    assert API_KEY not in caught.value.message
    assert len(fake_gemini.requests(STREAM_PATH)) == 1


async def test_blocked_prompt(fake_gemini):
    fake_gemini.script(block_reason="SAFETY")

    with pytest.raises(ProviderError) as caught:
        await collect(make_llm(fake_gemini), make_request())

    assert caught.value.code == "blocked"
    assert caught.value.transient is False
    assert "SAFETY" in caught.value.message
    assert len(fake_gemini.requests(STREAM_PATH)) == 1


@pytest.mark.parametrize("reason", ["SAFETY", "RECITATION"])
async def test_withheld_answer_is_blocked(fake_gemini, reason):
    fake_gemini.script(text="", finish_reason=reason)

    with pytest.raises(ProviderError) as caught:
        await collect(make_llm(fake_gemini), make_request())

    assert caught.value.code == "blocked"
    assert reason in caught.value.message


async def test_empty_candidates_is_an_empty_response(fake_gemini):
    fake_gemini.script(empty_candidates=True)

    with pytest.raises(ProviderError) as caught:
        await collect(make_llm(fake_gemini), make_request())

    assert caught.value.code == "empty_response"
    assert caught.value.transient is False


async def test_timeout_before_the_first_token(fake_gemini):
    fake_gemini.script(first_chunk_delay=3.0)
    started = time.monotonic()

    with pytest.raises(ProviderError) as caught:
        await collect(make_llm(fake_gemini), make_request(timeout_seconds=0.3))

    assert caught.value.code == "timeout"
    assert caught.value.transient is True
    assert time.monotonic() - started < 1.5


async def test_timeout_after_the_first_token(fake_gemini):
    fake_gemini.script(text="one two", words_per_chunk=1, chunk_delay=3.0)
    seen: list[str] = []

    with pytest.raises(ProviderError) as caught:
        await collect_into(seen, make_llm(fake_gemini), make_request(timeout_seconds=0.5))

    assert seen == ["one "]
    assert caught.value.code == "timeout"
    assert len(fake_gemini.requests(STREAM_PATH)) == 1


async def test_consumer_may_stop_early(fake_gemini):
    fake_gemini.script(text="one two three", words_per_chunk=1, chunk_delay=0.05)
    stream = make_llm(fake_gemini).stream(make_request())

    assert await anext(stream) == TextDelta("one ")
    await stream.aclose()  # type: ignore[attr-defined]

    # The client is still usable afterwards.
    fake_gemini.script(text="again")
    events = await asyncio.wait_for(collect(make_llm(fake_gemini), make_request()), 5)
    assert events[0] == TextDelta("again")


async def test_request_is_the_one_google_genai_sends(fake_gemini):
    """The streaming client posts what the SDK would post for the same request, to the same path."""
    from google import genai
    from google.genai import types

    request = make_request()
    await collect(make_llm(fake_gemini), request)
    client = genai.Client(api_key=API_KEY, http_options=types.HttpOptions(base_url=fake_gemini.base_url))
    config = types.GenerateContentConfig(
        system_instruction=request.system_instruction,
        temperature=request.temperature,
        max_output_tokens=request.max_output_tokens,
    )
    contents = [types.Content(role=turn.role, parts=[types.Part(text=turn.text)]) for turn in request.contents]
    async for _ in await client.aio.models.generate_content_stream(
        model=request.model, contents=contents, config=config
    ):
        pass

    ours, sdk = fake_gemini.requests(STREAM_PATH)
    assert (ours.path, ours.query) == (sdk.path, sdk.query)
    assert ours.body == sdk.body
