"""Analytics over the networkx projection (graph.project.to_networkx): which laws are cited most,
which regions cite what, how alike regions' citations are.

Plain functions in networkx's style: the graph comes first, results are plain lists of dicts
(one dict a row, keys in column order) so that they are easy to test, print and write as CSV.
Every ordering is total (ties broken by label, then by node id), so runs are reproducible.

A report's region is the region its issuing agency is located in
(report --issued_by--> agency --located_in--> region). A report whose agency has no region
(the text names an ambiguous place such as 市中区) is not dropped: its agency stands in for the
region, with an empty code and "(unplaced)" after its name, as the ``laws-by-region`` named
query does. Otherwise a law cited by one placed region and one unplaced report would wrongly
look local to one region. Pass ``unplaced=False`` to leave such reports out.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from .vocab import LEVEL_ORDER, level_key

__all__ = [
    "LEVEL_ORDER", "report_regions", "region_laws", "region_name", "law_citations",
    "most_cited_laws_by_level", "regions_by_distinct_laws", "jaccard", "region_similarity",
    "region_communities", "laws_cited_by_one_region", "cites", "citation_count", "region_citations",
    "law_citation_counts", "agency_citations", "pagerank", "region_law_counts", "out_edges", "in_edges",
]

UNPLACED = " (unplaced)"


def _nodes_of_type(G: nx.MultiDiGraph, typ: str) -> list[str]:
    return sorted(n for n, t in G.nodes(data="type") if t == typ)


def out_edges(G: nx.MultiDiGraph, node) -> list[tuple]:
    """(target, key, data) of each out-edge of ``node``, as ``G.out_edges(node, keys=True,
    data=True)`` gives them but read from the adjacency itself: networkx makes a view per call,
    which costs more than a node's few edges, and the views ask this of every node they draw."""
    return [(v, k, d) for v, keyed in G._succ[node].items() for k, d in keyed.items()]


def in_edges(G: nx.MultiDiGraph, node) -> list[tuple]:
    """(source, key, data) of each in-edge of ``node`` (see :func:`out_edges`)."""
    return [(u, k, d) for u, keyed in G._pred[node].items() for k, d in keyed.items()]


def _out(G: nx.MultiDiGraph, node: str, typ: str) -> list[str]:
    """Targets of ``node``'s out-edges of type ``typ``, sorted."""
    return sorted({v for v, _, d in out_edges(G, node) if d.get("type") == typ})


def region_name(G: nx.MultiDiGraph, node: str) -> str:
    """A region's most specific name: its full name (济南市市中区) when it has one, since short
    labels repeat (four regions are called 市中区); an agency standing in for a region gets "(unplaced)"."""
    d = G.nodes[node]
    if d.get("type") != "Region":
        return d.get("label", node) + UNPLACED
    names = [d.get("label", node), *d.get("aliases", [])]
    return max(names, key=len)  # max keeps the first (the label) among equally long names


def report_regions(G: nx.MultiDiGraph, unplaced: bool = True) -> dict[str, list[str]]:
    """Each report's regions (usually one): report → issuing agency → located-in region(s).
    With ``unplaced`` a report whose agency has no region gets its agency instead."""
    result = {}
    for report in _nodes_of_type(G, "Report"):
        agencies = _out(G, report, "issued_by")
        regions = sorted({r for a in agencies for r in _out(G, a, "located_in")})
        if not regions and unplaced:
            regions = agencies
        if regions:
            result[report] = regions
    return result


def law_citations(G: nx.MultiDiGraph, unplaced: bool = True) -> list[dict]:
    """One row per cited law: law, level, citing reports, citing regions, citations (mentions),
    sorted by regions, reports, citations (all descending), then label."""
    regions_of = report_regions(G, unplaced)
    acc: dict[str, dict] = {}
    for report, law, data in G.edges(data=True):
        if data.get("type") != "cites" or report not in regions_of:
            continue  # with unplaced=False, the citations of unplaced reports are left out everywhere
        a = acc.setdefault(law, {"reports": set(), "regions": set(), "citations": 0})
        a["reports"].add(report)
        a["regions"].update(regions_of.get(report, ()))
        a["citations"] += data.get("citations", 1)
    rows = [{"law_id": law, "law": G.nodes[law].get("label", law), "level": G.nodes[law].get("level", "其他"),
             "reports": len(a["reports"]), "regions": len(a["regions"]), "citations": a["citations"]}
            for law, a in acc.items()]
    rows.sort(key=lambda r: (-r["regions"], -r["reports"], -r["citations"], r["law"], r["law_id"]))
    return rows


def most_cited_laws_by_level(G: nx.MultiDiGraph, top: int | None = None, unplaced: bool = True) -> list[dict]:
    """``law_citations`` grouped by level (法律 first, in order of legal force), ranked within each
    level; ``top`` keeps the first ``top`` laws of each level."""
    by_level: dict[str, list[dict]] = defaultdict(list)
    for row in law_citations(G, unplaced):
        by_level[row["level"]].append(row)
    rows = []
    for level in sorted(by_level, key=level_key):
        for rank, row in enumerate(by_level[level][:top], 1):
            rows.append({"level": level, "rank": rank, **{k: v for k, v in row.items() if k != "level"}})
    return rows


