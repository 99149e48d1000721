"""Peak memory of ingesting one large Markdown file (offline embedder, local store, SQLite), for
files of growing size: with passages streamed in fixed-size batches the peak should stay about
the same whatever the file's size.

Run: .venv/bin/python -m benchmarks.bench_ingestion_memory [--megabytes 1 4]
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc

from benchmarks._django import setup_django

PARAGRAPH = (
    "Section {n} explains how the valve on pump {n} is serviced. Close the inlet before opening the "
    "housing, and check the seal for cracks. Replace the seal every {m} months or sooner when it leaks. "
    "Record the date, the pressure reading and the name of the technician in the maintenance log."
)


def make_markdown(megabytes: float) -> bytes:
    parts: list[str] = []
    size, n = 0, 0
    while size < megabytes * 1024 * 1024:
        block = f"## Pump {n}\n\n" + PARAGRAPH.format(n=n, m=n % 12 + 1) + "\n\n"
        parts.append(block)
        size += len(block)
        n += 1
    return "".join(parts).encode()


def measure(megabytes: float, number: int, *, trace: bool) -> tuple[float, int, float]:
    """Peak traced memory (MB) above the start of the upload, the passages made, and seconds
    (tracing slows Python down several times: the untraced run gives the time)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.services.organizations import organization_create
    from accounts.tenancy import Actor
    from bots.services import bot_create
    from documents.models import Document, DocumentStatus
    from documents.services import document_create_from_file

    user = User.objects.create_user(
        email=f"bench{number}@example.com", password="bench-pass-phrase-42", email_verified_at=timezone.now()
    )
    organization = organization_create(user=user, name=f"Bench {number}")
    actor = Actor(organization=organization, role=Role.OWNER, user=user)
    bot = bot_create(actor=actor, name="Bench bot")
    data = make_markdown(megabytes)
    if not trace:
        started = time.perf_counter()
        document_create_from_file(actor=actor, bot=bot, uploaded_file=SimpleUploadedFile(f"m{number}.md", data))
        return 0.0, Document.objects.get(bot=bot).chunk_count, time.perf_counter() - started
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    # Without REDIS_URL the task runs in this process as the upload commits, as on `make run`.
    document = document_create_from_file(
        actor=actor, bot=bot, uploaded_file=SimpleUploadedFile(f"manual{number}.md", data)
    )
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    document = Document.objects.get(id=document.id)
    if document.status != DocumentStatus.READY:
        raise SystemExit(f"document did not become ready: {document.error}")
    return peak / (1024 * 1024), document.chunk_count, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, nargs="+", default=[1.0, 4.0])
    args = parser.parse_args()
    # The benchmark measures the pipeline, not the limits that would refuse its largest file.
    os.environ["CHATSPHERE_MAX_CHUNKS_PER_DOCUMENT"] = "0"
    setup_django()
    for number, megabytes in enumerate(args.megabytes):
        _, chunks, seconds = measure(megabytes, 2 * number, trace=False)
        peak, _, _ = measure(megabytes, 2 * number + 1, trace=True)
        print(f"{megabytes:5.1f} MB Markdown: {chunks} passages in {seconds:.1f}s, peak traced memory {peak:.1f} MB")


if __name__ == "__main__":
    main()
