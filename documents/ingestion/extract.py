"""Text extraction per document type, into sections that keep page numbers and headings.

Runs inside the extraction sandbox (see `sandbox.py`): these functions trust nothing about the
bytes but rely on the sandbox for time and memory limits.

PDFs are read with pypdfium2 (PDFium, the engine of Chrome's viewer): on the same files it is
about ten times faster than pypdf with text of the same quality; `make bench` measures both and
docs/ingestion.md records the figures.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import charset_normalizer

from documents.ingestion.errors import ExtractionError
from documents.ingestion.normalize import normalize_text
from documents.ingestion.pdf_paragraphs import Block, BlockKind, page_blocks
from documents.ingestion.reflow import reflow_text
from documents.ingestion.sniff import SNIFF_BYTES, FileKind, utf16_without_bom

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from lxml.html import HtmlElement


@dataclass(frozen=True, slots=True)
class Section:
    """A run of text from one place of a document: a PDF page, or the part under a heading."""

    text: str
    page: int | None = None
    heading: str | None = None


@dataclass(slots=True)
class Extracted:
    sections: list[Section] = field(default_factory=list)
    page_count: int | None = None
    title: str | None = None


def decode_text(data: bytes) -> str:
    """Decode text of unknown encoding: a byte-order mark, UTF-16 without one, UTF-8, then detection."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if utf16 := utf16_without_bom(data[:SNIFF_BYTES]):
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return data.decode(_detect_encoding(data[: 1024 * 1024]), errors="replace")


#: When detection finds several encodings equally plausible (short texts often do), the one
#: most documents are written in wins.
_COMMON_ENCODINGS = ("cp1252", "latin_1", "cp1251", "shift_jis", "gb18030", "euc_kr", "cp1250")


def _detect_encoding(sample: bytes) -> str:
    results = list(charset_normalizer.from_bytes(sample))
    if not results:
        return "cp1252"
    best = results[0]
    tied = {match.encoding for match in results if (match.chaos, match.coherence) == (best.chaos, best.coherence)}
    return next((encoding for encoding in _COMMON_ENCODINGS if encoding in tied), best.encoding)


def _meaningful_title(title: str | None) -> str | None:
    title = " ".join((title or "").split())
    return title if title and title.lower() not in {"untitled", "untitled document", "document"} else None


# --- PDF ----------------------------------------------------------------------------------


def extract_pdf(data: bytes, *, max_pages: int) -> Extracted:
    import pypdfium2

    from documents.ingestion.pdf_layout import read_page
    from documents.ingestion.running_lines import drop_running_lines

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ExtractionError("This PDF is password-protected. Remove the password and upload it again.") from exc
        raise ExtractionError("This PDF is damaged or not a PDF and could not be read.") from exc
    try:
        page_count = len(document)
        if page_count > max_pages:
            raise ExtractionError(f"This PDF has {page_count:,} pages; at most {max_pages:,} pages are accepted.")
        pages = []
        for number in range(page_count):
            page = document[number]
            try:
                pages.append(read_page(page))
            finally:
                page.close()
        title = _meaningful_title(document.get_metadata_dict(skip_empty=True).get("Title"))
    finally:
        document.close()
    return Extracted(sections=_pdf_sections(page_blocks(drop_running_lines(pages))), page_count=page_count, title=title)


def pdf_needs_password(data: bytes) -> bool:
    """True when the PDF cannot be opened without a password.

    PDFs protected only by an owner password (printing or copying restrictions) open without
    one and are accepted.
    """
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        return "password" in str(exc).lower()
    document.close()
    return False


def _pdf_sections(pages: list[list[Block]]) -> list[Section]:
    """One section per page and heading; a heading's path ranks headings by font size."""
    sections: list[Section] = []
    path: list[tuple[float, str]] = []
    for number, blocks in enumerate(pages, start=1):
        paragraphs: list[str] = []
        heading = " › ".join(title for _, title in path) or None
        for block in blocks:
            if block.kind is BlockKind.HEADING:
                _add_section(sections, paragraphs, number, heading)
                paragraphs = []
                path = [(size, title) for size, title in path if size > block.size] + [(block.size, block.text[:200])]
                heading = " › ".join(title for _, title in path)
            paragraphs.append(block.text)
        _add_section(sections, paragraphs, number, heading)
    return sections


