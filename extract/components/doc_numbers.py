"""pk_doc_numbers: document numbers (渝府办发〔2019〕85号, 重庆市人民政府令第329号), with the
issuer their prefix names. pk_laws attaches each number to the document it identifies."""
from __future__ import annotations

import re
from typing import Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ..datafiles import shared
from ..gazetteer import GAZETTEER_FILES
from ..law_names import DOCNUM_FILES, docnum_issuer, read_docnum_codes
from ..records import DOCNUM
from .base import DataComponent, add_mentions, doc_text, gazetteer_of, region_context

# prefix 〔year〕 number 号, with the bracket variants word processors produce
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,12}?)\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*(第?\s*\d{1,5})\s*号")
# the same with one bracket lost (川市监发〔202041号, 川市监发2020〕41号): the four digits of the year
# and the bracket left make the reading certain
LOST_BRACKET = re.compile(r"([\u4e00-\u9fff]{1,12}?)\s*(?:[〔\[［【]\s*((?:19|20)\d{2})(\d{1,4})"
                          r"|((?:19|20)\d{2})\s*[〕\]］】]\s*(\d{1,4}))\s*号")
ORDER_NUMBER = re.compile(r"((?:[\u4e00-\u9fff]{2,12}?(?:人民政府|政府|部|委员会|局|厅))令)\s*(第\s*\d{1,5}\s*号)")
# the patterns without their prefix (what follows the prefix and any whitespace after it), and how
# long the prefix can be: the patterns are tried only near these, rare and quick to find
ANCHORS = {
    DOC_NUMBER: (re.compile(r"[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号"), 12),
    LOST_BRACKET: (re.compile(r"(?:[〔\[［【]\s*(?:19|20)\d{2}\d{1,4}|(?:19|20)\d{2}\s*[〕\]］】]\s*\d{1,4})\s*号"), 12),
    ORDER_NUMBER: (re.compile(r"令\s*第\s*\d{1,5}\s*号"), 12 + len("人民政府")),
}
# words that end a sentence fragment before a number and are not part of its prefix
_LEAD = re.compile(r"^.*?(?:文件|印发|转发|下发|发布|根据|依据|按照|的|和|及|与|、)")


def find_numbers(pattern: re.Pattern, text: str) -> Iterator[re.Match]:
    """The matches of ``pattern.finditer(text)``, found by scanning only the text near its anchor.

    Every match ends with a match of the anchor and begins at most the prefix's length before it
    (not counting the whitespace right before it); a lazy prefix tried at every character is what
    makes the plain scan slow (5 MB/s).

    >>> text = "印发《办法》（渝府发〔2021〕 3号），又见川市监发2020〕41号、重庆市人民政府令第 329号。"
    >>> [m.group() for m in find_numbers(DOC_NUMBER, text)] == [m.group() for m in DOC_NUMBER.finditer(text)]
    True
    """
    anchor, reach = ANCHORS[pattern]
    windows: list[list[int]] = []
    for a in anchor.finditer(text):
        start = a.start()
        while start > 0 and text[start - 1].isspace():
            start -= 1
        start = max(0, start - reach)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = a.end()
        else:
            windows.append([start, a.end()])
    for start, end in windows:
        yield from pattern.finditer(text, start, end)


def canonical_number(prefix: str, year: str, number: str) -> str:
    return f"{prefix}〔{year}〕{number.replace(' ', '')}号"


class DocNumberFinder(DataComponent):
    """Its data: the gazetteer's files and the document-number codes."""

    files = {**GAZETTEER_FILES, **DOCNUM_FILES}

    def load(self, files) -> None:
        self.gaz = gazetteer_of(files)
        self.codes = shared(read_docnum_codes, files["doc_number_codes"])

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_data()
        text = doc_text(doc)
        ctx = region_context(doc)
        found: list = []
        for m in find_numbers(DOC_NUMBER, text):
            start = self._start(text, m)
            if start is None:
                continue
            prefix = text[start:m.end(1)]
            canonical = canonical_number(prefix, m.group(2), m.group(3))
            issuer, region = docnum_issuer(canonical, self.gaz, ctx, self.codes)
            found.append((DOCNUM, start, m.end(), canonical, {"law": "", "issuer": issuer, "jurisdiction": region}))
        for m in find_numbers(LOST_BRACKET, text):
            start = self._start(text, m)
            if start is None:
                continue
            year, number = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
            # the number keeps its written form (the gold's convention); the restored one names the issuer
            restored = canonical_number(text[start:m.end(1)], year, number)
            issuer, region = docnum_issuer(restored, self.gaz, ctx, self.codes)
            found.append((DOCNUM, start, m.end(), re.sub(r"\s+", "", text[start:m.end()]),
                          {"law": "", "issuer": issuer, "jurisdiction": region, "restored": restored}))
        for m in find_numbers(ORDER_NUMBER, text):
            head = m.group(1)
            lead = _LEAD.match(head)
            start = m.start(1) + (lead.end() if lead else 0)
            canonical = re.sub(r"\s+", "", text[start:m.end()])
            issuer, region = docnum_issuer(canonical, self.gaz, ctx, self.codes)
            found.append((DOCNUM, start, m.end(), canonical, {"law": "", "issuer": issuer, "jurisdiction": region}))
        add_mentions(doc, found)
        return doc

    @staticmethod
    def _start(text: str, m: re.Match) -> int | None:
        """Where the number's prefix begins, after any lead-in words (印发, 的 ...); None if none is left."""
        lead = _LEAD.match(m.group(1))
        start = m.start(1) + (lead.end() if lead else 0)
        return start if start < m.end(1) else None


@Language.factory(
    "pk_doc_numbers",
    retokenizes=True,  # splits tokens at the mentions' edges
    default_config={"adcodes": None, "region_abbreviations": None, "doc_number_codes": None},
    requires=["doc._.region_context"],
    assigns=["doc.spans", "span._.law", "span._.issuer", "span._.jurisdiction", "span._.restored"],
)
def make_doc_number_finder(nlp: Language, name: str, adcodes: str | None, region_abbreviations: str | None,
                           doc_number_codes: str | None) -> DocNumberFinder:
    """``doc_number_codes``: a YAML file like the package's doc_number_codes.yaml; ``adcodes``,
    ``region_abbreviations``: the gazetteer's (null: the bundled files)."""
    return DocNumberFinder(adcodes=adcodes, region_abbreviations=region_abbreviations, doc_number_codes=doc_number_codes)
