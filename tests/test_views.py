"""The views of the seeds graph (no browser): what each view holds, and that it is checked
against the RDF; escaping of document text; the `policykg viz` command."""
from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from click.testing import CliRunner

from page_helpers import EXTERNAL, page_data
from policykg.graph.analytics import report_regions
from policykg.viz import views as V
from policykg.viz.style import LEVEL_COLORS, ROLE_COLORS

EVIL = "</script><img src=x onerror=alert(1)>"
PK = "https://w3id.org/policykg/ontology#"
BEIBEI = "北碚区"
CRBFZ = "中华人民共和国传染病防治法"


def names(node: dict) -> set[str]:
    return {node["label"], node.get("full", node["label"]), *node.get("aliases", [])}


def node_named(data: dict, name: str) -> dict:
    hits = [n for n in data["nodes"] if name in names(n)]
    assert len(hits) == 1, (name, [n["label"] for n in hits])
    return hits[0]


@pytest.fixture(scope="module")
def rdf(seeds_rdf):
    return seeds_rdf


@pytest.fixture(scope="module")
def G(seeds_nx):
    return seeds_nx


@pytest.fixture(scope="module")
def pages(G, tmp_path_factory):
    out = tmp_path_factory.mktemp("views")
    written = V.write_views(G, out)
    return {v.name: (v, p, p.read_text(encoding="utf-8")) for v, p in written}


def by_label(G, label, typ):
    hits = [n for n, d in G.nodes(data=True) if d.get("type") == typ and label in [d["label"], *d["aliases"]]]
    assert len(hits) == 1, hits
    return hits[0]


# --------------------------------------------------------------------------- every view

def test_all_views_are_written_offline_with_title_legend_and_filters(pages):
    assert set(pages) == set(V.VIEWS)
    for name, (view, path, html) in pages.items():
        assert path.name == f"{name}.html"
        assert not EXTERNAL.search(html) and "//cdn" not in html and "cdnjs" not in html
        assert f'<body data-view="{name}">' in html
        assert re.search(r'<h1 id="page-title"[^>]*>[^<]{10,}</h1>', html)
        assert 'id="legend"' in html and 'data-facet="type"' in html  # the node-type legend / filter
        assert html.lower().count("</script") == 4
        data = page_data(html)
        assert data["nodes"] and data["edges"] and data["facets"]["type"]
        # the filter groups are built from the values present in the view
        present_levels = {n["lv"] for n in data["nodes"] if "lv" in n}
        assert {x["value"] for x in data["facets"]["level"]} == present_levels
        assert {x["value"] for x in data["facets"]["role"]} == {r for e in data["edges"] for r in e.get("ro", [])}
        for f in data["facets"]["level"]:
            assert f'data-facet="level" data-value="{f["value"]}"' in html


def test_index_links_every_view(pages):
    _, path, _ = pages["overview"]
    index = (path.parent / "index.html").read_text(encoding="utf-8")
    for name in V.VIEWS:
        assert f'href="{name}.html"' in index
    assert not EXTERNAL.search(index)
    # each page links its siblings
    assert 'href="law.html"' in pages["map"][2] and 'href="index.html"' in pages["map"][2]


def test_overview_sizes_follow_pagerank(G, pages):
    view, _, html = pages["overview"]
    data = page_data(html)
    assert len(data["nodes"]) == G.number_of_nodes()
    pr = V.pagerank(G)
    assert pr == V.pagerank(G.copy())  # deterministic
    top = max(pr, key=pr.get)
    size = {n["iri"]: n["size"] for n in data["nodes"]}
    assert size[top] == max(size.values())
    low = min(pr, key=pr.get)
    assert size[low] < size[top]


def test_region_law_view(G, rdf, pages):
    view, _, html = pages["region-law"]
    data = page_data(html)
    beibei, law = node_named(data, BEIBEI), node_named(data, CRBFZ)
    assert beibei["ptype"] == "Region" and law["ptype"] == "Law" and law["lv"] == "法律"
    edge = [e for e in data["edges"] if e["from"] == beibei["id"] and e["to"] == law["id"]]
    assert len(edge) == 1 and edge[0]["t"] == "cites"
    # its citations, per the RDF: citations of the law in reports whose agency is in 北碚区
    q = f"""SELECT (COUNT(?c) AS ?n) WHERE {{
        ?r <{PK}hasCitation> ?c . ?c <{PK}citedLaw> ?law . ?law <http://www.w3.org/2004/02/skos/core#prefLabel> ?l .
        ?r <{PK}issuedBy>/<{PK}locatedIn> ?reg . ?reg <http://www.w3.org/2004/02/skos/core#prefLabel> ?rl .
        FILTER(STR(?l) = "{CRBFZ}" && STR(?rl) = "{BEIBEI}") }}"""
    n = int(next(iter(rdf.query(q)))[0])
    assert n >= 1 and edge[0]["tip"][0][1].startswith(f"cites — {n} citation")
    # bipartite: cites edges go from a region (or an unplaced report's agency) to a law
    types = {d["id"]: d["ptype"] for d in data["nodes"]}
    for e in data["edges"]:
        if e["t"] == "cites":
            assert types[e["from"]] in ("Region", "Agency") and types[e["to"]] == "Law"
    # width grows with the number of citations; laws are coloured by level
    cites = view.graph.edges(data=True)
    widths = sorted((d["citations"], d["_width"]) for _, _, d in cites if d["type"] == "cites")
    assert [w for _, w in widths] == sorted(w for _, w in widths) and widths[-1][1] > widths[0][1]
    assert law["color"]["background"] == LEVEL_COLORS["法律"]
    assert all(x.get("color") for x in data["facets"]["level"])


