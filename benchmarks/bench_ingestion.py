"""Ingestion: PDF extraction (pypdfium2 vs pypdf, speed and text quality; ChatSphere's reflowing
extractor against bare pypdfium2 text), chunker throughput, and
pages/s of the whole pipeline (sandboxed extraction, chunking, offline embedder, local store,
database) as a ratio to bare pypdfium2 extraction of the same files in the same run.

Run: .venv/bin/python -m benchmarks.bench_ingestion [--files 30] [--pages 12]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import textwrap
import time
from collections import Counter
from pathlib import Path

from benchmarks._django import ROOT, setup_django

PUBMEDQA = Path(os.environ.get("CHATSPHERE_PUBMEDQA_DIR", ROOT.parent / "shared" / "data" / "pubmedqa"))
WORD = re.compile(r"\w+")


def corpus_paragraphs() -> list[str]:
    """Real prose (PubMedQA abstracts) when the data set is present, generated sentences otherwise."""
    source = PUBMEDQA / "pqal_dev.json"
    if source.exists():
        entries = json.loads(source.read_text())
        return [" ".join(entry["CONTEXTS"]) for entry in entries.values()]
    return [
        " ".join(f"Paragraph {n} sentence {i} describes measurement {n * i} of the study." for i in range(30))
        for n in range(400)
    ]


def make_pdfs(files: int, pages: int) -> tuple[list[bytes], list[list[str]]]:
    """PDFs of A4 pages with ~45 lines of prose each; returns the files and each page's source text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    paragraphs = corpus_paragraphs()
    cursor = 0
    pdfs, texts = [], []
    for _ in range(files):
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4)
        pdf_texts = []
        for _ in range(pages):
            lines: list[str] = []
            while len(lines) < 45:
                lines.extend(textwrap.wrap(paragraphs[cursor % len(paragraphs)], 95))
                cursor += 1
            lines = lines[:45]
            y = 800
            for line in lines:
                pdf.drawString(40, y, line)
                y -= 17
            pdf.showPage()
            pdf_texts.append("\n".join(lines))
        pdf.save()
        pdfs.append(buffer.getvalue())
        texts.append(pdf_texts)
    return pdfs, texts


def word_recall(extracted: str, source: str) -> float:
    """Share of the source's words (with multiplicity) found in the extracted text."""
    want, got = Counter(WORD.findall(source.lower())), Counter(WORD.findall(extracted.lower()))
    return sum((want & got).values()) / max(1, sum(want.values()))


def with_pdfium(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    pages = []
    for page in document:
        textpage = page.get_textpage()
        pages.append(textpage.get_text_bounded())
        textpage.close()
        page.close()
    document.close()
    return pages


def with_reflow(data: bytes) -> list[str]:
    """ChatSphere's PDF extraction: line geometry, paragraphs, running lines dropped (no sandbox)."""
    from documents.ingestion.extract import extract_pdf

    extracted = extract_pdf(data, max_pages=10_000)
    pages = [""] * (extracted.page_count or 0)
    for section in extracted.sections:
        pages[(section.page or 1) - 1] += section.text + "\n\n"
    return pages


def with_pypdf(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def measure_extractors(pdfs: list[bytes], texts: list[list[str]]) -> dict[str, tuple[float, float]]:
    results = {}
    for name, extractor in (("pypdfium2", with_pdfium), ("reflow", with_reflow), ("pypdf", with_pypdf)):
        started = time.perf_counter()
        extracted = [extractor(data) for data in pdfs]
        seconds = time.perf_counter() - started
        pages = sum(len(pages) for pages in extracted)
        # Per file, not per page: reflow moves a sentence that runs over a page break to its first page.
        recalls = [
            word_recall("\n".join(got_pages), "\n".join(want_pages))
            for got_pages, want_pages in zip(extracted, texts, strict=True)
        ]
        results[name] = (pages / seconds, sum(recalls) / len(recalls))
    return results


def measure_chunker(texts: list[list[str]]) -> float:
    from documents.ingestion import Section, chunk_sections

    # Each page's lines as one paragraph, as extraction hands them over.
    sections = [
        Section(text=" ".join(page.split("\n")), page=n) for pages in texts for n, page in enumerate(pages, start=1)
    ]
    size = sum(len(section.text.encode()) for section in sections)
    started = time.perf_counter()
    chunk_sections(sections, chunk_tokens=400, overlap_tokens=60)
    return size / (1024 * 1024) / (time.perf_counter() - started)


def measure_pipeline(pdfs: list[bytes]) -> tuple[float, int]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.services.organizations import organization_create
    from accounts.tenancy import Actor
    from bots.services import bot_create
    from documents.models import Document, DocumentStatus
    from documents.services import document_create_from_file

    user = User.objects.create_user(
        email="bench@example.com", password="bench-pass-phrase-42", email_verified_at=timezone.now()
    )
    organization = organization_create(user=user, name="Bench")
    actor = Actor(organization=organization, role=Role.OWNER, user=user)
    bot = bot_create(actor=actor, name="Bench bot")
    started = time.perf_counter()
    for number, data in enumerate(pdfs):
        # Without REDIS_URL the task runs in this process as the upload commits, as on `make run`.
        document_create_from_file(actor=actor, bot=bot, uploaded_file=SimpleUploadedFile(f"f{number}.pdf", data))
    seconds = time.perf_counter() - started
    documents = Document.objects.filter(bot=bot)
    failed = documents.exclude(status=DocumentStatus.READY)
    first_failed = failed.first()
    if first_failed is not None:
        raise SystemExit(f"{failed.count()} documents did not become ready: {first_failed.error}")
    pages = sum(document.page_count or 0 for document in documents)
    return pages / seconds, pages


def extraction_child_peak_mb() -> float:
    """Peak resident memory of the extraction server child (VmHWM), which is still running."""
    from documents.ingestion import sandbox

    if sandbox._server is None:
        return 0.0
    with open(f"/proc/{sandbox._server.pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=30)
    parser.add_argument("--pages", type=int, default=12)
    args = parser.parse_args()
    setup_django()

    pdfs, texts = make_pdfs(args.files, args.pages)
    total_pages = args.files * args.pages
    megabytes = sum(len(data) for data in pdfs) / (1024 * 1024)
    print(f"corpus: {args.files} PDFs, {total_pages} pages, {megabytes:.1f} MB")

    extractors = measure_extractors(pdfs, texts)
    for name, (rate, recall) in extractors.items():
        print(f"  {name:<10} {rate:8.1f} pages/s   word recall {recall:.4f}")
    print(f"  pypdfium2 / pypdf speed ratio: {extractors['pypdfium2'][0] / extractors['pypdf'][0]:.1f}x")
    reflow_ratio = extractors["reflow"][0] / extractors["pypdfium2"][0]
    print(f"  reflow (paragraphs from line geometry) / bare pypdfium2: {reflow_ratio:.2f}")

    print(f"chunker: {measure_chunker(texts):.2f} MB/s (400-token passages, 60 overlap)")

    bare_rate = extractors["pypdfium2"][0]
    pipeline_rate, pages = measure_pipeline(pdfs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_peak_mb = extraction_child_peak_mb()
    print(f"pipeline: {pipeline_rate:.1f} pages/s over {pages} pages (offline embedder, local store, SQLite)")
    print(f"  ratio to bare pypdfium2 extraction: {pipeline_rate / bare_rate:.3f} (goal >= 0.8)")
    print(f"  peak memory: {peak_mb:.0f} MB (process), {child_peak_mb:.0f} MB (extraction server child)")


if __name__ == "__main__":
    main()
