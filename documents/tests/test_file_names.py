"""Stored names of uploads and what counts as text: the inputs people really upload."""

from __future__ import annotations

import struct

import pytest

from documents.file_names import MAX_NAME_BYTES, stored_file_name
from documents.ingestion.sniff import looks_like_text, utf16_without_bom


@pytest.mark.parametrize(
    ("original", "expected_suffix"),
    [
        ("営業時間" * 40 + ".pdf", ".pdf"),
        ("Prix et réservations " * 20 + ".docx", ".docx"),
        ("report.final.v2.txt", ".txt"),
        ("../../etc/passwd", ""),
        ("C:\\Users\\ana\\Desktop\\notes.md", ".md"),
        ("..", ""),
        ("a" * 300, ""),
        ("name." + "x" * 40, ""),
    ],
)
def test_stored_names_fit_any_filesystem_and_keep_the_extension(original, expected_suffix):
    name = stored_file_name(original)
    assert 0 < len(name.encode()) <= MAX_NAME_BYTES
    assert "/" not in name and "\\" not in name and name not in {".", ".."}
    assert name.endswith(expected_suffix)
    name.encode().decode("utf-8")  # never a character cut in half


def test_a_readable_start_of_the_name_is_kept():
    assert stored_file_name("Horaires d'été 2026.pdf") == "Horaires_dété_2026.pdf"
    assert stored_file_name("営業時間" * 40 + ".pdf").startswith("営業時間営業時間")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_byte_order_mark_is_text(encoding):
    sample = "Opening hours: Monday to Friday, 9:00–17:00.\r\nClosed on holidays.\r\n".encode(encoding)
    assert utf16_without_bom(sample) == encoding
    assert looks_like_text(sample)


def test_binary_data_with_nuls_is_not_text():
    samples = struct.pack("<200h", *range(200))  # 16-bit audio samples: a NUL in every other byte
    assert utf16_without_bom(samples) is None
    assert not looks_like_text(samples)
    assert not looks_like_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
