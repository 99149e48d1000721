"""Sockets at scale on the production shape: two web processes started as the Procfile starts them
(`python -m chatsphere.serve`), sharing PostgreSQL and the Redis channel layer, Gemini played by
the fake in a process of its own, and a bot of 10,000 passages of PubMedQA prose (see bench_chat;
the bench stops with an error when the data set is missing).

1. 1,000 concurrent streaming visitors, half on each process, each asking one question: answers
   completed whole, errors (goal 0), time to first token, CPU per answer in each process.
2. 5,000 idle widget sockets, half on each process: sockets held, memory the two processes add
   (goal < 1 GB) and per socket.
3. Soak, `--soak-seconds` (600 by default): 500 idle sockets held while 50 visitors keep
   connecting, asking and leaving, alternating processes. Connects that succeed (goal >= 99.9%),
   idle sockets still open at the end, and the processes' memory growth from the end of the
   first tenth of the run to its end (goal < 10%).

Needs PostgreSQL and Redis: `BENCH_DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/postgres;
a throw-away database is created next to it and dropped afterwards) and `BENCH_REDIS_URL` (default
redis://127.0.0.1:6379/13; that Redis database is emptied before and after the run).

Run: .venv/bin/python -m benchmarks.bench_sockets [--visitors 1000] [--idle 5000]
     [--soak-seconds 600] [--soak-idle 500] [--soak-streaming 50] [--profile DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import resource
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

from benchmarks._django import ROOT, setup_django
from benchmarks.bench_chat import (
    CHUNKS,
    ORIGIN,
    Answered,
    ask,
    cpu_seconds,
    free_port,
    load_corpus,
    rss_mb,
    seed_bot,
    start_fake_gemini,
    wait_until_healthy,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
#: Handshakes in flight at once: a site's visitors arrive spread out, not in one SYN burst.
CONNECTING = 64
#: How long a visitor waits for a whole answer before counting it as an error.
ANSWER_SECONDS = 180
#: What went wrong in the phase running, by kind: printed after each phase.
failures: collections.Counter[str] = collections.Counter()


def record(what: str, exc: BaseException) -> None:
    failures[f"{what}: {type(exc).__name__} {str(exc)[:80]}".strip()] += 1


def report_failures() -> None:
    for kind, count in failures.most_common(5):
        print(f"   {count} x {kind}")
    failures.clear()


def _require_services(database_url: str, redis_url: str) -> None:
    import psycopg
    import redis

    try:
        psycopg.connect(database_url, connect_timeout=5).close()
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means the bench cannot run
        raise SystemExit(f"bench_sockets needs PostgreSQL and Redis ({database_url}, {redis_url}): {exc}") from exc


def _admin(database_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(statement)


def _database_url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


def _flush_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def raise_open_files_limit() -> int:
    """Thousands of sockets in this process and in the servers (which inherit the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return wanted


@dataclass
class WebProcess:
    process: subprocess.Popen[bytes]
    ws: str

    @property
    def pid(self) -> int:
        return self.process.pid


def start_web(workdir: Path, number: int, env: dict[str, str], profile: Path | None = None) -> WebProcess:
    """A web process as the Procfile starts it; with `profile`, under cProfile (its event loop's
    thread), the statistics written to `profile`/web-N.prof when it stops."""
    port = free_port()
    log = (workdir / f"web-{number}.log").open("wb")
    profiling = ["-m", "cProfile", "-o", str(profile / f"web-{number}.prof")] if profile else []
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            *profiling,
            "-m",
            "chatsphere.serve",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--application-close-timeout",
            "30",
            "chatsphere.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_until_healthy(process, port, workdir / f"web-{number}.log")
    return WebProcess(process, f"ws://127.0.0.1:{port}")


async def open_widget(base: str, key: str) -> ClientConnection:
    import websockets
    from websockets.typing import Origin

    ws = await websockets.connect(
        f"{base}/ws/widget/{key}/", origin=Origin(ORIGIN), max_size=None, open_timeout=30, ping_interval=None
    )
    event = json.loads(await asyncio.wait_for(ws.recv(), 30))
    if event.get("type") != "session":
        await ws.close()
        raise RuntimeError(f"the socket opened with {event!r} instead of a session")
    return ws


async def open_many(bases: list[str], key: str, count: int) -> tuple[list[ClientConnection], int]:
    """`count` sockets spread over `bases` in turn; the sockets opened and the failures."""
    gate = asyncio.Semaphore(CONNECTING)

    async def one(index: int) -> ClientConnection | None:
        async with gate:
            try:
                return await open_widget(bases[index % len(bases)], key)
            except Exception as exc:  # noqa: BLE001 - a failed connect is what is counted
                record("connect", exc)
                return None

    opened = await asyncio.gather(*(one(index) for index in range(count)))
    sockets = [ws for ws in opened if ws is not None]
    return sockets, count - len(sockets)


def _pids_named(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue  # the process ended meanwhile
    return pids


def _cpu_of(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except OSError:
            continue  # the process ended meanwhile
    return total


class CpuLedger:
    """CPU seconds each part of the run used between `start()` and `stop()`: the web processes,
    the fake model, PostgreSQL, Redis, and this process (the visitors)."""

    def __init__(self, web: list[WebProcess], fake_pid: int) -> None:
        self.web, self.fake_pid = web, fake_pid
        self.parts: dict[str, list[int]] = {}
        self.started: dict[str, float] = {}

    def start(self) -> None:
        """After the web processes opened their database connections (a backend process each)."""
        self.parts = {
            "web": [w.pid for w in self.web],
            "fake model": [self.fake_pid],
            "PostgreSQL": _pids_named("postgres"),
            "Redis": _pids_named("redis-server"),
            "visitors": [os.getpid()],
        }
        self.started = {name: _cpu_of(pids) for name, pids in self.parts.items()}

    def stop(self) -> dict[str, float]:
        return {name: _cpu_of(pids) - self.started[name] for name, pids in self.parts.items()}


def _describe_cpu(used: dict[str, float], answers: int) -> str:
    return ", ".join(f"{name} {seconds * 1000 / max(1, answers):.1f}" for name, seconds in used.items())


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def warm_up(web: list[WebProcess], key: str, questions: list[str]) -> None:
    """A few answers from each process first, as a server in service has given: the bot's vectors
    and keyword index loaded, connections to the database and Redis open."""
    for process in web:
        ws = await open_widget(process.ws, key)
        for question in questions[:3]:
            await ask(ws, question)
        await ws.close()


async def streaming_crowd(
    web: list[WebProcess], key: str, questions: list[str], answer: str, ledger: CpuLedger
) -> dict[str, Any]:
    await warm_up(web, key, questions[::-1])
    sockets, failed = await open_many([w.ws for w in web], key, len(questions))
    ledger.start()
    started = time.perf_counter()

    async def safely(ws: ClientConnection, question: str) -> Answered:
        try:
            return await asyncio.wait_for(ask(ws, question), ANSWER_SECONDS)
        except Exception as exc:  # noqa: BLE001 - a dropped or stuck answer is an error
            record("answer", exc)
            return Answered(None, "", False)

    results = await asyncio.gather(*(safely(ws, q) for ws, q in zip(sockets, questions, strict=False)))
    elapsed = time.perf_counter() - started
    cpu = ledger.stop()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    complete = [r for r in results if r.ok and " ".join(r.text.split()) == answer]
    firsts = [r.first * 1000 for r in results if r.ok and r.first is not None]
    return {
        "done": len(complete),
        "errors": len(questions) - len(complete),
        "connect_failures": failed,
        "ttft_p50": _percentile(firsts, 50),
        "ttft_p99": _percentile(firsts, 99),
        "elapsed": elapsed,
        "words_per_s": sum(len(r.text.split()) for r in results) / elapsed,
        "cpu": cpu,
    }


async def idle_crowd(web: list[WebProcess], key: str, count: int) -> dict[str, float]:
    before = sum(rss_mb(w.pid) for w in web)
    started = time.perf_counter()
    sockets, failed = await open_many([w.ws for w in web], key, count)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(5)  # settle: what the processes hold, not what a handshake allocated
    held = sum(rss_mb(w.pid) for w in web)
    alive = sum(1 for ws in sockets if ws.close_code is None)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return {
        "opened": len(sockets),
        "failed": failed,
        "alive": alive,
        "seconds": elapsed,
        "rss_before": before,
        "rss_held": held,
        "added_mb": held - before,
        "per_socket_kb": (held - before) * 1024 / max(1, len(sockets)),
    }


@dataclass
class Soak:
    attempts: int = 0
    connected: int = 0
    answers: int = 0
    answer_errors: int = 0
    firsts: list[float] = field(default_factory=list)


async def soak(
    web: list[WebProcess], key: str, questions: list[str], answer: str, *, seconds: float, idle: int, streaming: int
) -> dict[str, float]:
    bases = [w.ws for w in web]
    held, failed_idle = await open_many(bases, key, idle)
    tally = Soak(attempts=idle, connected=len(held))
    started = time.monotonic()
    deadline = started + seconds
    warm_at = started + seconds / 10
    warm_rss: list[float] = []

    async def visitor(number: int) -> None:
        turn = number
        while time.monotonic() < deadline:
            turn += 1
            tally.attempts += 1
            try:
                ws = await open_widget(bases[turn % len(bases)], key)
            except Exception as exc:  # noqa: BLE001 - a failed connect is what is counted
                record("connect", exc)
                continue
            tally.connected += 1
            try:
                for question_number in range(1 + turn % 3):
                    answered = await asyncio.wait_for(
                        ask(ws, questions[(turn * 7 + question_number) % len(questions)]), ANSWER_SECONDS
                    )
                    tally.answers += 1
                    if answered.ok and " ".join(answered.text.split()) == answer and answered.first is not None:
                        tally.firsts.append(answered.first * 1000)
                    else:
                        tally.answer_errors += 1
            except Exception as exc:  # noqa: BLE001 - a dropped or stuck answer is an error
                record("answer", exc)
                tally.answer_errors += 1
            finally:
                await ws.close()
            await asyncio.sleep(0.5)  # a visitor reads the answer before leaving

    async def sample_memory() -> None:
        await asyncio.sleep(max(0.0, warm_at - time.monotonic()))
        warm_rss.extend(rss_mb(w.pid) for w in web)

    await asyncio.gather(sample_memory(), *(visitor(number) for number in range(streaming)))
    end_rss = [rss_mb(w.pid) for w in web]
    alive = sum(1 for ws in held if ws.close_code is None)
    await asyncio.gather(*(ws.close() for ws in held), return_exceptions=True)
    return {
        "attempts": tally.attempts,
        "connected": tally.connected,
        "idle_failed": failed_idle,
        "idle_alive": alive,
        "idle_opened": len(held),
        "answers": tally.answers,
        "answer_errors": tally.answer_errors,
        "ttft_p50": _percentile(tally.firsts, 50),
        "ttft_p99": _percentile(tally.firsts, 99),
        "warm_rss": sum(warm_rss),
        "end_rss": sum(end_rss),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, default=1000)
    parser.add_argument("--idle", type=int, default=5000)
    parser.add_argument("--soak-seconds", type=float, default=600)
    parser.add_argument("--soak-idle", type=int, default=500)
    parser.add_argument("--soak-streaming", type=int, default=50)
    parser.add_argument("--profile", type=Path, help="run the web processes under cProfile, writing here")
    args = parser.parse_args()
    corpus = load_corpus()  # before anything else: no data set, no bench
    base_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    _require_services(base_url, redis_url)
    files = raise_open_files_limit()

    name = "chatsphere_bench_" + secrets.token_hex(4)
    _admin(base_url, f'CREATE DATABASE "{name}"')
    _flush_redis(redis_url)
    processes: list[subprocess.Popen] = []
    try:
        database_url = _database_url(base_url, name)
        os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost"  # a deployment on PostgreSQL names its hosts
        workdir = setup_django(database_url=database_url)
        started = time.perf_counter()
        key = seed_bot(corpus)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics, as autovacuum keeps them in service
        print(f"seeded {CHUNKS:,} chunks in {time.perf_counter() - started:.1f} s; open files limit {files:,}")
        answer = corpus.answer
        fake, fake_url = start_fake_gemini(answer, 0.0)
        processes.append(fake)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "GEMINI_API_KEY": "bench-key",
            "GEMINI_BASE_URL": fake_url,
            "CHATSPHERE_LLM": "gemini",
            "CHATSPHERE_EMBEDDINGS": "offline",
            "CHATSPHERE_VECTORSTORE": "local",
            "CHATSPHERE_RATE_CHAT_VISITOR": "100000/m",
            "CHATSPHERE_RATE_CHAT_IP": "1000000/m",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        web = [start_web(workdir, number, env, args.profile) for number in (1, 2)]
        processes += [w.process for w in web]
        questions = corpus.questions

        ledger = CpuLedger(web, fake.pid)
        asked = [questions[i % len(questions)] for i in range(args.visitors)]
        crowd = asyncio.run(streaming_crowd(web, key, asked, answer, ledger))
        print(f"\n1. {args.visitors:,} concurrent streaming visitors over two web processes (PostgreSQL, Redis)")
        print(
            f"   completed {crowd['done']:.0f}, errors or incomplete answers {crowd['errors']:.0f} (goal 0; "
            f"{crowd['connect_failures']:.0f} of them failed to connect)"
        )
        print(
            f"   time to first token p50 {crowd['ttft_p50']:.0f} ms, p99 {crowd['ttft_p99']:.0f} ms; "
            f"all answers in {crowd['elapsed']:.1f} s, {crowd['words_per_s']:,.0f} words/s"
        )
        print(f"   CPU per answer, ms: {_describe_cpu(crowd['cpu'], args.visitors)}")
        report_failures()

        idle = asyncio.run(idle_crowd(web, key, args.idle))
        print(f"\n2. {args.idle:,} idle widget sockets over the two processes")
        print(
            f"   opened {idle['opened']:.0f} in {idle['seconds']:.1f} s, failed {idle['failed']:.0f}, "
            f"still open after 5 s {idle['alive']:.0f}"
        )
        print(
            f"   RSS of both processes {idle['rss_before']:.0f} MB -> {idle['rss_held']:.0f} MB: "
            f"{idle['added_mb']:.0f} MB added (goal < 1024), {idle['per_socket_kb']:.0f} KB per socket"
        )
        report_failures()

        result = asyncio.run(
            soak(
                web,
                key,
                questions,
                answer,
                seconds=args.soak_seconds,
                idle=args.soak_idle,
                streaming=args.soak_streaming,
            )
        )
        success = result["connected"] / max(1, result["attempts"])
        growth = (result["end_rss"] - result["warm_rss"]) / max(1.0, result["warm_rss"])
        print(
            f"\n3. soak for {args.soak_seconds:.0f} s: {args.soak_idle} idle sockets held, "
            f"{args.soak_streaming} visitors connecting, asking 1-3 questions and leaving"
        )
        print(
            f"   connects {result['connected']:.0f} of {result['attempts']:.0f}: {success:.4%} (goal >= 99.9%); "
            f"idle sockets still open {result['idle_alive']:.0f} of {result['idle_opened']:.0f}"
        )
        print(
            f"   answers {result['answers']:.0f}, errors {result['answer_errors']:.0f}; time to first token "
            f"p50 {result['ttft_p50']:.0f} ms, p99 {result['ttft_p99']:.0f} ms"
        )
        print(
            f"   RSS of both processes {result['warm_rss']:.0f} MB after the first tenth -> "
            f"{result['end_rss']:.0f} MB at the end: {growth:+.1%} (goal < 10%)"
        )
        report_failures()
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
        from django.db import connections

        connections.close_all()
        _admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _flush_redis(redis_url)


if __name__ == "__main__":
    main()
