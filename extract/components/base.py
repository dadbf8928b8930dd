"""What every component shares: the Doc extensions and a helper to record mentions.

Components read ``doc.text`` (the normalised report) and ``doc._.document`` (the ingest
record with sentences and the offset map), and append ``Mention`` records to
``doc._.mentions``. Offsets in a Mention are raw offsets (see records.py).
"""
from __future__ import annotations

from typing import Any, Iterable

from spacy.tokens import Doc

from ..records import Document, Mention, ReportMeta

if not Doc.has_extension("document"):
    Doc.set_extension("document", default=None)  # extract.records.Document
if not Doc.has_extension("mentions"):
    Doc.set_extension("mentions", default=None)  # list[Mention]
if not Doc.has_extension("meta"):
    Doc.set_extension("meta", default=None)  # ReportMeta
if not Doc.has_extension("observations"):
    Doc.set_extension("observations", default=None)  # list[Observation]
if not Doc.has_extension("cooperation"):
    Doc.set_extension("cooperation", default=None)  # list[str] region names


def mentions(doc: Doc) -> list[Mention]:
    if doc._.mentions is None:
        doc._.mentions = []
    return doc._.mentions


def meta(doc: Doc) -> ReportMeta:
    if doc._.meta is None:
        doc._.meta = ReportMeta()
    return doc._.meta


def document(doc: Doc) -> Document:
    """The ingest record; a bare Doc (e.g. nlp("...") in a test) gets a trivial one."""
    if doc._.document is None:
        from ..ingest import document_from_text

        doc._.document = document_from_text(doc.text, name="<text>")
    return doc._.document


def add_mention(doc: Doc, label: str, start: int, end: int, canonical: str, **attrs: Any) -> Mention:
    """Record a mention found at [start, end) of ``doc.text`` (normalised offsets)."""
    d = document(doc)
    raw_start, raw_end = d.to_raw(start, end)
    sent = d.sentence_at(raw_start)
    m = Mention(
        label=label,
        surface=d.raw[raw_start:raw_end],
        canonical=canonical,
        start=raw_start,
        end=raw_end,
        sentence=sent.index if sent else -1,
        attrs=dict(attrs),
    )
    mentions(doc).append(m)
    return m


def of_label(doc: Doc, *labels: str) -> Iterable[Mention]:
    return [m for m in mentions(doc) if m.label in labels]
