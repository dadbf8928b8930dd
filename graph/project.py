"""The networkx projection of the RDF graph, for pages and analytics: reports, agencies, laws,
programs and regions as nodes; citations aggregated into one ``cites`` edge per report and law,
carrying its count, roles and evidence sentences.

It is read from a pyoxigraph Store with a handful of SPARQL SELECTs (nodes of each type with
their attributes, edges by predicate, the citations in one scan, aggregated per report and law), so
a build folder's store on disk is projected without parsing graph.ttl or holding the RDF graph in
Python: 5,000 reports in seconds instead of minutes. An rdflib Graph or an RDF file is first
loaded into an in-memory Store (graph.store.as_store), so there is one projection.

    >>> from policykg.graph.store import open_store
    >>> G = to_networkx(open_store("out"))            # doctest: +SKIP
    >>> G.nodes["https://w3id.org/policykg/id/law/中华人民共和国宪法"]["level"]  # doctest: +SKIP
    '法律'
"""
from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pyoxigraph as ox

from .vocab import PREFIXES

PK, SKOS = PREFIXES["pk"], PREFIXES["skos"]
NODE_TYPES = {"Report": "Report", "Agency": "Agency", "Law": "Law", "Program": "Program", "Region": "Region"}
EDGES = {
    PK + "issuedBy": "issued_by", PK + "locatedIn": "located_in", PK + "partOf": "part_of",
    PK + "mentionsProgram": "mentions_program", PK + "submittedTo": "submitted_to",
    PK + "mentionsAgency": "mentions_agency", PK + "mentionsRegion": "mentions_region",
    PREFIXES["org"] + "subOrganizationOf": "sub_organization_of", PK + "jurisdiction": "jurisdiction",
    PK + "cooperatesWith": "cooperates_with", PK + "issuer": "issuer",
}
MAX_EVIDENCE = 3
OTHER = "其他"  # the level or role of a law or citation without one
LABELS = (SKOS + "prefLabel", PREFIXES["rdfs"] + "label", PREFIXES["dcterms"] + "title")
# each type's own attributes: attribute → predicate
TYPE_ATTRIBUTES = {
    "Law": {"level": PK + "level"},
    "Region": {"code": PK + "adminCode", "region_level": PK + "regionLevel",
               "lat": PREFIXES["geo"] + "lat", "lon": PREFIXES["geo"] + "long"},
    "Report": {"year": PK + "year", "source": PK + "sourceFile"},
    "Agency": {"kind": PK + "kind"},
}

_PREFIX = f"PREFIX pk: <{PK}>\nPREFIX skos: <{SKOS}>\n"
# the zh name of every concept (law levels, citation roles)
_ZH_NAMES = _PREFIX + 'SELECT ?c ?name WHERE { ?c skos:prefLabel ?name . FILTER(LANG(?name) = "zh") }'
# every value of the given predicates on the nodes of one class
_NODE_VALUES = "SELECT ?n ?p ?v WHERE {{ ?n a <{cls}> . VALUES ?p {{ {preds} }} OPTIONAL {{ ?n ?p ?v }} }}"
_EDGE_PAIRS = "SELECT ?s ?o WHERE {{ ?s <{pred}> ?o . FILTER(isIRI(?o)) }}"
# every citation with its report, law, offsets, evidence and role: one scan, aggregated per
# report and law in Python. (Counting and ranking the first MAX_EVIDENCE per report and law in
# SPARQL took twice as long on the store: 3.3 s against 1.7 s of CPU at 1,000 reports.) Each
# pattern is a sub-SELECT, so that pyoxigraph scans each predicate once and joins the scans by
# hashing, instead of one store lookup per citation and pattern: 14 against 6.5 CPU-s at 5,000.
_CITATIONS = _PREFIX + """
SELECT ?report ?law ?c ?start ?end ?text ?role WHERE {
  { SELECT ?report ?c WHERE { ?report pk:hasCitation ?c } }
  { SELECT ?c ?law WHERE { ?c pk:citedLaw ?law } }
  { SELECT ?c ?start WHERE { ?c pk:startOffset ?start } }
  { SELECT ?c ?end WHERE { ?c pk:endOffset ?end } }
  OPTIONAL { SELECT ?c ?text WHERE { ?c a pk:Citation ; pk:evidenceText ?text } }
  OPTIONAL { SELECT ?c ?role WHERE { ?c pk:role ?r . ?r skos:prefLabel ?role . FILTER(LANG(?role) = "zh") } }
}
"""


