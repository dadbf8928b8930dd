"""Plain-text reports (.txt): UTF-8 with or without BOM, GB18030/GBK, UTF-16/32 ...

A file that one encoding fits but for a few bytes (a truncated download, a stray 0xFF) is read
with those bytes replaced by U+FFFD, and a warning says how many and where the first one is.
"""
from __future__ import annotations

import codecs
import threading
from pathlib import Path

from .base import IngestError, Limits, ReadResult, check_chars, version_of

_BOMS = [
    (b"\xef\xbb\xbf", "utf_8_sig"),
    (b"\xff\xfe\x00\x00", "utf_32"),
    (b"\x00\x00\xfe\xff", "utf_32"),
    (b"\xff\xfe", "utf_16"),
    (b"\xfe\xff", "utf_16"),
]

# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030", "big5": "big5hkscs"}

# at most this share of undecodable bytes is taken for damage rather than a wrong encoding
TOLERATED_BAD_BYTES = 0.001
_MIN_TOLERATED = 16

_bad_offsets = threading.local()


def _record_bad_bytes(e: UnicodeDecodeError):
    _bad_offsets.found.append(e.start)
    return "\ufffd", e.end


codecs.register_error("policykg-count", _record_bad_bytes)


def _decode_counting(data: bytes, encoding: str) -> tuple[str, list[int]]:
    """Decode, replacing bad bytes; returns the text and the byte offset of each bad sequence."""
    _bad_offsets.found = []
    text = data.decode(encoding, errors="policykg-count")
    return text, _bad_offsets.found


def _tolerable(bad: list[int], size: int) -> bool:
    return len(bad) <= max(_MIN_TOLERATED, size * TOLERATED_BAD_BYTES)


def _damage_warning(bad: list[int], encoding: str) -> str:
    return (f"{len(bad)} byte sequence{'s' if len(bad) > 1 else ''} not valid {encoding} replaced by U+FFFD "
            f"(first at byte {bad[0]})")


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str, list[str]]:
    """Decode report bytes; returns (text, encoding name, warnings). Raises IngestError."""
    if not data.strip():
        raise IngestError(path, "the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text, bad = _decode_counting(data, enc)
            if bad and not _tolerable(bad, len(data)):
                raise IngestError(path, f"starts with a {enc} byte-order mark but {len(bad)} byte sequences are not "
                                        f"valid {enc} (first at byte {bad[0]})")
            return text, enc, [_damage_warning(bad, enc)] if bad else []
    text, bad = _decode_counting(data, "utf_8")
    if not bad:
        return _not_binary(text, "utf_8", path), "utf_8", []
    if _tolerable(bad, len(data)) and _has_chinese(text):
        return _not_binary(text, "utf_8", path), "utf_8", [_damage_warning(bad, "UTF-8")]
    return _detect(data, path)


def _detect(data: bytes, path: str) -> tuple[str, str, list[str]]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=None).best()
    if best is not None:
        enc = _SUPERSETS.get(best.encoding.lower().replace("-", ""), best.encoding)
        text, bad = _decode_counting(data, enc)
        if not bad:
            return _not_binary(text, enc, path), enc, []
        if _tolerable(bad, len(data)):
            return _not_binary(text, enc, path), enc, [_damage_warning(bad, enc)]
    # charset-normalizer gives up on a few damaged bytes: try the encodings Chinese reports use
    for enc in ("gb18030", "utf_16"):
        text, bad = _decode_counting(data, enc)
        if _tolerable(bad, len(data)) and _has_chinese(text) and not _looks_binary(text):
            return text, enc, [_damage_warning(bad, enc)] if bad else []
    raise IngestError(path, "not a text report: no text encoding fits its bytes "
                            "(if it is a Word, PDF or web page, give it its proper extension)")


def _has_chinese(text: str) -> bool:
    sample = text[:20000]
    return sum(1 for c in sample if "\u4e00" <= c <= "\u9fff") >= min(20, len(sample) // 4)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\r\n\t\f") or c == "\ufffd")
    return bad / len(sample) > 0.05


def _not_binary(text: str, encoding: str, path: str) -> str:
    if _looks_binary(text):
        raise IngestError(path, f"not a text report (binary content; decoded as {encoding} it is mostly control characters)")
    return text


def read_text(path: Path, limits: Limits) -> ReadResult:
    size = path.stat().st_size
    if size > 4 * limits.max_chars:  # no encoding spends more than 4 bytes a character
        raise IngestError(str(path), f"is {size / 1e6:.1f} MB of text, over the limit of {limits.max_chars:,} "
                                     "characters (split the report, or raise it with --max-chars)")
    text, encoding, warnings = decode(path.read_bytes(), str(path))
    return ReadResult(text=check_chars(path, text, limits), format="txt", reader=version_of("charset-normalizer"),
                      encoding=encoding, warnings=warnings)
