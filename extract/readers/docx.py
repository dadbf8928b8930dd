"""Word documents (.docx): paragraphs and tables in reading order, headers and footers left out
(python-docx reads the body part only; headers and footers live in parts of their own)."""
from __future__ import annotations

import zipfile
from pathlib import Path

from .base import IngestError, Limits, ReadResult, check_chars, version_of

CELL_SEPARATOR = " | "  # the same table rendering as the web-page reader's


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # a merged cell repeats in each grid column
                cells.append(text)
        if cells:
            lines.append(CELL_SEPARATOR.join(cells))
    return lines


def docx_lines(path: Path) -> list[str]:
    """The body's lines in reading order."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise IngestError(str(path), f"not a readable .docx file ({type(e).__name__}: {e})")
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
        else:
            lines.append(block.text)
    return lines


def read_docx(path: Path, limits: Limits) -> ReadResult:
    lines = docx_lines(path)
    text = "\n".join(lines).strip()
    if not text:
        raise IngestError(str(path), "the Word document holds no text")
    return ReadResult(text=check_chars(path, text, limits) + "\n", format="docx",
                      reader=version_of("python-docx"))
