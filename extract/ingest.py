"""Reading reports: file → plain text (extract/readers, one reader per format) → normalised text with an offset map → paragraphs and
sentences.

Normalisation only ever replaces a character by one character or drops it, so that every
character of ``Document.text`` maps back to one character of ``Document.raw`` and every fact
can be checked against the file.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from .readers import IngestError, Limits, read_file  # noqa: F401  (IngestError: re-exported)
from .records import Document, Paragraph, Sentence, Source

# --- normalisation ----------------------------------------------------------------------

_BOOKMARK = re.compile(r"\[(?:bookmark|BOOKMARK):[^\]\n]*\]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# half-width punctuation written inside Chinese text becomes its full-width form
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
_BRACKETS = {"﹝": "〔", "﹞": "〕", "〖": "〔", "〗": "〕"}
_SPACES = {" ", "\t", "\u3000", "\xa0", "\u2002", "\u2003", "\u200b", "\ufeff"}
_TERMINAL = "。！？；!?;…"


def _is_cjk(c: str) -> bool:
    return bool(c) and bool(_CJK.match(c))


def _nfc_char(c: str) -> str:
    """The character NFC makes of ``c`` alone, when that is one character (so offsets still map)."""
    n = unicodedata.normalize("NFC", c)
    return n if len(n) == 1 else c


def _map_char(c: str, prev: str, nxt: str) -> str:
    o = ord(c)
    if 0xFF01 <= o <= 0xFF5E:
        folded = chr(o - 0xFEE0)
        # full-width letters and digits become ASCII; full-width punctuation stays
        if folded.isalnum():
            return folded
        return c
    if c in _BRACKETS:
        return _BRACKETS[c]
    if c in _HALF_TO_FULL and not (prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum()):
        return _HALF_TO_FULL[c]
    if c == "\r":
        return "\n"
    return _nfc_char(c)


# what normalise must look at one by one: a bookmark, a space, CR, a full-width form, a bracket or
# half-width punctuation to widen; every other character is kept (NFC aside), in runs
_SPECIAL = re.compile(_BOOKMARK.pattern + "|[" + re.escape("".join(_SPACES) + "".join(_BRACKETS) + "".join(_HALF_TO_FULL))
                      + "\r\uff01-\uff5e]")


def normalise(raw: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the raw offset it came from.

    >>> normalise("第1条(一)\\r\\n依法 行政")  # raw offset of each character, and one past the end
    ('第1条（一）\\n依法行政', [0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13])
    """
    nfc = unicodedata.is_normalized("NFC", raw)  # nearly always: then runs are kept as they are
    out: list[str] = []
    idx: list[int] = []
    last = ""  # the last character written
    n = len(raw)
    kept_from = 0

    def keep_run(start: int, end: int) -> None:
        nonlocal last
        if start < end:
            run = raw[start:end] if nfc else "".join(map(_nfc_char, raw[start:end]))
            out.append(run)
            idx.extend(range(start, end))
            last = run[-1]

    for m in _SPECIAL.finditer(raw):
        i = m.start()
        keep_run(kept_from, i)
        kept_from = m.end()
        if m.end() - i > 1:
            continue  # a bookmark: dropped
        c = raw[i]
        if c == "\r" and i + 1 < n and raw[i + 1] == "\n":
            continue  # CRLF → one newline (the LF)
        if c in _SPACES:
            # spaces between Chinese characters are layout, not text (PDF/Word exports)
            j = i + 1
            while j < n and raw[j] in _SPACES:
                j += 1
            nxt = raw[j] if j < n else ""
            if not last or last == "\n" or nxt in ("\n", "\r", "") or _is_cjk(last) or _is_cjk(nxt) \
                    or not last.isascii() or not nxt.isascii() or last == " ":
                continue
            c = " "
        last = _map_char(c, raw[i - 1] if i else "", raw[i + 1] if i + 1 < n else "")
        out.append(last)
        idx.append(i)
    keep_run(kept_from, n)
    text = "".join(out)
    text, idx = _join_broken_titles(text, idx)
    idx.append(idx[-1] + 1 if idx else 0)
    return text, idx


_TITLE_END = re.compile(r"(?:报告|总结|情况|工作)$")


