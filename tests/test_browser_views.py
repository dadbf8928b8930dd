"""Every view of the seeds graph in a real headless Chromium: drawn, the expected nodes in vis's
DataSet, filters hide what they should, the search box focuses a node, clicking a report (or a
region) opens its citations panel, and no console or page error.

A screenshot of each view goes to $POLICYKG_SCREENSHOTS/<view>.png when that is set (the PNGs
in docs/screenshots/ were made so), otherwise to pytest's tmp_path.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from page_helpers import SELECTED_IRIS
from policykg.viz import views as V

BEIBEI = "北碚区"
CRBFZ = "中华人民共和国传染病防治法"

#: nodes each view must show, by label or alias; the focus views get theirs from the view
EXPECTED = {
    "overview": [BEIBEI, CRBFZ, "重庆市北碚区卫生健康委员会 2021"],
    "region-law": [BEIBEI, CRBFZ, "无锡市"],
    "region": [],
    "agency": [],
    "law": [],
    "map": [BEIBEI, "无锡市", "北京市", CRBFZ],
}


@pytest.fixture(scope="module")
def view_pages(seeds_nx, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser_views")
    return {v.name: (v, p) for v, p in V.write_views(seeds_nx, out)}


def screenshot_path(tmp_path: Path, name: str) -> Path:
    folder = os.environ.get("POLICYKG_SCREENSHOTS")
    base = Path(folder) if folder else tmp_path
    base.mkdir(parents=True, exist_ok=True)
    return base / f"{name}.png"


JS_VISIBLE = "() => window.policykg.nodes.get({filter: function (n) { return !n.hidden; }}).length"
JS_NODES = """() => { var d = window.policykg.data, byId = {};
  d.nodes.forEach(function (n) { byId[n.id] = n; });
  return window.policykg.nodes.get().map(function (n) { var x = byId[n.id];
    return {id: n.id, label: n.label, names: [x.full || x.label].concat(x.aliases || []), type: x.ptype,
            lv: x.lv === undefined ? null : x.lv, yr: x.yr || [], ro: x.ro || []}; }); }"""


def click_node(page, node_id: int) -> None:
    """Bring the node to the middle of the canvas and click it with the mouse."""
    page.evaluate("id => window.policykg.network.focus(id, {scale: 1.6})", node_id)
    xy = page.evaluate("""id => { var net = window.policykg.network;
        var p = net.canvasToDOM(net.getPositions([id])[id]);
        var r = document.getElementById('network').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""", node_id)
    page.mouse.click(xy[0], xy[1])


@pytest.mark.parametrize("name", V.VIEWS)
def test_view_in_chromium(page, view_pages, seeds_nx, tmp_path, name):
    view, path = view_pages[name]
    page.goto(path.as_uri() + "?lang=en")  # the English interface (Chinese by default: tests/test_reading_pages.py)
    page.wait_for_function("window.policykg && window.policykg.ready === true", timeout=20000)
    assert page.evaluate("window.policykg.drawn") is True
    assert page.title() == view.title

    # the expected nodes are in vis's DataSet
    nodes = page.evaluate(JS_NODES)
    assert len(nodes) == view.graph.number_of_nodes()
    names = {s for n in nodes for s in n["names"]}
    expected = list(EXPECTED[name])
    if view.focus is not None:
        expected.append(seeds_nx.nodes[view.focus]["label"])
    for label in expected:
        assert label in names, (name, label)
    total = len(nodes)
    assert page.evaluate(JS_VISIBLE) == total

    # click a report (a region in the region-law view, which has no reports): its citations panel
    kind = "Region" if name == "region-law" else "Report"
    data_edges = page.evaluate("window.policykg.data.edges")
    cited = {}
    for e in data_edges:
        if e["t"] == "cites":
            cited.setdefault(e["from"], []).append(e)
    target = next(n for n in sorted(nodes, key=lambda n: -len(cited.get(n["id"], []))) if n["type"] == kind)
    assert cited.get(target["id"]), "the clicked node cites something"
    click_node(page, target["id"])
    page.wait_for_function(f"document.getElementById('panel').getAttribute('data-node') === '{target['id']}'"
                           " && !document.getElementById('panel').hidden", timeout=5000)
    panel = page.inner_text("#panel")
    assert f"Citations ({len(cited[target['id']])})" in panel
    by_id = {n["id"]: n for n in nodes}
    first = cited[target["id"]][0]
    assert by_id[first["to"]]["label"].rstrip("…") in panel  # a cited law
    assert first["ro"][0] in panel  # its role
    assert first["ev"][0]["x"][:20] in panel  # and an evidence sentence
    assert page.locator("#panel li.citation").count() == len(cited[target["id"]])

    # the picture shows the graph, not the reports' sentences in the panel (they stay in ../shared)
    page.click("#panel-close")
    assert page.locator("#panel").is_hidden()
    box = page.locator("#network").bounding_box()
    page.mouse.move(box["x"] + 3, box["y"] + box["height"] - 3)  # off the nodes: no tooltip in the picture
    page.mouse.move(box["x"] + 4, box["y"] + box["height"] - 4)
    page.evaluate("window.policykg.network.fit()")
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot_path(tmp_path, name)))

    # filters: untick a law level, the laws of that level disappear (and nothing else)
    levels = sorted({n["lv"] for n in nodes if n["lv"]}, key=lambda lv: -sum(1 for n in nodes if n["lv"] == lv))
    level = levels[0]
    n_level = sum(1 for n in nodes if n["lv"] == level)
    page.click(f'input.filter[data-facet="level"][data-value="{level}"]')
    assert page.evaluate(JS_VISIBLE) == total - n_level
    assert page.evaluate("window.policykg.visible.nodes") == total - n_level
    assert str(total - n_level) in page.inner_text("#status")
    page.click(f'input.filter[data-facet="level"][data-value="{level}"]')
    assert page.evaluate(JS_VISIBLE) == total
    # type filter
    n_laws = sum(1 for n in nodes if n["type"] == "Law")
    page.click('input.filter[data-facet="type"][data-value="Law"]')
    assert page.evaluate(JS_VISIBLE) == total - n_laws
    page.click('input.filter[data-facet="type"][data-value="Law"]')
    # year filter: untick every year but one; nodes of other years only are hidden
    years = sorted({y for n in nodes for y in n["yr"]})
    if len(years) > 1:
        keep = years[0]
        page.click('fieldset[data-facet="year"] button[data-set="none"]')
        page.click(f'input.filter[data-facet="year"][data-value="{keep}"]')
        want = sum(1 for n in nodes if not n["yr"] or keep in n["yr"])
        assert page.evaluate(JS_VISIBLE) == want < total
        page.click('fieldset[data-facet="year"] button[data-set="all"]')
        assert page.evaluate(JS_VISIBLE) == total
    # role filter: untick one role; nodes citing only with it are hidden, and its edges
    roles = sorted({r for n in nodes for r in n["ro"]})
    role = roles[0]
    want = sum(1 for n in nodes if not n["ro"] or set(n["ro"]) - {role})
    page.click(f'input.filter[data-facet="role"][data-value="{role}"]')
    assert page.evaluate(JS_VISIBLE) == want
    hidden_edges = page.evaluate("window.policykg.edges.get({filter: function (e) { return e.hidden; }}).length")
    assert hidden_edges >= sum(1 for e in data_edges if e.get("ro") == [role])
    page.click(f'input.filter[data-facet="role"][data-value="{role}"]')
    assert page.evaluate(JS_VISIBLE) == total

    # search: by alias, the node is selected, focused (centred) and its panel shown
    if name == "law":
        query = "宪法" if "宪法" in names else seeds_nx.nodes[view.focus]["label"]
    elif name in ("region", "agency"):
        query = CRBFZ if CRBFZ in names else next(n["names"][0] for n in nodes if n["type"] == "Law")
    else:
        query = BEIBEI
    hit = next(n for n in nodes if query in n["names"])
    page.evaluate("window.policykg.network.moveTo({position: {x: 5000, y: 5000}, scale: 0.5})")
    page.fill("#search", query)
    page.press("#search", "Enter")
    page.wait_for_function("""id => { var net = window.policykg.network, p = net.getPositions([id])[id],
        v = net.getViewPosition(); return Math.abs(p.x - v.x) < 2 && Math.abs(p.y - v.y) < 2; }""",
                           arg=hit["id"], timeout=5000)
    assert page.evaluate("window.policykg.network.getSelectedNodes()") == [hit["id"]]
    assert page.get_attribute("#panel", "data-node") == str(hit["id"])
    assert "1 / " in page.inner_text("#status")

    assert page.errors == []


def test_page_focuses_the_node_named_in_the_url_hash(page, view_pages, seeds_nx):
    """view.html#IRI (how `policykg serve`'s entity pages link into the graph) selects and centres
    that node and opens its panel, on load and when the hash changes, even if a filter hid it."""
    from urllib.parse import quote

    view, path = view_pages["overview"]
    region = V.find_node(seeds_nx, BEIBEI, ("Region",))
    law = V.find_node(seeds_nx, CRBFZ, ("Law",))
    page.goto(path.as_uri() + "?lang=en#" + quote(region, safe=""))
    page.wait_for_function("window.policykg && window.policykg.ready === true", timeout=20000)
    assert page.evaluate(SELECTED_IRIS) == [region]
    assert page.inner_text("#panel-title").endswith(BEIBEI)
    # a law hidden by the type filter: the hash shows it again
    page.click('input.filter[data-facet="type"][data-value="Law"]')
    page.evaluate("h => { location.hash = h; }", quote(law, safe=""))
    page.wait_for_function("t => document.getElementById('panel-title').textContent === t",
                           arg=CRBFZ, timeout=5000)
    assert page.evaluate(SELECTED_IRIS) == [law]
    assert page.is_checked('input.filter[data-facet="type"][data-value="Law"]')
    # an IRI the page does not hold is said so, not thrown
    page.evaluate("() => { location.hash = 'https://w3id.org/policykg/id/nothing'; }")
    page.wait_for_function("document.getElementById('status').textContent.indexOf('no node') >= 0", timeout=5000)
    assert page.errors == []


def _hover(page, canvas_xy) -> str:
    """Move the mouse to a canvas point and return the text of the tooltip vis shows there."""
    box = page.locator("#network").bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    page.mouse.move(box["x"] + canvas_xy["x"], box["y"] + canvas_xy["y"], steps=4)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    return page.inner_text("div.vis-tooltip")


def test_tooltips_show_names_and_evidence(page, view_pages, seeds_nx):
    """Hovering a law shows its label, aliases and IRI; hovering a citation edge its role and the
    evidence sentence with offsets (the tooltips are built when the pointer enters, from the data)."""
    view, path = view_pages["law"]
    page.goto(path.as_uri())
    page.wait_for_function("window.policykg && window.policykg.ready === true", timeout=20000)
    law = view.focus
    d = seeds_nx.nodes[law]
    law_id = page.evaluate("iri => window.policykg.data.nodes.filter(function (n) { return n.iri === iri; })[0].id", law)
    page.evaluate("id => window.policykg.network.focus(id, {scale: 1.0})", law_id)
    xy = page.evaluate("id => { var net = window.policykg.network; return net.canvasToDOM(net.getPositions([id])[id]); }",
                       law_id)
    text = _hover(page, xy)
    assert d["label"] in text and law in text
    assert all(a in text for a in d["aliases"][:3] if a != d["label"])

    # a citation edge, drawn straight so that its midpoint is on it
    page.evaluate("window.policykg.network.setOptions({edges: {smooth: false}})")
    edge = page.evaluate("""() => { var api = window.policykg, net = api.network;
        return api.data.edges.filter(function (e) { return e.t === 'cites' && e.ev; }).map(function (e) {
          var p = net.getPositions([e.from, e.to]);
          var m = net.canvasToDOM({x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2});
          return {id: e.id, x: m.x, y: m.y, ev: e.ev[0], role: e.ro[0],
                  clear: net.getNodeAt(m) === undefined && net.getEdgeAt(m) === e.id}; })
          .filter(function (e) { return e.clear; })[0]; }""")
    assert edge, "a citation edge whose midpoint is free of other items"
    page.evaluate("window.policykg.network.unselectAll()")
    text = _hover(page, edge)
    assert text.startswith("cites") and edge["role"] in text
    assert f"[{edge['ev']['s']}–{edge['ev']['e']}]" in text and edge["ev"]["x"][:20] in text
    assert page.errors == []
