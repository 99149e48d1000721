"""Answering over the widget WebSocket on one daphne process, with Gemini played by the fake
server (the real google-genai SDK talks to it) and 10,000 chunks in the local store.

1. Pipeline overhead: the fake holds 300 ms before its first token; time to first token minus
   300 ms, p50 and p99, over sequential questions. Goal: p50 <= 30 ms, p99 <= 100 ms.
2. 200 concurrent visitors, each asking one question, the fake streaming 100 tokens at once:
   completions, errors, time to first token, daphne memory per connection, and the token delivery
   rate as a ratio to a bare Channels echo consumer sending 100 frames, in the same run.

Run: .venv/bin/python -m benchmarks.bench_chat [--questions 100] [--visitors 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

from benchmarks._django import ROOT, setup_django

ORIGIN = "https://bench.example"
FIRST_TOKEN_DELAY = 0.3
CHUNKS = 10_000
ANSWER = " ".join(f"word{index}" for index in range(100))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_bot() -> str:
    """A bot with CHUNKS passages (100 ready documents), indexed with the offline embedder."""
    from accounts.models import Role, User
    from accounts.services import organization_create
    from accounts.tenancy import Actor
    from bots.services import bot_create
    from chatsphere.ai.local_store import LocalStore
    from chatsphere.ai.offline_embedder import OfflineEmbedder
    from chatsphere.ai.types import VectorRecord
    from documents.models import Chunk, Document, DocumentSource, DocumentStatus
    from documents.namespaces import bot_namespace, vector_id

    user = User.objects.create_user(email="bench@example.com", password="bench-pass-phrase-42")
    organization = organization_create(user=user, name="Bench")
    actor = Actor(organization=organization, role=Role.OWNER, user=user)
    bot = bot_create(actor=actor, name="Bench bot", allowed_origins=[ORIGIN], strictness=0.0)
    embedder, store = OfflineEmbedder(), LocalStore()
    bot.embedder, bot.embedding_dimension = embedder.name, embedder.dimension
    bot.save(update_fields=["embedder", "embedding_dimension"])
    topics = ["ferries", "tickets", "parking", "opening hours", "refunds", "delivery", "support", "accounts"]
    for number in range(CHUNKS // 100):
        document = Document.objects.create(
            organization=organization,
            bot=bot,
            source=DocumentSource.TEXT,
            title=f"Handbook part {number}",
            status=DocumentStatus.READY,
            chunk_count=100,
            embedder=embedder.name,
            embedding_dimension=embedder.dimension,
        )
        texts = [
            f"Section {number}.{index} explains {topics[(number + index) % len(topics)]} for customers "
            f"of branch {index}: rule {number * 100 + index} applies on weekdays and holidays."
            for index in range(100)
        ]
        Chunk.objects.bulk_create(
            Chunk(
                organization=organization, bot=bot, document=document, index=index, text=text, content_hash=str(index)
            )
            for index, text in enumerate(texts)
        )
        vectors = embedder.embed_documents(texts)
        store.upsert(
            namespace=bot_namespace(bot.id),
            records=[
                VectorRecord(
                    id=vector_id(document.id, index),
                    values=vectors[index],
                    metadata={"document_id": str(document.id), "chunk_index": index},
                )
                for index in range(100)
            ],
        )
    return bot.public_key


FAKE_GEMINI = """
import sys, time
from tests.fakes.gemini import FakeGemini
fake = FakeGemini().start()
fake.script(text=sys.argv[1], words_per_chunk=1, first_chunk_delay=float(sys.argv[2]))
print(fake.base_url, flush=True)
while True:
    time.sleep(3600)
