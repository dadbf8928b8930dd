"""The networkx projection of the RDF graph, for pages and analytics: reports, agencies, laws,
programs and regions as nodes; citations aggregated into one ``cites`` edge per report and law,
carrying its count, roles and evidence sentences."""
from __future__ import annotations

import networkx as nx
from rdflib import RDF, RDFS, Graph
from rdflib.namespace import DCTERMS, ORG, SKOS

from .iris import GEO, PK

NODE_TYPES = {PK.Report: "Report", PK.Agency: "Agency", PK.Law: "Law", PK.Program: "Program", PK.Region: "Region"}
EDGES = {
    PK.issuedBy: "issued_by", PK.locatedIn: "located_in", PK.partOf: "part_of",
    PK.mentionsProgram: "mentions_program", PK.submittedTo: "submitted_to", PK.mentionsAgency: "mentions_agency",
    PK.mentionsRegion: "mentions_region", ORG.subOrganizationOf: "sub_organization_of",
    PK.jurisdiction: "jurisdiction", PK.cooperatesWith: "cooperates_with", PK.issuer: "issuer",
}
MAX_EVIDENCE = 3


def _label(g: Graph, node) -> str:
    for p in (SKOS.prefLabel, RDFS.label, DCTERMS.title):
        v = g.value(node, p)
        if v is not None:
            return str(v)
    return str(node).rsplit("/", 1)[-1]


def to_networkx(g: Graph) -> nx.MultiDiGraph:
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
    # citations: one edge per (report, law)
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
