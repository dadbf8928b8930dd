"""Extraction records → RDF under the policykg ontology, as pyoxigraph quads that go straight
into the store (graph.store.write_store), each triple once; build_graph gives the same triples as
an rdflib Graph for what reads rdflib. Deterministic: the same records give the same triples
(IRIs from graph.iris, no blank nodes, no clock).

Each report is built on its own, its terms made as the store takes them (graph.quads), so one
report that cannot be written (a bug, a malformed record, a lone surrogate in its text) is
reported as a ReportFailure and the rest of the batch is kept."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph

from . import iris
from .quads import DCTERMS, DCTYPES, ELI, GEO, OA, ORG, PK, PROV, RDF, RDFS, SKOS, XSD, add_to_rdflib, iri, literal, zh
from .vocab import PREFIXES


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)  # rdflib binds geo: to GeoSPARQL by default
    return g


def ontology_graph() -> Graph:
    """The ontology itself (classes, properties, level and role vocabularies)."""
    return add_to_rdflib(Graph(), ontology_quads())


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


def is_own(report: str, triple: tuple) -> bool:
    """Whether ``triple`` is about a node of the report ``report`` itself (the report, its
    citations, mentions, annotations: IRIs under the report's), not about an entity reports share.

        >>> r = "https://w3id.org/policykg/id/report/x"
        >>> is_own(r, (iri(r + "/citation/1-2"), RDF.type, PK.Citation))
        True
    """
    subject = triple[0].value
    return subject == report or subject.startswith(report + "/")


def also_read_from_triples(report: str, paths: Iterable[str]) -> list[tuple]:
    """The triples naming the other files the report ``report`` (an IRI) was also read from:
    what a build adds when it meets the same report again in another file."""
    rep = iri(report)
    return [(rep, PK.alsoReadFrom, literal(p)) for p in paths]


class QuadBuilder:
    """Records → quads, one report at a time. Every triple is emitted once: a triple about a
    node of the report itself (the report, its citations, mentions, annotations) once per report,
    a triple about an entity reports share (a law, agency, region, program, adoption) once per
    build, however many reports mention it. ``made`` counts the triples the mapping produced,
    ``emitted`` those written, so ``made - emitted`` is the duplicates no store had to take.

    Each report's triples are made from that report alone (``triples``), so that the graph is
    the union of its reports' graphs whatever their order, and a build can take one report's
    triples out again (api/report_store.py)."""

    def __init__(self):
        # the entities met in the current report
        self.regions: set[str] = set()
        self.agencies: set[ox.NamedNode] = set()
        self.laws: set[ox.NamedNode] = set()
        self.townships: set[ox.NamedNode] = set()
        self.shared: set[tuple] = set()  # triples about shared entities emitted so far
        self.made = self.emitted = 0
        self._pending: list[tuple] = []  # the current report's triples
        self.add = self._pending.append  # one triple; bound, for it is called a thousand times a report
        self._nodes: dict[tuple, ox.NamedNode] = {}  # the entities' nodes, made once per build

    def node(self, minter: Callable[[str], str], key: str) -> ox.NamedNode:
        """The node of the entity ``minter(key)`` (graph.iris): an entity is named by many reports."""
        node = self._nodes.get((minter, key))
        if node is None:
            node = self._nodes[(minter, key)] = iri(minter(key))
        return node

    @staticmethod
    def _first_time(seen: set, item) -> bool:
        """True (and remembered) the first time the current report meets ``item``."""
        if item in seen:
            return False
        seen.add(item)
        return True

    def triples(self, r: dict[str, Any]) -> tuple[str, list[tuple]]:
        """The report's IRI and all its triples, each once, in the order made, whatever other
        reports gave: what the report alone contributes to any graph that holds it. Raises
        if a term would be refused (see graph.quads)."""
        self.regions, self.agencies, self.laws, self.townships = set(), set(), set(), set()
        self._pending = []
        self.add = self._pending.append
        rep = self.record(r)
        return rep.value, list(dict.fromkeys(self._pending))

    def report(self, r: dict[str, Any]) -> list[ox.Quad]:
        """One report's new quads, all or none: if building them fails (a term the store would
        refuse raises when it is made), nothing of the report is emitted and the error is raised."""
        report, triples = self.triples(r)
        shared, quads = self.shared, []
        for t in triples:
            if not is_own(report, t):
                if t in shared:
                    continue
                shared.add(t)
            quads.append(ox.Quad(*t))
        self.made += len(triples)
        self.emitted += len(quads)
        return quads

    # --- entities --------------------------------------------------------------------
    def region(self, r: dict[str, Any]) -> ox.NamedNode:
        node = self.node(iris.region, r["code"])
        if self._first_time(self.regions, r["code"]):
            self.add((node, RDF.type, PK.Region))
            self.add((node, SKOS.prefLabel, zh(r["name"])))
            if r.get("full_name") and r["full_name"] != r["name"]:
                self.add((node, SKOS.altLabel, zh(r["full_name"])))
            self.add((node, PK.adminCode, literal(r["code"])))
            self.add((node, PK.regionLevel, literal(r["level"])))
            if r.get("parent"):
                self.add((node, PK.partOf, self.node(iris.region, r["parent"])))
            if r.get("lat") is not None and r.get("lon") is not None:
                self.add((node, GEO.lat, literal(Decimal(str(round(float(r["lat"]), 6))), XSD.decimal)))
                self.add((node, GEO.long, literal(Decimal(str(round(float(r["lon"]), 6))), XSD.decimal)))
        return node

    def township(self, name: str, county_code: str, report: ox.NamedNode) -> ox.NamedNode:
        node = iri(iris.township(county_code, name, report.value))
        if self._first_time(self.townships, node):
            self.add((node, RDF.type, PK.Township))
            self.add((node, SKOS.prefLabel, zh(name)))
            if county_code in self.regions:
                self.add((node, DCTERMS.isPartOf, self.node(iris.region, county_code)))
        return node

    def agency(self, name: str, region_code: str = "", kind: str = "", parent: str = "",
               surface: str = "", candidates: Iterable[str] = ()) -> ox.NamedNode:
        node = self.node(iris.agency, name)
        if self._first_time(self.agencies, node):
            self.add((node, RDF.type, PK.Agency))
            self.add((node, SKOS.prefLabel, zh(name)))
        if kind:
            self.add((node, PK.kind, literal(kind)))
        if region_code and region_code in self.regions:
            self.add((node, PK.locatedIn, self.node(iris.region, region_code)))
        elif candidates:
            amb = iri(f"{node.value}/ambiguous-location")
            self.add((node, PK.ambiguousLocation, amb))
            self.add((amb, RDF.type, PK.AmbiguousRegion))
            for c in candidates:
                if c in self.regions:
                    self.add((amb, PK.candidate, self.node(iris.region, c)))
        if parent and parent != name:
            self.add((node, ORG.subOrganizationOf, self.agency(parent)))
        if surface and surface != name:
            self.add((node, SKOS.altLabel, zh(surface)))
        return node

    def law(self, m: dict[str, Any]) -> ox.NamedNode:
        node = self.node(iris.law, m["canonical"])
        if self._first_time(self.laws, node):
            self.add((node, RDF.type, PK.Law))
            self.add((node, SKOS.prefLabel, zh(m["canonical"])))
            self.add((node, PK.level, self.node(iris.level, m.get("level", "其他"))))
            self.add((node, PK.inRegistry, literal(bool(m.get("in_registry")))))
            for a in m.get("aliases") or []:
                if a != m["canonical"]:
                    self.add((node, SKOS.altLabel, zh(a)))
            if m.get("issuer"):
                self.add((node, PK.issuer, self.agency(m["issuer"])))
            if m.get("jurisdiction") and m["jurisdiction"] in self.regions:
                self.add((node, PK.jurisdiction, self.node(iris.region, m["jurisdiction"])))
        surface = m["surface"].strip("《》〈〉")
        if surface != m["canonical"]:
            self.add((node, SKOS.altLabel, zh(surface)))
        if m.get("doc_number"):
            num = iri(iris.doc_number(m["doc_number"]))
            self.add((node, PK.identifiedBy, num))
            self.add((num, RDF.type, PK.DocumentNumber))
            self.add((num, SKOS.prefLabel, literal(m["doc_number"])))
            self.add((node, ELI.id_local, literal(m["doc_number"])))
        return node

    def evidence(self, node: ox.NamedNode, m: dict[str, Any], sentences: dict[int, dict], report: ox.NamedNode,
                 motivation: ox.NamedNode = OA.identifying) -> None:
        self.add((node, PROV.wasDerivedFrom, report))
        self.add((node, PK.surface, zh(m["surface"])))
        self.add((node, PK.startOffset, literal(int(m["start"]))))
        self.add((node, PK.endOffset, literal(int(m["end"]))))
        s = sentences.get(m["sentence"])
        if s is not None:
            self.add((node, PK.sentenceIndex, literal(int(s["index"]))))
            self.add((node, PK.sentenceStart, literal(int(s["start"]))))
            self.add((node, PK.sentenceEnd, literal(int(s["end"]))))
            self.add((node, PK.evidenceText, zh(s["text"])))
        self.annotation(node, m, report, motivation)

    def annotation(self, node: ox.NamedNode, m: dict[str, Any], report: ox.NamedNode,
                   motivation: ox.NamedNode) -> None:
        """The evidence again as a W3C Web Annotation, so that annotation tools can anchor it: its
        target is the span of the report's text as an RFC 5147 fragment (``…/text#char=12,18``), a
        target the Web Annotation model allows for a segment of a resource. Four triples: the
        position and quote selectors it replaced took fifteen (a third of a build's quads) and
        repeated what the evidence says already (offsets, surface, sentence)."""
        ann = iri(iris.annotation(node.value))
        self.add((ann, RDF.type, OA.Annotation))
        self.add((ann, OA.motivatedBy, motivation))
        self.add((ann, OA.hasBody, node))
        self.add((ann, OA.hasTarget, iri(iris.text_span(iris.report_text(report.value), m["start"], m["end"]))))

    def provenance(self, rep: ox.NamedNode, r: dict[str, Any]) -> None:
        """Where the report was published, how it was read, and the text its offsets index into."""
        source = r.get("source") or {}
        if source.get("url"):
            url = iris.source_iri(source["url"])
            self.add((rep, DCTERMS.source, iri(url) if url is not None else literal(source["url"])))
        if source.get("published"):
            self.add((rep, DCTERMS.issued, literal(source["published"], XSD.date)))
        if source.get("format"):
            self.add((rep, PK.sourceFormat, literal(source["format"])))
        if r.get("text_file"):
            self.add((rep, PK.textFile, literal(r["text_file"])))
        # the text every evidence offset indexes into: the source of the evidence's Web Annotations
        text = iri(iris.report_text(rep.value))
        self.add((text, RDF.type, DCTYPES.Text))
        self.add((text, DCTERMS.format, literal("text/plain")))
        self.add((text, DCTERMS.isFormatOf, rep))
        for page in source.get("ocr_pages", []):
            self.add((rep, PK.ocrPage, literal(int(page))))
        if source.get("ocr_confidence") is not None:
            self.add((rep, PK.ocrConfidence, literal(Decimal(str(source["ocr_confidence"])))))
        for t in also_read_from_triples(rep.value, r.get("also_read_from", [])):
            self.add(t)

    # --- one report ------------------------------------------------------------------
    def record(self, r: dict[str, Any]) -> ox.NamedNode:
        """Make the report's triples; its IRI."""
        for reg in r.get("region_index", []):
            self.region(reg)
        meta = r.get("meta", {})
        region_code = meta.get("region_code", "")
        agency_name = r.get("agency") or meta.get("agency") or "未识别的报告机关"
        issuer = self.agency(agency_name, region_code, "government", surface=r.get("agency_surface", ""),
                             candidates=meta.get("region_candidates", []))
        rep = iri(iris.report(region_code, agency_name, r.get("year"), r.get("sha256", "0" * 8)))
        self.add((rep, RDF.type, PK.Report))
        self.add((rep, PK.issuedBy, issuer))
        title = meta.get("title") or r["doc"]
        self.add((rep, DCTERMS.title, zh(title)))
        label = f"{agency_name} {r.get('year') or ''}".strip()
        self.add((rep, RDFS.label, zh(label)))
        self.add((rep, PK.sourceFile, literal(r["doc"])))
        if r.get("sha256"):
            self.add((rep, PK.sha256, literal(r["sha256"])))
        self.provenance(rep, r)
        if r.get("year"):
            self.add((rep, PK.year, literal(int(r["year"]))))
        if r.get("date"):
            self.add((rep, DCTERMS.date, literal(r["date"], XSD.date)))
        for a in r.get("addressees", []):
            self.add((rep, PK.submittedTo, self.agency(a["name"], a.get("region_code", ""), surface=a["surface"])))

        sentences = {s["index"]: s for s in r.get("sentences", [])}
        for m in r.get("mentions", []):
            label_ = m["label"]
            if label_ == "LAW":
                law = self.law(m)
                self.add((rep, PK.cites, law))
                c = iri(iris.citation(rep.value, m["start"], m["end"]))
                self.add((rep, PK.hasCitation, c))
                self.add((c, RDF.type, PK.Citation))
                self.add((c, PK.citedLaw, law))
                self.add((c, PK.role, self.node(iris.role, m.get("role", "其他"))))
                for t in m.get("triggers") or []:
                    self.add((c, PK.trigger, zh(t)))
                self.evidence(c, m, sentences, rep)
            elif label_ == "AGENCY":
                a = self.agency(m["canonical"], m.get("region_code", ""), m.get("kind", ""),
                                m.get("parent", ""), surface=m["surface"] if not m.get("pronoun") else "")
                self.add((rep, PK.mentionsAgency, a))
            elif label_ == "REGION":
                if m.get("level") == "township":
                    self.add((rep, PK.mentionsRegion, self.township(m["canonical"], m.get("parent", ""), rep)))
                elif m.get("code"):
                    self.add((rep, PK.mentionsRegion, self.node(iris.region, m["code"])))
                else:
                    amb = iri(f"{rep.value}/ambiguous-region/{iris.key(m['canonical'])}")
                    self.add((amb, RDF.type, PK.AmbiguousRegion))
                    self.add((amb, SKOS.prefLabel, zh(m["canonical"])))
                    for c in m.get("candidates", []):
                        if c in self.regions:
                            self.add((amb, PK.candidate, self.node(iris.region, c)))
                    self.add((rep, PK.mentionsRegion, amb))
            elif label_ == "PROGRAM":
                p = self.node(iris.program, m["canonical"])
                self.add((p, RDF.type, PK.Program))
                self.add((p, SKOS.prefLabel, zh(m["canonical"])))
                self.add((rep, PK.mentionsProgram, p))
                self.add((issuer, PK.adopts, p))
                pm = iri(iris.mention(rep.value, "program", m["start"], m["end"]))
                self.add((rep, PK.hasProgramMention, pm))
                self.add((pm, RDF.type, PK.ProgramMention))
                self.add((pm, PK.program, p))
                self.evidence(pm, m, sentences, rep)
                # the agency's adoption of the program in the report's year: one node per
                # (agency, year, program), so year-on-year comparisons are one query
                ad = iri(iris.adoption(issuer.value, r.get("year"), m["canonical"]))
                self.add((ad, RDF.type, PK.ProgramAdoption))
                self.add((issuer, PK.adoption, ad))
                self.add((ad, PK.adoptingAgency, issuer))
                self.add((ad, PK.adoptedProgram, p))
                if r.get("year"):
                    self.add((ad, PK.year, literal(int(r["year"]))))
                self.add((ad, PROV.wasDerivedFrom, rep))
                self.add((ad, PK.supportedBy, pm))
        for name in r.get("regions_cooperation", []):
            for reg in r.get("region_index", []):
                if reg["name"] == name:
                    self.add((issuer, PK.cooperatesWith, self.node(iris.region, reg["code"])))
        for o in r.get("observations", []):
            node = iri(iris.mention(rep.value, "observation", o["start"], o["end"]))
            self.add((rep, PK.hasObservation, node))
            self.add((node, RDF.type, PK.Observation))
            self.add((node, PK.measure, literal(o["measure"])))
            self.add((node, RDF.value, literal(Decimal(str(o["value"])), XSD.decimal)))
            self.add((node, PK.unit, zh(o["unit"])))
            self.evidence(node, {**o, "surface": o["surface"]}, sentences, rep, motivation=OA.describing)
        return rep


def _describe(r) -> str:
    if isinstance(r, dict):
        return str(r.get("path") or r.get("doc") or "a record without a file name")
    return f"a record that is not a JSON object ({type(r).__name__})"


@cache
def ontology_quads() -> tuple[ox.Quad, ...]:
    """The ontology as quads, parsed once per process (it has no blank nodes)."""
    with resources.files("policykg.ontology").joinpath("policykg.ttl").open("rb") as f:
        return tuple(ox.parse(f, format=ox.RdfFormat.TURTLE))


def build_quads(records: Iterable[dict[str, Any]], with_ontology: bool = True,
                failures: list[ReportFailure] | None = None,
                builder: QuadBuilder | None = None) -> Iterator[ox.Quad]:
    """The quads of all reports, report by report, for ``Store.bulk_extend``: no graph is held,
    only the shared entities met so far. The ontology's vocabularies (levels, roles) come first,
    so that queries can read their labels.

    Each report goes in whole or not at all. A report whose graph cannot be built or stored is
    appended to ``failures`` as a ReportFailure (its file and the problem) and left out, and the
    rest is built; without a ``failures`` list the first such report raises ReportGraphError."""
    if with_ontology:
        yield from ontology_quads()
    b = builder or QuadBuilder()
    for r in records:
        try:
            quads = b.report(r)
        except Exception as e:  # one report's bug or bad data must not lose the batch
            failure = ReportFailure(_describe(r), f"graph not built ({type(e).__name__}: {e})")
            if failures is None:
                raise ReportGraphError(failure) from e
            failures.append(failure)
            continue
        yield from quads


def build_graph(records: Iterable[dict[str, Any]], with_ontology: bool = True,
                failures: list[ReportFailure] | None = None) -> Graph:
    """build_quads as one rdflib Graph, for what reads rdflib (SHACL, the networkx projection)."""
    return add_to_rdflib(new_graph(), build_quads(records, with_ontology, failures))
