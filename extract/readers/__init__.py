"""Readers: one per file format, each a small adapter over a well-kept library, each returning
the same thing (``ReadResult``: plain text and what the file says about itself).

>>> reader_for(Path("报告.docx")).__name__
'read_docx'
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from .base import IngestError, Limits, ReadResult, check_size

Reader = Callable[[Path, Limits], ReadResult]

# (module, function) → the suffixes it reads: a reader's module, and the library it wraps
# (python-docx, pdfplumber, lxml ...), is imported when a file of its kind is first read, so that a
# command that reads no report (query, serve, viz) does not pay for importing them all at start-up
_READER_SUFFIXES: dict[tuple[str, str], tuple[str, ...]] = {
    ("text", "read_text"): (".txt", ".text"),
    ("html", "read_html"): (".html", ".htm", ".shtml", ".xhtml"),
    ("docx", "read_docx"): (".docx",),
    ("office", "read_office"): (".doc", ".wps", ".rtf", ".odt"),
    ("pdf", "read_pdf"): (".pdf",),
    ("ocr", "read_image"): (".png", ".jpg", ".jpeg", ".tif", ".tiff"),
}
_READERS = {suffix: where for where, suffixes in _READER_SUFFIXES.items() for suffix in suffixes}
SUPPORTED = tuple(_READERS)


def reader_for(path: Path) -> Reader | None:
    where = _READERS.get(path.suffix.lower())
    if where is None:
        return None
    module, function = where
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)


def read_file(path: Path, limits: Limits | None = None) -> ReadResult:
    """Read any supported file; every problem becomes an IngestError naming the file."""
    limits = limits or Limits()
    reader = reader_for(path)
    if reader is None:
        raise IngestError(str(path), f"unsupported file type {path.suffix or '(no extension)'!r} "
                                     f"(policykg reads {', '.join(SUPPORTED)})")
    try:
        check_size(path, limits)
        return reader(path, limits)
    except IngestError:
        raise
    except IsADirectoryError:
        raise IngestError(str(path), "is a folder, not a file")
    except OSError as e:
        raise IngestError(str(path), f"cannot be read ({e.strerror or e})")
    except MemoryError:
        raise IngestError(str(path), "ran out of memory while reading it")
    except Exception as e:  # a library's own error on a damaged file must not lose the batch
        raise IngestError(str(path), f"could not be read as {path.suffix.lower()} ({type(e).__name__}: {e})")


__all__ = ["IngestError", "Limits", "ReadResult", "SUPPORTED", "read_file", "reader_for"]
