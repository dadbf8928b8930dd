"""The views of a policykg graph: each an offline page written by :mod:`policykg.viz.page`.

* ``overview`` — the whole projection, node size by PageRank;
* ``region-law`` — regions ↔ laws, one edge per region and law with the number of citations
  by the region's reports as its width, laws coloured by level;
* ``region`` / ``agency`` — one region (or agency), its agencies' reports grouped by year and
  everything those reports cite and mention;
* ``law`` — one law, every report that cites it (one edge per citation role, coloured by role)
  and the agencies and regions of those reports;
* ``map`` — regions at their longitude/latitude (fixed positions, physics off), each report and
  the laws it cites placed around its region.

At scale a page is sized by what it shows, not by the number of reports: past
OVERVIEW_MAX_REPORTS reports the overview, the map and the region-law view draw one node per
region (or its counts only, region-law); past HUB_MAX_REPORTS a region's view draws its reports
one node per agency, an agency's one node per year and a law's one node per region, each group
linking to the view that lists its reports.

A report's region is the region its issuing agency is located in
(:func:`policykg.graph.analytics.report_regions`); a report whose agency has no region is
shown with its agency standing in for the region, marked "(unplaced)".

A view is a small display graph (a networkx MultiDiGraph with the projection's attributes plus
the page's ``_`` display hints) and a title: this module builds them, from the counts and
rankings of :mod:`policykg.graph.analytics` and the placements of :mod:`policykg.viz.layout`;
:mod:`policykg.viz.page` writes them (:func:`write_views` several, with an ``index.html``).
"""
from __future__ import annotations

import math
from functools import partial
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import networkx as nx

from policykg.graph.analytics import (agency_citations, citation_count, cites, in_edges, law_citation_counts,
                                     out_edges, pagerank, region_citations, region_name, report_regions)

from policykg.graph.names import NameLookupError, find_node, node_label, nodes_of_type  # noqa: F401  (find_node: the views' API)

from policykg.graph.store import STORE_DIR, open_store

from .diffusion import FILENAME as DIFFUSION_FILE, STRINGS as DIFFUSION_STRINGS, write_diffusion
from .layout import map_projection, ring
from .style import pagerank_sizes
from .network import graph_data
from .page import default_title, json_for_script, site_nav, write_index, write_site_view, write_view
from .reading import report_infos, write_reading_pages
from .workers import start

READING_DIR = "reports"

VIEWS = ("overview", "region-law", "region", "agency", "law", "map")
FOCUS_TYPES = {"region": ("Region",), "agency": ("Agency",), "law": ("Law",)}


# a view cannot be made (an unknown or ambiguous name); the message is for the user
ViewError = NameLookupError


@dataclass
class View:
    name: str
    title: str
    description: str
    graph: nx.MultiDiGraph
    color_by: tuple[str, ...] = ()
    focus: Any = None
    extra: dict = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.name}.html"

    def write(self, path, title: str | None = None, nav: list[dict] | None = None) -> Path:
        return write_view(self, path, title=title, nav=nav)


# --------------------------------------------------------------------------- helpers

def _copy_node(H: nx.MultiDiGraph, G: nx.MultiDiGraph, n: Any, **extra) -> None:
    if n in H:
        H.nodes[n].update(extra)
        return
    attrs = dict(G.nodes[n])
    if attrs.get("type") == "Region":
        name = region_name(G, n)
        if name != attrs.get("label"):
            attrs["_label"] = name  # 济南市市中区, not one of four 市中区
    elif attrs.get("type") == "Agency" and "_unplaced" in extra:
        attrs["_label"] = region_name(G, n)
    extra.pop("_unplaced", None)
    attrs.update(extra)
    H.add_node(n, **attrs)


def _year(G: nx.MultiDiGraph, n: Any) -> int | None:
    y = G.nodes[n].get("year")
    return int(y) if isinstance(y, (int, float)) and not isinstance(y, bool) else None


def _add_jurisdiction(H: nx.MultiDiGraph, G: nx.MultiDiGraph) -> None:
    """Laws' jurisdiction region names, for their tooltips (H's edges only: a view's cost stays
    that of what it shows, which a page picking among thousands of laws needs)."""
    for u, d in list(H.nodes(data=True)):
        if d.get("type") == "Law" and u in G:
            for v, _, e in out_edges(G, u):
                if e.get("type") == "jurisdiction":
                    H.nodes[u]["jurisdiction"] = node_label(G, v)


def _top(G: nx.MultiDiGraph, counts: Counter, typ: str) -> Any:
    cands = [n for n in counts if G.nodes[n].get("type") == typ]
    if not cands:
        cands = nodes_of_type(G, typ)
        if not cands:
            raise ViewError(f"the graph has no {typ.lower()}")
    return min(cands, key=lambda n: (-counts.get(n, 0), node_label(G, n), str(n)))


def top_region(G: nx.MultiDiGraph) -> Any:
    """The region whose reports cite most (ties: by name)."""
    return _top(G, region_citations(G), "Region")


def top_agency(G: nx.MultiDiGraph) -> Any:
    """The agency whose reports cite most (ties: by name)."""
    return _top(G, agency_citations(G), "Agency")


def top_law(G: nx.MultiDiGraph) -> Any:
    """The most cited law (ties: by name)."""
    return _top(G, law_citation_counts(G), "Law")


def _year_nodes(H: nx.MultiDiGraph, G: nx.MultiDiGraph, hub: Any, reports: Iterable) -> None:
    """One ``Year`` node per report year, linked to the hub and to that year's reports."""
    for r in reports:
        y = _year(G, r)
        if y is None:
            continue
        yn = f"year:{y}"
        if yn not in H:
            H.add_node(yn, type="Year", label=f"{y}年", year=y, _size=14)
            H.add_edge(hub, yn, type="in_year", weight=1, _years=[y])
        H.add_edge(yn, r, type="in_year", weight=1)


