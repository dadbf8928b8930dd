"""pk_laws: laws and normative documents cited by title (《》, nested titles too) or by their
bare short name (传染病防治法, 民法典), each given its canonical name, level, issuer and
jurisdiction, and linked to the document number written next to it."""
from __future__ import annotations

import re
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from ..datafiles import shared
from ..gazetteer import GAZETTEER_FILES
from ..law_names import (DOCNUM_FILES, LAW_FILES, LAW_FORMS, PRC, LawInfo, describe, fold, is_law_title,
                         read_docnum_codes, read_registry)
from ..matching import NameMatcher
from ..records import DOCNUM, LAW
from .base import (DataComponent, add_mentions, doc_text, document, gazetteer_of, meta, region_context,
                   spans as found_spans)

_OPEN, _CLOSE = "《〈", "》〉"
# what the title scans look at: the marks and the paragraph ends (one regex scan, not a loop per character)
_MARKS = re.compile("[《〈》〉\n]")
# web copies often turn a nested title's 〈〉 into < > or ＜＞: marks of a title only inside one
_ANGLE_OPEN, _ANGLE_CLOSE = "<＜", ">＞"
_TITLE_MARKS = re.compile("[《〈》〉<＜>＞\n]")
_PRC_LAW = re.compile(PRC + r"[\u4e00-\u9fff]{2,24}?(?:法|条例)(?![\u4e00-\u9fff]{0,2}(?:》|实施))")
# a bare name directly followed by one of these is a longer word (宪法学, 公司法人, 公司法定代表人 ...)
_AFTER_BARE = set("学家律院系治制规人定务")
# a regulation's bare name right after one of these is a local one (重庆市物业管理条例), not the State Council's
_REGION_END = set("省市县区州旗盟")
# 弘扬宪法精神 speaks of the constitution's spirit, it does not cite it
_NOT_CITATION = {"精神", "意识", "观念", "思维", "权威", "理念"}
# titles described and remembered (forgotten all at once past this many)
_DESCRIBED_MAX = 50_000


def orphan_closers(text: str) -> list[int]:
    """Positions of the 》 / 〉 whose opening mark is missing in their paragraph (lost in a web copy)."""
    out, depth = [], 0
    for m in _MARKS.finditer(text):
        i, c = m.start(), m.group()
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            if depth:
                depth -= 1
            else:
                out.append(i)
        elif c == "\n":
            depth = 0
    return out


