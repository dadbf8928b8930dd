"""The diffusion map (viz/diffusion.py) on the seeds graph: the data block counts what the graph
says, the page is offline and escaped, and in a real headless Chromium it draws every province's
boundary, shades the regions citing a chosen law in a chosen year, and lists a clicked region's
reports.

Screenshots go to $POLICYKG_SCREENSHOTS/diffusion*.png when that is set (the PNGs in
docs/screenshots/ were made so), otherwise to pytest's tmp_path.
"""
from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

from page_helpers import EXTERNAL
from policykg.graph.analytics import cites, report_regions
from policykg.viz import diffusion as D

#: the 31 provinces of the mainland (the data adds Taiwan, Hong Kong and Macau)
MAINLAND = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
            "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}


def _block(html: str, name: str) -> dict:
    m = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', html, re.S)
    assert m, name
    return json.loads(m.group(1))


def _placed_citations(G) -> list[tuple[str, str, str, int | None]]:
    """(law, report, region code, year) of every citation by a report placed at a coded region."""
    rr = report_regions(G, unplaced=False)
    out = []
    for report, law, _ in cites(G):
        for region in rr.get(report, []):
            code = G.nodes[region].get("code")
            if code:
                out.append((law, report, code, G.nodes[report].get("year")))
    return sorted(out)


@pytest.fixture(scope="module")
def seeds_data(seeds_nx):
    return D.diffusion_data(seeds_nx)


@pytest.fixture(scope="module")
def known(seeds_nx):
    """The law cited by most placed seed reports, found from the graph, and its most specific citing
    region: (law name, region code, year of that region's citing report)."""
    rows = _placed_citations(seeds_nx)
    assert rows, "no seed report is placed at a coded region"
    reports = defaultdict(set)
    for law, report, _, _ in rows:
        reports[law].add(report)
    law = min(reports, key=lambda n: (-len(reports[n]), n))
    _, _, code, year = min((r for r in rows if r[0] == law), key=lambda r: (-len(r[2].rstrip("0")), r))
    return seeds_nx.nodes[law]["label"], code, year


def test_region_chain():
    assert D.region_chain("500109") == ["500109", "500100", "500000"]
    assert D.region_chain("320200") == ["320200", "320000"]
    assert D.region_chain("110000") == ["110000"]
    assert D.region_chain("") == [] and D.region_chain("市中区") == []


def test_counts_follow_the_graph(seeds_nx, seeds_data):
    """Every placed citation counts once for its region, city and province, in its year."""
    expected: dict[tuple[str, str, str], set] = defaultdict(set)
    for law, report, code, year in _placed_citations(seeds_nx):
        for c in D.region_chain(code):
            expected[seeds_nx.nodes[law]["label"], c, "" if year is None else str(year)].add(report)
    got = {}
    for item, counts in zip(seeds_data["items"], seeds_data["counts"]):
        if item["k"] != "law":
            continue
        for code, per_year in counts.items():
            for year, n in per_year.items():
                got[item["n"], code, year] = n
    assert got == {k: len(v) for k, v in expected.items()}
    # items are ranked by citing reports; each knows its aliases
    ranks = [it["r"] for it in seeds_data["items"]]
    assert ranks == sorted(ranks, reverse=True)
    assert {it["k"] for it in seeds_data["items"]} == {"law", "program"}
    assert seeds_data["provinces"] and set(seeds_data["provinces"]) <= MAINLAND | {"71", "81", "82"}


def test_listed_reports_carry_evidence(seeds_nx, seeds_data, known):
    law, code, year = known
    i = next(k for k, it in enumerate(seeds_data["items"]) if it["n"] == law)
    listed = seeds_data["lists"][i][code]
    assert listed
    for report_index, evidence in listed:
        label, y, agency = seeds_data["reports"][report_index]
        assert label and agency
        assert evidence and evidence in {ev["text"][:D.MAX_EVIDENCE_CHARS] for _, _, d in cites(seeds_nx)
                                         for ev in d["evidence"]} | {ev["text"][:D.MAX_EVIDENCE_CHARS - 1] + "…"
                                                                    for _, _, d in cites(seeds_nx)
                                                                    for ev in d["evidence"]}


