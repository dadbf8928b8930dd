"""Readers: one per file format, each a small adapter over a well-kept library, each returning
the same thing (``ReadResult``: plain text and what the file says about itself).

>>> reader_for(Path("报告.docx")).__name__
'read_docx'
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .base import IngestError, Limits, ReadResult, check_size
from .docx import read_docx
from .html import read_html
from .ocr import read_image
from .office import read_office
from .pdf import read_pdf
from .text import read_text

Reader = Callable[[Path, Limits], ReadResult]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".shtml": read_html,
    ".xhtml": read_html,
    ".docx": read_docx,
    ".doc": read_office,
    ".wps": read_office,
    ".rtf": read_office,
    ".odt": read_office,
    ".pdf": read_pdf,
    ".png": read_image,
    ".jpg": read_image,
    ".jpeg": read_image,
    ".tif": read_image,
    ".tiff": read_image,
}
SUPPORTED = tuple(READERS)


def reader_for(path: Path) -> Reader | None:
    return READERS.get(path.suffix.lower())


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


__all__ = ["IngestError", "Limits", "ReadResult", "READERS", "SUPPORTED", "read_file", "reader_for"]