def region_laws(G: nx.MultiDiGraph, unplaced: bool = True) -> dict[str, set[str]]:
    """Each region's set of cited laws (over all its reports); regions without citations map to
    an empty set."""
    laws: dict[str, set[str]] = {}
    for report, regions in report_regions(G, unplaced).items():
        cited = {v for _, v, t in G.out_edges(report, data="type") if t == "cites"}
        for region in regions:
            laws.setdefault(region, set()).update(cited)
    return laws


def _region_order(G: nx.MultiDiGraph, region: str) -> tuple[str, str]:
    return (region_name(G, region), region)


def regions_by_distinct_laws(G: nx.MultiDiGraph, unplaced: bool = True) -> list[dict]:
    """One row per region that has reports: region, code, reports, distinct laws cited, then one
    column per law level (in order of legal force; every level cited anywhere in G) with the
    number of distinct laws of that level. Sorted by distinct laws (descending), then name."""
    regions_of = report_regions(G, unplaced)
    reports: dict[str, int] = defaultdict(int)
    for regs in regions_of.values():
        for r in regs:
            reports[r] += 1
    laws = region_laws(G, unplaced)
    levels = sorted({G.nodes[law].get("level", "其他") for s in laws.values() for law in s}, key=level_key)
    rows = []
    for region, cited in laws.items():
        counts = dict.fromkeys(levels, 0)
        for law in cited:
            counts[G.nodes[law].get("level", "其他")] += 1
        rows.append({"region_id": region, "region": region_name(G, region), "code": G.nodes[region].get("code", ""),
                     "reports": reports[region], "distinct_laws": len(cited), **counts})
    rows.sort(key=lambda r: (-r["distinct_laws"], r["region"], r["region_id"]))
    return rows


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets are not alike (0.0) rather than undefined."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _region_pairs(G: nx.MultiDiGraph, laws: dict[str, set[str]]):
    """(regions in name order, and each pair (a, b) of them in that order with its shared laws, union
    size and Jaccard index, as :func:`jaccard` gives it), the sets compared once per pair: at 5,000 reports (900 regions, 400,000 pairs,
    almost all sharing a law, since nearly every region cites the constitution) the per-pair work
    is what counts, so everything a pair needs from G is looked up before."""
    regions = sorted(laws, key=lambda r: _region_order(G, r))

    def pairs():
        for i, a in enumerate(regions):
            la = laws[a]
            for b in regions[i + 1:]:
                shared = la & laws[b]
                union = len(la) + len(laws[b]) - len(shared)
                yield a, b, shared, union, len(shared) / union if union else 0.0
    return regions, pairs()


def region_similarity(G: nx.MultiDiGraph, unplaced: bool = True) -> list[dict]:
    """Co-citation similarity of every pair of regions: the Jaccard index of the sets of laws
    they cite. Sorted by Jaccard, shared laws (descending), then the two names; each pair once,
    its two regions in name order."""
    laws = region_laws(G, unplaced)
    regions, pairs = _region_pairs(G, laws)
    name = {r: region_name(G, r) for r in regions}
    code = {r: G.nodes[r].get("code", "") for r in regions}
    label = {law: G.nodes[law].get("label", law) for cited in laws.values() for law in cited}
    rows = [{"region_a": name[a], "region_b": name[b], "code_a": code[a], "code_b": code[b],
             "shared_laws": len(shared), "union_laws": union, "jaccard": index,
             "shared": sorted([label[x] for x in shared]),
             "region_a_id": a, "region_b_id": b}
            for a, b, shared, union, index in pairs]
    rows.sort(key=lambda r: (-r["jaccard"], -r["shared_laws"], r["region_a"], r["region_b"],
                             r["region_a_id"], r["region_b_id"]))
    return rows


def region_communities(G: nx.MultiDiGraph, seed: int = 0, resolution: float = 1.0,
                       unplaced: bool = True) -> list[dict]:
    """Communities of regions that cite alike: Louvain (networkx, fixed ``seed``, so the same
    graph always gives the same communities) on the graph of regions weighted by Jaccard
    similarity; regions that share no law with any other are communities of their own.
    One row per community, largest first: its regions and the laws cited by at least two of them."""
    laws = region_laws(G, unplaced)
    regions, pairs = _region_pairs(G, laws)
    H = nx.Graph()
    H.add_nodes_from(regions)  # insertion order matters to Louvain: keep it sorted
    H.add_edges_from((a, b, {"weight": index}) for a, b, shared, _union, index in pairs if shared)
    found = nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    groups = [sorted(c, key=lambda r: _region_order(G, r)) for c in found]
    groups.sort(key=lambda c: (-len(c), _region_order(G, c[0])))
    rows = []
    for i, members in enumerate(groups, 1):
        count: dict[str, int] = defaultdict(int)
        for r in members:
            for law in laws[r]:
                count[law] += 1
        shared = sorted(G.nodes[law].get("label", law) for law, n in count.items() if n >= 2)
        rows.append({"community": i, "size": len(members), "regions": [region_name(G, r) for r in members],
                     "codes": [G.nodes[r].get("code", "") for r in members], "shared_laws": shared,
                     "region_ids": members})
    return rows


