"""CSV that is safe to open in a spreadsheet: the one writer behind every CSV policykg writes
(`export`'s node and edge lists, `stats --csv`, `query --format csv`).

Excel, LibreOffice and Google Sheets run a cell beginning with = + - @ (or a tab or CR, which
they skip before one of those) as a formula, so a label such as ``=HYPERLINK(...)`` in a report
could act when a researcher opens the file (CSV injection). By default such a text cell is
written with a leading ``'`` (OWASP's defence): the spreadsheet shows the text and runs nothing.

A number stays as it is, even a negative one: ``-3`` or ``-1.5e3`` is no formula, and prefixing it
would turn every negative figure into text (OWASP neutralises any leading -, we keep plain
numbers, which is all a spreadsheet can make of them). ``raw=True`` writes every cell exactly,
for programs (pandas, R) that want the text unchanged.
"""
from __future__ import annotations

import csv
import re
from typing import Any, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(cell: Any) -> Any:
    """The cell, with a leading ' if it is text a spreadsheet would run as a formula."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class SafeWriter:
    """csv.writer whose rows are neutralised (unless ``raw``)."""

    def __init__(self, f, raw: bool = False, **fmtparams):
        self._writer = csv.writer(f, **fmtparams)
        self.raw = raw

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(row if self.raw else [neutralise(c) for c in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(f, raw: bool = False, **fmtparams) -> SafeWriter:
    """A CSV writer on ``f`` (open with newline=""), spreadsheet-safe unless ``raw``."""
    return SafeWriter(f, raw=raw, **fmtparams)
