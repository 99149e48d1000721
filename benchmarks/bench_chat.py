"""Answering over the widget WebSocket on one daphne process, with Gemini played by the fake
server in a process of its own, and 10,000 chunks of real prose (PubMedQA-L dev abstracts; the
bench stops with an error when the data set is missing) in the local store and lexical index.

The fake answers with about 100 words of PubMedQA prose in events of WORDS_PER_EVENT words
(20-40 characters, as Gemini's stream sends them), and listens with a backlog that never drops
a connect. Delivery is counted in characters and words of answer text, not frames, so that
merging tokens into fewer frames reads as what it is.

1. Pipeline overhead: the fake holds 300 ms before its first event; time to first token minus
   300 ms, p50 and p99, over sequential questions. Goal: p50 <= 10 ms, p99 <= 40 ms.
2. 200 concurrent visitors, each asking one PubMedQA question, the fake streaming its answer at
   once: completions (the whole answer received), errors, time to first token (goal: p50 <= 1 s,
   p99 <= 2 s), daphne memory per connection, daphne CPU per answer, and the text delivery rate
   as a ratio to a bare Channels echo consumer sending the same text in the same events, in the
   same run (goal >= 0.3).

Run: .venv/bin/python -m benchmarks.bench_chat [--questions 100] [--visitors 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

from benchmarks._django import ROOT, setup_django

ORIGIN = "https://bench.example"
FIRST_TOKEN_DELAY = 0.3
CHUNKS = 10_000
CHUNKS_PER_DOCUMENT = 100
ANSWER_WORDS = 100
#: Gemini's stream events carry several words each (20-40 characters), not one.
WORDS_PER_EVENT = 5
SEED = 20261129
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Corpus:
    sentences: list[str]
    questions: list[str]
    answer: str


def load_corpus() -> Corpus:
    """PubMedQA-L dev: abstract sentences for the passages, its questions, and an answer made of
    its long answers. A missing data set stops the bench: generated text would measure nothing real."""
    from evaluation.pubmedqa import dev_path

    path = dev_path()
    if not path.is_file():
        raise SystemExit(
            f"bench_chat: PubMedQA data not found at {path}. Set CHATSPHERE_PUBMEDQA_DIR to the folder "
            "holding pqal_dev.json; this benchmark does not run on generated text."
        )
    entries = json.loads(path.read_text(encoding="utf-8"))
    sentences = [
        sentence.strip()
        for entry in entries.values()
        for context in entry["CONTEXTS"]
        for sentence in _SENTENCE_END.split(context)
        if len(sentence.split()) >= 4
    ]
    questions = [entry["QUESTION"] for entry in entries.values()]
    words: list[str] = []
    for entry in entries.values():
        words += entry["LONG_ANSWER"].split()
        if len(words) >= ANSWER_WORDS:
            break
    if not sentences or not questions or len(words) < ANSWER_WORDS:
        raise SystemExit(f"bench_chat: {path} holds too little text for this benchmark.")
    return Corpus(sentences, questions, " ".join(words[:ANSWER_WORDS]))


def passages(sentences: list[str], count: int, rng: random.Random) -> list[str]:
    """`count` passages of 60-120 words, each a run of randomly drawn sentences."""
    texts = []
    for _ in range(count):
        target, words, parts = rng.randint(60, 120), 0, []
        while words < target:
            sentence = rng.choice(sentences)
            parts.append(sentence)
            words += len(sentence.split())
        texts.append(" ".join(parts))
    return texts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_bot(corpus: Corpus) -> str:
    """A bot with CHUNKS passages (ready documents of 100), written the way ingestion writes
    them: chunk rows, the lexical index, and offline-embedder vectors in the local store."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.services.organizations import organization_create
    from accounts.tenancy import Actor
    from bots.services import bot_create
    from chatsphere.ai.local_store import LocalStore
    from chatsphere.ai.offline_embedder import OfflineEmbedder
    from chatsphere.ai.types import VectorRecord
    from documents.lexical import lexical_index
    from documents.models import Chunk, Document, DocumentSource, DocumentStatus
    from documents.namespaces import bot_namespace, vector_id

    rng = random.Random(SEED)
    user = User.objects.create_user(
        email="bench@example.com", password="bench-pass-phrase-42", email_verified_at=timezone.now()
    )
    organization = organization_create(user=user, name="Bench")
    actor = Actor(organization=organization, role=Role.OWNER, user=user)
    bot = bot_create(actor=actor, name="Bench bot", allowed_origins=[ORIGIN], strictness=0.0)
    embedder, store = OfflineEmbedder(), LocalStore()
    bot.embedder, bot.embedding_dimension = embedder.name, embedder.dimension
    bot.save(update_fields=["embedder", "embedding_dimension"])
    for number in range(CHUNKS // CHUNKS_PER_DOCUMENT):
        texts = passages(corpus.sentences, CHUNKS_PER_DOCUMENT, rng)
        with transaction.atomic():
            document = Document.objects.create(
                organization=organization,
                bot=bot,
                source=DocumentSource.TEXT,
                title=f"Abstracts {number}",
                status=DocumentStatus.READY,
                chunk_count=len(texts),
                embedder=embedder.name,
                embedding_dimension=embedder.dimension,
            )
            Chunk.objects.bulk_create(
                Chunk(
                    organization=organization,
                    bot=bot,
                    document=document,
                    index=index,
                    text=text,
                    token_count=len(text.split()),
                    content_hash=f"{number * CHUNKS_PER_DOCUMENT + index:064x}",
                )
                for index, text in enumerate(texts)
            )
            lexical_index().add_document(bot_id=bot.id, document_id=document.id)
        vectors = embedder.embed_documents(texts)
        store.upsert(
            namespace=bot_namespace(bot.id),
            records=[
                VectorRecord(
                    id=vector_id(document.id, index),
                    values=vectors[index],
                    metadata={"document_id": str(document.id), "chunk_index": index},
                )
                for index in range(len(texts))
            ],
        )
    return bot.public_key


FAKE_GEMINI = """
import sys, time
from tests.fakes.gemini import FakeGemini
fake = FakeGemini().start()
fake.script(text=sys.argv[1], words_per_chunk=int(sys.argv[3]), first_chunk_delay=float(sys.argv[2]))
print(fake.base_url, flush=True)
while True:
    time.sleep(3600)
"""


def start_fake_gemini(answer: str, first_token_delay: float) -> tuple[subprocess.Popen[str], str]:
    """The fake Gemini in a process of its own, so that it does not share this one's interpreter
    lock with the 200 WebSocket clients."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and test fake
        [sys.executable, "-c", FAKE_GEMINI, answer, str(first_token_delay), str(WORDS_PER_EVENT)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, process.stdout.readline().strip()  # type: ignore[union-attr]  # stdout=PIPE: never None


def start_daphne(workdir: Path, gemini_url: str, answer: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "GEMINI_API_KEY": "bench-key",
        "GEMINI_BASE_URL": gemini_url,
        "CHATSPHERE_LLM": "gemini",
        "CHATSPHERE_EMBEDDINGS": "offline",
        "CHATSPHERE_VECTORSTORE": "local",
        "CHATSPHERE_RATE_CHAT_VISITOR": "100000/m",
        "CHATSPHERE_RATE_CHAT_IP": "100000/m",
        # What the bare echo consumer sends: the fake's answer, in the fake's events.
        "BENCH_ECHO_TEXT": answer,
        "BENCH_ECHO_WORDS_PER_EVENT": str(WORDS_PER_EVENT),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    log = (workdir / "daphne.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "benchmarks.chat_asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_until_healthy(process, port, workdir / "daphne.log")
    return process, f"ws://127.0.0.1:{port}"


def wait_until_healthy(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Wait (a minute at most) for the web process on `port` to answer its health probe."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2):  # noqa: S310 - our own server  # nosec B310
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the web process did not start; see {log}") from None
            time.sleep(0.2)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(slots=True)
class Answered:
    first: float | None  # seconds to the first token
    text: str  # the answer text received
    ok: bool  # ended with `done`, not `error`


async def ask(ws: ClientConnection, text: str) -> Answered:
    """Ask one question and read its events up to `done` or `error`."""
    started = time.perf_counter()
    await ws.send(json.dumps({"type": "message", "text": text}))
    first, parts = None, []
    while True:
        event = json.loads(await ws.recv())
        if event["type"] == "token":
            parts.append(event["text"])
            if first is None:
                first = time.perf_counter() - started
        elif event["type"] in ("done", "error"):
            return Answered(first, "".join(parts), event["type"] == "done")


async def sequential_overhead(base: str, key: str, questions: list[str]) -> list[float]:
    import websockets
    from websockets.typing import Origin

    async with websockets.connect(f"{base}/ws/widget/{key}/", origin=Origin(ORIGIN), max_size=None) as ws:
        json.loads(await ws.recv())  # session
        for question in questions[:5]:  # warm up
            await ask(ws, question)
        overheads = []
        for question in questions[5:]:
            answered = await ask(ws, question)
            if answered.ok and answered.first is not None:
                overheads.append((answered.first - FIRST_TOKEN_DELAY) * 1000)
        return overheads


async def crowd(base: str, path: str, questions: list[str], pid: int, answer: str) -> dict[str, float]:
    import websockets
    from websockets.typing import Origin

    sockets = []
    before = rss_mb(pid)
    for _ in questions:
        ws = await websockets.connect(f"{base}{path}", origin=Origin(ORIGIN), max_size=None, open_timeout=30)
        json.loads(await ws.recv())
        sockets.append(ws)
    connected = rss_mb(pid)
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    results = await asyncio.gather(*(ask(ws, question) for ws, question in zip(sockets, questions, strict=True)))
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu_before
    await asyncio.gather(*(ws.close() for ws in sockets))
    complete = [r for r in results if r.ok and " ".join(r.text.split()) == answer]
    firsts = [r.first * 1000 for r in results if r.ok and r.first is not None]
    characters = sum(len(r.text) for r in results)
    return {
        "done": len(complete),
        "errors": len(results) - len(complete),
        "ttft_p50": float(np.percentile(firsts, 50)) if firsts else float("nan"),
        "ttft_p99": float(np.percentile(firsts, 99)) if firsts else float("nan"),
        "chars_per_s": characters / elapsed,
        "words_per_s": sum(len(r.text.split()) for r in results) / elapsed,
        "elapsed": elapsed,
        "cpu_ms_per_answer": cpu * 1000 / max(1, len(results)),
        "rss_before": before,
        "rss_connected": connected,
        "per_connection_kb": (connected - before) * 1024 / len(questions),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--visitors", type=int, default=200)
    args = parser.parse_args()
    corpus = load_corpus()  # before anything else: no data set, no bench
    workdir = setup_django()

    started = time.perf_counter()
    key = seed_bot(corpus)
    print(f"seeded {CHUNKS:,} chunks in {time.perf_counter() - started:.1f} s")
    rng = random.Random(SEED)
    answer = corpus.answer
    event_chars = len(answer) / -(-len(answer.split()) // WORDS_PER_EVENT)
    processes: list[subprocess.Popen] = []
    try:
        slow, slow_url = start_fake_gemini(answer, FIRST_TOKEN_DELAY)
        fast, fast_url = start_fake_gemini(answer, 0.0)
        processes += [slow, fast]
        daphne, base = start_daphne(workdir, slow_url, answer)
        processes.append(daphne)
        overheads = asyncio.run(sequential_overhead(base, key, rng.sample(corpus.questions, args.questions + 5)))
        p50, p99 = np.percentile(overheads, 50), np.percentile(overheads, 99)
        delay_ms = FIRST_TOKEN_DELAY * 1000
        print(f"\n1. time to first token minus the fake's {delay_ms:.0f} ms, {len(overheads)} questions")
        print(f"   p50 {p50:6.1f} ms (goal <= 10)   p99 {p99:6.1f} ms (goal <= 40)")

        daphne.terminate()
        daphne.wait(timeout=15)
        daphne, base = start_daphne(workdir, fast_url, answer)
        processes.append(daphne)
        questions = [rng.choice(corpus.questions) for _ in range(args.visitors)]
        chat = asyncio.run(crowd(base, f"/ws/widget/{key}/", questions, daphne.pid, answer))
        echo = asyncio.run(crowd(base, "/ws/echo/", questions, daphne.pid, answer))
        print(
            f"\n2. {args.visitors} concurrent visitors, one question each; answers of {len(answer.split())} words "
            f"({len(answer)} characters) in events of {WORDS_PER_EVENT} words (~{event_chars:.0f} characters)"
        )
        print(f"   completed {chat['done']:.0f}, errors or incomplete answers {chat['errors']:.0f} (goal 0)")
        print(
            f"   time to first token p50 {chat['ttft_p50']:.0f} ms (goal <= 1000), "
            f"p99 {chat['ttft_p99']:.0f} ms (goal <= 2000); all answers in {chat['elapsed']:.1f} s"
        )
        print(
            f"   daphne RSS {chat['rss_before']:.0f} MB idle -> {chat['rss_connected']:.0f} MB with "
            f"{args.visitors} sockets open: {chat['per_connection_kb']:.0f} KB per connection"
        )
        print(
            f"   daphne CPU per answer {chat['cpu_ms_per_answer']:.1f} ms "
            f"(bare echo {echo['cpu_ms_per_answer']:.1f} ms)"
        )
        print(
            f"   text delivered {chat['chars_per_s']:,.0f} characters/s ({chat['words_per_s']:,.0f} words/s); "
            f"bare Channels echo {echo['chars_per_s']:,.0f} characters/s; "
            f"ratio {chat['chars_per_s'] / echo['chars_per_s']:.3f} (goal >= 0.3)"
        )
        if echo["errors"]:
            print(f"   (the echo baseline itself left {echo['errors']:.0f} answers incomplete)")
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    main()
