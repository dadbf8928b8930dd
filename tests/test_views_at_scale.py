"""Pages of a big corpus are sized by what they show: adding reports to the same places does not
make a page's inline data grow (the seeds' graph, with copies of one region's reports added)."""
from __future__ import annotations

import json

import networkx as nx
import pytest

from page_helpers import page_data
from policykg.graph.analytics import citation_count, cites
from policykg.viz import views as V

BEIBEI = "北碚区"


def region_node(G: nx.MultiDiGraph, label: str):
    hits = [n for n, d in G.nodes(data=True) if d.get("type") == "Region" and label in [d["label"], *d["aliases"]]]
    assert len(hits) == 1, hits
    return hits[0]


def with_copies(G: nx.MultiDiGraph, reports: list, copies: int) -> nx.MultiDiGraph:
    """G plus ``copies`` copies of each of ``reports`` (new IRIs, the same year, agency, citations
    and mentions): a corpus where the same agencies wrote more reports."""
    H = G.copy()
    for i in range(copies):
        for r in reports:
            new = f"{r}-copy{i}"
            H.add_node(new, **G.nodes[r])
            for _, v, k, d in G.out_edges(r, keys=True, data=True):
                H.add_edge(new, v, key=k, **d)
    return H


@pytest.fixture(scope="module")
def beibei(seeds_nx):
    return region_node(seeds_nx, BEIBEI)


@pytest.fixture(scope="module")
def grown(seeds_nx, beibei):
    """The seeds with Beibei's reports copied past HUB_MAX_REPORTS, and twice as far."""
    reports = V._region_reports(seeds_nx, beibei)
    n = V.HUB_MAX_REPORTS // len(reports) + 1
    return with_copies(seeds_nx, reports, n), with_copies(seeds_nx, reports, 2 * n)


def _data(view, tmp_path) -> dict:
    return page_data(view.write(tmp_path / view.filename).read_text(encoding="utf-8"))


def _size(data: dict) -> int:
    return len(json.dumps({k: data[k] for k in ("nodes", "edges")}, ensure_ascii=False))


@pytest.mark.parametrize("make", ["region", "agency"])
def test_a_big_hub_page_does_not_grow_with_its_reports(seeds_nx, beibei, grown, make, tmp_path):
    """Past HUB_MAX_REPORTS a region's (an agency's) reports are drawn as one node per agency (per
    year): twice the reports give the same nodes and edges and (but for the counts in the
    labels) the same bytes; citations add up and the years stay on the groups."""
    pages = []
    for G in grown:
        agency = next(v for r in V._region_reports(G, beibei) for _, v, t in G.out_edges(r, data="type")
                      if t == "issued_by")
        view = V.region_focus(G, beibei) if make == "region" else V.agency_focus(G, agency)
        own = (V._region_reports(G, beibei) if make == "region" else
               [u for u, _, t in G.in_edges(agency, data="type") if t == "issued_by"])
        assert len(own) > V.HUB_MAX_REPORTS
        H = view.graph
        groups = [n for n, d in H.nodes(data=True) if d.get("_group")]
        assert groups and not [n for n in own if n in H]  # no report drawn one by one
        # (the agency view: its own reports by year; reports only mentioning it, by their agency)
        own_groups = {g for g in groups if make == "region" or H.nodes[g]["_expand"] is None}
        drawn = sum(citation_count(d) for u, _, d in cites(H) if u in own_groups)
        assert drawn == sum(citation_count(d) for _, _, d in G.out_edges(own, data=True) if d.get("type") == "cites")
        years = {G.nodes[r]["year"] for r in own}
        assert {y for g in groups for y in H.nodes[g]["_years"]} == years
        data = _data(view, tmp_path)
        pages.append(data)
        if make == "region":  # a group opens its agency's view, which picks the agency by IRI
            assert {n["expand"] for n in data["nodes"] if n.get("expand")} == {f"agency.html#{agency}"}
    small, big = pages
    assert (len(small["nodes"]), len(small["edges"])) == (len(big["nodes"]), len(big["edges"]))
    assert abs(_size(big) - _size(small)) < 100  # only the counts in the group labels differ


def test_a_small_hub_still_draws_each_report_by_year(seeds_nx, beibei):
    view = V.region_focus(seeds_nx, beibei)
    reports = set(V._region_reports(seeds_nx, beibei))
    assert reports <= set(view.graph)
    assert any(t == "Year" for _, t in view.graph.nodes(data="type"))


# --------------------------------------------------------------------------- the first frame

