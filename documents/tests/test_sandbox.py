"""The extraction child, seen from outside as an attacker who controls the parser would see it:
what it holds (descriptors, environment, privileges), and what the worker believes of its replies."""

from __future__ import annotations

import io
import os
import socket
import struct
import subprocess
import sys
from pathlib import Path

import msgpack
import pytest

from documents.ingestion import ExtractionLimits, extract_safely, sandbox
from documents.ingestion.sandbox_protocol import MalformedReply, parse_extracted, parse_inspected, read_frame
from documents.tests.conftest import make_pdf

SECRETS = {
    "DJANGO_SECRET_KEY": "django-insecure-4f9a1c2e7b",
    "DATABASE_URL": "postgres://chatsphere:hunter2@db:5432/chatsphere",
    "GEMINI_API_KEY": "AIzaSyD-gemini-test-key",
    "PINECONE_API_KEY": "pcsk_test_key",
}


def _reader_started_now(memory_mb: int) -> int:
    """Parse a real PDF with a memory cap no earlier reader had (so a new reader starts now);
    the pid of the reader, which waits for its next file."""
    pdf = make_pdf(["Opening hours: nine to five."])
    extracted = extract_safely(pdf, "pdf", limits=ExtractionLimits(memory_mb=memory_mb))
    assert extracted.sections[0].text == "Opening hours: nine to five."
    return sandbox._server.pid


def _open_descriptors(pid: int) -> dict[int, str]:
    fds = Path(f"/proc/{pid}/fd")
    return {int(fd.name): os.readlink(fd) for fd in fds.iterdir()}


def _status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


class TestWhatTheReaderHolds:
    def test_no_descriptor_of_the_worker_reaches_the_reader(self, tmp_path):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        database = tmp_path / "db.sqlite3"
        database.write_bytes(b"SQLite format 3\x00")
        with listener, database.open("rb") as handle:
            os.set_inheritable(handle.fileno(), True)  # even one marked for inheritance stays behind
            listening = os.readlink(f"/proc/self/fd/{listener.fileno()}")
            opened = _open_descriptors(_reader_started_now(memory_mb=1000))
        # Standard streams are /dev/null; the rest are the two pipes it talks over.
        assert [opened[fd] for fd in (0, 1, 2)] == ["/dev/null"] * 3
        assert len(opened) == 5
        assert all(target.startswith("pipe:") for fd, target in opened.items() if fd > 2)
        assert listening not in opened.values()
        assert str(database) not in opened.values()

    def test_the_reader_sees_no_secret_of_the_environment(self, monkeypatch):
        for name, value in SECRETS.items():
            monkeypatch.setenv(name, value)
        pid = _reader_started_now(memory_mb=1001)
        environment = Path(f"/proc/{pid}/environ").read_bytes().decode()
        names = {entry.split("=", 1)[0] for entry in environment.split("\0") if entry}
        assert names <= {"PATH", "LANG", "LC_ALL", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}
        assert not any(value in environment for value in SECRETS.values())

    def test_the_reader_runs_without_privileges(self):
        status = _status(_reader_started_now(memory_mb=1002))
        assert status["NoNewPrivs"].strip() == "1"
        if os.geteuid() == 0:  # root becomes nobody, in no group
            nobody = "65534"
            assert status["Uid"].split() == [nobody] * 4
            assert status["Gid"].split() == [nobody] * 4
            assert status["Groups"].strip() == ""
        else:
            assert status["Uid"].split()[0] == str(os.geteuid())


def _encrypted_pdf(tmp_path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Salary table"]))))
    writer.encrypt(user_password="open-sesame", owner_password="owner")
    path = tmp_path / "salaries.pdf"
    writer.write(path)
    return path


def test_the_password_check_opens_the_pdf_outside_the_calling_process(tmp_path):
    """What the web process does on upload: PDFium must never be loaded there."""
    script = (
        "import sys\n"
        "from documents.ingestion import is_encrypted_pdf\n"
        "print(is_encrypted_pdf(open(sys.argv[1], 'rb').read()), 'pypdfium2' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(  # noqa: S603 - the test's own interpreter
        [sys.executable, "-c", script, str(_encrypted_pdf(tmp_path))],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["True", "False"]


class TestRepliesAreCheckedNotTrusted:
    @pytest.mark.parametrize(
        "reply",
        [
            {"status": "ok", "sections": "text"},
            {"status": "ok", "sections": [["text", "1", None]]},
            {"status": "ok", "sections": [["text", 0, None]]},
            {"status": "ok", "sections": [["text", 1]]},
            {"status": "ok", "sections": [[b"text", 1, None]]},
            {"status": "ok", "sections": [], "page_count": True},
            {"status": "ok", "sections": [], "title": "t" * 20_000},
            {"status": "error", "message": "m" * 5000},
            {"status": "done"},
            {"status": "ok", "encrypted": "yes"},
        ],
    )
    def test_a_reply_of_the_wrong_shape_is_refused(self, reply):
        parse = parse_inspected if "encrypted" in reply else parse_extracted
        with pytest.raises(MalformedReply):
            parse(reply)

    @pytest.mark.parametrize(
        "frame",
        [
            struct.pack("<Q", 2**40),  # claims a terabyte
            struct.pack("<Q", 3) + b"\xc1\xc1\xc1",  # not msgpack
            struct.pack("<Q", 2) + msgpack.packb([1]),  # not a map
            # What pickle would have run: msgpack carries it as inert bytes, not as a map.
            struct.pack("<Q", 21) + b"cos\nsystem\n(S'id'\ntR.",
        ],
    )
    def test_an_oversized_or_undecodable_frame_is_refused(self, frame):
        read, write = os.pipe()
        try:
            os.write(write, frame)
            os.close(write)
            with pytest.raises(MalformedReply):
                read_frame(read, max_bytes=1024 * 1024)
        finally:
            os.close(read)