def _regions_citing(rdf, law_iri: str) -> set[str]:
    q = f"""SELECT DISTINCT ?reg WHERE {{ ?r <{PK}hasCitation>/<{PK}citedLaw> <{law_iri}> .
            ?r <{PK}issuedBy>/<{PK}locatedIn> ?reg }}"""
    return {str(row[0]) for row in rdf.query(q)}


def _reports_citing(rdf, law_iri: str) -> set[str]:
    q = f"SELECT DISTINCT ?r WHERE {{ ?r <{PK}hasCitation>/<{PK}citedLaw> <{law_iri}> }}"
    return {str(row[0]) for row in rdf.query(q)}


def test_law_view_has_exactly_the_citing_regions_and_reports(G, rdf):
    laws = [n for n, t in G.nodes(data="type") if t == "Law"]
    assert len(laws) > 20
    for law in laws:
        view = V.law_focus(G, law)
        H = view.graph
        regions = {n for n, t in H.nodes(data="type") if t == "Region"}
        reports = {n for n, t in H.nodes(data="type") if t == "Report"}
        assert regions == _regions_citing(rdf, law), G.nodes[law]["label"]
        assert reports == _reports_citing(rdf, law), G.nodes[law]["label"]
        assert view.focus == law
        # one edge per citation role, each with that one role
        for u, v, d in H.edges(data=True):
            if d["type"] == "cites":
                assert v == law and d["_roles"] == d["roles"] and len(d["roles"]) == 1


def test_law_view_edges_coloured_by_role(G, tmp_path):
    law = by_label(G, CRBFZ, "Law")
    view = V.law_focus(G, law)
    data = page_data(view.write(tmp_path / "law.html").read_text(encoding="utf-8"))
    cites = [e for e in data["edges"] if e["t"] == "cites"]
    assert {e["ro"][0] for e in cites} == set(G.edges[next(iter(G.in_edges(law)))[0], law, "cites"]["roles"])
    for e in cites:
        assert e["color"] == ROLE_COLORS[e["ro"][0]]
        assert all(x["r"] == e["ro"][0] for x in e.get("ev", []))
    assert {x["value"]: x["color"] for x in data["facets"]["role"]} == {r: ROLE_COLORS[r] for r in
                                                                       {e["ro"][0] for e in cites}}
    assert node_named(data, BEIBEI)["ptype"] == "Region"


def test_region_view(G, pages):
    beibei = by_label(G, BEIBEI, "Region")
    view = V.region_focus(G, beibei)
    H = view.graph
    reports = {r for r, regs in report_regions(G, unplaced=False).items() if beibei in regs}
    assert reports and reports <= set(H)
    assert {n for n, t in H.nodes(data="type") if t == "Report"} == reports
    # everything the reports cite is there, and the reports are grouped by year nodes
    cited = {v for r in reports for _, v, t in G.out_edges(r, data="type") if t == "cites"}
    assert cited <= set(H) and by_label(G, CRBFZ, "Law") in cited
    years = {G.nodes[r]["year"] for r in reports}
    assert {d["year"] for _, d in H.nodes(data=True) if d["type"] == "Year"} == years
    assert "北碚区" in view.title or "重庆市北碚区" in view.title
    # the default region is the one whose reports cite most
    default = pages["region"][0]
    counts = V.region_citations(G)
    assert counts[default.focus] == max(c for n, c in counts.items() if G.nodes[n]["type"] == "Region")


def test_agency_view(G):
    agency = V.find_node(G, "北碚区卫生健康委", ("Agency",))
    view = V.make_view(G, "region", agency="北碚区卫生健康委")
    assert view.name == "agency" and view.focus == agency
    reports = {u for u, v, t in G.in_edges(agency, data="type") if t == "issued_by"}
    assert reports and reports <= set(view.graph)


