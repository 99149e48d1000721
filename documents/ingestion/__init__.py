"""Turning untrusted documents into passages: type sniffing, sandboxed extraction, clean-up,
chunking, and fetching web pages safely."""

from documents.ingestion.chunk import ChunkDraft, chunk_sections, count_tokens, iter_chunks
from documents.ingestion.errors import ExtractionError, FetchError, UnsupportedFileType
from documents.ingestion.extract import Extracted, Section, extract
from documents.ingestion.fetch import FetchedPage, fetch_url
from documents.ingestion.sandbox import ExtractionLimits, extract_safely, is_encrypted_pdf
from documents.ingestion.sniff import FileKind, detect_type
from documents.ingestion.text_parts import TextPart, text_parts

__all__ = [
    "ChunkDraft",
    "ExtractionError",
    "ExtractionLimits",
    "Extracted",
    "FetchError",
    "FetchedPage",
    "FileKind",
    "Section",
    "TextPart",
    "UnsupportedFileType",
    "chunk_sections",
    "count_tokens",
    "detect_type",
    "extract",
    "extract_safely",
    "fetch_url",
    "is_encrypted_pdf",
    "iter_chunks",
    "text_parts",
]
