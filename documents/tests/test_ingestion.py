"""The ingestion library on real files: type sniffing, extraction, clean-up, chunking, the
extraction sandbox's limits, and fetching web pages without reaching private addresses."""

from __future__ import annotations

import io
import os
import signal
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import docx
import pytest

from documents.ingestion import (
    ExtractionError,
    ExtractionLimits,
    FetchError,
    FileKind,
    Section,
    UnsupportedFileType,
    chunk_sections,
    count_tokens,
    detect_type,
    extract_safely,
    fetch_url,
    is_encrypted_pdf,
)
from documents.ingestion.normalize import normalize_text
from documents.tests.conftest import make_pdf


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class TestDetectType:
    @pytest.mark.parametrize(
        ("name", "data", "kind"),
        [
            ("a.pdf", make_pdf(["x"]), FileKind.PDF),
            ("renamed.txt", make_pdf(["x"]), FileKind.PDF),
            ("a.docx", docx_bytes(lambda d: d.add_paragraph("hi")), FileKind.DOCX),
            ("a.html", b"<p>hello</p>", FileKind.HTML),
            ("page.txt", b"<!DOCTYPE html><html><body>hi</body></html>", FileKind.HTML),
            ("a.md", b"# Title\n\ntext", FileKind.MARKDOWN),
            ("a.csv", b"a,b\n1,2\n", FileKind.CSV),
            ("notes", b"plain words", FileKind.TEXT),
            ("utf16.txt", "héllo wörld".encode("utf-16"), FileKind.TEXT),
        ],
    )
    def test_kind_comes_from_content(self, name, data, kind):
        assert detect_type(data, name) == kind

    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("report.pdf", bytes(range(256)) * 8),
            ("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200),
            ("archive.docx", b"PK\x03\x04" + b"\x00" * 100),
            ("empty.txt", b""),
        ],
    )
    def test_binary_and_empty_files_are_refused_with_a_message(self, name, data):
        with pytest.raises(UnsupportedFileType) as refused:
            detect_type(data, name)
        assert str(refused.value)

    def test_spreadsheet_zip_is_not_taken_for_word(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
        with pytest.raises(UnsupportedFileType, match="not a Word document"):
            detect_type(buffer.getvalue(), "book.docx")

    def test_encrypted_pdf_detection(self):
        from pypdf import PdfReader, PdfWriter

        plain = make_pdf(["Secret"])
        assert not is_encrypted_pdf(plain)
        for user_password, expected in (("open-sesame", True), ("", False)):
            writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
            writer.encrypt(user_password=user_password, owner_password="owner")
            buffer = io.BytesIO()
            writer.write(buffer)
            # Only a password needed to open the file refuses it; an owner password alone does not.
            assert is_encrypted_pdf(buffer.getvalue()) is expected


class TestExtraction:
    def test_pdf_keeps_page_numbers_and_skips_empty_pages(self):
        extracted = extract_safely(make_pdf(["First page text", "", "Third page text"]), "pdf")
        assert extracted.page_count == 3
        assert [(section.page, section.text) for section in extracted.sections] == [
            (1, "First page text"),
            (3, "Third page text"),
        ]

    def test_pdf_over_the_page_limit_is_refused(self):
        with pytest.raises(ExtractionError, match="at most 2 pages"):
            extract_safely(make_pdf(["a", "b", "c"]), "pdf", limits=ExtractionLimits(max_pages=2))

    def test_damaged_pdf_fails_with_a_readable_error(self):
        with pytest.raises(ExtractionError, match="damaged"):
            extract_safely(b"%PDF-1.7\n" + b"garbage " * 100, "pdf")

    def test_docx_headings_paragraphs_and_tables(self):
        def build(document):
            document.core_properties.title = "Staff handbook"
            document.add_heading("Holidays", level=1)
            document.add_paragraph("Everyone gets twenty-five days of paid leave.")
            table = document.add_table(rows=2, cols=2)
            table.cell(0, 0).text, table.cell(0, 1).text = "Years", "Extra days"
            table.cell(1, 0).text, table.cell(1, 1).text = "5", "2"
            document.add_heading("Expenses", level=1)
            document.add_paragraph("Keep every receipt.")

        extracted = extract_safely(docx_bytes(build), "docx")
        assert extracted.title == "Staff handbook"
        by_heading = {section.heading: section.text for section in extracted.sections}
        assert "twenty-five days" in by_heading["Holidays"]
        assert "Years | Extra days" in by_heading["Holidays"]
        assert by_heading["Expenses"] == "Keep every receipt."

    def test_html_main_content_without_navigation(self):
        paragraph = "Our refund policy lets customers return unused items within thirty days. " * 4
        html = (
            "<html><head><title>Refunds | Shop</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/cart'>Cart</a> <a href='/login'>Sign in</a></nav>"
            f"<main><h1>Refunds</h1><h2>How it works</h2><p>{paragraph}</p></main>"
            "<footer>Copyright 2026 Shop Ltd. All rights reserved.</footer></body></html>"
        ).encode()
        extracted = extract_safely(html, "html")
        text = "\n".join(section.text for section in extracted.sections)
        assert "thirty days" in text
        assert "Sign in" not in text
        assert "All rights reserved" not in text
        assert extracted.sections[0].heading == "Refunds › How it works"

    def test_markdown_sections_carry_heading_paths_and_ignore_code_fences(self):
        markdown = b"# Setup\n\n## Linux\n\nRun the installer.\n\n```\n# not a heading\n```\n\n## macOS\n\nUse brew.\n"
        sections = extract_safely(markdown, "markdown").sections
        assert [section.heading for section in sections] == ["Setup › Linux", "Setup › macOS"]
        assert "# not a heading" in sections[0].text

    def test_text_in_a_legacy_encoding(self):
        for text, encoding in (
            ("Le café ouvre à sept heures et ferme à minuit, même le dimanche.", "cp1252"),
            ("Магазин открыт каждый день с девяти утра до восьми вечера.", "cp1251"),
        ):
            assert extract_safely(text.encode(encoding), "text").sections[0].text == text

    def test_csv_rows_keep_their_column_names(self):
        data = b"product;price;notes\nbasic plan;10 euros;\npro plan;25 euros;priority support\n"
        text = extract_safely(data, "csv").sections[0].text
        assert "product: pro plan; price: 25 euros; notes: priority support" in text
        assert "product: basic plan; price: 10 euros" in text


def _wait_until_dead(pid: int, timeout: float = 10) -> None:
    """Until the killed child is a zombie (dead, not yet reaped: the sandbox reaps its own)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                state = stat.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return  # already reaped
        if state in {"Z", "X"}:
            return
        time.sleep(0.005)
    raise AssertionError(f"process {pid} still runs {timeout} s after SIGKILL")


class TestSandbox:
    def test_decompression_bomb_hits_the_memory_limit(self):
        buffer = io.BytesIO()
        body = b"<w:p><w:r><w:t>" + b"A" * 1000 + b"</w:t></w:r></w:p>"
        original = io.BytesIO(docx_bytes(lambda d: d.add_paragraph("x")))
        # About 400 MB of XML once inflated, streamed into the archive a slice at a time.
        with (
            zipfile.ZipFile(original) as source,
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb,
        ):
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename != "word/document.xml":
                    bomb.writestr(item, data)
                    continue
                head, tail = data.split(b"<w:body>")
                with bomb.open(item.filename, "w") as member:
                    member.write(head + b"<w:body>")
                    for _ in range(400):
                        member.write(body * 1000)
                    member.write(tail)
        assert len(buffer.getvalue()) < 5 * 1024 * 1024
        started = time.monotonic()
        with pytest.raises(ExtractionError, match="memory"):
            extract_safely(buffer.getvalue(), "docx", limits=ExtractionLimits(memory_mb=128, timeout_seconds=60))
        assert time.monotonic() - started < 60

    def test_slow_file_is_stopped_at_the_time_limit(self):
        extract_safely(b"warm up", "text")  # starting the reader is not the file's time
        pdf = make_pdf([f"Page {n} " + "words " * 200 for n in range(300)])
        started = time.monotonic()
        with pytest.raises(ExtractionError, match="longer than"):
            extract_safely(pdf, "pdf", limits=ExtractionLimits(timeout_seconds=0.01))
        assert time.monotonic() - started < 5

    def test_a_reader_killed_mid_file_fails_that_file_only(self):
        from documents.ingestion import sandbox

        extract_safely(b"warm up", "text")
        child = sandbox._server.pid
        pdf = make_pdf([f"Page {n} " + "words " * 200 for n in range(300)])
        threading.Timer(0.05, os.kill, args=(child, signal.SIGKILL)).start()
        with pytest.raises(ExtractionError, match="crash"):
            extract_safely(pdf, "pdf", limits=ExtractionLimits(timeout_seconds=60))
        assert extract_safely(b"next file", "text").sections[0].text == "next file"

    def test_a_reader_killed_between_files_is_replaced(self):
        from documents.ingestion import sandbox

        extract_safely(b"first", "text")
        child = sandbox._server.pid
        os.kill(child, signal.SIGKILL)
        _wait_until_dead(child)  # a fixed pause is too short on a busy machine
        assert extract_safely(b"second", "text").sections[0].text == "second"

    def test_the_caller_keeps_working_after_a_failure(self):
        with pytest.raises(ExtractionError):
            extract_safely(b"%PDF-1.4 broken", "pdf")
        assert extract_safely(b"still alive", "text").sections[0].text == "still alive"


class TestNormalizeAndChunk:
    def test_normalize_joins_hyphenation_ligatures_and_spaces(self):
        raw = "The ﬁrst exam-\nple\u00a0 shows   spacing.\r\n\n\n\nNext\x07 paragraph."
        assert normalize_text(raw) == "The first example shows spacing.\n\nNext paragraph."

    def test_chunks_respect_size_overlap_and_pages(self):
        page_one = " ".join(f"Sentence {n} of the first page." for n in range(200))
        sections = [Section(text=page_one, page=1), Section(text="A short second page.", page=2)]
        drafts = chunk_sections(sections, chunk_tokens=100, overlap_tokens=20)
        assert all(draft.token_count <= 100 for draft in drafts)
        assert [draft.index for draft in drafts] == list(range(len(drafts)))
        assert drafts[-1].page == 2
        assert drafts[-1].text == "A short second page."
        first_page = [draft for draft in drafts if draft.page == 1]
        assert len(first_page) > 5
        # Consecutive passages share text, so an answer spanning the cut is found in one of them.
        assert first_page[0].text[-40:] in first_page[1].text
        covered = " ".join(draft.text for draft in first_page)
        assert all(f"Sentence {n} " in covered for n in range(200))

    def test_identical_text_gives_identical_hashes(self):
        drafts = chunk_sections([Section(text="Same words."), Section(text="Same words.")], chunk_tokens=50)
        assert drafts[0].content_hash == drafts[1].content_hash
        assert count_tokens("Hello, world!") == 4


class _Site:
    """A local web site whose pages the tests define."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes, float]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                status, headers, body, delay = site.routes.get(self.path, (404, {}, b"missing", 0))
                time.sleep(delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def site() -> Iterator[_Site]:
    running = _Site()
    yield running
    running.server.shutdown()


class TestFetch:
    def fetch(self, url, **options):
        return fetch_url(url, **{"allow_private": True, "timeout": 5, "max_bytes": 1024 * 1024, **options})

    def test_follows_redirects_and_reports_the_final_address(self, site):
        site.routes["/old"] = (301, {"Location": "/new"}, b"", 0)
        site.routes["/new"] = (200, {"Content-Type": "text/html; charset=utf-8"}, b"<p>moved here</p>", 0)
        page = self.fetch(site.base + "/old")
        assert page.content == b"<p>moved here</p>"
        assert page.final_url == site.base + "/new"
        assert page.content_type.startswith("text/html")

    def test_private_addresses_are_refused_unless_allowed(self, site):
        site.routes["/"] = (200, {}, b"internal", 0)
        with pytest.raises(FetchError, match="private network") as refused:
            self.fetch(site.base + "/", allow_private=False)
        assert not refused.value.transient
        for url in ("http://localhost:9/", "http://[::1]:9/", "http://169.254.169.254/latest/"):
            with pytest.raises(FetchError, match="private network"):
                self.fetch(url, allow_private=False)

    def test_not_found_is_permanent_and_server_errors_are_transient(self, site):
        site.routes["/down"] = (503, {}, b"busy", 0)
        with pytest.raises(FetchError) as missing:
            self.fetch(site.base + "/nowhere")
        assert "404" in str(missing.value)
        assert not missing.value.transient
        with pytest.raises(FetchError) as down:
            self.fetch(site.base + "/down")
        assert down.value.transient

    def test_size_and_time_limits(self, site):
        site.routes["/big"] = (200, {}, b"x" * 5000, 0)
        site.routes["/slow"] = (200, {}, b"late", 3)
        with pytest.raises(FetchError, match="larger than"):
            self.fetch(site.base + "/big", max_bytes=1000)
        with pytest.raises(FetchError, match="did not answer") as slow:
            self.fetch(site.base + "/slow", timeout=0.5)
        assert slow.value.transient

    def test_only_web_addresses(self):
        with pytest.raises(FetchError, match="http"):
            self.fetch("file:///etc/passwd")