def _add_section(sections: list[Section], paragraphs: list[str], page: int, heading: str | None) -> None:
    text = normalize_text("\n\n".join(paragraphs))
    if text:
        sections.append(Section(text=text, page=page, heading=heading))


# --- DOCX ---------------------------------------------------------------------------------


def _docx_blocks(document: DocxDocument) -> Iterator[tuple[str, BlockKind]]:
    """(text, kind) of paragraphs and table rows, in document order; a paragraph's manual line
    breaks and tabs become spaces, so its prose reads as one line."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if value and (not cells or cells[-1] != value):  # merged cells repeat their text
                        cells.append(value)
                if cells:
                    yield " | ".join(cells), BlockKind.TABLE
            continue
        text = " ".join(block.text.split())
        style = ((block.style.name if block.style is not None else "") or "").lower()
        if style.startswith(("heading", "title")):
            yield text, BlockKind.HEADING
        elif style.startswith("list") or block._p.pPr is not None and block._p.pPr.numPr is not None:
            yield text, BlockKind.LIST
        else:
            yield text, BlockKind.PROSE


def extract_docx(data: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise ExtractionError("This Word document is damaged and could not be read.") from exc
    sections: list[Section] = []
    heading: str | None = None
    blocks: list[Block] = []

    def flush() -> None:
        text = normalize_text("\n\n".join(block.text for block in blocks))
        if text:
            sections.append(Section(text=text, heading=heading))
        blocks.clear()

    for text, kind in _docx_blocks(document):
        if not text:
            continue
        if kind is BlockKind.HEADING:
            flush()
            heading = text[:300]
        elif kind is not BlockKind.PROSE and blocks and blocks[-1].kind is kind:
            blocks[-1].items.append(text)  # list items and table rows: lines of one block
        else:
            blocks.append(Block(kind=kind, items=[text]))
    flush()
    title = (document.core_properties.title or "").strip() or None
    return Extracted(sections=sections, title=title)


# --- HTML ---------------------------------------------------------------------------------

_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def extract_html(data: bytes) -> Extracted:
    """The page's main content (navigation, footers and ads removed), split under its headings."""
    import trafilatura

    html = decode_text(data)
    text = trafilatura.extract(
        html,
        output_format="markdown",
        include_formatting=True,
        include_tables=True,
        include_comments=False,
        include_links=False,
        include_images=False,
        favor_recall=True,
    )
    if not text:
        text = _html_fallback_text(html)
    metadata = trafilatura.extract_metadata(html)
    title = _meaningful_title(metadata.title if metadata is not None else None)
    return Extracted(sections=split_markdown(text), title=title)