def test_map_positions_follow_lon_lat(G, pages):
    view, _, html = pages["map"]
    data = page_data(html)
    assert data["options"]["physics"] == {"enabled": False}
    assert all("x" in n and "y" in n and n["physics"] is False for n in data["nodes"])
    assert data["map"]["kx"] > 0 and data["map"]["ky"] > 0
    H = view.graph
    placed = [(n, d) for n, d in H.nodes(data=True) if d["type"] == "Region" and "lat" in d and "_note" not in d]
    assert len(placed) >= 15
    checked = 0
    for i, (a, da) in enumerate(placed):
        for b, db in placed[i + 1:]:
            if abs(da["lon"] - db["lon"]) > 0.3:
                assert (da["_x"] < db["_x"]) == (da["lon"] < db["lon"]), (da["label"], db["label"])
                checked += 1
            if abs(da["lat"] - db["lat"]) > 0.3:
                assert (da["_y"] < db["_y"]) == (da["lat"] > db["lat"]), (da["label"], db["label"])  # north is up
    assert checked > 50
    # close to the projection: x = (lon - lon0)·kx, y = -(lat - lat0)·ky, give or take a nudge
    m = data["map"]
    for _, d in placed:
        assert abs(d["_x"] - (d["lon"] - m["lon0"]) * m["kx"]) < 60
        assert abs(d["_y"] + (d["lat"] - m["lat0"]) * m["ky"]) < 60
    # every report sits near its region
    for u, v, t in H.edges(data="type"):
        if t == "in_region":
            assert abs(H.nodes[u]["_x"] - H.nodes[v]["_x"]) < 200 and abs(H.nodes[u]["_y"] - H.nodes[v]["_y"]) < 200


def test_views_are_deterministic(G, tmp_path):
    for name in V.VIEWS:
        a = V.make_view(G, name).write(tmp_path / f"a-{name}.html").read_bytes()
        b = V.make_view(G.copy(), name).write(tmp_path / f"b-{name}.html").read_bytes()
        assert a == b, name


# --------------------------------------------------------------------------- names

def test_find_node_by_label_alias_code_and_errors(G):
    beibei = by_label(G, BEIBEI, "Region")
    assert V.find_node(G, "北碚区", ("Region",)) == beibei
    assert V.find_node(G, "重庆市北碚区", ("Region",)) == beibei
    assert V.find_node(G, G.nodes[beibei]["code"], ("Region",)) == beibei
    assert V.find_node(G, "传染病防治法", ("Law",)) == by_label(G, CRBFZ, "Law")
    with pytest.raises(V.ViewError, match=r"ambiguous.*370103.*370402"):
        V.find_node(G, "市中区", ("Region",))
    with pytest.raises(V.ViewError, match=r"no region named '北培'.*close matches: .*北碚区"):
        V.find_node(G, "北培", ("Region",))
    with pytest.raises(V.ViewError, match=r"close matches: .*传染病防治法"):
        V.find_node(G, "传染病防制法", ("Law",))


# --------------------------------------------------------------------------- escaping

def evil_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    B = "https://w3id.org/policykg/id/"
    G.add_node(B + "region/1", type="Region", label=EVIL, aliases=[EVIL + "区"], code="1", lat=30.0, lon=110.0)
    G.add_node(B + "region/2", type="Region", label="乙区", aliases=[], code="2", lat=31.0, lon=112.0)
    G.add_node(B + "agency/a", type="Agency", label="甲" + EVIL, aliases=[EVIL])
    G.add_node(B + "agency/b", type="Agency", label="乙局", aliases=[])
    G.add_node(B + "law/x", type="Law", label="《" + EVIL + "》", aliases=[EVIL], level=EVIL)
    G.add_node(B + "report/r", type="Report", label=EVIL + " 2021", aliases=[], year=2021, source=EVIL)
    G.add_node(B + "report/s", type="Report", label="乙 2022", aliases=[], year=2022, source="s.txt")
    G.add_edge(B + "report/r", B + "agency/a", key="issued_by", type="issued_by", weight=1)
    G.add_edge(B + "report/s", B + "agency/b", key="issued_by", type="issued_by", weight=1)
    G.add_edge(B + "agency/a", B + "region/1", key="located_in", type="located_in", weight=1)
    G.add_edge(B + "agency/b", B + "region/2", key="located_in", type="located_in", weight=1)
    for r in ("report/r", "report/s"):
        G.add_edge(B + r, B + "law/x", key="cites", type="cites", weight=1, citations=1, roles=[EVIL, "其他"],
                   evidence=[{"text": f"依据{EVIL}\u2028开展", "start": 1, "end": 9, "role": EVIL}])
    return G


