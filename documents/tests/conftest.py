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
from tests.fakes.fixtures import fake_s3, s3_uploads  # noqa: F401 - the local S3 server's fixtures


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


#: Five pages of a harbour guide, one topic a page: (heading, paragraphs of running prose).
HARBOUR_GUIDE = [
    (
        "Welcome to the harbour",
        [
            "The harbour has served the town for three hundred years, and most of its quays are still in daily "
            "use by fishing boats, ferries and the small sailing school that runs lessons every summer.",
            "Visitors are welcome on the public quays at any hour, but the working piers are closed to the public "
            "while boats are loading, and the harbour master may close a quay at short notice in bad weather.",
        ],
    ),
    (
        "Tickets and fares",
        [
            "Ferry tickets are sold at the kiosk on the north pier and on board; a single crossing costs four euros "
            "for adults, two euros for children under twelve, and bicycles travel free outside the rush hours.",
            "Season passes are sold at the harbour office on weekdays and cover every crossing for three months; "
            "bring a photograph, because the pass carries the holder's picture and cannot be lent to anyone.",
        ],
    ),
    (
        "Winter timetable",
        [
            "From November to March the last ferry leaves the north pier at a quarter past six in the evening, "
            "and on stormy days the crossing may be cancelled at an hour's notice by the harbour master.",
            "During the winter months the morning ferries keep their summer times, but the midday crossing only "
            "runs on Saturdays, when the market on the island draws visitors from the whole coast.",
        ],
    ),
    (
        "Parking and access",
        [
            "The long-stay car park behind the fish market has two hundred places and charges six euros a day; "
            "the short-stay spaces along the quay are limited to two hours and are checked twice a day.",
            "Wheelchair users can reach every pier by the ramps at the east end of the quay, and the ferries "
            "carry a portable ramp that the crew will set out on request before the passengers board.",
        ],
    ),
    (
        "Safety on the quays",
        [
            "Children must be accompanied on the quays at all times, and nobody may swim or fish from the "
            "working piers, where ropes, winches and reversing lorries make the edge dangerous.",
            "Life rings hang every fifty metres along the quay; anyone who sees a person in the water should "
            "throw the nearest ring, call the emergency number and keep the person in sight until help arrives.",
        ],
    ),
]


def harbour_guide_pdf(editions: int = 1) -> bytes:
    """A guide typeset like a word processor would (wrapped, justified prose under a heading on
    every page, a running header and page footers): page n is about topic n of `HARBOUR_GUIDE`,
    the five topics repeated `editions` times."""
    document = TypesetPdf(header="Harbour guide — 2026 edition")
    for number, (heading, paragraphs) in enumerate(HARBOUR_GUIDE * editions):
        if number:
            document.page_break()
        document.heading(heading)
        for paragraph in paragraphs:
            document.paragraph(paragraph, indent=18)
    return document.build()