def title_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, depth) of the inside of every 《…》 / 〈…〉, nested ones included, and of
    every <…> / ＜…＞ inside one of them (a nested title as web copies write it).

    >>> [text[s:e] for text in ["落实《江苏省贯彻落实<纲要>实施方案》"] for s, e, _ in title_spans(text)]
    ['江苏省贯彻落实<纲要>实施方案', '纲要']
    >>> title_spans("a<b>c")  # outside a title, < and > are no marks
    []
    """
    spans, stack = [], []  # stack: (position, whether an angle bracket opened it)
    for m in _TITLE_MARKS.finditer(text):
        i, c = m.start(), m.group()
        if c in _OPEN or (c in _ANGLE_OPEN and stack):
            stack.append((i, c in _ANGLE_OPEN))
        elif c in _ANGLE_CLOSE:
            if stack and stack[-1][1]:
                spans.append((stack.pop()[0] + 1, i, len(stack)))
        elif c in _CLOSE:
            while stack and stack[-1][1]:  # an angle bracket left open inside the title
                stack.pop()
            if stack:
                spans.append((stack.pop()[0] + 1, i, len(stack)))
        elif c == "\n":
            stack.clear()  # a title never runs over a paragraph
    return sorted(spans)


# what introduces the short title a report uses from then on: 《…》(以下简称《纲要》)
_SHORT_NAME = re.compile(r"[（(]\s*(?:以下|下文|下)?(?:简称|称)\s*[为:：]?\s*")
_FORM_WORDS = frozenset(LAW_FORMS)
_TRAILING_BRACKET = re.compile(r"（[^（）]*）$")


def _last_of_form(found: list[tuple], form: str) -> LawInfo | None:
    """The last law in ``found`` whose name ends with ``form`` (its years aside)."""
    for _s, _e, info, _number, _nested_in in reversed(found):
        if _TRAILING_BRACKET.sub("", fold(info.canonical)).endswith(form):
            return info
    return None


def resolve_short_titles(text: str, found: list[tuple]) -> list[tuple]:
    """Give each short title the law it stands for, in ``found`` ((start, end, info, number,
    nested_in), sorted by start): a short title the report defines right after a full one
    (``《…纲要（2021—2025年）》(以下简称《纲要》)``), or a bare form word (《纲要》, 《决定》)
    standing for the last law cited with that form. A bare form word with no such law before it
    is left out: it names no document anyone could find."""
    short: dict[str, LawInfo] = {}
    out: list[tuple] = []
    last_end, last_info = -1, None  # the outermost title cited last
    for item in found:
        s, e, info, number, nested_in = item
        if text[s] == "《":
            core = fold(text[s + 1:e - 1])
            if last_info is not None and _SHORT_NAME.fullmatch(text, last_end, s):
                short[core] = last_info
            standing_for = short.get(core)
            if standing_for is None and core in _FORM_WORDS:
                standing_for = _last_of_form(out, core)
                if standing_for is None:
                    continue
            if standing_for is not None:
                item = (s, e, replace(standing_for, aliases=list(standing_for.aliases)), number, nested_in)
        out.append(item)
        if e > last_end and text[s] == "《":
            last_end, last_info = e, item[2]
    return out


class LawFinder(DataComponent):
    """Its data: the law registry's files, the document-number codes (issuers of uncatalogued
    documents) and the gazetteer's files (jurisdictions)."""

    files = {**GAZETTEER_FILES, **LAW_FILES, **DOCNUM_FILES}

    def load(self, files) -> None:
        self.gaz = gazetteer_of(files)
        self.registry = shared(read_registry, files["laws"], files["laws_catalogue"])
        self.codes = shared(read_docnum_codes, files["doc_number_codes"])
        self.bare_entries = self.registry.bare_names()
        self.bare = NameMatcher(self.bare_entries)
        self.longest_name = max(len(k) for k in self.registry.index)
        self.described: dict[tuple[str, str, tuple[str, ...]], LawInfo] = {}

    def describe(self, title: str, doc_number: str, ctx: tuple[str, ...]) -> LawInfo:
        """law_names.describe with this component's data, remembered: a report cites the same
        titles again and again, and a corpus the same laws (a copy, its aliases a list of its own)."""
        key = (title, doc_number, ctx)
        info = self.described.get(key)
        if info is None:
            if len(self.described) >= _DESCRIBED_MAX:
                self.described.clear()
            info = self.described[key] = describe(title, doc_number, self.gaz, ctx, self.registry, self.codes)
        return replace(info, aliases=list(info.aliases))

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_data()
        text = doc_text(doc)
        d = document(doc)
        ctx = region_context(doc)
        year = meta(doc).year  # the work year: which edition an edition-less plan title means
        numbers = sorted(((d.to_raw(n.start_char, n.end_char)[0], n) for n in found_spans(doc, DOCNUM)),
                         key=lambda x: x[0])
        covered = bytearray(len(text))
        spans = title_spans(text)
        outer_of: dict[tuple[int, int], str] = {}
        for s, e, depth in spans:
            covered[s - 1:e + 1] = b"\x01" * (e + 1 - (s - 1))
        found = []
        for s, e, depth in spans:
            title = text[s:e]
            if not is_law_title(title) and self.registry.lookup(title) is None:  # 公司法 ends like 司法
                continue
            number = self._number_after(d, e + 1, numbers)
            edition = self.registry.edition_in_force(title, year)
            info = self.describe(edition.name if edition else title, number.kb_id_ if number else "", ctx)
            nested_in = ""
            for (os_, oe), canon in outer_of.items():
                if os_ <= s and e <= oe:
                    nested_in = canon
            outer_of[(s, e)] = info.canonical
            found.append((s - 1, e + 1, info, number, nested_in))
        for close in orphan_closers(text):
            start = self._registered_title_before(text, close, covered)
            if start is not None:
                found.append((start, close + 1, self.describe(text[start:close], "", ctx), None, ""))
        for s, e, name in self.bare.every_match(text):
            if any(covered[s:e]) or (e < len(text) and text[e] in _AFTER_BARE) or text[e:e + 2] in _NOT_CITATION:
                continue
            if s >= len(PRC) and text[s - len(PRC):s] == PRC:
                continue  # handled by the full-name pattern below
            entry = self.bare_entries[name]
            if entry.level != "法律" and s and text[s - 1] in _REGION_END:
                continue
            found.append((s, e, self.describe(name, "", ctx), None, ""))
        for m in _PRC_LAW.finditer(text):
            if any(covered[m.start():m.end()]):
                continue
            found.append((m.start(), m.end(), self.describe(m.group(), "", ctx), None, ""))
        # leftmost-longest among bare matches (执业医师法 over 医师法)
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        found = resolve_short_titles(text, found)
        last_end = -1
        laws = []
        for s, e, info, number, nested_in in found:
            bare = text[s] not in _OPEN and text[s] not in _ANGLE_OPEN
            if bare and s < last_end:
                continue
            last_end = max(last_end, e)
            if number is not None:
                number._.law = info.canonical
            issuer = info.issuer or (number._.issuer or "" if number else "")
            jurisdiction = info.jurisdiction or (number._.jurisdiction or "" if number else "")
            laws.append((LAW, s, e, info.canonical, {
                "level": info.level, "issuer": issuer, "jurisdiction": jurisdiction, "in_registry": info.in_registry,
                "doc_number": number.kb_id_ if number else "", "nested_in": nested_in, "aliases": info.aliases,
                "role": "其他", "triggers": []}))
        add_mentions(doc, laws)
        return doc

    def _registered_title_before(self, text: str, close: int, covered: bytearray) -> int | None:
        """Start of the longest registry title that ends right before an orphan 》 (学习行政处罚法》),
        or None; a regulation's name after 省/市/县... is a local one and is left alone."""
        for k in range(min(self.longest_name + 8, close), 3, -1):
            start = close - k
            if covered[start] or text[start] in "\n。；;，,、":
                continue
            entry = self.registry.lookup(text[start:close])
            if entry is not None:
                if entry.level != "法律" and start and text[start - 1] in _REGION_END:
                    return None
                return start
        return None

    @staticmethod
    def _number_after(d, norm_pos: int, numbers):
        """A document number written right after a title: 《…》（渝府办发〔2019〕85号）."""
        raw_pos = d.to_raw(norm_pos, norm_pos + 1)[0] if norm_pos < len(d.text) else len(d.raw)
        for start, n in numbers:
            if 0 <= start - raw_pos <= 2:
                return n
        return None


@Language.factory(
    "pk_laws",
    retokenizes=True,  # splits tokens at the mentions' edges
    default_config={"adcodes": None, "region_abbreviations": None, "laws": None, "laws_catalogue": None, "doc_number_codes": None},
    requires=["doc._.region_context", "span._.jurisdiction"],  # the regions, the document numbers
    assigns=["doc.spans", "span._.law", "span._.level", "span._.issuer", "span._.jurisdiction", "span._.in_registry", "span._.doc_number",
             "span._.nested_in", "span._.aliases", "span._.role", "span._.triggers"],
)
def make_law_finder(nlp: Language, name: str, adcodes: str | None, region_abbreviations: str | None, laws: str | None,
                    laws_catalogue: str | None, doc_number_codes: str | None) -> LawFinder:
    """``laws``, ``laws_catalogue``, ``doc_number_codes``: YAML files like the package's;
    ``adcodes``, ``region_abbreviations``: the gazetteer's (null: the bundled files)."""
    return LawFinder(adcodes=adcodes, region_abbreviations=region_abbreviations, laws=laws, laws_catalogue=laws_catalogue, doc_number_codes=doc_number_codes)