def _join_broken_titles(text: str, idx: list[int]) -> tuple[str, list[int]]:
    """Join a report title that a word processor broke over several lines.

    Only in the heading zone (first lines), and only when the lines carry no punctuation and the
    joined line reads as a report title (ends in 报告/总结/情况).
    """
    lines = text.split("\n")
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    nonempty = [i for i, line in enumerate(lines) if line.strip()][:12]
    drop: set[int] = set()  # positions of newlines to remove
    k = 0
    while k < len(nonempty) - 1:
        a, b = nonempty[k], nonempty[k + 1]
        la, lb = lines[a].strip(), lines[b].strip()
        if (
            0 < len(la) <= 40 and 0 < len(lb) <= 40
            and not re.search(r"[。，、：；:！？]", la + lb)
            and _TITLE_END.search(lb)
            and not la.endswith(("报告", "：")) and not re.match(r"^[（(一二三四五六七八九十]", lb)
        ):
            for j in range(starts[a] + len(lines[a]), starts[b]):
                drop.add(j)  # the newline(s) between the two lines
            k += 1
        k += 1
    if not drop:
        return text, idx
    pieces, kept, at = [], [], 0
    for d in sorted(drop):  # a few newlines: copy the runs between them
        pieces.append(text[at:d])
        kept.extend(idx[at:d])
        at = d + 1
    pieces.append(text[at:])
    kept.extend(idx[at:])
    return "".join(pieces), kept


# --- paragraphs and sentences -------------------------------------------------------------

_OPEN = {"《": "》", "“": "”", "〈": "〉", "「": "」"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_MARKS = re.compile("[" + re.escape("".join(_OPEN) + "".join(_CLOSE) + _TERMINAL) + "]")


def split(text: str, to_raw) -> tuple[list[Paragraph], list[Sentence]]:
    """Paragraphs are non-empty lines; sentences end at 。！？；…, never inside 《》 or “”."""
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        start, end = start + lead, start + lead + len(stripped)
        p = len(paragraphs)
        rs, re_ = to_raw(start, end)
        paragraphs.append(Paragraph(index=p, start=rs, end=re_))
        s0 = start
        depth: list[str] = []
        last = start - 1
        # only the marks can open, close or end a sentence: look at them alone, not at every character
        for mark in _MARKS.finditer(text, start, end):
            i, c = mark.start(), mark.group()
            if i > last + 1 and len(depth) > 3:
                depth.clear()  # unbalanced marks must not swallow the paragraph (ordinary text came between)
            last = i
            if c in _OPEN:
                depth.append(c)
            elif c in _CLOSE and depth and depth[-1] == _CLOSE[c]:
                depth.pop()
            elif len(depth) > 3:
                depth.clear()
            if c in _TERMINAL and not depth:
                # keep closing quotes/brackets that follow the stop in this sentence
                j = i + 1
                while j < end and text[j] in "”’）)":
                    j += 1
                if j > s0:
                    _add_sentence(sentences, text, s0, j, p, to_raw)
                s0 = j
        if s0 < end:
            _add_sentence(sentences, text, s0, end, p, to_raw)
    return paragraphs, sentences


def _add_sentence(sentences, text, s, e, paragraph, to_raw) -> None:
    while s < e and text[s].isspace():
        s += 1
    if s >= e:
        return
    rs, re_ = to_raw(s, e)
    sentences.append(Sentence(index=len(sentences), start=rs, end=re_, paragraph=paragraph, text=text[s:e]))


# --- entry points --------------------------------------------------------------------------

def document_from_text(raw: str, name: str = "<text>", path: str = "", encoding: str = "str",
                       sha256: str | None = None) -> Document:
    text, norm_to_raw = normalise(raw)
    doc = Document(
        name=name,
        path=path,
        raw=raw,
        text=text,
        norm_to_raw=norm_to_raw,
        encoding=encoding,
        sha256=sha256 or hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )
    doc.paragraphs, doc.sentences = split(text, doc.to_raw)
    return doc


def file_sha256(path: str | os.PathLike) -> str:
    """The sha256 of a file's bytes, streamed: a large PDF is not held in memory a second time."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def read_document(path: str | os.PathLike, limits: Limits | None = None) -> Document:
    """Read one report file of any supported format; every problem becomes an IngestError."""
    p = Path(path)
    result = read_file(p, limits)
    if not _CJK.search(result.text[:20000]):
        raise IngestError(str(p), f"holds no Chinese text (read as {result.format}); not a report")
    try:
        digest = file_sha256(p)
    except OSError as e:
        raise IngestError(str(p), f"cannot be read ({e.strerror or e})")
    document = document_from_text(result.text, name=p.name, path=str(p.resolve()),
                                  encoding=result.encoding or result.format, sha256=digest)
    document.source = Source(format=result.format, reader=result.reader, title=result.title, url=result.url,
                             published=result.published, ocr_pages=result.ocr_pages,
                             ocr_confidence=result.ocr_confidence, warnings=result.warnings)
    return document