def test_a_big_fixed_layout_draws_the_structure_and_the_heaviest_citations_first(seeds_nx, tmp_path, monkeypatch):
    """A page with a fixed layout and more than FIRST_EDGES edges names how many its first frame
    draws (``firstEdges``); those come first in its data: every edge that is not a citation,
    then the citations with the most citations. The page data keeps every edge."""
    from policykg.viz import network

    monkeypatch.setattr(network, "FIRST_EDGES", 60)
    view = V.map_view(seeds_nx)  # fixed positions: no physics
    data = _data(view, tmp_path)
    edges, first = data["edges"], data["firstEdges"]
    assert first == 60 < len(edges)
    assert len({e["id"] for e in edges}) == len(edges) == sum(1 for _ in network._merged_edges(view.graph))
    head, rest = edges[:first], edges[first:]
    structure = [e for e in edges if e["t"] != "cites"]
    assert len(structure) < first and head[:len(structure)] == structure
    assert min(e["n"] for e in head if e["t"] == "cites") >= max(e["n"] for e in rest)


def test_a_big_page_adds_the_other_edges_after_its_first_frame(seeds_nx, tmp_path, monkeypatch, page):
    """In Chromium: the first frame has ``firstEdges`` edges in vis's DataSet; when the page is
    ready it has all of them, and a filter applied then hides citations added late too."""
    from policykg.viz import network

    monkeypatch.setattr(network, "FIRST_EDGES", 60)
    path = V.map_view(seeds_nx).write(tmp_path / "map.html")
    data = page_data(path.read_text(encoding="utf-8"))
    page.goto(path.as_uri())
    page.wait_for_function("window.policykg && window.policykg.ready === true", timeout=60000)
    assert page.evaluate("window.policykg.firstEdges") == 60
    assert page.evaluate("window.policykg.edges.length") == len(data["edges"])
    page.evaluate("window.policykg.setFilter('type', 'Law', false)")
    hidden = page.evaluate("window.policykg.edges.get({filter: function (e) { return e.hidden; }}).length")
    laws = {n["id"] for n in data["nodes"] if n["ptype"] == "Law"}
    assert hidden == sum(1 for e in data["edges"] if e["from"] in laws or e["to"] in laws)
    assert page.errors == []


def test_a_big_region_law_page_does_not_grow_with_its_reports(grown, beibei, tmp_path):
    """Past max_reports the region ↔ law edges carry counts, roles and years (no names, no
    sentences) and every region and law links to its own view, which lists them: twice the
    reports in the same places give the same edges and (but for the counts) the same bytes."""
    pages = []
    for G in grown:
        view = V.region_law(G, max_reports=2)
        data = _data(view, tmp_path)
        cited = [e for e in data["edges"] if e["t"] == "cites"]
        assert cited and all("ev" not in e and "tip" not in e and e["n"] >= 1 for e in cited)
        assert sum(e["n"] for e in cited) == sum(citation_count(d) * len(regions)
                                                 for r, regions in V.report_regions(G).items()
                                                 for _, _, d in G.out_edges(r, data=True) if d.get("type") == "cites")
        region = next(n for n in data["nodes"] if n.get("iri") == beibei)
        assert region["expand"] == f"region.html#{beibei}"
        assert all(n["expand"] == f"law.html#{n['iri']}" for n in data["nodes"] if n["ptype"] == "Law")
        pages.append(data)
    small, big = pages
    assert len(small["edges"]) == len(big["edges"])
    assert abs(_size(big) - _size(small)) < 2000  # the citation counts and edge widths of one region


def test_a_small_region_law_page_keeps_names_and_sentences(seeds_nx, tmp_path):
    data = _data(V.region_law(seeds_nx), tmp_path)
    assert any(e.get("ev") for e in data["edges"]) and not any(n.get("expand") for n in data["nodes"])


def test_a_big_site_groups_its_reports_by_region_once(seeds_nx, tmp_path, monkeypatch):
    """The overview, the map, the law view and the law picker's scripts share one grouping."""
    calls = []
    group = V.group_reports
    monkeypatch.setattr(V, "OVERVIEW_MAX_REPORTS", 2)
    monkeypatch.setattr(V, "group_reports", lambda G: calls.append(1) or group(G))
    written = V.write_views(seeds_nx, tmp_path, diffusion=False, workers=1)
    assert len(calls) == 1
    assert "by region" in dict((v.name, v) for v, _ in written)["overview"].title


def test_a_law_cited_by_many_reports_draws_them_by_region(grown, beibei, tmp_path):
    """Past HUB_MAX_REPORTS citing reports, a law's page has one node per region (expanding to
    that region's view): twice the reports give the same nodes and edges."""
    pages = []
    for G in grown:
        law = max(V.law_citation_counts(G).items(), key=lambda x: x[1])[0]
        citing = [u for u, _, t in G.in_edges(law, data="type") if t == "cites"]
        assert len(citing) > V.HUB_MAX_REPORTS
        view = V.law_focus(G, law)
        assert "grouped by region" in view.title and not set(citing) & set(view.graph)
        data = _data(view, tmp_path)
        assert f"region.html#{beibei}" in {n.get("expand") for n in data["nodes"]}
        pages.append(data)
    small, big = pages
    assert (len(small["nodes"]), len(small["edges"])) == (len(big["nodes"]), len(big["edges"]))