def test_unplaced_reports_are_listed_not_guessed(seeds_nx):
    """A report whose agency loses its region is listed beside the map and counted nowhere."""
    G = seeds_nx.copy()
    report, law, _ = sorted(cites(G), key=lambda e: (e[0], e[1]))[0]
    agency = next(v for _, v, t in G.out_edges(report, data="type") if t == "issued_by")
    for u, v, k, t in list(G.out_edges(agency, keys=True, data="type")):
        if t == "located_in":
            G.remove_edge(u, v, key=k)
    data = D.diffusion_data(G)
    i = next(k for k, it in enumerate(data["items"]) if it["n"] == G.nodes[law]["label"])
    off = [row for row in data["unplaced"][i] if data["reports"][row[0]][0] == G.nodes[report]["label"]]
    assert off and off[0][1] == G.nodes[agency]["label"] and off[0][2] == "agency"
    before = D.diffusion_data(seeds_nx)
    j = next(k for k, it in enumerate(before["items"]) if it["n"] == G.nodes[law]["label"])
    total = lambda counts: sum(n for per_year in counts.values() for n in per_year.values())  # noqa: E731
    assert total(data["counts"][i]) < total(before["counts"][j])


def test_ambiguous_places_are_listed_not_guessed(seeds_nx):
    """A report whose region has no code (an ambiguous place name) is listed with that name, and
    the name is among the page's ambiguous places."""
    G = seeds_nx.copy()
    law, report, code, _ = _placed_citations(G)[0]
    region = next(r for r in report_regions(G, unplaced=False)[report] if G.nodes[r]["code"] == code)
    for r in report_regions(G, unplaced=False)[report]:
        G.nodes[r]["code"] = ""
    data = D.diffusion_data(G)
    i = next(k for k, it in enumerate(data["items"]) if it["n"] == G.nodes[law]["label"])
    off = [row for row in data["unplaced"][i] if data["reports"][row[0]][0] == G.nodes[report]["label"]]
    assert off and off[0][2] == "ambiguous"
    assert off[0][1] in data["ambiguous"] and off[0][1] in {G.nodes[region]["label"], *G.nodes[region]["aliases"]}


def test_page_is_offline_and_escaped(seeds_nx, tmp_path):
    G = seeds_nx.copy()
    report = sorted(n for n, t in G.nodes(data="type") if t == "Report")[0]
    G.nodes[report]["label"] = "</script><script>alert(1)</script>&"
    path = D.write_diffusion(G, tmp_path / "diffusion.html")
    html = path.read_text(encoding="utf-8")
    # Leaflet's source names its home page for an attribution prefix the page turns off; the
    # rest of the page has no outside address (the browser test checks no request leaves)
    lib_js, _ = D._assets()
    assert lib_js in html and not EXTERNAL.search(html.replace(lib_js, ""))
    assert "<script>alert(1)" not in html
    data = _block(html, "diffusion-data")
    assert G.nodes[report]["label"] in [r[0] for r in data["reports"]]
    geo = _block(html, "map-data")
    provinces = {o["properties"]["code"][:2] for o in geo["provinces"]["objects"]["provinces"]["geometries"]}
    assert MAINLAND <= provinces
    # cities and counties only of the provinces the reports come from
    assert sorted(geo["counties"]) == sorted(p for p in data["provinces"] if p in geo["counties"])
    assert set(geo["cities"]) <= set(data["provinces"])
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh">' in html


