from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from accounts.models import Role
from accounts.tenancy import Actor
from bots.tests.factories import BotFactory
from chatsphere.ai.providers import reset_providers
from chatsphere.celery import app as celery_app


def make_pdf(pages: list[str]) -> bytes:
    """A real PDF with one text block per page (empty strings give empty pages)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for text in pages:
        y = 800
        for line in text.split("\n"):
            pdf.drawString(50, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def pdf_bytes() -> Callable[[list[str]], bytes]:
    return make_pdf


@pytest.fixture
def upload() -> Callable[[str, bytes], SimpleUploadedFile]:
    def build(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, data, content_type=content_type)

    return build


@pytest.fixture(autouse=True)
def _fresh_providers(settings):
    """Each test chooses providers through settings; shared instances must not leak between tests."""
    settings.CHATSPHERE_ALLOW_PRIVATE_URLS = True
    reset_providers()
    yield
    reset_providers()


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Tasks run in the test's process (the real-worker tests start their own worker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Inside `with run_tasks():`, tasks enqueued on commit run when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def bot(tenant_a):
    return BotFactory(organization=tenant_a.organization)


@pytest.fixture
def owner_actor(tenant_a) -> Actor:
    return Actor(organization=tenant_a.organization, role=Role.OWNER, user=tenant_a.owner)


class TypesetPdf:
    """A multi-page A4 document laid out like a word processor would: justified prose wrapped
    to the measure (words break at their soft hyphens "\u00ad" when that fills a line better),
    headings in a larger bold font, hanging-indent bullets, a table, and a running header and a
    "Page n of N" footer on every page."""

    WIDTH = 595.27
    LEFT, RIGHT, TOP, BOTTOM = 72.0, 523.0, 760.0, 80.0
    SIZE, LEADING = 11.0, 14.0

    def __init__(self, *, header: str | None = "Acme Handbook — March 2026", footer: bool = True) -> None:
        self.header = header
        self.footer = footer
        self.pages: list[list[tuple[str, float, float, str, float]]] = [[]]  # (text, x, y, font, word space)
        self.y = self.TOP
        self.broken_words: list[str] = []  # words hyphenated at a line end

    def _need(self, height: float) -> None:
        if self.y - height < self.BOTTOM:
            self.page_break()

    def page_break(self) -> None:
        self.pages.append([])
        self.y = self.TOP

    def _draw(self, text: str, x: float, font: str = "Helvetica", size: float | None = None, word_space: float = 0):
        self.pages[-1].append((text, x, self.y, font, size or self.SIZE, word_space))

    def heading(self, text: str, size: float = 15.0) -> None:
        self._need(size * 3)
        self.y -= size * 0.6
        self._draw(text, self.LEFT, "Helvetica-Bold", size)
        self.y -= size * 1.6

    def paragraph(self, text: str, *, indent: float = 0.0, left: float | None = None, marker: str = "") -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        left = self.LEFT if left is None else left
        words = text.split()
        lines: list[list[str]] = [[]]
        width = self.RIGHT - left - indent
        while words:
            word = words.pop(0)
            candidate = " ".join([*lines[-1], word.replace("\u00ad", "")])
            if stringWidth(candidate, "Helvetica", self.SIZE) <= width or not lines[-1]:
                lines[-1].append(word.replace("\u00ad", ""))
                continue
            parts = word.split("\u00ad")
            for cut in range(len(parts) - 1, 0, -1):
                head = "".join(parts[:cut])
                head += "" if head.endswith("-") else "-"
                if stringWidth(" ".join([*lines[-1], head]), "Helvetica", self.SIZE) <= width:
                    lines[-1].append(head)
                    words.insert(0, "\u00ad".join(parts[cut:]))
                    self.broken_words.append("".join(parts).strip(".,;:"))
                    break
            else:
                words.insert(0, word)
            lines.append([])
            width = self.RIGHT - left
        for number, line in enumerate(lines):
            self._need(self.LEADING)
            x = left + (indent if number == 0 else 0)
            if number == 0 and marker:
                self._draw(marker, left - 12)
            natural = stringWidth(" ".join(line), "Helvetica", self.SIZE)
            last = number == len(lines) - 1
            space = 0 if last or len(line) < 2 else (self.RIGHT - x - natural) / (len(line) - 1)
            self._draw(" ".join(line), x, word_space=space)
            self.y -= self.LEADING
        self.y -= self.LEADING * 0.6

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.paragraph(item, left=self.LEFT + 18, marker="•")
            self.y += self.LEADING * 0.6

        self.y -= self.LEADING * 0.6

    def table(self, rows: list[list[str]]) -> None:
        for row in rows:
            self._need(self.LEADING)
            for column, cell in enumerate(row):
                self._draw(cell, self.LEFT + column * 150)
            self.y -= self.LEADING
        self.y -= self.LEADING * 0.6

    def build(self) -> bytes:
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4)
        total = len(self.pages)
        for number, items in enumerate(self.pages, start=1):
            if self.header:
                pdf.setFont("Helvetica", 9)
                pdf.drawString(self.LEFT, 800, self.header)
            for text, x, y, font, size, word_space in items:
                line = pdf.beginText(x, y)
                line.setFont(font, size)
                line.setWordSpace(word_space)
                line.textLine(text)
                pdf.drawText(line)
            if self.footer:
                pdf.setFont("Helvetica", 9)
                pdf.drawCentredString(self.WIDTH / 2, 40, f"Page {number} of {total}")
            pdf.showPage()
        pdf.save()
        return buffer.getvalue()
