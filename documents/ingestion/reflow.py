"""Plain text and Markdown into paragraphs: hard-wrapped prose lines joined, structure kept.

Text files are often wrapped at 72-80 columns; Markdown renderers join a paragraph's lines too.
Lines stay lines in code (fenced or indented), Markdown tables, headings and list items (whose
continuation lines join their item). Blocks come out separated by a blank line.
"""

from __future__ import annotations

import re

from documents.ingestion.hyphenation import Hyphenation

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_THEMATIC_BREAK = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_TABLE = re.compile(r"^\s*\|.*\||^\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[•●○◦▪■‣∙\-*+–]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivx]{1,4}[.)])\s+\S")
_TERMINAL = re.compile(r"[.!?:;…。！？][\"'”’»)\]]*$")
_HARD_BREAK = re.compile(r"( {2,}|\\)$")
#: Wrapped prose is recognised by lines that filled the measure; shorter measures are columns of
#: names or numbers, not prose.
_MIN_WRAP_WIDTH = 40


def _wrap_width(lines: list[str]) -> int:
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


class _Reflow:
    def __init__(self, text: str, *, markdown: bool) -> None:
        self.lines = text.split("\n")
        self.markdown = markdown
        self.width = _wrap_width(self.lines)
        self.hyphenation = Hyphenation([text])
        self.blocks: list[list[str]] = []
        self.open = False  # whether the last block takes more lines
        self.last_joinable = False  # whether the last line takes continuation lines
        self.hard_break = False  # Markdown: the last line ended with a line break of its own

    def run(self) -> str:
        lines, index = self.lines, 0
        while index < len(lines):
            line = lines[index]
            if _FENCE.match(line):
                end = next((i for i in range(index + 1, len(lines)) if _FENCE.match(lines[i])), len(lines) - 1)
                self.verbatim(lines[index : end + 1])
                index = end + 1
                continue
            if not line.strip():
                self.open = False
            elif not self.open and self.starts_code(index):
                end = index
                while end < len(lines) and (not lines[end].strip() or lines[end].startswith(("\t", "    "))):
                    end += 1
                self.verbatim([line.rstrip() for line in lines[index:end]])
                index = end
                continue
            elif self.markdown and (_HEADING.match(line) or (not self.open and _THEMATIC_BREAK.match(line))):
                self.verbatim([line])
            elif (
                self.markdown
                and index + 1 < len(lines)
                and line.strip()
                and _SETEXT_UNDERLINE.match(lines[index + 1])
                and not self.open
            ):
                self.verbatim([line, lines[index + 1]])
                index += 2
                continue
            elif _TABLE.match(line):
                self.line(line.strip(), joinable=False)
            elif _LIST_ITEM.match(line):
                self.line(line.strip(), joinable=True)
            elif self.indents_paragraph(index):
                self.open = False  # an indented first line starts a paragraph in plain text
                self.line(line.strip(), joinable=True)
            else:
                self.prose(line.strip())
            self.hard_break = bool(_HARD_BREAK.search(line))
            index += 1
        return "\n\n".join("\n".join(block) for block in self.blocks if block)

    def starts_code(self, index: int) -> bool:
        """An indented block: code in Markdown; in plain text only if the next line is indented
        too, since text files often indent the first line of a paragraph."""
        line = self.lines[index]
        if not line.startswith(("\t", "    ")) or _LIST_ITEM.match(line):
            return False
        following = self.lines[index + 1] if index + 1 < len(self.lines) else ""
        return self.markdown or not following.strip() or following.startswith(("\t", "    "))

    def indents_paragraph(self, index: int) -> bool:
        """Plain text: an indented line after a flush one in prose starts a paragraph (after a
        list item it is the item's continuation)."""
        line, previous = self.lines[index], self.lines[index - 1] if index else ""
        return (
            not self.markdown
            and self.open
            and line[:1] in " \t"
            and previous[:1] not in " \t"
            and not _LIST_ITEM.match(previous)
        )

    def verbatim(self, lines: list[str]) -> None:
        self.blocks.append(lines)
        self.open = False

    def line(self, text: str, *, joinable: bool) -> None:
        if not self.open:
            self.blocks.append([])
            self.open = True
        self.blocks[-1].append(text)
        self.last_joinable = joinable

    def prose(self, text: str) -> None:
        if self.open and self.last_joinable and self.continues(self.blocks[-1][-1], text):
            self.blocks[-1][-1] = self.hyphenation.join_lines(self.blocks[-1][-1], text)
        else:
            self.line(text, joinable=True)

    def continues(self, previous: str, text: str) -> bool:
        """Whether `text` is the next line of the same paragraph or list item as `previous`."""
        if self.markdown:
            return not self.hard_break
        if not _TERMINAL.search(previous) and text[:1].islower():
            return True
        first_word = len(text.split(maxsplit=1)[0])
        # A line wrapped there because the next word did not fit.
        return self.width >= _MIN_WRAP_WIDTH and len(previous) + 1 + first_word > self.width * 0.8


def reflow_text(text: str, *, markdown: bool = False) -> str:
    """`text` (with "\\n" line ends) as blocks separated by blank lines, wrapped prose joined."""
    return _Reflow(text, markdown=markdown).run()
