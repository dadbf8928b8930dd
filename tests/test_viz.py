"""The offline graph page: self-contained, escaped, legend, tooltips, large-graph layout."""
from __future__ import annotations

import re
import time

import networkx as nx
import pytest

from page_helpers import EXTERNAL, page_data
from policykg.viz.layout import layout
from policykg.viz.network import PHYSICS_LIMIT
from policykg.viz.page import default_title, write_graph_page

SCRIPT_BREAK = "</script><script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
EVIDENCE = "依据《中华人民共和国传染病防治法》开展执法检查320户次。"


@pytest.fixture
def small_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node("https://w3id.org/policykg/report/suzhou-2022", type="Report",
               label="苏州市卫生健康委员会2022年法治政府建设情况报告", year=2022)
    G.add_node("https://w3id.org/policykg/agency/suzhou-wjw", type="Agency", label="苏州市卫生健康委员会",
               aliases=["苏州市卫健委", "市卫生健康委"])
    G.add_node("https://w3id.org/policykg/law/crbfz", type="Law", label="中华人民共和国传染病防治法",
               level="法律", aliases=["传染病防治法"])
    G.add_node("https://w3id.org/policykg/law/evil", type="Law", label=SCRIPT_BREAK, aliases=[IMG], level=IMG)
    G.add_node("https://w3id.org/policykg/region/320500", type="Region", label="苏州市", code="320500",
               lat=31.3, lon=120.6)
    G.add_node("https://w3id.org/policykg/program/sgsz", type="Program", label="“三项制度”")
    r, a = "https://w3id.org/policykg/report/suzhou-2022", "https://w3id.org/policykg/agency/suzhou-wjw"
    law, evil = "https://w3id.org/policykg/law/crbfz", "https://w3id.org/policykg/law/evil"
    G.add_edge(r, a, type="issued_by", weight=1)
    G.add_edge(a, "https://w3id.org/policykg/region/320500", type="located_in", weight=1)
    G.add_edge(r, "https://w3id.org/policykg/program/sgsz", type="mentions_program", weight=1)
    # two parallel cites edges: merged for display, evidence of both kept
    G.add_edge(r, law, type="cites", weight=1, citations=1, roles=["enforcement"],
               evidence=[{"text": EVIDENCE, "start": 812, "end": 840, "role": "enforcement"}])
    G.add_edge(r, law, type="cites", weight=1, citations=1, roles=["study"],
               evidence=[{"text": "组织学习《传染病防治法》。", "start": 120, "end": 133, "role": "study"}])
    G.add_edge(r, evil, type="cites", weight=1, citations=1, roles=[IMG],
               evidence=[{"text": f"见{SCRIPT_BREAK}和{IMG}\u2028下一行", "start": 1, "end": 9, "role": IMG}])
    return G


@pytest.fixture
def page(small_graph, tmp_path):
    out = write_graph_page(small_graph, tmp_path / "sub" / "g.html", title="示例 <b>标题</b>",
                           description="描述 & <i>说明</i>")
    return out, out.read_text(encoding="utf-8")


def test_page_is_written_utf8_and_self_contained(page):
    path, html = page
    assert path.exists() and path.name == "g.html"
    assert '<meta charset="utf-8">' in html
    assert not EXTERNAL.search(html)
    assert not re.search(r"@import\s+url\(\s*[\"']?(?:https?:)?//", html, re.I)
    assert "//cdn" not in html and "cdnjs" not in html and "bootstrap" not in html.lower()
    assert "vis.Network" in html and "vis-network" in html  # the library is inlined


def test_title_description_and_legend(page, small_graph):
    _, html = page
    assert re.search(r'<h1 id="page-title"[^>]*>示例 &lt;b&gt;标题&lt;/b&gt;</h1>', html)
    assert "描述 &amp; &lt;i&gt;说明&lt;/i&gt;" in html
    legend = re.search(r'<ul id="legend".*?</ul>', html, re.S).group(0)
    from policykg.viz.i18n import ontology_labels

    for t, n in (("Report", 1), ("Agency", 1), ("Law", 2), ("Region", 1), ("Program", 1)):
        zh, en = ontology_labels()[t]  # the ontology's names, Chinese shown, English on the switch
        assert f'data-type="{t}"' in legend and f'data-en="{en}">{zh}</span> ({n})' in legend
    assert legend.count('class="filter type-filter"') == 5


def test_document_text_cannot_break_out(page):
    _, html = page
    assert "<img src=x" not in html
    assert "onerror=alert(1)>" not in html
    data_block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S).group(1)
    assert "</script" not in data_block.lower() and "<" not in data_block
    assert "\u2028" not in data_block and "\u2029" not in data_block
    # exactly the page's own four script elements end (language switch, data, vis, page); none was injected
    assert html.lower().count("</script") == 4
    assert "alert(1)</script>" not in html
    # the text itself survives, as data, for the tooltip (shown with textContent)
    data = page_data(html)
    evil = next(n for n in data["nodes"] if n["label"] == SCRIPT_BREAK)
    assert IMG in evil["aliases"]


def test_chinese_labels_and_node_tooltip(page):
    _, html = page
    assert "苏州市卫生健康委员会" in html and "中华人民共和国传染病防治法" in html
    data = page_data(html)
    law = next(n for n in data["nodes"] if n["label"] == "中华人民共和国传染病防治法")
    tip = [text for _, text in law["tip"]]
    assert tip[0] == "中华人民共和国传染病防治法" and "Law" in tip
    assert any("传染病防治法" in t and t.startswith("aliases") for t in tip)
    assert "level: 法律" in tip
    report = next(n for n in data["nodes"] if n["group"] == "Report")
    assert "year: 2022" in [text for _, text in report["tip"]]


