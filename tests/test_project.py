"""The networkx projection read from the store with SPARQL gives exactly the graph the rdflib
version gave (kept here as the reference), on the seeds' build folder; and every source (a store
on disk, an rdflib Graph, a build folder, an RDF file) goes through that one projection."""
from __future__ import annotations

import json

import networkx as nx
import pytest
from rdflib import RDF, RDFS, Graph
from rdflib.namespace import DCTERMS, ORG, SKOS

from policykg.graph.iris import GEO, PK
from policykg.graph.project import MAX_EVIDENCE, to_networkx
from policykg.graph.store import open_store

# --- the projection as it was, on rdflib (the reference) ---------------------------------
NODE_TYPES = {PK.Report: "Report", PK.Agency: "Agency", PK.Law: "Law", PK.Program: "Program", PK.Region: "Region"}
EDGES = {
    PK.issuedBy: "issued_by", PK.locatedIn: "located_in", PK.partOf: "part_of",
    PK.mentionsProgram: "mentions_program", PK.submittedTo: "submitted_to", PK.mentionsAgency: "mentions_agency",
    PK.mentionsRegion: "mentions_region", ORG.subOrganizationOf: "sub_organization_of",
    PK.jurisdiction: "jurisdiction", PK.cooperatesWith: "cooperates_with", PK.issuer: "issuer",
}


def _label(g: Graph, node) -> str:
    for p in (SKOS.prefLabel, RDFS.label, DCTERMS.title):
        v = g.value(node, p)
        if v is not None:
            return str(v)
    return str(node).rsplit("/", 1)[-1]


def old_to_networkx(g: Graph) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    levels = {lv: str(lbl) for lv, lbl in g.subject_objects(SKOS.prefLabel) if getattr(lbl, "language", None) == "zh"}
    for cls, typ in NODE_TYPES.items():
        for n in sorted(g.subjects(RDF.type, cls)):
            attrs = {"type": typ, "label": _label(g, n),
                     "aliases": sorted({str(a) for a in g.objects(n, SKOS.altLabel)})}
            if typ == "Law":
                lv = g.value(n, PK.level)
                attrs["level"] = levels.get(lv, "其他")
            elif typ == "Region":
                attrs["code"] = str(g.value(n, PK.adminCode) or "")
                attrs["region_level"] = str(g.value(n, PK.regionLevel) or "")
                lat, lon = g.value(n, GEO.lat), g.value(n, GEO.long)
                if lat is not None and lon is not None:
                    attrs["lat"], attrs["lon"] = float(lat), float(lon)
            elif typ == "Report":
                year = g.value(n, PK.year)
                attrs["year"] = int(year) if year is not None else None
                attrs["source"] = str(g.value(n, PK.sourceFile) or "")
            elif typ == "Agency":
                attrs["kind"] = str(g.value(n, PK.kind) or "")
            G.add_node(str(n), **attrs)
    for pred, typ in EDGES.items():
        for s, o in sorted(g.subject_objects(pred)):
            if str(s) in G and str(o) in G:
                G.add_edge(str(s), str(o), key=typ, type=typ, weight=1)
    cites: dict[tuple[str, str], dict] = {}
    for report, citation in sorted(g.subject_objects(PK.hasCitation)):
        law = g.value(citation, PK.citedLaw)
        if law is None:
            continue
        role = levels.get(g.value(citation, PK.role), "其他")
        e = cites.setdefault((str(report), str(law)), {"citations": 0, "roles": set(), "evidence": []})
        e["citations"] += 1
        e["roles"].add(role)
        if len(e["evidence"]) < MAX_EVIDENCE:
            e["evidence"].append({"text": str(g.value(citation, PK.evidenceText) or ""),
                                  "start": int(g.value(citation, PK.startOffset)),
                                  "end": int(g.value(citation, PK.endOffset)), "role": role})
    for (r, law), e in cites.items():
        if r in G and law in G:
            e["evidence"].sort(key=lambda x: x["start"])
            G.add_edge(r, law, key="cites", type="cites", weight=e["citations"], citations=e["citations"],
                       roles=sorted(e["roles"]), evidence=e["evidence"])
    return G


# --- the checks ------------------------------------------------------------------------------
def _typed(d: dict) -> str:
    return json.dumps({k: (type(v).__name__, v) for k, v in d.items()}, sort_keys=True, ensure_ascii=False)


def assert_identical(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> None:
    """Same nodes and edges with the same attributes (and types), in the same order."""
    assert [(n, _typed(d)) for n, d in G.nodes(data=True)] == [(n, _typed(d)) for n, d in H.nodes(data=True)]
    assert ([(u, v, k, _typed(d)) for u, v, k, d in G.edges(keys=True, data=True)]
            == [(u, v, k, _typed(d)) for u, v, k, d in H.edges(keys=True, data=True)])


@pytest.mark.parametrize("max_evidence", [MAX_EVIDENCE, 1])
def test_the_store_projection_is_the_rdflib_projection(seeds_build, max_evidence, monkeypatch):
    from policykg.graph import project
    from policykg.graph.store import read_rdf

    # with one evidence kept, report-law pairs cited several times show which one is chosen
    monkeypatch.setattr(project, "MAX_EVIDENCE", max_evidence)
    monkeypatch.setitem(globals(), "MAX_EVIDENCE", max_evidence)
    old = old_to_networkx(read_rdf(seeds_build / "graph.ttl"))
    new = to_networkx(open_store(seeds_build))
    assert old.number_of_edges() > 100
    assert any(d.get("citations", 0) > 1 for *_, d in new.edges(data=True))
    assert_identical(old, new)


def test_every_source_gives_the_same_projection(seeds_build, seeds_rdf, seeds_nx):
    from_store = to_networkx(open_store(seeds_build))
    assert_identical(from_store, seeds_nx)  # the session's rdflib Graph, copied into a Store
    assert_identical(from_store, to_networkx(seeds_build))  # a build folder
    assert_identical(from_store, to_networkx(seeds_build / "graph.ttl"))  # an RDF file
