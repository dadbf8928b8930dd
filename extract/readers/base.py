"""What every reader returns, and the one error every reading problem becomes."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


class IngestError(Exception):
    """A file that cannot be read as a report; ``reason`` says why in plain words."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class Limits:
    """Bounds checked before any expensive work, so that one huge file cannot sink a batch."""

    max_file_bytes: int = 50_000_000  # checked on the file, before it is opened
    max_chars: int = 1_000_000  # checked on the text read (spaCy's own default max_length)


@dataclass
class ReadResult:
    """The plain text a file was read as, and what the file says about itself."""

    text: str
    format: str  # txt, html, docx, doc, pdf, image ...
    reader: str  # the library that read it, with its version: "trafilatura 2.3.1"
    encoding: str = ""  # for text formats: the character encoding the bytes were decoded with
    title: str = ""
    published: str = ""  # ISO date the source gives (meta tag, visible 发布时间, document properties)
    url: str = ""  # canonical URL a web page gives
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages read by OCR
    ocr_confidence: float | None = None  # mean word confidence of those pages (0-100)
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=None)  # importlib.metadata scans the installed distributions: once per package
def version_of(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{package} {version(package)}"
    except PackageNotFoundError:
        return package


def check_size(path: Path, limits: Limits) -> int:
    """The file's size in bytes; IngestError when it is over the limit (nothing is read)."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise IngestError(str(path), f"is {size / 1e6:.1f} MB, over the limit of {limits.max_file_bytes / 1e6:.0f} MB "
                                     "(raise it with --max-file-mb)")
    return size


def check_chars(path: Path, text: str, limits: Limits) -> str:
    if len(text) > limits.max_chars:
        raise IngestError(str(path), f"reads as {len(text):,} characters, over the limit of {limits.max_chars:,} "
                                     "(split the report, or raise it with --max-chars)")
    return text