def test_cites_edge_tooltip_has_evidence_merged(page):
    _, html = page
    data = page_data(html)
    ids = {n["label"]: n["id"] for n in data["nodes"]}
    cites = [e for e in data["edges"] if e["t"] == "cites" and e["to"] == ids["中华人民共和国传染病防治法"]]
    assert len(cites) == 1  # parallel edges merged
    tip = [text for _, text in cites[0]["tip"]]
    assert tip[0] == "cites — 2 citations"
    assert any("enforcement" in t and "study" in t for t in tip if t.startswith("roles"))
    # the evidence sentences travel once, structured; the page adds them to the tooltip and panel
    ev = cites[0]["ev"]
    assert {"s": 812, "e": 840, "r": "enforcement", "x": EVIDENCE} in ev
    assert any("组织学习《传染病防治法》" in x["x"] and x["s"] == 120 and x["e"] == 133 for x in ev)
    assert sorted(cites[0]["ro"]) == ["enforcement", "study"]
    assert EVIDENCE in html


def test_node_size_grows_with_degree(page):
    data = page_data(page[1])
    size = {n["label"]: n["size"] for n in data["nodes"]}
    assert size["苏州市卫生健康委员会2022年法治政府建设情况报告"] > size["苏州市"]


def test_small_graph_uses_capped_physics(page):
    data = page_data(page[1])
    assert data["options"]["physics"]["enabled"] is True
    assert data["options"]["physics"]["solver"] == "barnesHut"
    assert data["options"]["physics"]["stabilization"]["iterations"] == 200
    assert all("x" not in n for n in data["nodes"])


def test_output_is_deterministic(small_graph, tmp_path):
    a = write_graph_page(small_graph, tmp_path / "a.html", "t").read_bytes()
    b = write_graph_page(small_graph.copy(), tmp_path / "b.html", "t").read_bytes()
    assert a == b


def large_graph(n: int = 1200) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    types = ["Report", "Law", "Agency", "Region", "Program"]
    for i in range(n):
        G.add_node(f"https://w3id.org/policykg/x/{i}", type=types[i % 5], label=f"节点{i}")
    for i in range(1, n - 10):  # the last few stay isolated
        G.add_edge(f"https://w3id.org/policykg/x/{i}", f"https://w3id.org/policykg/x/{(i * 7) % i}", type="cites",
                   weight=1, citations=1, roles=[], evidence=[])
        G.add_edge(f"https://w3id.org/policykg/x/{i}", f"https://w3id.org/policykg/x/{i // 2}", type="part_of", weight=1)
    return G


def test_large_graph_gets_fixed_positions_and_no_physics(tmp_path):
    G = large_graph(1200)
    assert G.number_of_nodes() > PHYSICS_LIMIT
    t0 = time.perf_counter()
    html = write_graph_page(G, tmp_path / "big.html", default_title(G)).read_text(encoding="utf-8")
    assert time.perf_counter() - t0 < 20
    data = page_data(html)
    assert data["options"]["physics"] == {"enabled": False}
    assert data["options"]["layout"]["improvedLayout"] is False
    assert len(data["nodes"]) == 1200
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) and n["physics"] is False
               for n in data["nodes"])
    xy = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(xy) > 1150  # spread out, not stacked
    assert not EXTERNAL.search(html)


def test_layout_is_deterministic_and_finite():
    G = large_graph(300)
    a, b = layout(G), layout(G.copy())
    assert a == b and len(a) == 300
    assert all(abs(x) < 1e6 and abs(y) < 1e6 for x, y in a.values())


def test_default_title_counts(small_graph):
    assert default_title(small_graph) == "policykg — 1 reports, 2 laws, 1 agencies, 1 regions, 1 programs"
    assert default_title(nx.MultiDiGraph()) == "policykg — 0 reports, 0 laws, 0 agencies, 0 regions, 0 programs"


def test_empty_graph_page(tmp_path):
    html = write_graph_page(nx.MultiDiGraph(), tmp_path / "e.html", "empty").read_text(encoding="utf-8")
    assert page_data(html)["nodes"] == [] and not EXTERNAL.search(html)


def test_page_json_is_the_json_modules_text(small_graph):
    """The pages' JSON (written by orjson where it writes the same) is byte for byte the json
    module's, for the page data and for the values orjson writes otherwise (small floats, keys
    that are not strings), escaped so that no text closes its script."""
    import json

    from policykg.viz.network import graph_data
    from policykg.viz.page import json_for_script

    def json_module(obj) -> str:
        s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
        return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))

    data = graph_data(small_graph, "t</script>", "\u2028&")
    values = [data, {"pagerank": 1e-05, "x": [2.5e-07, 1.5e-10, 0.00012, 1e16, -0.0]}, {3: "c", 10: "a", 9: "b"},
              {"text": "1e-5 0.00001 e-government", "b": "\x00\x08\x1f\x7f\u2029'\"\\/"}, {"big": 2 ** 70, "t": (1, 2)}]
    for value in values:
        assert json_for_script(value) == json_module(value)
    assert "</script" not in json_for_script(data)
