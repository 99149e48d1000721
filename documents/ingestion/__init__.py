"""Turning untrusted documents into passages: type sniffing, sandboxed extraction, clean-up,
chunking, and fetching web pages safely."""

from documents.ingestion.chunk import ChunkDraft, chunk_sections, count_tokens
from documents.ingestion.errors import ExtractionError, FetchError, UnsupportedFileType
from documents.ingestion.extract import Extracted, Section, extract
from documents.ingestion.fetch import FetchedPage, fetch_url
from documents.ingestion.sandbox import ExtractionLimits, extract_safely
from documents.ingestion.sniff import FileKind, detect_type, is_encrypted_pdf

__all__ = [
    "ChunkDraft",
    "ExtractionError",
    "ExtractionLimits",
    "Extracted",
    "FetchError",
    "FetchedPage",
    "FileKind",
    "Section",
    "UnsupportedFileType",
    "chunk_sections",
    "count_tokens",
    "detect_type",
    "extract",
    "extract_safely",
    "fetch_url",
    "is_encrypted_pdf",
]
