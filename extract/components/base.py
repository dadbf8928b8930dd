"""What the components share: the declared Doc and Span extensions and the writing of mentions.

Every mention is a Span in ``doc.spans["policykg"]`` (label LAW, DOCNUM, AGENCY, REGION or
PROGRAM, ``kb_id_`` = the canonical key); the rest (level, code, role, triggers ...) are Span
extensions. Every value kept on a Doc is plain (str, int, list, dict), so that ``doc.to_bytes()``
and ``nlp.pipe(n_process=N)`` work. Components read ``doc.text`` (normalised; span offsets are
offsets into it; ``doc_text(doc)`` gives it without joining the tokens again) and the ingest record through ``document(doc)``; ``doc._.mentions`` gives the
mentions with raw offsets (see records.py).
"""
from __future__ import annotations

import bisect
import shutil
import weakref
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import Any, Iterable

from spacy.attrs import IDX
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from ..datafiles import resolve, shared
from ..gazetteer import Gazetteer, read_gazetteer
from ..organs import Context
from ..records import (AGENCY, DOCNUM, LAW, PROGRAM, REGION, Document, Mention, Paragraph, ReportMeta, Sentence,
                       Source, flat_asdict)

SPANS_KEY = "policykg"
LABELS = (LAW, DOCNUM, AGENCY, REGION, PROGRAM)

# the Span extensions each label carries, in the order of the record; an attribute a mention
# does not have (None) is left out of its record
MENTION_ATTRS: dict[str, tuple[str, ...]] = {
    REGION: ("code", "level", "candidates", "abbreviation", "parent"),
    DOCNUM: ("law", "issuer", "jurisdiction", "restored"),
    LAW: ("level", "issuer", "jurisdiction", "in_registry", "doc_number", "nested_in", "aliases", "role", "triggers"),
    AGENCY: ("full_name", "organ", "kind", "region_code", "parent", "pronoun"),
    PROGRAM: (),
}

# plain-valued Doc extensions: the components' declared channels
DOC_VALUES = {
    "ingest": "the ingest record without its text (dict, see document_to_plain)",
    "region_context": "codes of the regions the report settles unambiguously (pk_regions)",
    "report_meta": "ReportMeta as a dict (pk_metadata)",
    "agency_context": "the report's own region code, agency and region context (pk_metadata)",
    "addressees": "the agencies the report is addressed to: surface, name, region_code (pk_metadata)",
    "cooperation": "names of the regions the report cooperates with (pk_relations)",
    "observations": "enforcement figures, Observation dicts with raw offsets (pk_relations)",
}
for _name in DOC_VALUES:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


# --- the ingest record, kept as plain values ------------------------------------------------

def document_to_plain(d: Document) -> dict[str, Any]:
    """Everything of a Document but its normalised text (that is ``doc.text``)."""
    return {"name": d.name, "path": d.path, "raw": d.raw, "norm_to_raw": d.norm_to_raw,
            "encoding": d.encoding, "sha256": d.sha256,
            "paragraphs": [[p.index, p.start, p.end] for p in d.paragraphs],
            "sentences": [[s.index, s.start, s.end, s.paragraph, s.text] for s in d.sentences],
            "source": flat_asdict(d.source)}


def document_from_plain(text: str, p: dict[str, Any]) -> Document:
    return Document(name=p["name"], path=p["path"], raw=p["raw"], text=text, norm_to_raw=list(p["norm_to_raw"]),
                    encoding=p["encoding"], sha256=p["sha256"],
                    paragraphs=[Paragraph(*x) for x in p["paragraphs"]],
                    sentences=[Sentence(*x) for x in p["sentences"]], source=Source(**p["source"]))


# the Document rebuilt from a Doc's plain values, kept while the Doc lives (components read it often)
_documents: weakref.WeakKeyDictionary[Doc, tuple[dict, Document]] = weakref.WeakKeyDictionary()


def _get_document(doc: Doc) -> Document | None:
    plain = doc._.ingest
    if plain is None:
        return None
    cached = _documents.get(doc)
    if cached is None or cached[0] is not plain:
        cached = _documents[doc] = (plain, document_from_plain(doc_text(doc), plain))
    return cached[1]


def _set_document(doc: Doc, d: Document) -> None:
    plain = doc._.ingest = document_to_plain(d)
    _documents[doc] = (plain, d)


# doc.text joined once per Doc: spaCy joins the tokens again at every read of doc.text, and
# splitting tokens at the mentions' edges (split_at) never changes the text
_texts: weakref.WeakKeyDictionary[Doc, str] = weakref.WeakKeyDictionary()


