"""Plain records passed between the stages. They know nothing of spaCy or RDF.

Offsets: every ``start``/``end`` in a record is a character offset into ``Document.raw``,
the decoded original text, so that a researcher can check each fact against the file.
The pipeline works on ``Document.text`` (normalised); ``Document.to_raw`` maps back.
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field, fields
from typing import Any


def flat_asdict(record) -> dict[str, Any]:
    """``dataclasses.asdict`` of a record whose fields hold scalars, or lists and dicts of scalars:
    the lists and dicts copied, without asdict's recursive deep copy (a report's metadata and
    source are written onto every Doc).

    >>> flat_asdict(Source(format="pdf", ocr_pages=[1, 2]))["ocr_pages"]
    [1, 2]
    """
    return {name: value.copy() if isinstance(value, (list, dict)) else value
            for name in _field_names(type(record)) for value in (getattr(record, name),)}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


@dataclass
class Sentence:
    index: int
    start: int  # offsets into Document.raw
    end: int
    paragraph: int
    text: str  # normalised text of the sentence (what the extractor read)


@dataclass
class Paragraph:
    index: int
    start: int
    end: int


@dataclass
class Source:
    """How a report was read, and its provenance: from the file itself, then the manifest."""

    format: str = "txt"  # txt, html, docx, doc, wps, rtf, odt, pdf, image
    reader: str = ""  # the library (and version) that read it
    title: str = ""  # as the file declares it (page title, document property)
    url: str = ""  # where it was published (canonical URL, or the manifest's)
    published: str = ""  # ISO publication date (meta tag, visible 发布时间, or the manifest's)
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages read by OCR
    ocr_confidence: float | None = None
    warnings: list[str] = field(default_factory=list)
    # what the manifest says about the report, overriding the text: agency, region, year
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass
class Document:
    """A decoded, normalised report with its paragraphs and sentences."""

    name: str  # file name, the key of the gold annotation
    path: str
    raw: str  # decoded original text
    text: str  # normalised text, the input of the spaCy pipeline
    # norm_to_raw[i] is the raw offset of text[i]; one extra entry for len(text)
    norm_to_raw: list[int]
    encoding: str
    sha256: str  # of the file's bytes
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    source: Source = field(default_factory=Source)  # how the file was read, provenance

    @property
    def text_sha256(self) -> str:
        """Hash of the text read: the same report read from two formats has one."""
        return hashlib.sha256("".join(self.text.split()).encode("utf-8")).hexdigest()

    def to_raw(self, norm_start: int, norm_end: int) -> tuple[int, int]:
        """Map a [start, end) span of ``text`` onto ``raw``."""
        start = self.norm_to_raw[norm_start]
        end = self.norm_to_raw[norm_end - 1] + 1 if norm_end > norm_start else start
        return start, end

    def sentence_at(self, raw_offset: int) -> Sentence | None:
        """The sentence containing a raw offset (sentences are sorted by start)."""
        i = bisect.bisect_right(self._sentence_starts(), raw_offset) - 1
        if i >= 0 and self.sentences[i].start <= raw_offset < max(self.sentences[i].end, self.sentences[i].start + 1):
            return self.sentences[i]
        return None

    def _sentence_starts(self) -> list[int]:
        """The sentences' starts, listed once (and again if the sentences are replaced)."""
        cached = self.__dict__.get("_starts")
        if cached is None or cached[0] is not self.sentences or len(cached[1]) != len(self.sentences):
            cached = self.__dict__["_starts"] = (self.sentences, [s.start for s in self.sentences])
        return cached[1]


@dataclass
class Mention:
    """One extracted span: a law, document number, agency, region or program."""

    label: str  # LAW | DOCNUM | AGENCY | REGION | PROGRAM
    surface: str  # exactly as written in Document.raw[start:end]
    canonical: str  # normalised name: the entity's key
    start: int
    end: int
    sentence: int  # index into Document.sentences, -1 when outside any sentence
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        d = flat_asdict(self)
        d.update(d.pop("attrs"))
        return d


LAW, DOCNUM, AGENCY, REGION, PROGRAM = "LAW", "DOCNUM", "AGENCY", "REGION", "PROGRAM"


@dataclass
class RegionRef:
    """A resolved place: official code and its hierarchy."""

    code: str  # 6-digit administrative division code
    name: str  # full official name, e.g. 北碚区
    level: str  # province | city | county
    province: str = ""
    city: str = ""
    county: str = ""
    candidates: list[str] = field(default_factory=list)  # codes, when ambiguous


@dataclass
class ReportMeta:
    title: str = ""
    agency: str = ""  # full official name of the issuing agency
    agency_surface: str = ""
    organ: str = ""  # organ name without region prefix, e.g. 卫生健康委员会
    region_code: str = ""  # the issuing agency's region ("" when ambiguous)
    region_candidates: list[str] = field(default_factory=list)
    province: str = ""
    city: str = ""
    county: str = ""
    year: int | None = None
    date: str = ""  # ISO yyyy-mm-dd or ""
    addressed_to: list[str] = field(default_factory=list)


@dataclass
class Observation:
    """An enforcement figure: cases, fines, inspections, trainings ..."""

    measure: str
    value: float
    unit: str
    start: int
    end: int
    sentence: int
    surface: str