def test_document_text_appears_only_as_text_in_every_view(tmp_path):
    G = evil_graph()
    written = V.write_views(G, tmp_path, title=EVIL)
    assert len(written) == len(V.VIEWS)
    for view, path in written:
        html = path.read_text(encoding="utf-8")
        assert "<img src=x" not in html and "onerror=alert(1)>" not in html, view.name
        assert html.lower().count("</script") == 4, view.name  # the page's own four, none injected
        block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S).group(1)
        assert "<" not in block and "\u2028" not in block
        data = json.loads(block)
        assert any(EVIL in names(n) or any(EVIL in s for s in names(n)) for n in data["nodes"]), view.name
        assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html  # the title, escaped
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in index and "&lt;img src=x" in index
    # the role and level values from the document are escaped in the filter checkboxes too
    law_html = (tmp_path / "law.html").read_text(encoding="utf-8")
    assert 'data-value="&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"' in law_html


# --------------------------------------------------------------------------- the command

def test_cli_viz_all_and_single_views(seeds_build, tmp_path):
    from policykg.cli import cli as main

    runner = CliRunner()
    out = tmp_path / "views"
    r = runner.invoke(main, ["viz", str(seeds_build), "-o", str(out)])
    assert r.exit_code == 0, r.output
    # each view, the index, the diffusion map and the scripts of what the
    # region, agency and law views can pick (this build folder has no texts, so no reading pages)
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{v}.html" for v in V.VIEWS] + ["index.html"]
                                                           + ["diffusion.html"] + list(V.PICKERS))
    assert 'href="diffusion.html"' in (out / "index.html").read_text(encoding="utf-8")
    r = runner.invoke(main, ["viz", str(seeds_build), "-o", str(tmp_path / "l.html"), "--view", "law",
                             "--law", "传染病防治法", "--title", "T"])
    assert r.exit_code == 0, r.output
    data = page_data((tmp_path / "l.html").read_text(encoding="utf-8"))
    assert data["title"] == "T" and node_named(data, CRBFZ).get("focus") is True
    r = runner.invoke(main, ["viz", str(seeds_build), "-o", str(tmp_path / "one"), "--view", "region",
                             "--region", "重庆市北碚区"])
    assert r.exit_code == 0 and (tmp_path / "one" / "region.html").exists()
    # an .html OUT without --view: the overview, as before
    r = runner.invoke(main, ["viz", str(seeds_build), "-o", str(tmp_path / "o.html")])
    assert r.exit_code == 0 and page_data((tmp_path / "o.html").read_text(encoding="utf-8"))["view"] == "overview"


@pytest.mark.parametrize("args, message", [
    (["--view", "law", "--law", "传染病防制法"], "close matches"),
    (["--view", "region", "--region", "北培"], "北碚区"),
    (["--view", "region", "--region", "市中区"], "ambiguous"),
    (["--law", "没有这部法"], "no law named"),
])
def test_cli_unknown_names_are_clear_errors(seeds_build, tmp_path, args, message):
    from policykg.cli import cli as main

    out = tmp_path / "x"
    r = CliRunner().invoke(main, ["viz", str(seeds_build), "-o", str(out), *args])
    assert r.exit_code != 0 and message in r.output and "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert not out.exists()  # nothing written when a name is wrong


def test_a_big_corpus_overview_draws_reports_by_region(G, tmp_path):
    """Past max_reports, one node per region stands for its reports; citations add up, the
    years stay on the nodes and edges, sentences still name their report, and the group links
    to the view that lists its reports."""
    from policykg.graph.analytics import citation_count, cites

    places = {regions[0] for regions in report_regions(G).values()}
    view = V.overview(G, max_reports=2)
    H = view.graph
    drawn = [n for n, t in H.nodes(data="type") if t == "Report"]
    assert len(drawn) == len(places) and all(n.startswith("group:") for n in drawn)
    assert sum(citation_count(d) for _, _, d in cites(H)) == sum(citation_count(d) for _, _, d in cites(G))
    assert sorted({y for n in drawn for y in H.nodes[n]["_years"]}) == \
        sorted({d["year"] for _, d in G.nodes(data=True) if d.get("type") == "Report" and d.get("year")})
    assert "reports by region" in view.title
    data = page_data(view.write(tmp_path / "overview.html").read_text(encoding="utf-8"))
    groups = [n for n in data["nodes"] if n.get("expand")]
    assert groups and all("iri" not in n and "tip" not in n and n["yr"] for n in groups)
    assert {n["expand"].split("#")[0] for n in groups} <= {"region.html", "agency.html"}
    cited = [e for e in data["edges"] if e["t"] == "cites"]
    assert cited and all(e["n"] >= 1 and "tip" not in e and "ev" not in e for e in cited)  # sentences: one click away
    assert not {e["t"] for e in data["edges"]} - set(V.GROUP_EDGES)
    assert len(V.overview(G).graph) == len(G)  # a small corpus keeps one node per report
    mapped = V.map_view(G, max_reports=2).graph
    assert sorted(n for n, t in mapped.nodes(data="type") if t == "Report") == sorted(drawn)
