"""The extraction pipeline: a blank Chinese spaCy pipeline with jieba's words (tokenizer.py: cut
by jieba-rs when installed) and our components, plus the conversion of a processed Doc into a
JSON-ready record."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import components  # noqa: F401  (registers the factories)
from . import jieba_dict, tokenizer  # noqa: F401  (tokenizer: registers the tokenizer)
from .components.base import meta
from .records import AGENCY, DOCNUM, LAW, PROGRAM, REGION, Document, flat_asdict

# Order matters: metadata needs regions; laws need document numbers; agencies and roles
# need the report's region and the laws. Each factory declares what it requires and assigns, and
# nlp.analyze_pipes() checks this order (tests/test_spacy_native.py).
COMPONENTS = [
    "pk_regions",
    "pk_metadata",
    "pk_doc_numbers",
    "pk_laws",
    "pk_agencies",
    "pk_programs",
    "pk_citation_roles",
    "pk_relations",
    "pk_entities",
]


# the registered name of the tokenizer, so that a saved pipeline's config names it
TOKENIZER = {"@tokenizers": "policykg.JiebaTokenizer.v1", "backend": "auto"}


def build_nlp(exclude: Iterable[str] = (), tokenizer_backend: str = "auto") -> Language:
    """A blank zh pipeline segmenting with jieba (``tokenizer_backend``: see tokenizer.py), with
    every policykg component, initialised: the components have read their data (before any fork
    of ``nlp.pipe(n_process=N)``)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {**TOKENIZER, "backend": tokenizer_backend}}})
    for name in COMPONENTS:
        if name not in exclude:
            nlp.add_pipe(name)
    nlp.initialize()
    jieba_dict.word_tags()  # the dictionary the components look words up in, read before any fork
    return nlp


def run(nlp: Language, document: Document) -> Doc:
    """Process one ingested document; its ingest record travels on ``doc._.document``."""
    doc = nlp.make_doc(document.text)
    doc._.document = document
    return nlp(doc)


def pipe(nlp: Language, documents: Iterable[Document], n_process: int = 1, batch_size: int = 4) -> Iterator[Doc]:
    """Process ingested documents in order, in ``n_process`` processes (spaCy's ``nlp.pipe``: each
    Doc travels as ``to_bytes()``, which its plain-valued extensions allow)."""
    def docs() -> Iterator[Doc]:
        for document in documents:
            doc = nlp.make_doc(document.text)
            doc._.document = document
            yield doc

    return nlp.pipe(docs(), n_process=n_process, batch_size=batch_size)


def _distinct(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)


def doc_to_record(doc: Doc) -> dict[str, Any]:
    """The JSON record of one report: the gold keys first, then what the graph needs."""
    d: Document = doc._.document
    m = meta(doc)
    ms = sorted(doc._.mentions, key=lambda x: (x.start, x.end, x.label))
    by = lambda label: [x for x in ms if x.label == label]  # noqa: E731
    observations = doc._.observations or []
    used_sentences = sorted({x.sentence for x in ms if x.sentence >= 0}
                            | {o["sentence"] for o in observations if o["sentence"] >= 0})
    return {
        "doc": d.name,
        "agency": m.agency,
        "agency_surface": m.agency_surface,
        "province": m.province,
        "city": m.city,
        "county": m.county,
        "year": m.year,
        "date": m.date,
        "addressed_to": list(m.addressed_to),
        "laws": _distinct(x.canonical for x in by(LAW)),
        "law_mentions": [
            {"surface": x.surface, "canonical": x.canonical, "start": x.start, "end": x.end}
            for x in by(LAW)
        ],
        "doc_numbers": _distinct(x.canonical for x in by(DOCNUM)),
        # "我委"-style pronouns resolve to an agency but are not names of one
        "agencies": _distinct(x.surface for x in by(AGENCY) if not x.attrs.get("pronoun")),
        "regions": _distinct(x.canonical for x in by(REGION)),
        "regions_cooperation": list(doc._.cooperation or []),
        "programs": _distinct(x.canonical for x in by(PROGRAM)),
        # --- beyond the gold keys ---
        "id": report_id(d),
        "path": d.path,
        "sha256": d.sha256,
        "text_sha256": d.text_sha256,
        "encoding": d.encoding,
        "chars": len(d.raw),
        "source": flat_asdict(d.source),
        "meta": flat_asdict(m),
        "addressees": list(doc._.addressees or []),
        "mentions": [x.to_json() for x in ms],
        "observations": [dict(o) for o in observations],
        "sentences": [flat_asdict(d.sentences[i]) for i in used_sentences],
        "region_index": region_index(ms, m),
    }


def report_id(d: Document) -> str:
    """The report's id in a build: a hash of the exact text read (OUT/texts/<id>.txt)."""
    import hashlib

    return hashlib.sha256(d.raw.encode("utf-8")).hexdigest()[:16]


def region_index(ms, m) -> list[dict[str, Any]]:
    """Every region the record refers to, with its ancestors, so the graph needs no gazetteer."""
    from .gazetteer import load_gazetteer

    gaz = load_gazetteer()
    codes: dict[str, None] = {}
    wanted = [m.region_code, *m.region_candidates]
    for x in ms:
        wanted += [x.attrs.get("code", ""), x.attrs.get("region_code", ""), x.attrs.get("jurisdiction", ""),
                   *x.attrs.get("candidates", [])]
        if x.label == "REGION":
            wanted.append(x.attrs.get("parent", ""))  # a township's county
    for c in wanted:
        if c and gaz.get(c):
            for r in gaz.path(c):
                codes.setdefault(r.code, None)
    out = []
    for c in codes:
        r = gaz.get(c)
        out.append({"code": r.code, "name": r.name, "full_name": gaz.full_name(r.code), "level": r.level,
                    "parent": r.parent, "lon": r.lon, "lat": r.lat})
    return out