def test_large_report_lists_go_into_one_script_per_item(seeds_nx, tmp_path):
    """Past ``inline_max`` the page carries counts, not report lists: those of item n are in
    diffusion/<n>.js, exactly the data block's, and a later page small enough takes them back."""
    data = D.diffusion_data(seeds_nx)
    path = D.write_diffusion(seeds_nx, tmp_path / "diffusion.html", inline_max=0)
    block = _block(path.read_text(encoding="utf-8"), "diffusion-data")
    assert "lists" not in block and "unplaced" not in block and block["parts"] == "diffusion"
    assert block["counts"] == data["counts"] and block["items"] == data["items"]
    scripts = sorted((tmp_path / "diffusion").iterdir(), key=lambda f: int(f.stem))
    assert [f.name for f in scripts] == [f"{i}.js" for i in range(len(data["items"]))]
    for i, f in enumerate(scripts):
        m = re.fullmatch(r"window\.pkMap\.load\((\d+), (.*)\);\n", f.read_text(encoding="utf-8"), re.S)
        assert m and int(m.group(1)) == i
        assert json.loads(m.group(2)) == {"l": data["lists"][i], "u": data["unplaced"][i]}
    # a page under the limit is one file again: the old scripts go, and only they
    (tmp_path / "diffusion" / "notes.txt").write_text("mine", encoding="utf-8")
    block = _block(D.write_diffusion(seeds_nx, path).read_text(encoding="utf-8"), "diffusion-data")
    assert block["lists"] == data["lists"] and "parts" not in block
    assert [f.name for f in (tmp_path / "diffusion").iterdir()] == ["notes.txt"]


def test_viz_writes_diffusion(seeds_build, tmp_path):
    """`policykg viz GRAPH -o DIR` writes DIR/diffusion.html beside the other views; `--view
    diffusion` writes it alone."""
    from click.testing import CliRunner

    from policykg.cli import cli

    result = CliRunner().invoke(cli, ["viz", str(seeds_build), "-o", str(tmp_path / "views")])
    assert result.exit_code == 0, result.output
    page = tmp_path / "views" / D.FILENAME
    assert f"wrote {page}" in result.output and (tmp_path / "views" / "index.html").is_file()
    assert 'href="index.html"' in page.read_text(encoding="utf-8")
    one = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["viz", str(seeds_build), "-o", str(one), "--view", "diffusion"])
    assert result.exit_code == 0, result.output
    assert _block(one.read_text(encoding="utf-8"), "diffusion-data")["items"]


# --------------------------------------------------------------------------- in Chromium

def _shot(tmp_path: Path, name: str) -> Path:
    folder = os.environ.get("POLICYKG_SCREENSHOTS")
    base = Path(folder) if folder else tmp_path
    base.mkdir(parents=True, exist_ok=True)
    return base / f"{name}.png"


JS_PROVINCE_PATHS = """() => Array.prototype.map.call(document.querySelectorAll('#map path.region'),
  function (p) { return p.getAttribute('class').match(/r-(\\d+)/)[1]; })"""
JS_FILL = """code => { var p = document.querySelector('#map path.r-' + code);
  return p ? [p.getAttribute('fill'), Number(p.getAttribute('data-count'))] : null; }"""