def region_law_counts(G: nx.MultiDiGraph, unplaced: bool = True) -> list[dict]:
    """The region × law table: one row per region and law it cites, with the citing reports and
    the citations (mentions). Sorted by region name, citations (descending), then law."""
    acc: dict[tuple[str, str], dict] = {}
    for report, regions in report_regions(G, unplaced).items():
        for _, law, d in G.out_edges(report, data=True):
            if d.get("type") != "cites":
                continue
            for region in regions:
                a = acc.setdefault((region, law), {"reports": 0, "citations": 0})
                a["reports"] += 1
                a["citations"] += citation_count(d)
    rows = [{"region": region_name(G, region), "code": G.nodes[region].get("code", ""),
             "law": G.nodes[law].get("label", law), "level": G.nodes[law].get("level", "其他"), **a,
             "region_id": region, "law_id": law}
            for (region, law), a in acc.items()]
    rows.sort(key=lambda r: (r["region"], r["region_id"], -r["citations"], r["law"], r["law_id"]))
    return rows


def laws_cited_by_one_region(G: nx.MultiDiGraph, unplaced: bool = True) -> list[dict]:
    """Laws that only one region cites (local documents, or a region's particular reading):
    law, level, the region, its code, citing reports and citations. Sorted by region name, then
    level (order of legal force), then law."""
    citing: dict[str, set[str]] = defaultdict(set)
    for region, cited in region_laws(G, unplaced).items():
        for law in cited:
            citing[law].add(region)
    counts = {r["law_id"]: r for r in law_citations(G, unplaced)}
    rows = []
    for law, regions in citing.items():
        if len(regions) != 1:
            continue
        (region,) = regions
        c = counts[law]
        rows.append({"region": region_name(G, region), "code": G.nodes[region].get("code", ""),
                     "law": c["law"], "level": c["level"], "reports": c["reports"], "citations": c["citations"],
                     "region_id": region, "law_id": law})
    rows.sort(key=lambda r: (r["region"], r["region_id"], level_key(r["level"]), r["law"], r["law_id"]))
    return rows


# --- counts and importance, for sizing and choosing what the views show --------------------

def cites(G: nx.MultiDiGraph) -> list[tuple[str, str, dict]]:
    """The ``cites`` edges (report, law, data), in G's order of edges."""
    return [(u, v, d) for u, succ in G._succ.items() for v, keyed in succ.items() for d in keyed.values()
            if d.get("type") == "cites"]


def citation_count(d: dict) -> int:
    """The citations an edge stands for (a projected ``cites`` edge aggregates several)."""
    return int(d.get("citations") or d.get("weight") or 1)


def region_citations(G: nx.MultiDiGraph) -> Counter:
    """Citations made by each region's reports (an unplaced report counts for its agency)."""
    rr = report_regions(G)
    c: Counter = Counter()
    for u, _, d in cites(G):
        for r in rr.get(u, ()):
            c[r] += citation_count(d)
    return c


def law_citation_counts(G: nx.MultiDiGraph) -> Counter:
    """Citations of each law, by all reports (placed or not)."""
    c: Counter = Counter()
    for _, v, d in cites(G):
        c[v] += citation_count(d)
    return c


def agency_citations(G: nx.MultiDiGraph) -> Counter:
    """Citations made by the reports each agency issued."""
    by_report: Counter = Counter()
    for u, _, d in cites(G):
        by_report[u] += citation_count(d)
    c: Counter = Counter()
    for u, v, t in G.edges(data="type"):
        if t == "issued_by":
            c[v] += by_report.get(u, 0)
    return c


def pagerank(G: nx.MultiDiGraph) -> dict:
    """PageRank of the projection (edges collapsed, weighted by their counts); deterministic."""
    D = nx.DiGraph()
    D.add_nodes_from(sorted(G.nodes(), key=str))
    for u, v, d in sorted(G.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        if u == v:
            continue
        w = float(d.get("citations") or d.get("weight") or 1)
        if D.has_edge(u, v):
            D[u][v]["weight"] += w
        else:
            D.add_edge(u, v, weight=w)
    if D.number_of_nodes() == 0:
        return {}
    try:
        return nx.pagerank(D, alpha=0.85, weight="weight", tol=1e-10, max_iter=500)
    except nx.PowerIterationFailedConvergence:  # pragma: no cover - not seen on real graphs
        deg = dict(D.degree())
        total = sum(deg.values()) or 1
        return {n: deg[n] / total for n in D}