_HTML_BLOCKS = frozenset(
    {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre", "blockquote", "dt", "dd", "td", "th"}
    | {"section", "article", "main", "body"}
)
_HTML_CONTAINERS = _HTML_BLOCKS | {"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "figure"}


def _html_fallback_text(html: str) -> str:
    """Every visible text of the page as Markdown-like blocks (a paragraph a block, list items
    and table rows lines), for pages too small or unusual for main-content detection."""
    import lxml.html
    from lxml_html_clean import Cleaner

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    cleaned = Cleaner(scripts=True, javascript=True, style=True, comments=True, forms=True).clean_html(tree)
    for element in cleaned.xpath("//title | //nav | //header | //footer | //aside"):
        element.drop_tree()
    blocks: list[tuple[str, str]] = []  # (text, tag)
    for element in cleaned.iter():
        if not isinstance(element.tag, str) or element.tag not in _HTML_BLOCKS:
            continue
        if element.tag == "tr":
            cells = [" ".join(cell.text_content().split()) for cell in element if cell.tag in ("td", "th")]
            row = " | ".join(cell for cell in cells if cell)
            blocks.append((f"| {row} |" if row else "", "tr"))
        elif element.tag not in ("td", "th"):
            blocks.append((_html_block_text(element), element.tag))
    text = ""
    for number, (block, tag) in enumerate(blocks):
        if block.strip():
            lines_of_one_block = number and tag in ("li", "tr") and blocks[number - 1][1] == tag
            text += ("\n" if lines_of_one_block else "\n\n") + block
    return text.strip()


def _html_block_text(element: HtmlElement) -> str:
    """An HTML block's own text (inline children included, nested blocks left to themselves)."""
    parts = [element.text or ""]
    for child in element:
        if not (isinstance(child.tag, str) and child.tag in _HTML_CONTAINERS):
            parts.append(child.text_content() if isinstance(child.tag, str) else "")
        parts.append(child.tail or "")
    text = " ".join("".join(parts).split())
    if text and element.tag == "li":
        return f"- {text}"
    if text and element.tag[0] == "h" and element.tag[1:].isdigit():
        return f"{'#' * int(element.tag[1:])} {text}"
    return text


# --- Markdown, text, CSV --------------------------------------------------------------------

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def split_markdown(markdown: str) -> list[Section]:
    """Sections under ATX headings; each carries its heading path ("Install › Linux")."""
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    lines: list[str] = []
    has_body = False
    in_fence = False

    def flush() -> None:
        nonlocal has_body
        text = normalize_text(reflow_text("\n".join(lines), markdown=True))
        if text:
            sections.append(Section(text=text, heading=" › ".join(title for _, title in path) or None))
        lines.clear()
        has_body = False

    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else _MARKDOWN_HEADING.match(line)
        if match:
            if has_body:
                flush()
            level, title = len(match.group(1)), _LINK.sub(r"\1", match.group(2)).strip()
            path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, title[:200])]
            # Headings stay in the text (they give a passage its context); a heading with no text
            # of its own joins the section that follows it.
            lines.append(line)
            continue
        lines.append(_LINK.sub(r"\1", line))
        has_body = has_body or bool(line.strip())
    flush()
    return sections


def extract_markdown(data: bytes) -> Extracted:
    text = decode_text(data)
    match = next((_MARKDOWN_HEADING.match(line) for line in text.splitlines() if line.startswith("# ")), None)
    return Extracted(sections=split_markdown(text), title=match.group(2).strip() if match else None)


def extract_text(data: bytes) -> Extracted:
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    text = normalize_text(reflow_text(text))
    return Extracted(sections=[Section(text=text)] if text else [])


#: CSV rows become "Column: value; Column: value" lines, so every chunk carries its column names.
CSV_ROWS_PER_SECTION = 200


def extract_csv(data: bytes) -> Extracted:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:16384], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [" ".join(name.split()) for name in next(reader, [])]
        sections: list[Section] = []
        rows: list[str] = []
        for row in reader:
            pairs = [
                f"{header[i] if i < len(header) and header[i] else f'Column {i + 1}'}: {value.strip()}"
                for i, value in enumerate(row)
                if value.strip()
            ]
            if pairs:
                rows.append("; ".join(pairs))
            if len(rows) >= CSV_ROWS_PER_SECTION:
                sections.append(Section(text=normalize_text("\n".join(rows))))
                rows = []
    except csv.Error as exc:
        raise ExtractionError(f"This CSV file could not be read: {exc}.") from exc
    if rows:
        sections.append(Section(text=normalize_text("\n".join(rows))))
    return Extracted(sections=sections)


def extract(data: bytes, kind: str, *, max_pages: int) -> Extracted:
    """Extract a document of a detected kind (see `sniff.detect_type`)."""
    match FileKind(kind):
        case FileKind.PDF:
            return extract_pdf(data, max_pages=max_pages)
        case FileKind.DOCX:
            return extract_docx(data)
        case FileKind.HTML:
            return extract_html(data)
        case FileKind.MARKDOWN:
            return extract_markdown(data)
        case FileKind.CSV:
            return extract_csv(data)
        case _:
            return extract_text(data)