@pytest.mark.parametrize("inline_max", [D.INLINE_EVIDENCE_MAX, 0], ids=["one-file", "scripts-per-item"])
def test_diffusion_in_chromium(page, seeds_nx, known, tmp_path, inline_max):
    law, code, year = known
    path = D.write_diffusion(seeds_nx, tmp_path / "diffusion.html", inline_max=inline_max)
    outside = []
    page.route("**/*", lambda route: (route.continue_() if route.request.url.startswith("file:")
                                      else (outside.append(route.request.url), route.abort())))
    page.goto(path.as_uri())
    page.wait_for_function("window.pkMap && window.pkMap.ready === true", timeout=60000)
    assert page.locator("html").get_attribute("lang") == "zh"

    # every province's boundary is drawn, as an SVG path
    drawn = {c[:2] for c in page.evaluate(JS_PROVINCE_PATHS)}
    assert MAINLAND <= drawn, MAINLAND - drawn

    # picking the law by name (or alias) shades its region's province, all years and its year
    assert page.evaluate("q => window.pkMap.find(q)", law) == law
    province = code[:2] + "0000"
    fill, n_all = page.evaluate(JS_FILL, province)
    assert n_all > 0 and fill != "#f7f7f7"
    zero = [c for c in page.evaluate(JS_PROVINCE_PATHS) if page.evaluate(JS_FILL, c)[1] == 0]
    assert zero and page.evaluate(JS_FILL, zero[0])[0] == "#f7f7f7"
    page.screenshot(path=str(_shot(tmp_path, "diffusion")))

    # the year slider changes the shading: the law's year keeps the region; a year whose count differs
    # (found from the data) changes its shade
    years = page.evaluate("window.pkMap.data.years")
    slider = page.locator("#year-slider")
    slider.fill(str(years.index(year) + 1))
    assert page.locator("#year-label").get_attribute("data-year") == str(year)
    fill_year, n_year = page.evaluate(JS_FILL, province)
    assert n_year > 0
    per_year = page.evaluate("c => window.pkMap.data.counts[window.pkMap.data.items.findIndex("
                             "function (it) { return it.n === document.getElementById('item-search').value; })][c]",
                             province)
    assert sum(per_year.values()) == n_all
    other = [y for y in years if per_year.get(str(y), 0) != n_year]
    assert other, "every seed year has as many citing reports in the region"
    slider.fill(str(years.index(other[0]) + 1))
    fill_other, n_other = page.evaluate(JS_FILL, province)
    assert n_other == per_year.get(str(other[0]), 0) and (fill_other, n_other) != (fill_year, n_year)
    slider.fill("0")  # the slider's first stop is every year
    assert page.locator("#year-label").get_attribute("data-year") == ""
    assert page.evaluate(JS_FILL, province)[1] == n_all

    # the county (or city) level shades the region itself; clicking it lists its reports
    level = "county" if code[4:] != "00" else "city"
    page.check(f'input[name="level"][value="{level}"]')
    fill, n = page.evaluate(JS_FILL, code)
    assert n > 0 and fill != "#f7f7f7"
    page.evaluate("a => window.pkMap.map.fitBounds(window.pkMap.byCode[a[0]][a[1]].getBounds().pad(a[0] === 'county' ? 4 : 1), {animate: false})",
                  [level, code])
    page.wait_for_timeout(400)  # the zoom animation
    page.locator(f"#map path.r-{code}").click(force=True)
    page.wait_for_function(f"document.getElementById('region-body').getAttribute('data-code') === '{code}'")
    items = page.locator("#region-body li")
    assert items.count() >= 1
    assert page.locator("#region-body .ev").count() >= 1
    assert page.inner_text("#unplaced-count").isdigit()
    page.mouse.move(1100, 760)  # off the map: no tooltip in the picture
    page.wait_for_timeout(400)
    page.screenshot(path=str(_shot(tmp_path, f"diffusion-{level}")))

    # the English switch
    page.click("[data-lang-switch]")
    assert page.locator("#page-title").inner_text() == D.STRINGS["title"][1]
    assert outside == [] and page.errors == []


def test_a_missing_item_script_is_named_on_the_page(page, seeds_nx, tmp_path):
    path = D.write_diffusion(seeds_nx, tmp_path / "diffusion.html", inline_max=0)
    for f in (tmp_path / "diffusion").iterdir():
        f.unlink()
    page.goto(path.as_uri())
    page.wait_for_function("window.pkMap && window.pkMap.ready === true", timeout=60000)
    page.wait_for_function("document.getElementById('status').textContent.indexOf('.js') >= 0")
    first = page.evaluate("window.pkMap.data.items.map(function (it) { return it.k; }).indexOf('law')")
    message = D.STRINGS["load_failed"][0].format(file=f"diffusion/{first}.js")
    assert page.inner_text("#status") == message and page.inner_text("#unplaced-list") == message
