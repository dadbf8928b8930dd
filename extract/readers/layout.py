"""Text from laid-out pages back into paragraphs: what a PDF reader needs after extraction.

A PDF holds lines, not paragraphs: a sentence, or a 《》 title, breaks wherever the line ended.
Lines are joined again inside a paragraph, and a paragraph ends where a line stops short of the
right margin, the next line is indented or starts a heading, or the gap between lines widens.
Running headers, footers and page numbers (lines repeated at the top or bottom of the pages, or
that are only a page number) are dropped.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median


@dataclass
class Line:
    page: int  # 0-based
    left: float
    right: float
    top: float  # PDF coordinates: y grows upwards
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return self.top - self.bottom


_PAGE_NUMBER = re.compile(r"^[\s\-—–－·•]*(?:第\s*)?[0-9０-９ivxlcIVXLC]+\s*(?:页)?(?:\s*[/／]\s*[0-9]+|\s*共\s*[0-9]+\s*页)?[\s\-—–－·•]*$")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[.．、]|第[一二三四五六七八九十]+[章节条部分]|附件)")
_SENTENCE_END = tuple("。！？；：…”）)")
_EDGE_ZONE = 0.12  # top and bottom share of the page where running headers and footers sit


def _digits_folded(text: str) -> str:
    return re.sub(r"[0-9０-９]+", "#", "".join(text.split()))


def running_lines(pages: list[list[Line]], page_heights: list[float]) -> set[tuple[int, int]]:
    """(page, line index) of headers, footers and page numbers."""
    drop: set[tuple[int, int]] = set()
    repeated: Counter = Counter()
    for p, lines in enumerate(pages):
        for key in {_digits_folded(l.text) for l in _edge_lines(lines, page_heights[p])}:
            repeated[key] += 1
    min_repeats = max(2, len(pages) // 2)
    for p, lines in enumerate(pages):
        edge = {id(l) for l in _edge_lines(lines, page_heights[p])}
        for i, l in enumerate(lines):
            if id(l) not in edge:
                continue
            if _PAGE_NUMBER.match(l.text) or (len(pages) > 1 and repeated[_digits_folded(l.text)] >= min_repeats):
                drop.add((p, i))
    return drop


def _edge_lines(lines: list[Line], height: float) -> list[Line]:
    return [l for l in lines if l.top >= height * (1 - _EDGE_ZONE) or l.bottom <= height * _EDGE_ZONE]


_LEADING_UNIT = re.compile(r"^(?:[A-Za-z0-9.,%+\-/]+|.)[，。、；：！？”’）)》〉%]*")


def _first_unit_width(text: str, char: float) -> float:
    """How wide the first unbreakable unit of a line is (a number, a word, or one character with
    the punctuation that may not start a line): if it did not fit, the line above wrapped early."""
    unit = _LEADING_UNIT.match(text)
    if not unit:
        return char
    return sum(char * (0.55 if c.isascii() else 1.0) for c in unit.group())


def _joiner(a: str, b: str) -> str:
    # Chinese runs on without a space; two Latin words or numbers keep one between them
    return " " if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum() else ""


def paragraphs(pages: list[list[Line]], page_heights: list[float]) -> str:
    """The body text of the pages, one paragraph a line."""
    drop = running_lines(pages, page_heights)
    body = [l for p, lines in enumerate(pages) for i, l in enumerate(lines) if (p, i) not in drop and l.text.strip()]
    if not body:
        return ""
    left = min(l.left for l in body)
    right = max(l.right for l in body)
    char = median(l.height for l in body) or 10.0
    spacing = median([a.bottom - b.top for a, b in zip(body, body[1:]) if a.page == b.page and a.bottom > b.top]
                     or [char * 0.5])
    out: list[str] = []
    prev: Line | None = None
    for line in body:
        text = line.text.strip()
        new_paragraph = (
            prev is None
            # the previous line stopped short of the margin, and not because the next word was too wide
            or right - prev.right > max(1.5 * char, _first_unit_width(text, char) + 0.5 * char)
            or line.left > left + 1.2 * char  # an indented first line
            or bool(_HEADING.match(text))
            or (prev.page == line.page and prev.bottom - line.top > max(spacing * 1.8, char * 0.9))
            or (prev.text.rstrip().endswith(_SENTENCE_END) and line.left > left + 0.5 * char)
        )
        if new_paragraph or not out:
            out.append(text)
        else:
            out[-1] += _joiner(out[-1], text) + text
        prev = line
    return "\n".join(out)