def _zh(title: str, description: str) -> dict:
    """A view's Chinese title and description (the page's default language), for View.extra."""
    return {"title_zh": title, "description_zh": description}


def _counts_zh(G: nx.MultiDiGraph) -> str:
    """``5 份报告、58 部法规、46 个机关、23 个地区、64 项专项工作``."""
    c = Counter(d.get("type", "") for _, d in G.nodes(data=True))
    return "、".join(f"{c[t]} {unit}" for t, unit in (("Report", "份报告"), ("Law", "部法规"), ("Agency", "个机关"),
                                                      ("Region", "个地区"), ("Program", "项专项工作")))


def _citation_width(c: int) -> float:
    return round(min(14.0, 1.0 + 2.0 * math.log2(max(c, 1))), 2)


# --------------------------------------------------------------------------- the views

OVERVIEW_MAX_REPORTS = 300  # beyond this the overview and the map draw one node per region
GROUP_EDGES = ("cites", "issued_by", "located_in", "part_of", "jurisdiction", "issuer")
MAX_GROUP_EVIDENCE = 0  # a group's sentences are one click away, in the view its _expand opens


def _n_reports(G: nx.MultiDiGraph) -> int:
    return sum(1 for _, t in G.nodes(data="type") if t == "Report")


def group_reports(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """G with its reports replaced by one node per region (a report whose agency has no region:
    per agency), so that a page of a big corpus is sized by its places, not by its reports: one
    agency writes one report a year, a county's departments write dozens. A group keeps the years
    of its reports (``_years``: the page's year filter and slider still work) and its edges add up
    those of its reports, with their years (``weight``; for ``cites``: ``citations`` and ``roles``;
    the sentences are left to the view it expands to, and the edge's tooltip to the page,
    ``_brief``). Only the edges named in ``GROUP_EDGES`` are kept
    (what each report mentions in passing would outnumber everything else). A group's ``_expand``
    link opens the region (or agency) view, which lists its reports one by one, year by year.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("g", type="Region", label="某县"); G.add_node("l", type="Law", label="教育法")
    >>> for a in ("a1", "a2"):
    ...     G.add_node(a, type="Agency", label=a); _ = G.add_edge(a, "g", key="located_in", type="located_in")
    >>> for r, a, y in (("r1", "a1", 2020), ("r2", "a2", 2021)):
    ...     G.add_node(r, type="Report", label=r, year=y)
    ...     _ = G.add_edge(r, a, key="issued_by", type="issued_by")
    ...     _ = G.add_edge(r, "l", key="cites", type="cites", citations=2, roles=["学习"], evidence=[])
    >>> H = group_reports(G)
    >>> [(d["label"], d["_years"]) for _, d in H.nodes(data=True) if d["type"] == "Report"]
    [('某县（2份报告）', [2020, 2021])]
    >>> [(d["citations"], d["_years"]) for _, _, d in H.edges(data=True) if d["type"] == "cites"]
    [(4, [2020, 2021])]
    """
    places = report_regions(G)  # an unplaced report's agency stands in for its region
    group_of = {}
    for n in nodes_of_type(G, "Report"):
        place = (places.get(n) or [None])[0]
        view = "region" if place is not None and G.nodes[place].get("type") == "Region" else "agency"
        group_of[n] = (f"group:{place or '?'}", region_name(G, place) if place is not None else "?",
                       f"{view}.html#{place}" if place is not None else None)
    return merge_reports(G, group_of)


def merge_reports(G: nx.MultiDiGraph, group_of: dict[Any, tuple[str, str, str | None]],
                  max_evidence: int = MAX_GROUP_EVIDENCE, edge_types: Iterable[str] | None = GROUP_EDGES) -> nx.MultiDiGraph:
    """G with each of its reports replaced by its group, ``group_of[report] = (group id, name,
    link to the page listing its reports or None)``: a group node is labelled ``name（N份报告）``,
    keeps its reports' years (``_years``) and its edges add up theirs (see :func:`group_reports`),
    keeping the first ``max_evidence`` evidence sentences of each; only edges of ``edge_types`` are
    kept (None: all)."""
    H = nx.MultiDiGraph()
    grouped: dict[Any, str] = {}
    for n, d in G.nodes(data=True):
        if d.get("type") != "Report":
            H.add_node(n, **d)
            continue
        group, name, expand = group_of[n]
        grouped[n] = group
        if group not in H:
            H.add_node(group, type="Report", reports=0, _group=True, _years=[], _expand=expand)
        g = H.nodes[group]
        g["reports"] += 1
        year = _year(G, n)
        if year is not None and year not in g["_years"]:
            g["_years"] = sorted(g["_years"] + [year])
        g["label"] = f"{name}（{g['reports']}份报告）"
    for u, v, k, d in G.edges(keys=True, data=True):
        if edge_types is not None and d.get("type") not in edge_types:
            continue
        u2, v2 = grouped.get(u, u), grouped.get(v, v)
        years = {_year(G, x) for x in (u, v) if x in grouped} - {None}
        if H.has_edge(u2, v2, k):
            e = H.edges[u2, v2, k]
            e["weight"] = e.get("weight", 1) + d.get("weight", 1)
            e["_years"] = sorted(set(e.get("_years", ())) | years)
            if k == "cites":
                e["citations"] += citation_count(d)
                e["roles"] = sorted(set(e["roles"]) | set(d.get("roles") or ()))
                e["evidence"] += _evidence_of(G, u, d, max_evidence)[:max(0, max_evidence - len(e["evidence"]))]
            continue
        e = dict(d, _brief=True, **({"_years": sorted(years)} if years else {}))
        if k == "cites":
            e.update(citations=citation_count(d), roles=sorted(d.get("roles") or ()),
                     evidence=_evidence_of(G, u, d, max_evidence))
        H.add_edge(u2, v2, key=k, **e)
    return H


def _evidence_of(G: nx.MultiDiGraph, report: Any, d: dict, limit: int = MAX_GROUP_EVIDENCE) -> list[dict]:
    """A citation edge's evidence, each sentence naming its report (a group stands for several)."""
    label = node_label(G, report)
    return [dict(ev, report=ev.get("report") or label, report_iri=ev.get("report_iri") or report)
            for ev in (d.get("evidence") or [])[:limit] if isinstance(ev, dict)]


def overview(G: nx.MultiDiGraph, max_reports: int = OVERVIEW_MAX_REPORTS,
             by_region: nx.MultiDiGraph | None = None) -> View:
    """The whole graph, node size by PageRank; with more than ``max_reports`` reports, one node per
    region stands for its reports (``by_region``: :func:`group_reports` of G, made here unless given;
    given, it is drawn)."""
    n_reports = _n_reports(G)
    grouped = by_region is not None or n_reports > max_reports
    if grouped:  # programs, which the grouped reports no longer link to, are on the diffusion map
        by_region = group_reports(G) if by_region is None else by_region
        G = by_region.subgraph([n for n, t in by_region.nodes(data="type") if t != "Program"])
    H = G.copy()
    if grouped:  # thousands of nodes: tooltips made by the page from name, type and years
        for _, d in H.nodes(data=True):
            d["_brief"] = True
    pr = pagerank(G)
    sizes = pagerank_sizes(pr)
    for n, d in H.nodes(data=True):
        d["_size"] = sizes.get(n, 6.0)
        if d.get("type") == "Region" and region_name(G, n) != d.get("label"):
            d["_label"] = region_name(G, n)
        d["pagerank"] = round(pr.get(n, 0.0), 5)
    _add_jurisdiction(H, G)
    if grouped:
        return View("overview", f"Overview — {n_reports} reports by region, "
                    + ", ".join(default_title(G).removeprefix("policykg — ").split(", ")[1:4]),
                    "The corpus is large: each region's reports are drawn as one node (their years on the year "
                    "filter), with the laws they cite; node size = PageRank importance. Click a region's reports to "
                    "open them one by one, year by year; programs are on the diffusion map.", H,
                    extra=_zh(f"总览 — {n_reports}份报告按地区归并，" + "、".join(_counts_zh(G).split("、")[1:4]),
                              "报告较多，同一地区的报告合为一个节点（年份见年份筛选），连向它们引用的法规；节点大小表示 PageRank "
                              "重要性。点击该节点可逐年逐份查看这些报告；举措见扩散地图。"))
    return View("overview", "Overview — " + default_title(G).removeprefix("policykg — "),
                "The whole graph: every report, agency, law, program and region and the links between "
                "them; node size = PageRank importance. Hover a citation edge for its evidence; "
                "click a report for its citations.", H,
                extra=_zh("总览 — " + _counts_zh(G), "整个图谱：每份报告、机关、法规、专项工作和地区及其联系；节点大小表示 PageRank "
                          "重要性。悬停引用边可看证据，点击报告可看其引用。"))


REGION_LAW_LISTED = 6  # report names kept on a region ↔ law edge (its tooltip shows six and the count)
REGION_LAW_EVIDENCE = 3  # evidence sentences kept on it


def region_law(G: nx.MultiDiGraph, max_reports: int = OVERVIEW_MAX_REPORTS) -> View:
    """Regions ↔ laws, one edge per region and law; with more than ``max_reports`` reports the edges
    carry their counts, roles and years only (no names, no sentences: thousands of edges) and each
    region and law links to its own view, which lists its reports and their sentences."""
    rr = report_regions(G)
    big = _n_reports(G) > max_reports
    H = nx.MultiDiGraph()
    agg: dict[tuple, dict] = {}
    for report, law, d in sorted(cites(G), key=lambda e: (str(e[0]), str(e[1]))):
        y = _year(G, report)
        for region in rr.get(report, ()):
            a = agg.setdefault((region, law), {"citations": 0, "roles": set(), "years": set(), "reports": [],
                                               "n_reports": 0, "evidence": [], "n_evidence": 0})
            a["citations"] += citation_count(d)
            a["roles"].update(d.get("roles") or [])
            if y is not None:
                a["years"].add(y)
            a["n_reports"] += 1
            if big:
                continue  # (its edges carry no names nor sentences)
            # the first few names and sentences, and how many there are: an edge's size does not
            # grow with the reports of its region (the law and region views list them all)
            if len(a["reports"]) < REGION_LAW_LISTED:
                a["reports"].append(node_label(G, report))
            evidence = [ev for ev in d.get("evidence") or [] if isinstance(ev, dict)]
            a["n_evidence"] += len(evidence)
            a["evidence"].extend(dict(ev, report=node_label(G, report), report_iri=report)
                                 for ev in evidence[:max(0, REGION_LAW_EVIDENCE - len(a["evidence"]))])
    per_law: Counter = Counter()
    per_region: dict[Any, set] = defaultdict(set)
    for (region, law), a in agg.items():
        per_law[law] += a["citations"]
        per_region[region].add(law)
    for region in sorted(per_region, key=str):
        unplaced = G.nodes[region].get("type") != "Region"
        _copy_node(H, G, region, _size=round(12 + 4 * math.sqrt(len(per_region[region])), 2),
                   **({"_unplaced": True, "_note": "no region: the report's agency stands in"} if unplaced else {}),
                   **({"_expand": f"{'agency' if unplaced else 'region'}.html#{region}"} if big else {}))
    for law in sorted(per_law, key=str):
        _copy_node(H, G, law, _size=round(7 + 5 * math.sqrt(per_law[law]), 2), citations=per_law[law],
                   **({"_expand": f"law.html#{law}"} if big else {}))
    for (region, law), a in sorted(agg.items(), key=lambda x: (str(x[0][0]), str(x[0][1]))):
        listed = ({"_brief": True} if big else
                  dict(reports=a["reports"], evidence=a["evidence"], _reports_total=a["n_reports"],
                       _evidence_total=a["n_evidence"]))
        H.add_edge(region, law, type="cites", weight=a["citations"], citations=a["citations"],
                   roles=sorted(a["roles"]), _years=sorted(a["years"]), _width=_citation_width(a["citations"]), **listed)
    for u, v, t in G.edges(data="type"):
        if t == "jurisdiction" and u in H and v in H:
            H.add_edge(u, v, type="jurisdiction", weight=1, _dashes=True)
    _add_jurisdiction(H, G)
    n_regions = sum(1 for r in per_region if G.nodes[r].get("type") == "Region")
    return View("region-law", f"Regions ↔ laws — {n_regions} regions, {len(per_law)} laws",
                "Which region's reports cite which law: edge width = number of citations, laws coloured by "
                "level (dashed: the law's jurisdiction). A report's region is where its issuing agency is located.",
                H, color_by=("level",),
                extra=_zh(f"地区—法规：{n_regions} 个地区，{len(per_law)} 部法规",
                          "各地区的报告引用了哪些法规：边宽为引用次数，法规按效力层级着色（虚线：法规的适用地区）。"
                          "报告的地区即其发布机关所在地。"))


def _report_neighbourhood(H: nx.MultiDiGraph, G: nx.MultiDiGraph, reports: Iterable) -> None:
    """The reports and everything they link to (cites, issued_by, mentions_*, submitted_to)."""
    for r in reports:
        _copy_node(H, G, r)
        for v, _, _ in out_edges(G, r):
            _copy_node(H, G, v)


def _induced_edges(H: nx.MultiDiGraph, G: nx.MultiDiGraph) -> None:
    """G's edges among H's nodes (found from H's nodes, not by a scan of all of G)."""
    for u in [n for n in H if n in G]:
        for v, keyed in G._succ[u].items():  # (each neighbour looked up in H once, whatever its edges)
            if v in H:
                for k, d in keyed.items():
                    if not H.has_edge(u, v, key=k):
                        H.add_edge(u, v, key=k, **d)


HUB_MAX_REPORTS = 50  # beyond this a region's, an agency's or a law's view draws its reports in groups
HUB_EVIDENCE = 3  # evidence sentences kept on a group's citation edge (each links to its reading page)


def _hub_graph(G: nx.MultiDiGraph, hub: Any, reports: list, neighbours: Iterable,
               group_of: Any = None) -> nx.MultiDiGraph:
    """A region's or an agency's view: the hub, its neighbours, its reports with everything they
    link to, the edges among all of these, and one year node per report year. With more than
    HUB_MAX_REPORTS reports, the reports are drawn in the groups ``group_of(report)`` gives
    (:func:`merge_reports`: the page is sized by its groups and what they cite, not by the reports;
    the groups carry their years for the year filter)."""
    H = nx.MultiDiGraph()
    _copy_node(H, G, hub, _years=[], _size=30)
    for n in neighbours:
        _copy_node(H, G, n)
    _report_neighbourhood(H, G, reports)
    _induced_edges(H, G)
    if group_of is not None and len(reports) > HUB_MAX_REPORTS:
        H = merge_reports(H, {r: group_of(r) for r, t in H.nodes(data="type") if t == "Report"},
                          max_evidence=HUB_EVIDENCE, edge_types=None)
    else:
        _year_nodes(H, G, hub, reports)
    _add_jurisdiction(H, G)
    return H


def _by_agency(G: nx.MultiDiGraph, report: Any) -> tuple[str, str, str | None]:
    """A report's group in a big hub's view: its issuing agency's, which the agency view expands."""
    agency = next((v for v, _, d in out_edges(G, report) if d.get("type") == "issued_by"), None)
    if agency is None:
        return "group:?", "?", None
    return f"group:{agency}", node_label(G, agency), f"agency.html#{agency}"


def _reports_summary(G: nx.MultiDiGraph, reports: list) -> str:
    """``3 reports, 41 citations, 2020–2022``."""
    years = sorted({y for r in reports if (y := _year(G, r)) is not None})
    n_cit = sum(citation_count(d) for r in reports for _, _, d in out_edges(G, r) if d.get("type") == "cites")
    span = f", {years[0]}–{years[-1]}" if len(years) > 1 else f", {years[0]}" if years else ""
    return f"{len(reports)} report{'s' if len(reports) != 1 else ''}, {n_cit} citations{span}"


def _region_reports(G: nx.MultiDiGraph, region: Any) -> list:
    """The reports whose issuing agency is located in ``region``."""
    agencies = [u for u, _, d in in_edges(G, region) if d.get("type") == "located_in"]
    return sorted({r for a in agencies for r, _, d in in_edges(G, a)
                   if d.get("type") == "issued_by" and G.nodes[r].get("type") == "Report"}, key=str)


def _reports_summary_zh(G: nx.MultiDiGraph, reports: list) -> str:
    """``3 份报告，41 次引用，2020–2022``."""
    en = _reports_summary(G, reports).split(", ")
    years = en[2] if len(en) > 2 else ""
    return f"{len(reports)} 份报告，{en[1].split()[0]} 次引用" + (f"，{years}" if years else "")


def region_focus(G: nx.MultiDiGraph, region: Any = None) -> View:
    region = top_region(G) if region is None else region
    reports = _region_reports(G, region)
    agencies = [u for u, v, t in G.in_edges(region, data="type") if t == "located_in"]
    related = [n for u, v, t in list(G.in_edges(region, data="type")) + list(G.out_edges(region, data="type"))
               if t in ("jurisdiction", "part_of") for n in (u, v)]
    H = _hub_graph(G, region, reports, sorted(agencies, key=str) + related, partial(_by_agency, G))
    name = node_label(G, region)
    return View("region", f"{name} — region focus: {_reports_summary(G, reports)}",
                f"Everything {name}'s agencies' reports cite and mention, grouped by year (the year nodes); "
                "its agencies, parent and sub-regions, and the laws made for it. Untick years to compare.",
                H, focus=region,
                extra=_zh(f"{name} — 地区：{_reports_summary_zh(G, reports)}",
                          f"{name}各机关的报告所引用和提及的一切，按年份归组（年份节点）；其机关、上下级地区和为其制定的法规。"
                          "用年份筛选或逐年滑块比较各年。"))


def agency_focus(G: nx.MultiDiGraph, agency: Any = None) -> View:
    agency = top_agency(G) if agency is None else agency
    reports = sorted((u for u, v, t in G.in_edges(agency, data="type") if t == "issued_by"), key=str)
    linked = [n for u, v in list(G.in_edges(agency)) + list(G.out_edges(agency)) for n in (u, v)]
    own = set(reports)

    def by_year(r: Any) -> tuple[str, str, str | None]:  # its own reports by year, others by their agency
        if r not in own:
            return _by_agency(G, r)
        y = _year(G, r)
        return f"group:{y}", f"{node_label(G, agency)} {y if y is not None else '?'}年", None

    H = _hub_graph(G, agency, reports, linked, by_year)
    name = node_label(G, agency)
    return View("agency", f"{name} — agency focus: {_reports_summary(G, reports)}",
                f"The reports {name} issued, grouped by year, with everything they cite and mention, and the "
                "agencies, regions and reports linked to it.", H, focus=agency,
                extra=_zh(f"{name} — 机关：{_reports_summary_zh(G, reports)}",
                          f"{name}发布的报告，按年份归组，及其引用和提及的一切，以及与其相关的机关、地区和报告。"))


def law_focus(G: nx.MultiDiGraph, law: Any = None, grouped: nx.MultiDiGraph | None = None) -> View:
    """One law, the reports citing it (one edge per role) and their agencies and regions; a law
    cited by more than HUB_MAX_REPORTS reports is drawn from ``grouped`` (G's reports one node
    per region, :func:`group_reports`, each expanding to its region's view; made here unless given)."""
    law = top_law(G) if law is None else law
    citing = sorted(((u, d) for u, _, d in G.in_edges(law, data=True) if d.get("type") == "cites"),
                    key=lambda x: str(x[0]))
    drawn = G
    if len(citing) > HUB_MAX_REPORTS:
        drawn = grouped if grouped is not None else group_reports(G)
    H = _law_graph(drawn, law)
    name = node_label(G, law)
    n_regions = sum(1 for _, t in H.nodes(data="type") if t == "Region")
    total = sum(citation_count(d) for _, d in citing)
    level = G.nodes[law].get("level")
    by_region = " (reports grouped by region)" if drawn is not G else ""
    return View("law", f"{name} — law focus: {total} citation{'s' if total != 1 else ''} in {len(citing)} "
                       f"report{'s' if len(citing) != 1 else ''} from {n_regions} region{'s' if n_regions != 1 else ''}"
                       + by_region,
                f"{name}{f'（{level}）' if level else ''}: every report that cites it, one edge per citation role "
                "(coloured by role; hover for the evidence sentences), and the agencies and regions of those reports.",
                H, color_by=("role",), focus=law,
                extra=_zh(f"{name} — 法规：{len(citing)} 份报告引用 {total} 次，来自 {n_regions} 个地区"
                          + ("（报告按地区归并）" if by_region else ""),
                          f"{name}{f'（{level}）' if level else ''}：引用它的每份报告，每种引用方式一条边（按引用方式着色；"
                          "悬停可看证据句子），以及这些报告的机关和地区。"))


def _law_graph(G: nx.MultiDiGraph, law: Any) -> nx.MultiDiGraph:
    H = nx.MultiDiGraph()
    _copy_node(H, G, law, _years=[], _roles=[], _size=32)
    citing = sorted(((u, d) for u, _, d in in_edges(G, law) if d.get("type") == "cites"), key=lambda x: str(x[0]))
    for report, d in citing:
        _copy_node(H, G, report)
        roles = sorted(set(d.get("roles") or ["其他"]))
        evidence = [ev for ev in d.get("evidence") or [] if isinstance(ev, dict)]
        for k, role in enumerate(roles):
            ev = [e for e in evidence if e.get("role") == role]
            edge: dict[str, Any] = dict(type="cites", weight=max(1, len(ev)), citations=max(1, len(ev)),
                                        roles=[role], evidence=ev, _split=role, _roles=[role])
            if len(roles) > 1:
                edge["_smooth"] = {"enabled": True, "type": "curvedCW" if k % 2 == 0 else "curvedCCW",
                                   "roundness": round(0.12 + 0.12 * (k // 2), 2)}
            H.add_edge(report, law, key=f"cites:{role}", **edge)
        for agency, _, e in out_edges(G, report):
            if e.get("type") != "issued_by":
                continue
            regions = [v for v, _, ea in out_edges(G, agency) if ea.get("type") == "located_in"]
            _copy_node(H, G, agency, **({} if regions else {"_note": "no region: the agency is not placed"}))
            H.add_edge(report, agency, type="issued_by", weight=1)
            for region in regions:
                _copy_node(H, G, region)
                H.add_edge(agency, region, type="located_in", weight=1)
    _add_jurisdiction(H, G)
    return H


# --------------------------------------------------------------------------- map

def _laws_per_place(G: nx.MultiDiGraph) -> dict[Any, int]:
    """How many laws the reports of each (first) region cite: the ring of laws the map draws around it."""
    rr = report_regions(G, unplaced=False)
    laws: dict[Any, set] = defaultdict(set)
    for u, v, _ in cites(G):
        for r in rr.get(u, [])[:1]:
            laws[r].add(v)
    return {r: len(s) for r, s in laws.items()}


def map_view(G: nx.MultiDiGraph, max_reports: int = OVERVIEW_MAX_REPORTS,
             by_region: nx.MultiDiGraph | None = None) -> View:
    """Regions at their coordinates, reports beside them and the laws they cite around; with more
    than ``max_reports`` reports, one node per region (``by_region``: :func:`group_reports` of G,
    made here unless given; given, it is drawn)."""
    if by_region is not None or _n_reports(G) > max_reports:
        G = group_reports(G) if by_region is None else by_region
    regions = nodes_of_type(G, "Region")
    geo = {r: (G.nodes[r]["lon"], G.nodes[r]["lat"]) for r in regions
           if G.nodes[r].get("lat") is not None and G.nodes[r].get("lon") is not None}
    parent = {u: v for u, v, t in G.edges(data="type") if t == "part_of"}
    approx: dict[Any, str] = {}
    for r in regions:  # no coordinates: the parent's (or grandparent's)
        p, hops = r, 0
        while r not in geo and p in parent and hops < 5:
            p, hops = parent[p], hops + 1
            if p in geo:
                geo[r] = geo[p]
                approx[r] = node_label(G, p)
    H = nx.MultiDiGraph()
    extra: dict = {}
    pos: dict[Any, tuple[float, float]] = {}
    if geo:
        pos, extra["map"] = map_projection(geo, _laws_per_place(G))
    # places without coordinates go in a row under the map
    xs = [x for x, _ in pos.values()] or [0.0]
    ys = [y for _, y in pos.values()] or [0.0]
    row_y, row_x = max(ys) + 320.0, min(xs)

    def below() -> tuple[float, float]:
        nonlocal row_x
        p = (round(row_x, 1), round(row_y, 1))
        row_x += 420.0
        return p

    for r in regions:
        if r not in pos:
            pos[r] = below()
            approx[r] = "unknown"
    rr = report_regions(G)  # unplaced reports: their agency stands in
    place_reports: dict[Any, list] = defaultdict(list)
    for rep in nodes_of_type(G, "Report"):
        for place in rr.get(rep, [])[:1]:
            place_reports[place].append(rep)
    for place in sorted(place_reports, key=str):
        if place not in pos:
            pos[place] = below()
    law_places: dict[Any, set] = defaultdict(set)
    for u, v, d in cites(G):
        for place in rr.get(u, [])[:1]:
            law_places[v].add(place)
    own: dict[Any, list] = defaultdict(list)
    shared: dict[tuple, list] = defaultdict(list)
    for law, places in law_places.items():
        if len(places) == 1:
            own[next(iter(places))].append(law)
        else:
            shared[tuple(sorted(places, key=str))].append(law)
    cites_count = region_citations(G)
    for r in regions:
        note = ({"_note": "position: no coordinates" if approx[r] == "unknown" else
                 f"position: approximate (that of {approx[r]})"} if r in approx else {})
        _copy_node(H, G, r, _x=pos[r][0], _y=pos[r][1], _font_size=44 if cites_count.get(r) else 30,
                   _size=round(14 + 5 * math.sqrt(cites_count.get(r, 0)), 2), **note)
    for place, reps in sorted(place_reports.items(), key=lambda x: str(x[0])):
        if place not in H:
            _copy_node(H, G, place, _x=pos[place][0], _y=pos[place][1], _size=14, _unplaced=True,
                       _note="no region: the report's agency stands in")
        spots = ring(pos[place], sorted(reps, key=str), 55.0, 60.0)
        for rep in reps:
            _copy_node(H, G, rep, _x=spots[rep][0], _y=spots[rep][1])
            H.add_edge(rep, place, type="in_region", weight=1)
    for place, laws in sorted(own.items(), key=lambda x: str(x[0])):
        laws = sorted(laws, key=lambda n: (-sum(1 for _ in G.predecessors(n)), node_label(G, n), str(n)))
        for law, xy in ring(pos[place], laws, 110.0).items():
            _copy_node(H, G, law, _x=xy[0], _y=xy[1])
    for places, laws in sorted(shared.items(), key=lambda x: [str(p) for p in x[0]]):
        cx = sum(pos[p][0] for p in places) / len(places)
        cy = sum(pos[p][1] for p in places) / len(places)
        for i, law in enumerate(sorted(laws, key=lambda n: (node_label(G, n), str(n)))):
            r, a = 24.0 * math.sqrt(i + 0.5), 2.399963 * i  # a sunflower around the centroid
            _copy_node(H, G, law, _x=round(cx + r * math.cos(a), 1), _y=round(cy + r * math.sin(a), 1),
                       _note="placed between the regions that cite it")
    for u, v, k, d in G.edges(keys=True, data=True):
        t = d.get("type")
        if u in H and v in H and t in ("cites", "part_of", "jurisdiction"):
            H.add_edge(u, v, key=k, **d, **({"_dashes": True} if t == "jurisdiction" else {}))
    _add_jurisdiction(H, G)
    n_geo = sum(1 for r in regions if r not in approx)
    return View("map", f"Map — {len(regions)} regions by longitude/latitude, {len(place_reports)} report places",
                f"Regions at their coordinates ({n_geo} with their own, the rest at their parent's or in the row "
                "below); each report sits next to its region with the laws it cites around it (laws cited from "
                "several places lie between them). Fixed positions; drag or zoom to read.",
                H, extra=dict(extra, **_zh(f"地图 — {len(regions)} 个地区按经纬度排列，{len(place_reports)} 处报告",
                                          f"地区位于其坐标（{n_geo} 个有自己的坐标，其余用上级的或列在下方）；每份报告在其地区旁，"
                                          "周围是它引用的法规（多地引用的法规位于其间）。位置固定，可拖动或缩放查看。")))


# --------------------------------------------------------------------------- choosing and writing

def make_view(G: nx.MultiDiGraph, name: str, region: str | None = None, agency: str | None = None,
              law: str | None = None, by_region: nx.MultiDiGraph | None = None) -> View:
    """The view called ``name`` (see :data:`VIEWS`; ``agency`` too), focus nodes found by name;
    ``by_region`` is :func:`group_reports` of G when several views need it (a big corpus)."""
    if name == "overview":
        return overview(G, by_region=by_region)
    if name == "region-law":
        return region_law(G)
    if name == "map":
        return map_view(G, by_region=by_region)
    if name == "law":
        return law_focus(G, find_node(G, law, ("Law",)) if law else None, grouped=by_region)
    if name == "agency" or (name == "region" and agency and not region):
        return agency_focus(G, find_node(G, agency, ("Agency",)) if agency else None)
    if name == "region":
        return region_focus(G, find_node(G, region, ("Region",)) if region else None)
    raise _unknown_view(name)


def _unknown_view(name: str) -> ViewError:
    return ViewError(f"unknown view {name!r} (one of {', '.join(VIEWS)}, agency)")


#: the views that pick their entity in the page: view → (node type, view maker, ranking)
PICKERS = {"region": ("Region", region_focus, region_citations),
           "agency": ("Agency", agency_focus, agency_citations),
           "law": ("Law", law_focus, law_citation_counts)}


def picker_index(G: nx.MultiDiGraph, view: View) -> dict:
    """The picker's index for the page: every entity's number (its script ``<view>/<n>.js``),
    name, aliases and citation count, most cited first (the page loads only what it shows)."""
    typ, _make, ranking = PICKERS[view.name]
    counts = ranking(G)
    nodes = sorted(nodes_of_type(G, typ), key=str)
    items = []
    for k, n in enumerate(nodes):
        d = G.nodes[n]
        name = region_name(G, n) if typ == "Region" else node_label(G, n)
        aliases = [a for a in [d.get("label"), *(d.get("aliases") or [])] if a and a != name]
        items.append([k, name, aliases, counts.get(n, 0), str(n)])
    items.sort(key=lambda it: (-it[3], it[1], it[0]))
    return {"dir": view.name, "items": items, "current": next((k for k, n in enumerate(nodes) if n == view.focus), None)}


def write_picker_scripts(G: nx.MultiDiGraph, view_name: str, out_dir, reading: dict | None = None,
                         shard: int = 0, shards: int = 1, by_region: nx.MultiDiGraph | None = None) -> int:
    """Write one script per entity the view can pick (``<out_dir>/<view>/<n>.js``, loaded by the
    page when that entity is picked; with ``shards``, those whose n modulo ``shards`` is
    ``shard``: one process's part). Returns how many were written."""
    typ, make, _ranking = PICKERS[view_name]
    if make is law_focus:
        grouping = [by_region]  # made once, for the first law cited too often to draw report by report

        def make(G: nx.MultiDiGraph, law: Any) -> View:
            if grouping[0] is None and sum(1 for _, _, t in G.in_edges(law, data="type") if t == "cites") > HUB_MAX_REPORTS:
                grouping[0] = group_reports(G)
            return law_focus(G, law, grouped=grouping[0])
    nodes = sorted(nodes_of_type(G, typ), key=str)
    folder = Path(out_dir) / view_name
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for k, n in enumerate(nodes):
        if k % shards != shard:
            continue
        v = make(G, n)
        data = graph_data(v.graph, v.title, v.description, color_by=v.color_by, focus=n, reading=reading)
        data.update(title_zh=v.extra.get("title_zh", v.title), description_zh=v.extra.get("description_zh", ""))
        (folder / f"{k}.js").write_text(f"window.policykg.load({json_for_script(data)});\n", encoding="utf-8",
                                        newline="\n")
        written += 1
    return written


def write_picker_data(G: nx.MultiDiGraph, view: View, out_dir, reading: dict | None = None) -> dict:
    """Write every script the view's picker loads (:func:`write_picker_scripts`) and return its
    index (:func:`picker_index`)."""
    write_picker_scripts(G, view.name, out_dir, reading)
    return picker_index(G, view)


def write_views(G: nx.MultiDiGraph | Callable[[], nx.MultiDiGraph], out_dir, views: Iterable[str] = VIEWS,
                region: str | None = None, agency: str | None = None, law: str | None = None, title: str | None = None,
                build_dir=None, pickers: bool = True, diffusion: bool = True,
                workers: int | None = None) -> list[tuple[View, Path]]:
    """Write the views of ``G`` into ``out_dir`` (``<view>.html``) and an ``index.html`` linking
    them. All names are resolved before anything is written; they choose the entity each focus
    view shows first, and (``pickers``) each focus view can pick any other in the page. With
    ``build_dir`` (a build folder: extraction.jsonl, texts/, store/) every report gets a reading
    page, ``reports/<id>.html``, which the views' evidence links to. With ``diffusion`` the
    diffusion map (``diffusion.html``, :mod:`policykg.viz.diffusion`) is written and listed too.

    Everything is written by ``workers`` forked processes (default: one per CPU,
    :mod:`policykg.viz.workers`): the reading pages and the pickers' scripts (thousands of small
    files) split between them, then each page (a view, the diffusion map) by one of them, while
    this one waits to write the index; the files are the same whatever their number. ``G`` may
    be a function that makes the graph (the projection): then, unless there is a name to
    resolve in it first, the reading pages, which do not need it, are written while it is made."""
    names = list(views)
    if agency and "region" in names and "agency" not in names:
        names.insert(names.index("region") + 1, "agency")
    unknown = [n for n in names if n not in VIEWS and n != "agency"]
    if unknown:
        raise _unknown_view(unknown[0])
    infos = _report_infos(build_dir) if build_dir is not None else {}
    reading = {info.iri: info.id for info in infos.values()}
    reading_pages = [partial(_reading_shard, Path(build_dir), Path(out_dir) / READING_DIR, infos)] if infos else []
    early = start(reading_pages, workers) if callable(G) and not (region or agency or law) else None
    try:
        return _write_site(G, out_dir, names, reading, [] if early is not None else reading_pages,
                           region=region, agency=agency, law=law, title=title, pickers=pickers,
                           diffusion=diffusion, workers=workers, early=early)
    except BaseException:
        if early is not None:  # (a failed projection, a wrong name: the reading pages are not waited for)
            early.stop()
        raise


def _write_site(G: nx.MultiDiGraph | Callable[[], nx.MultiDiGraph], out_dir, names: list[str], reading: dict,
                reading_pages: list, *, region: str | None, agency: str | None, law: str | None, title: str | None,
                pickers: bool, diffusion: bool, workers: int | None, early=None) -> list[tuple[View, Path]]:
    """:func:`write_views` once the reading pages are started (``early``), or with them to write
    (``reading_pages``)."""
    G = G() if callable(G) else G
    for name, typ in ((region, "Region"), (agency, "Agency"), (law, "Law")):
        if name:
            find_node(G, name, (typ,))  # a wrong name stops here, before anything is written
    by_region = group_reports(G) if _n_reports(G) > OVERVIEW_MAX_REPORTS else None  # (the views share it)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    nav = site_nav([(n, f"{n}.html") for n in names], [{"name": "diffusion", "href": DIFFUSION_FILE}] if diffusion else [])
    # the many small files first, split between the workers, then each page in one piece
    sharded = reading_pages + [partial(write_picker_scripts, G, n, out_dir, reading, by_region=by_region)
                               for n in names if pickers and n in PICKERS]
    pages = [partial(_diffusion_task, G, out_dir)] if diffusion else []
    pages += [partial(_view_task, G, n, out_dir, nav, pickers=pickers, title=title, reading=reading, by_region=by_region,
                      region=region, agency=agency if n == "agency" else None, law=law) for n in names]
    done = [part[0] for part in start(sharded, workers, whole=pages)()[len(sharded):]]
    if early is not None:
        early()
    diffusion_page = [done.pop(0)] if diffusion else []
    reports = sorted(({"label": node_label(G, iri), "href": f"{READING_DIR}/{rid}.html"} for iri, rid in reading.items()
                      if iri in G), key=lambda r: (r["label"], r["href"]))
    write_index(out_dir, title or default_title(G), done, reports, diffusion_page)
    return done


def _view_task(G: nx.MultiDiGraph, name: str, out_dir, nav: list[dict], shard: int, shards: int, *,
               pickers: bool, title: str | None, reading: dict, by_region: nx.MultiDiGraph | None,
               **names) -> tuple[View, Path]:
    """One view of :func:`write_views`, made and written (by a worker: the view comes back pickled)."""
    v = make_view(G, name, by_region=by_region, **names)
    if pickers and v.name in PICKERS:
        v.extra["picker"] = picker_index(G, v)
    return v, write_site_view(v, out_dir, nav, title, reading)


def _diffusion_task(G: nx.MultiDiGraph, out_dir, shard: int, shards: int) -> dict:
    return _write_diffusion_page(G, out_dir)


def _write_diffusion_page(G: nx.MultiDiGraph, out_dir) -> dict:
    """diffusion.html (not a network view: a map), as the index lists it."""
    path = write_diffusion(G, Path(out_dir) / DIFFUSION_FILE, nav=[{"name": "index", "href": "index.html"}])
    return {"name": "diffusion", "href": DIFFUSION_FILE, "title": DIFFUSION_STRINGS["title"],
            "description": DIFFUSION_STRINGS["description"],
            "mb": round(path.stat().st_size / 1e6, 2)}


def _report_infos(build_dir) -> dict:
    """text file → ReportInfo of every report of a build folder (one query of its store); none for
    a folder without extraction.jsonl and texts/ (an RDF file's)."""
    build_dir = Path(build_dir)
    if not (build_dir / "extraction.jsonl").is_file() or not (build_dir / STORE_DIR).is_dir():
        return {}
    return report_infos(open_store(build_dir))


def _reading_shard(build_dir: Path, out_dir: Path, infos: dict, shard: int, shards: int) -> int:
    """One process's part of the reading pages (:func:`policykg.viz.reading.write_reading_pages`)."""
    return len(write_reading_pages(build_dir, out_dir, infos, shard=shard, shards=shards))
