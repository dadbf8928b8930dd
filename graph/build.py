"""Extraction records → RDF under the policykg ontology. Deterministic: the same records give
the same triples (IRIs from graph.iris, no blank nodes, no clock).

Each report is built on its own and checked term by term against what the store accepts before
its triples join the graph, so one report that cannot be written (a bug, a malformed record, a
lone surrogate in its text) is reported as a ReportFailure and the rest of the batch is kept."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any, Iterable

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from . import iris
from .iris import DCTYPES, ELI, GEO, OA, ORG, PK, PROV
from .vocab import PREFIXES

QUOTE_CONTEXT = 32  # characters of text before and after a quote (oa:prefix, oa:suffix)


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)  # rdflib binds geo: to GeoSPARQL by default
    return g


def ontology_graph() -> Graph:
    """The ontology itself (classes, properties, level and role vocabularies)."""
    g = Graph()
    with resources.files("policykg.ontology").joinpath("policykg.ttl").open("rb") as f:
        g.parse(f, format="turtle")
    return g


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def quote_context(surface: str, start: int, sentence: dict) -> tuple[str, str] | None:
    """The text just before and after a mention in its sentence (up to QUOTE_CONTEXT characters
    each), or None when the sentence does not hold the surface. The sentence text is normalised
    (layout spaces dropped, widths mapped), so the mention may sit a little off its raw offset:
    the occurrence nearest to it is taken."""
    text = sentence["text"]
    rel = start - sentence["start"]
    if not (0 <= rel and text[rel:rel + len(surface)] == surface):
        hits = []
        at = text.find(surface)
        while surface and at >= 0:
            hits.append(at)
            at = text.find(surface, at + 1)
        if not hits:
            return None
        rel = min(hits, key=lambda h: abs(h - rel))
    end = rel + len(surface)
    return text[max(0, rel - QUOTE_CONTEXT):rel], text[end:end + QUOTE_CONTEXT]


@dataclass(frozen=True)
class ReportFailure:
    """A report whose graph could not be built: its file and the problem (the shape of
    policykg.corpus.Failure, so a build can list both kinds together)."""
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class ReportGraphError(ValueError):
    """Raised by build_graph, when it is given no failures list, for the first bad report."""

    def __init__(self, failure: ReportFailure):
        super().__init__(str(failure))
        self.failure = failure


def _check_term(term) -> None:
    """Raise ValueError if pyoxigraph would refuse the term: an IRI that is not a valid IRI, text
    with no UTF-8 form (a lone surrogate)."""
    if isinstance(term, URIRef):
        try:
            ox.NamedNode(str(term))
        except ValueError as e:
            raise ValueError(f"invalid IRI {str(term)!r} ({e})") from None
    elif isinstance(term, Literal):
        try:
            str(term).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"text that is not valid Unicode (a lone surrogate) in {str(term)!r}") from None
        if term.datatype is not None:
            _check_term(term.datatype)


class _Builder:
    def __init__(self, g: Graph):
        self.g = g
        self.regions: set[str] = set()
        self.agencies: set[URIRef] = set()
        self.laws: set[URIRef] = set()
        self._checked: set = set()  # terms known to be valid, checked once per build
        self._pending: list[tuple] = []  # the current report's triples
        self._seen_now: list[tuple[set, object]] = []  # entities first seen in the current report

    def add(self, triple: tuple) -> None:
        self._pending.append(triple)

    def _first_time(self, seen: set, item) -> bool:
        """True (and remembered) the first time ``item`` is met; undone if the report fails."""
        if item in seen:
            return False
        seen.add(item)
        self._seen_now.append((seen, item))
        return True

    def report(self, r: dict[str, Any]) -> None:
        """Add one report's triples, all or none: if building or checking them fails, nothing of
        the report stays (neither its triples nor the entities it introduced) and the error is
        raised."""
        self._pending, self._seen_now = [], []
        try:
            self.record(r)
            self._check_pending()
        except Exception:
            for seen, item in self._seen_now:
                seen.discard(item)
            raise
        self.g.addN((s, p, o, self.g) for s, p, o in self._pending)

    def _check_pending(self) -> None:
        for triple in self._pending:
            for term in triple:
                if term not in self._checked:
                    _check_term(term)
                    self._checked.add(term)

    # --- entities --------------------------------------------------------------------
    def region(self, r: dict[str, Any]) -> URIRef:
        node = iris.region(r["code"])
        if self._first_time(self.regions, r["code"]):
            self.add((node, RDF.type, PK.Region))
            self.add((node, SKOS.prefLabel, zh(r["name"])))
            if r.get("full_name") and r["full_name"] != r["name"]:
                self.add((node, SKOS.altLabel, zh(r["full_name"])))
            self.add((node, PK.adminCode, Literal(r["code"])))
            self.add((node, PK.regionLevel, Literal(r["level"])))
            if r.get("parent"):
                self.add((node, PK.partOf, iris.region(r["parent"])))
            if r.get("lat") is not None and r.get("lon") is not None:
                self.add((node, GEO.lat, Literal(Decimal(str(round(float(r["lat"]), 6))), datatype=XSD.decimal)))
                self.add((node, GEO.long, Literal(Decimal(str(round(float(r["lon"]), 6))), datatype=XSD.decimal)))
        return node

    def agency(self, name: str, region_code: str = "", kind: str = "", parent: str = "",
               surface: str = "", candidates: Iterable[str] = ()) -> URIRef:
        node = iris.agency(name)
        if self._first_time(self.agencies, node):
            self.add((node, RDF.type, PK.Agency))
            self.add((node, SKOS.prefLabel, zh(name)))
        if kind:
            self.add((node, PK.kind, Literal(kind)))
        if region_code and region_code in self.regions:
            self.add((node, PK.locatedIn, iris.region(region_code)))
        elif candidates:
            amb = URIRef(f"{node}/ambiguous-location")
            self.add((node, PK.ambiguousLocation, amb))
            self.add((amb, RDF.type, PK.AmbiguousRegion))
            for c in candidates:
                if c in self.regions:
                    self.add((amb, PK.candidate, iris.region(c)))
        if parent and parent != name:
            self.add((node, ORG.subOrganizationOf, self.agency(parent)))
        if surface and surface != name:
            self.add((node, SKOS.altLabel, zh(surface)))
        return node

    def law(self, m: dict[str, Any]) -> URIRef:
        node = iris.law(m["canonical"])
        if self._first_time(self.laws, node):
            self.add((node, RDF.type, PK.Law))
            self.add((node, SKOS.prefLabel, zh(m["canonical"])))
            self.add((node, PK.level, iris.level(m.get("level", "其他"))))
            self.add((node, PK.inRegistry, Literal(bool(m.get("in_registry")))))
            for a in m.get("aliases") or []:
                if a != m["canonical"]:
                    self.add((node, SKOS.altLabel, zh(a)))
            if m.get("issuer"):
                self.add((node, PK.issuer, self.agency(m["issuer"])))
            if m.get("jurisdiction") and m["jurisdiction"] in self.regions:
                self.add((node, PK.jurisdiction, iris.region(m["jurisdiction"])))
        surface = m["surface"].strip("《》〈〉")
        if surface != m["canonical"]:
            self.add((node, SKOS.altLabel, zh(surface)))
        if m.get("doc_number"):
            num = iris.doc_number(m["doc_number"])
            self.add((node, PK.identifiedBy, num))
            self.add((num, RDF.type, PK.DocumentNumber))
            self.add((num, SKOS.prefLabel, Literal(m["doc_number"])))
            self.add((node, ELI.id_local, Literal(m["doc_number"])))
        return node

    def evidence(self, node: URIRef, m: dict[str, Any], sentences: dict[int, dict], report: URIRef,
                 motivation: URIRef = OA.identifying) -> None:
        self.add((node, PROV.wasDerivedFrom, report))
        self.add((node, PK.surface, zh(m["surface"])))
        self.add((node, PK.startOffset, Literal(int(m["start"]))))
        self.add((node, PK.endOffset, Literal(int(m["end"]))))
        s = sentences.get(m["sentence"])
        if s is not None:
            self.add((node, PK.sentenceIndex, Literal(int(s["index"]))))
            self.add((node, PK.sentenceStart, Literal(int(s["start"]))))
            self.add((node, PK.sentenceEnd, Literal(int(s["end"]))))
            self.add((node, PK.evidenceText, zh(s["text"])))
        self.annotation(node, m, s, report, motivation)

    def annotation(self, node: URIRef, m: dict[str, Any], sentence: dict | None, report: URIRef,
                   motivation: URIRef) -> None:
        """The evidence again as a W3C Web Annotation, so that annotation tools can anchor it: its
        target is the span of the report's text, selected by position and by quote."""
        ann, target = iris.annotation(node), iris.annotation_target(node)
        position, quote = iris.selector(node, "position"), iris.selector(node, "quote")
        self.add((ann, RDF.type, OA.Annotation))
        self.add((ann, OA.motivatedBy, motivation))
        self.add((ann, OA.hasBody, node))
        self.add((ann, OA.hasTarget, target))
        self.add((target, RDF.type, OA.SpecificResource))
        self.add((target, OA.hasSource, iris.report_text(report)))
        self.add((target, OA.hasSelector, position))
        self.add((position, RDF.type, OA.TextPositionSelector))
        # xsd:integer, not OA's xsd:nonNegativeInteger: the store keeps only the former (same value)
        self.add((position, OA.start, Literal(int(m["start"]))))
        self.add((position, OA.end, Literal(int(m["end"]))))
        self.add((target, OA.hasSelector, quote))
        self.add((quote, RDF.type, OA.TextQuoteSelector))
        self.add((quote, OA.exact, Literal(m["surface"])))
        context = quote_context(m["surface"], int(m["start"]), sentence) if sentence is not None else None
        if context is not None:
            prefix, suffix = context
            if prefix:
                self.add((quote, OA.prefix, Literal(prefix)))
            if suffix:
                self.add((quote, OA.suffix, Literal(suffix)))

    def provenance(self, rep: URIRef, r: dict[str, Any]) -> None:
        """Where the report was published, how it was read, and the text its offsets index into."""
        source = r.get("source") or {}
        if source.get("url"):
            url = iris.source_iri(source["url"])
            self.add((rep, DCTERMS.source, url if url is not None else Literal(source["url"])))
        if source.get("published"):
            self.add((rep, DCTERMS.issued, Literal(source["published"], datatype=XSD.date)))
        if source.get("format"):
            self.add((rep, PK.sourceFormat, Literal(source["format"])))
        if r.get("text_file"):
            self.add((rep, PK.textFile, Literal(r["text_file"])))
        # the text every evidence offset indexes into: the source of the evidence's Web Annotations
        text = iris.report_text(rep)
        self.add((text, RDF.type, DCTYPES.Text))
        self.add((text, DCTERMS.format, Literal("text/plain")))
        self.add((text, DCTERMS.isFormatOf, rep))
        for page in source.get("ocr_pages", []):
            self.add((rep, PK.ocrPage, Literal(int(page))))
        if source.get("ocr_confidence") is not None:
            self.add((rep, PK.ocrConfidence, Literal(Decimal(str(source["ocr_confidence"])))))
        for path in r.get("also_read_from", []):
            self.add((rep, PK.alsoReadFrom, Literal(path)))

    # --- one report ------------------------------------------------------------------
    def record(self, r: dict[str, Any]) -> None:
        for reg in r.get("region_index", []):
            self.region(reg)
        meta = r.get("meta", {})
        region_code = meta.get("region_code", "")
        agency_name = r.get("agency") or meta.get("agency") or "未识别的报告机关"
        issuer = self.agency(agency_name, region_code, "government", surface=r.get("agency_surface", ""),
                             candidates=meta.get("region_candidates", []))
        rep = iris.report(region_code, agency_name, r.get("year"), r.get("sha256", "0" * 8))
        self.add((rep, RDF.type, PK.Report))
        self.add((rep, PK.issuedBy, issuer))
        title = meta.get("title") or r["doc"]
        self.add((rep, DCTERMS.title, zh(title)))
        label = f"{agency_name} {r.get('year') or ''}".strip()
        self.add((rep, RDFS.label, zh(label)))
        self.add((rep, PK.sourceFile, Literal(r["doc"])))
        if r.get("sha256"):
            self.add((rep, PK.sha256, Literal(r["sha256"])))
        self.provenance(rep, r)
        if r.get("year"):
            self.add((rep, PK.year, Literal(int(r["year"]))))
        if r.get("date"):
            self.add((rep, DCTERMS.date, Literal(r["date"], datatype=XSD.date)))
        for a in r.get("addressees", []):
            self.add((rep, PK.submittedTo, self.agency(a["name"], a.get("region_code", ""), surface=a["surface"])))

        sentences = {s["index"]: s for s in r.get("sentences", [])}
        for m in r.get("mentions", []):
            label_ = m["label"]
            if label_ == "LAW":
                law = self.law(m)
                self.add((rep, PK.cites, law))
                c = iris.citation(rep, m["start"], m["end"])
                self.add((rep, PK.hasCitation, c))
                self.add((c, RDF.type, PK.Citation))
                self.add((c, PK.citedLaw, law))
                self.add((c, PK.role, iris.role(m.get("role", "其他"))))
                for t in m.get("triggers") or []:
                    self.add((c, PK.trigger, zh(t)))
                self.evidence(c, m, sentences, rep)
            elif label_ == "AGENCY":
                a = self.agency(m["canonical"], m.get("region_code", ""), m.get("kind", ""),
                                m.get("parent", ""), surface=m["surface"] if not m.get("pronoun") else "")
                self.add((rep, PK.mentionsAgency, a))
            elif label_ == "REGION":
                if m.get("code"):
                    self.add((rep, PK.mentionsRegion, iris.region(m["code"])))
                else:
                    amb = URIRef(f"{rep}/ambiguous-region/{iris.key(m['canonical'])}")
                    self.add((amb, RDF.type, PK.AmbiguousRegion))
                    self.add((amb, SKOS.prefLabel, zh(m["canonical"])))
                    for c in m.get("candidates", []):
                        if c in self.regions:
                            self.add((amb, PK.candidate, iris.region(c)))
                    self.add((rep, PK.mentionsRegion, amb))
            elif label_ == "PROGRAM":
                p = iris.program(m["canonical"])
                self.add((p, RDF.type, PK.Program))
                self.add((p, SKOS.prefLabel, zh(m["canonical"])))
                self.add((rep, PK.mentionsProgram, p))
                self.add((issuer, PK.adopts, p))
                pm = iris.mention(rep, "program", m["start"], m["end"])
                self.add((rep, PK.hasProgramMention, pm))
                self.add((pm, RDF.type, PK.ProgramMention))
                self.add((pm, PK.program, p))
                self.evidence(pm, m, sentences, rep)
                # the agency's adoption of the program in the report's year: one node per
                # (agency, year, program), so year-on-year comparisons are one query
                ad = iris.adoption(issuer, r.get("year"), m["canonical"])
                self.add((ad, RDF.type, PK.ProgramAdoption))
                self.add((issuer, PK.adoption, ad))
                self.add((ad, PK.adoptingAgency, issuer))
                self.add((ad, PK.adoptedProgram, p))
                if r.get("year"):
                    self.add((ad, PK.year, Literal(int(r["year"]))))
                self.add((ad, PROV.wasDerivedFrom, rep))
                self.add((ad, PK.supportedBy, pm))
        for name in r.get("regions_cooperation", []):
            for reg in r.get("region_index", []):
                if reg["name"] == name:
                    self.add((issuer, PK.cooperatesWith, iris.region(reg["code"])))
        for o in r.get("observations", []):
            node = iris.mention(rep, "observation", o["start"], o["end"])
            self.add((rep, PK.hasObservation, node))
            self.add((node, RDF.type, PK.Observation))
            self.add((node, PK.measure, Literal(o["measure"])))
            self.add((node, RDF.value, Literal(Decimal(str(o["value"])), datatype=XSD.decimal)))
            self.add((node, PK.unit, zh(o["unit"])))
            self.evidence(node, {**o, "surface": o["surface"]}, sentences, rep, motivation=OA.describing)


def _describe(r) -> str:
    if isinstance(r, dict):
        return str(r.get("path") or r.get("doc") or "a record without a file name")
    return f"a record that is not a JSON object ({type(r).__name__})"


def build_graph(records: Iterable[dict[str, Any]], with_ontology: bool = True,
                failures: list[ReportFailure] | None = None) -> Graph:
    """One RDF graph of all reports; the ontology's vocabularies (levels, roles) are included so
    that queries can read their labels.

    Each report goes in whole or not at all. A report whose graph cannot be built or stored is
    appended to ``failures`` as a ReportFailure (its file and the problem) and left out, and the
    rest is built; without a ``failures`` list the first such report raises ReportGraphError."""
    g = new_graph()
    if with_ontology:
        for t in ontology_graph():
            g.add(t)
    b = _Builder(g)
    for r in records:
        try:
            b.report(r)
        except Exception as e:  # one report's bug or bad data must not lose the batch
            failure = ReportFailure(_describe(r), f"graph not built ({type(e).__name__}: {e})")
            if failures is None:
                raise ReportGraphError(failure) from e
            failures.append(failure)
    return g