def remember_text(doc: Doc, text: str) -> None:
    """Keep ``text`` as ``doc.text`` (the tokenizer knows it: the text it was given)."""
    _texts[doc] = text


def doc_text(doc: Doc) -> str:
    """``doc.text``, cached for the life of the Doc: what components read instead of ``doc.text``."""
    text = _texts.get(doc)
    if text is None:
        text = _texts[doc] = doc.text
    return text


def document(doc: Doc) -> Document:
    """The ingest record; a bare Doc (e.g. nlp("...") in a test) gets a trivial one."""
    if doc._.ingest is None:
        from ..ingest import document_from_text

        doc._.document = document_from_text(doc_text(doc), name="<text>")
    return doc._.document


# --- the report's metadata ------------------------------------------------------------------

def meta(doc: Doc) -> ReportMeta:
    return ReportMeta(**doc._.report_meta) if doc._.report_meta is not None else ReportMeta()


def _set_meta(doc: Doc, m: ReportMeta) -> None:
    doc._.report_meta = flat_asdict(m)


def region_context(doc: Doc) -> tuple[str, ...]:
    """Codes of the regions this report settles unambiguously (set by pk_regions)."""
    return tuple(doc._.region_context or ())


def agency_context(doc: Doc) -> Context:
    """The report's own region and agency, to resolve 区政府, 我委 ... (set by pk_metadata)."""
    c = doc._.agency_context
    return Context(c["region_code"], c["agency"], tuple(c["region_context"])) if c else Context()


# --- mention attributes on Spans --------------------------------------------------------------
# Keyed by label as well as offsets: spaCy's own Span extension values are keyed by offsets only,
# and two mentions of different labels may cover the same characters.

def _value_key(name: str, label: str, start_char: int, end_char: int) -> tuple:
    return ("pk._.", name, label, start_char, end_char)


def _attr_key(name: str, span: Span) -> tuple:
    return _value_key(name, span.label_, span.start_char, span.end_char)


def _get_attr(name: str, span: Span) -> Any:
    return span.doc.user_data.get(_attr_key(name, span))


def _set_attr(name: str, span: Span, value: Any) -> None:
    span.doc.user_data[_attr_key(name, span)] = value


SPAN_ATTRS = frozenset(a for attrs in MENTION_ATTRS.values() for a in attrs)

for _name in sorted(SPAN_ATTRS):
    if not Span.has_extension(_name):
        Span.set_extension(_name, getter=partial(_get_attr, _name), setter=partial(_set_attr, _name))


def spans(doc: Doc, *labels: str) -> list[Span]:
    """The mentions found so far, as Spans, in the order they were found."""
    group = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else []
    return [s for s in group if not labels or s.label_ in labels]


def span_attrs(span: Span) -> dict[str, Any]:
    """The mention attributes set on ``span`` (what ``span._.name`` gives, read without spaCy's
    Underscore: a report's mentions have some fifty thousand of them to read)."""
    values, label, start, end = span.doc.user_data, span.label_, span.start_char, span.end_char
    out = {}
    for name in MENTION_ATTRS[label]:
        value = values.get(_value_key(name, label, start, end))
        if value is not None:
            out[name] = value
    return out


def _mentions(doc: Doc) -> list[Mention]:
    """The mentions as records with raw offsets (a read-only view of the spans)."""
    d = document(doc)
    out = []
    for span in spans(doc):
        raw_start, raw_end = d.to_raw(span.start_char, span.end_char)
        sent = d.sentence_at(raw_start)
        out.append(Mention(label=span.label_, surface=d.raw[raw_start:raw_end], canonical=span.kb_id_,
                           start=raw_start, end=raw_end, sentence=sent.index if sent else -1,
                           attrs=span_attrs(span)))
    return out


for _name, _ext in (("document", dict(getter=_get_document, setter=_set_document)),
                    ("meta", dict(getter=meta, setter=_set_meta)),
                    ("mentions", dict(getter=_mentions))):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, **_ext)


# --- writing mentions -------------------------------------------------------------------------