def _first(values: list) -> object:
    """One value of a property, the same on every run (the smallest by text)."""
    return min(values, key=lambda t: t.value) if values else None


def _nodes(store: ox.Store, G: nx.MultiDiGraph, zh_names: dict[str, str]) -> None:
    for cls, typ in NODE_TYPES.items():
        own = TYPE_ATTRIBUTES.get(typ, {})
        preds = [*LABELS, SKOS + "altLabel", *own.values()]
        values: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for n, p, v in store.query(_NODE_VALUES.format(cls=PK + cls, preds=" ".join(f"<{p}>" for p in preds))):
            node = values[n.value]
            if v is not None:
                node[p.value].append(v)
        for n in sorted(values):
            vals = values[n]
            label = next((_first(vals[p]) for p in LABELS if vals[p]), None)
            attrs = {"type": typ, "label": label.value if label is not None else n.rsplit("/", 1)[-1],
                     "aliases": sorted({a.value for a in vals[SKOS + "altLabel"]})}
            one = {name: _first(vals[p]) for name, p in own.items()}
            if typ == "Law":
                attrs["level"] = zh_names.get(one["level"].value, OTHER) if one["level"] is not None else OTHER
            elif typ == "Region":
                attrs["code"] = one["code"].value if one["code"] is not None else ""
                attrs["region_level"] = one["region_level"].value if one["region_level"] is not None else ""
                if one["lat"] is not None and one["lon"] is not None:
                    attrs["lat"], attrs["lon"] = float(one["lat"].value), float(one["lon"].value)
            elif typ == "Report":
                attrs["year"] = int(one["year"].value) if one["year"] is not None else None
                attrs["source"] = one["source"].value if one["source"] is not None else ""
            elif typ == "Agency":
                attrs["kind"] = one["kind"].value if one["kind"] is not None else ""
            G.add_node(n, **attrs)


def _edges(store: ox.Store, G: nx.MultiDiGraph) -> None:
    for pred, typ in EDGES.items():
        pairs = sorted((s.value, o.value) for s, o in store.query(_EDGE_PAIRS.format(pred=pred)))
        for s, o in pairs:
            if s in G and o in G:
                G.add_edge(s, o, key=typ, type=typ, weight=1)


def _citations(store: ox.Store, G: nx.MultiDiGraph) -> None:
    """One ``cites`` edge per report and law: its citations, their roles, and the evidence of
    the first MAX_EVIDENCE citations by IRI, in text order. Edges are added in the order of
    (report, first citation)."""
    groups: dict[tuple[str, str], dict[str, tuple]] = defaultdict(dict)
    for report, law, c, start, end, text, role in store.query(_CITATIONS):
        groups[report.value, law.value][c.value] = (start, end, text, role)
    first = {key: min(cs) for key, cs in groups.items()}
    for report, law in sorted(groups, key=lambda key: (key[0], first[key])):
        if report not in G or law not in G:
            continue
        citations = groups[report, law]
        roles = {role.value if role is not None else OTHER for _, _, _, role in citations.values()}
        evidence = [{"text": text.value if text is not None else "", "start": int(start.value),
                     "end": int(end.value), "role": role.value if role is not None else OTHER}
                    for _, (start, end, text, role) in sorted(citations.items())[:MAX_EVIDENCE]]
        evidence.sort(key=lambda e: e["start"])
        n = len(citations)
        G.add_edge(report, law, key="cites", type="cites", weight=n, citations=n, roles=sorted(roles),
                   evidence=evidence)


def to_networkx(source) -> nx.MultiDiGraph:
    """The projection of ``source``: a pyoxigraph Store (a build's store/, opened read-only), an
    rdflib Graph, or the path of a build folder or RDF file."""
    from .store import as_store

    store = as_store(source)
    G = nx.MultiDiGraph()
    zh_names = {c.value: name.value for c, name in store.query(_ZH_NAMES)}
    _nodes(store, G, zh_names)
    _edges(store, G)
    _citations(store, G)
    return G