"""


def start_fake_gemini(first_token_delay: float) -> tuple[subprocess.Popen[str], str]:
    """The fake Gemini in a process of its own, so that it does not share this one's interpreter
    lock with the 200 WebSocket clients."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and test fake
        [sys.executable, "-c", FAKE_GEMINI, ANSWER, str(first_token_delay)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, process.stdout.readline().strip()  # type: ignore[union-attr]


def start_daphne(workdir: Path, gemini_url: str) -> tuple[subprocess.Popen[bytes], str]:
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
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz/", timeout=2):  # noqa: S310 - our own server
                return process, f"ws://127.0.0.1:{port}"
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("daphne did not start; see " + str(workdir / "daphne.log")) from None
            time.sleep(0.2)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def ask(ws, text: str) -> tuple[float | None, int, bool]:  # noqa: ANN001
    """(time to first token, tokens received, finished without error) for one question."""
    started = time.perf_counter()
    await ws.send(json.dumps({"type": "message", "text": text}))
    first, tokens = None, 0
    while True:
        event = json.loads(await ws.recv())
        if event["type"] == "token":
            tokens += 1
            if first is None:
                first = time.perf_counter() - started
        elif event["type"] == "done":
            return first, tokens, True
        elif event["type"] == "error":
            return first, tokens, False


async def sequential_overhead(base: str, key: str, questions: int) -> list[float]:
    import websockets

    async with websockets.connect(f"{base}/ws/widget/{key}/", origin=ORIGIN, max_size=None) as ws:
        json.loads(await ws.recv())  # session
        await ask(ws, "warm up: which rules apply to parking?")
        overheads = []
        for index in range(questions):
            first, _, ok = await ask(ws, f"Which rules apply to {['ferries', 'refunds', 'parking'][index % 3]}?")
            if ok and first is not None:
                overheads.append((first - FIRST_TOKEN_DELAY) * 1000)
        return overheads


async def crowd(base: str, path: str, visitors: int, pid: int) -> dict[str, float]:
    import websockets

    sockets = []
    before = rss_mb(pid)
    for _ in range(visitors):
        ws = await websockets.connect(f"{base}{path}", origin=ORIGIN, max_size=None, open_timeout=30)
        json.loads(await ws.recv())
        sockets.append(ws)
    connected = rss_mb(pid)
    started = time.perf_counter()
    results = await asyncio.gather(*(ask(ws, "Which rules apply to delivery?") for ws in sockets))
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(ws.close() for ws in sockets))
    firsts = [first * 1000 for first, _, ok in results if ok and first is not None]
    tokens = sum(count for _, count, _ in results)
    return {
        "done": sum(1 for _, _, ok in results if ok),
        "errors": sum(1 for _, _, ok in results if not ok),
        "ttft_p50": float(np.percentile(firsts, 50)) if firsts else float("nan"),
        "ttft_p99": float(np.percentile(firsts, 99)) if firsts else float("nan"),
        "tokens_per_s": tokens / elapsed,
        "tokens": tokens,
        "rss_before": before,
        "rss_connected": connected,
        "per_connection_kb": (connected - before) * 1024 / visitors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--visitors", type=int, default=200)
    args = parser.parse_args()
    workdir = setup_django()

    started = time.perf_counter()
    key = seed_bot()
    print(f"seeded {CHUNKS:,} chunks in {time.perf_counter() - started:.1f} s")
    processes: list[subprocess.Popen] = []
    try:
        slow, slow_url = start_fake_gemini(FIRST_TOKEN_DELAY)
        fast, fast_url = start_fake_gemini(0.0)
        processes += [slow, fast]
        daphne, base = start_daphne(workdir, slow_url)
        processes.append(daphne)
        overheads = asyncio.run(sequential_overhead(base, key, args.questions))
        p50, p99 = np.percentile(overheads, 50), np.percentile(overheads, 99)
        delay_ms = FIRST_TOKEN_DELAY * 1000
        print(f"\n1. time to first token minus the fake's {delay_ms:.0f} ms, {len(overheads)} questions")
        print(f"   p50 {p50:6.1f} ms (goal <= 30)   p99 {p99:6.1f} ms (goal <= 100)")

        daphne.terminate()
        daphne.wait(timeout=15)
        daphne, base = start_daphne(workdir, fast_url)
        processes.append(daphne)
        chat = asyncio.run(crowd(base, f"/ws/widget/{key}/", args.visitors, daphne.pid))
        echo = asyncio.run(crowd(base, "/ws/echo/", args.visitors, daphne.pid))
        print(f"\n2. {args.visitors} concurrent visitors, one question each, 100 tokens per answer")
        print(f"   completed {chat['done']:.0f}, errors {chat['errors']:.0f}")
        print(f"   time to first token p50 {chat['ttft_p50']:.0f} ms, p99 {chat['ttft_p99']:.0f} ms")
        print(
            f"   daphne RSS {chat['rss_before']:.0f} MB idle -> {chat['rss_connected']:.0f} MB with "
            f"{args.visitors} sockets open: {chat['per_connection_kb']:.0f} KB per connection"
        )
        print(
            f"   tokens delivered {chat['tokens_per_s']:,.0f}/s; bare Channels echo {echo['tokens_per_s']:,.0f}/s; "
            f"ratio {chat['tokens_per_s'] / echo['tokens_per_s']:.3f}"
        )
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