def add_mentions(doc: Doc, found: Iterable[tuple[str, int, int, str, dict[str, Any]]]) -> list[Span]:
    """Add mentions found at [start, end) of ``doc.text`` as (label, start, end, canonical, attrs):
    tokens are split at the mentions' edges first, so that every span aligns exactly."""
    found = list(found)
    split_at(doc, {x for _l, s, e, _c, _a in found for x in (s, e)})
    group = doc.spans.setdefault(SPANS_KEY, [])
    values = doc.user_data
    out = []
    for label, start, end, canonical, attrs in found:
        # an edge in the whitespace after a token has no token to split: the span takes the token
        span = (doc.char_span(start, end, label=label, kb_id=canonical)
                or doc.char_span(start, end, label=label, kb_id=canonical, alignment_mode="expand"))
        # what ``span._.name = value`` stores, written directly (spaCy's Underscore costs more)
        for name, value in attrs.items():
            if name not in SPAN_ATTRS:
                raise AttributeError(f"no Span extension {name!r}")
            values[_value_key(name, label, span.start_char, span.end_char)] = value
        group.append(span)
        out.append(span)
    return out


# each Doc's token starts, kept while its tokens stay as they are (split_at splits, and forgets them)
_starts: weakref.WeakKeyDictionary[Doc, tuple[int, list[int]]] = weakref.WeakKeyDictionary()


def _token_starts(doc: Doc) -> list[int]:
    cached = _starts.get(doc)
    if cached is None or cached[0] != len(doc):
        cached = _starts[doc] = (len(doc), doc.to_array(IDX).tolist())
    return cached[1]


def split_at(doc: Doc, offsets: Iterable[int]) -> None:
    """Split the tokens that the character ``offsets`` fall inside; span groups keep their spans."""
    starts = _token_starts(doc)
    inside: dict[int, list[int]] = {}  # token index → the offsets strictly inside its text
    for off in offsets:
        i = bisect.bisect_right(starts, off) - 1
        if i >= 0 and starts[i] < off < starts[i] + len(doc[i].text):
            inside.setdefault(i, []).append(off)
    if not inside:
        return
    text = doc_text(doc)
    saved = {key: [(s.start, s.end, s.label, s.kb_id) for s in group] for key, group in doc.spans.items()}
    added = [0] * (len(doc) + 1)  # added[i]: tokens the splits add before old token i
    with doc.retokenize() as retokenizer:
        for i, cuts in inside.items():
            token = doc[i]
            edges = [token.idx, *sorted(set(cuts)), token.idx + len(token.text)]
            orths = [text[a:b] for a, b in zip(edges, edges[1:])]
            retokenizer.split(token, orths, heads=[(token, k) for k in range(len(orths))])
            added[i + 1] += len(orths) - 1
    # the new tokens start where the old ones did and at the cuts: no need to read them back
    new_starts = sorted(starts + [c for cuts in inside.values() for c in set(cuts)])
    _starts[doc] = (len(doc), new_starts) if len(new_starts) == len(doc) else (-1, [])
    added = list(accumulate(added))  # a running sum in C: a report has some 20,000 tokens
    # spaCy does not move the span groups' spans: put them back on their tokens
    for key, items in saved.items():
        doc.spans[key] = [Span(doc, s + added[s], e + added[e], label=label, kb_id=kb_id)
                          for s, e, label, kb_id in items]


# --- reference data read in initialize() and saved with the pipeline ---------------------------

class DataComponent:
    """A component whose reference data are files its config names (``None``: the bundled file).

    ``initialize()`` reads them; ``to_disk`` copies them into the component's folder of a saved
    pipeline and ``from_disk`` reads them from there, so that a saved pipeline carries the data it
    was built with. Used before ``initialize()`` (``spacy.blank`` + ``add_pipe``), it reads them at
    its first Doc. What the files are built into is shared between components (datafiles.shared).
    """

    # config key → the bundled file's name, which is also the file's name in a saved pipeline
    files: dict[str, str] = {}

    def __init__(self, **paths: str | None):
        self.paths = paths
        self.sources: dict[str, Path] | None = None  # the files the data was read from

    def load(self, files: dict[str, Path]) -> None:
        """Build the lookups from the files (config key → path)."""
        raise NotImplementedError

    def _load_from(self, files: dict[str, Path]) -> None:
        self.load(files)
        self.sources = files

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        self._load_from({key: resolve(self.paths.get(key), name) for key, name in self.files.items()})

    def ensure_data(self) -> None:
        if self.sources is None:
            self.initialize()

    def to_disk(self, path, *, exclude=()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.ensure_data()
        for key, name in self.files.items():
            if self.sources[key].resolve() != (path / name).resolve():
                shutil.copyfile(self.sources[key], path / name)

    def from_disk(self, path, *, exclude=()):
        path = ensure_path(path)
        self._load_from({key: path / name for key, name in self.files.items()})
        return self


def gazetteer_of(files: dict[str, Path]) -> Gazetteer:
    return shared(read_gazetteer, files["adcodes"], files["region_abbreviations"])
