"""Offline, self-contained HTML pages of a policykg networkx graph, drawn with vis-network: the
template, the inlined assets and the escaping. The data drawn comes from :mod:`policykg.viz.network`.

* offline: the vis-network build that pyvis ships (``pyvis/templates/lib/vis-9.1.2``) is inlined;
  no CDN, no bootstrap, no tom-select, no web font;
* safe: everything that came from a document (labels, aliases, evidence sentences) is JSON-encoded
  into a non-executable ``<script type="application/json">`` block with ``<``, ``>``, ``&``,
  U+2028 and U+2029 escaped, so no text can close the element. The page script turns tooltips
  and the side panel into DOM nodes through ``textContent`` (vis-network 9.1.2 shows string
  titles with ``innerText`` and element titles as they are), so nothing from a document is
  parsed as HTML; the title, description, legend and filters are HTML-escaped by Jinja2;
* interactive: checkbox filters by node type, law level, report year and citation role (built
  from the values present), a search box over labels and aliases, tooltips, and a side panel
  listing a clicked node's citations with their evidence sentences;
* deterministic: the same graph gives the same bytes.

Several pages (the views of :mod:`policykg.viz.views`) are written with an ``index.html``
linking them by :func:`write_site`.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import networkx as nx
import orjson
from markupsafe import Markup

from .i18n import SWITCH_JS, concept_names, ontology_labels, switch_button, text
from .network import edge_legend, graph_data, legend
from .templating import template as _template

VIS_VERSION = "vis-9.1.2"
GENERATOR = f"policykg (vis-network {VIS_VERSION.removeprefix('vis-')} via pyvis, inlined)"
_PLURALS = (("Report", "reports"), ("Law", "laws"), ("Agency", "agencies"), ("Region", "regions"),
            ("Program", "programs"))


def default_title(G: nx.Graph) -> str:
    """``policykg — 5 reports, 120 laws, 40 agencies, 30 regions, 25 programs``."""
    c = Counter(d.get("type", "") for _, d in G.nodes(data=True))
    return "policykg — " + ", ".join(f"{c[t]} {plural}" for t, plural in _PLURALS)


# orjson writes floats below 1e-4 otherwise than the json module (0.00001 and 2.5e-7 for 1e-05 and
# 2.5e-07): output holding such a number, or text that looks like one, is written by json instead
# (searched for as "0.0000" and "e-<one digit>", since a search led by a literal is the fast one)
_ORJSON_EXPONENT = re.compile(rb"e-\d(?!\d)")


def _orjson_differs(out: bytes) -> bool:
    return b"0.0000" in out or any(out[m.start() - 1:m.start()].isdigit() for m in _ORJSON_EXPONENT.finditer(out))


def _json(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)``, the same
    text, made by orjson (some ten times faster: the pages and pickers' scripts hold a hundred
    MB of it at 5,000 reports) wherever orjson writes the same."""
    try:
        out = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # keys that are not strings, integers past 64 bits: json's way (or error)
        out = None
    if out is None or _orjson_differs(out):
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
    return out.decode("utf-8")


def json_for_script(obj: Any) -> str:
    """Deterministic JSON that cannot close (or open) an element in the script it sits in (a NaN
    or an infinity, which no page holds, is written as null)."""
    s = _json(obj)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the pyvis package, made safe to inline."""
    lib = resources.files("pyvis").joinpath("templates", "lib", VIS_VERSION)
    js = lib.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = lib.joinpath("vis-network.css").read_text(encoding="utf-8")
    # neither file contains these today; inlined code must never end its own element
    js = js.replace("</script", "<\\/script").replace("<!--", "<\\!--")
    css = css.replace("</style", "<\\/style")
    return js, css


#: the page's own words, (zh, en); the page script reads them for the text it makes
PAGE_STRINGS = {
    "facet_type": ("类型", "Type"), "facet_year": ("年份", "Year"),
    "search": ("搜索", "Search"), "find": ("查找", "Find"), "search_hint": ("名称或别名…", "name or alias…"),
    "all": ("全选", "all"), "none": ("全不选", "none"),
    "pick_region": ("选择地区", "Pick a region"), "pick_agency": ("选择机关", "Pick an agency"),
    "pick_law": ("选择法规", "Pick a law"), "show": ("显示", "Show"), "picked": ("已选", "shown"),
    "citations": ("引用", "Citations"), "more": ("更多", "more"), "read": ("原文", "read"),
    "expand": ("展开：逐份查看这些报告", "Expand: these reports one by one"),
    "nodes": ("个节点", "nodes"), "edges": ("条边", "edges"), "fixed": ("固定布局", "fixed layout"),
    "of": ("/", "of"), "shown": ("显示中", "shown"), "laying_out": ("布局中", "laying out"),
    "no_match": ("没有匹配的节点", "no node matches"), "no_node": ("此页没有节点", "this page has no node"),
    "no_entity": ("没有匹配的实体", "no entity matches"), "loading": ("加载中", "loading"),
    "table": ("图中内容", "What is drawn"), "download_csv": ("下载 CSV", "Download CSV"),
    "download_png": ("下载 PNG", "Download PNG"),
    "year_by_year": ("逐年查看", "Year by year"), "all_years": ("全部年份", "all years"),
    "col_type": ("类型", "Type"), "col_name": ("名称", "Name"), "col_years": ("年份", "Years"),
    "col_level": ("效力层级", "Level"), "col_roles": ("引用方式", "Roles"), "col_citations": ("引用数", "Citations"),
    "col_links": ("连接数", "Links"), "close": ("关闭", "close"), "no_script": ("此页需要 JavaScript 才能绘图。",
                                                                           "This page needs JavaScript to draw the graph."),
}


def facet_names() -> dict[str, tuple[str, str]]:
    """Each filter group's name (zh, en): node types and law levels and roles from the ontology."""
    labels = ontology_labels()
    return {"type": PAGE_STRINGS["facet_type"], "level": labels.get("LawLevel", ("效力层级", "Law level")),
            "year": PAGE_STRINGS["facet_year"], "role": labels.get("CitationRole", ("引用方式", "Citation role"))}


def value_names(values: Iterable[str]) -> dict[str, tuple[str, str]]:
    """zh and en names of facet values: node types from the ontology's class labels, levels and
    roles from their SKOS labels (a value the ontology does not know stays as it is)."""
    classes, concepts = ontology_labels(), concept_names()
    out = {}
    for v in values:
        v = str(v)
        if v in classes:
            out[v] = classes[v]
        elif v == "Year":
            out[v] = PAGE_STRINGS["facet_year"]
        else:
            out[v] = (v, concepts.get(v, v))
    return out


def render_page(G: nx.Graph, title: str, description: str = "", *, color_by: Iterable[str] = (),
                focus: Any = None, nav: list[dict] | None = None, extra: dict | None = None,
                view: str = "graph", reading: dict | None = None, title_zh: str | None = None,
                description_zh: str | None = None) -> str:
    """The HTML text of one page (see :func:`write_graph_page`)."""
    js, css = _vis_assets()
    data = graph_data(G, title, description, color_by=color_by, focus=focus, extra=extra, reading=reading)
    data["view"] = view
    names = facet_names()
    values = {str(x["value"]) for f in data["facets"].values() for x in f}
    data["names"] = {k: list(v) for k, v in value_names(values | {t for t, _ in _PLURALS} | {"Year"}).items()}
    data["facetNames"] = {k: list(v) for k, v in names.items()}
    data["strings"] = {k: list(v) for k, v in PAGE_STRINGS.items()}
    groups = [{"facet": f, "name": text(*names[f]), "items": [dict(it, name=text(*data["names"][str(it["value"])]))
                                                             for it in data["facets"][f]]}
              for f in ("type", "level", "year", "role") if data["facets"][f]]
    strings = {k: text(*v) for k, v in PAGE_STRINGS.items()}
    return _template("graph.html").render(
        generator=GENERATOR, title=title, description=description, legend=legend(G), groups=groups,
        title_zh=title_zh or title, description_zh=description_zh or description,
        edge_legend=edge_legend(data["edges"], color_by), nav=nav or [], view=view,
        n_nodes=len(data["nodes"]), n_edges=len(data["edges"]), physics=data["physics"], s=strings,
        picker=data.get("picker"), switch=switch_button(), switch_js=Markup(SWITCH_JS),
        data_json=Markup(json_for_script(data)), vis_js=Markup(js), vis_css=Markup(css),
    )


def write_graph_page(G: nx.Graph, path, title: str, description: str = "", **kwargs) -> Path:
    """Write G as one self-contained, offline HTML page at ``path`` and return the path.

    Keyword arguments (``color_by``, ``focus``, ``nav``, ``extra``, ``view``) are those of
    :func:`render_page`; the views of :mod:`policykg.viz.views` use them.
    """
    return _write(path, render_page(G, title, description, **kwargs))


def _write(path, html: str) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8", newline="\n")
    return out


def write_view(view, path, title: str | None = None, nav: list[dict] | None = None,
               reading: dict | None = None) -> Path:
    """Write one view (a :class:`policykg.viz.views.View`) as a page."""
    extra = {k: v for k, v in (view.extra or {}).items() if k not in ("title_zh", "description_zh")}
    return write_graph_page(view.graph, path, title or view.title, view.description, color_by=view.color_by,
                            focus=view.focus, nav=nav, extra=extra or None, view=view.name, reading=reading,
                            title_zh=title or view.extra.get("title_zh"), description_zh=view.extra.get("description_zh"))


INDEX_STRINGS = {
    "intro": ("知识图谱的离线视图（无需联网）。每个视图都有按类型、效力层级、年份和引用方式的筛选、搜索框、含证据句子的提示框，"
              "以及列出所点节点引用情况的侧栏；地区、机关和法规视图可在页面内选择对象，并附有可排序的表格、CSV 和 PNG 下载。",
              "Offline views of the knowledge graph (no network needed). Each page has filters by type, law level, "
              "year and citation role, a search box, tooltips with evidence sentences, and a side panel listing a "
              "clicked node's citations; the region, agency and law views pick their entity in the page, with a "
              "sortable table, CSV and PNG downloads."),
    "nodes": ("个节点", "nodes"), "reports": ("报告原文", "Report texts"),
    "reports_note": ("每份报告一页：按读取时的文本，标出每处提及并链接到其实体。",
                     "One page per report: its text as read, every mention marked and linked to its entity."),
}

VIEW_NAMES = {"index": ("目录", "index"), "overview": ("总览", "overview"), "region-law": ("地区—法规", "region-law"),
              "region": ("地区", "region"), "agency": ("机关", "agency"), "law": ("法规", "law"), "map": ("地图", "map"),
              "diffusion": ("扩散地图", "diffusion")}


def view_name(name: str) -> Markup:
    """A view's name in both languages."""
    return text(*VIEW_NAMES.get(name, (name, name)))


def site_nav(views: list[tuple[Any, str]], pages: list[dict] | None = None) -> list[dict]:
    """The bar linking a site's pages: the index, each view (``(name, filename)``) and the
    ``pages`` written otherwise (``name``, ``href``)."""
    nav = [{"name": view_name("index"), "href": "index.html", "current": False}]
    nav += [{"name": view_name(name), "href": href, "current": False} for name, href in views]
    nav += [{"name": view_name(p["name"]), "href": p["href"], "current": False} for p in pages or []]
    return nav


def write_site_view(view, out_dir, nav: list[dict], title: str | None = None, reading: dict | None = None) -> Path:
    """One view of a site (:func:`write_site`): ``<out_dir>/<view name>.html``, its title after
    ``title`` when given, with the bar ``nav`` (:func:`site_nav`) marking it as the current page."""
    here = [dict(item, current=item["href"] == view.filename) for item in nav]
    return write_view(view, Path(out_dir) / view.filename, title=f"{title} — {view.title}" if title else view.title,
                      nav=here, reading=reading)


def write_index(out_dir, index_title: str, written: list[tuple[Any, Path]], reports: list[dict] | None = None,
                pages: list[dict] | None = None) -> Path:
    """The site's ``index.html``, headed ``index_title``, listing the ``written`` views ((view,
    path) pairs) and the ``pages`` written otherwise (``name``, ``href``, ``title`` and
    ``description`` as (zh, en), ``mb``) and linking the ``reports``' reading pages."""
    rows = [{"name": view_name(v.name), "href": p.name, "title": text(v.extra.get("title_zh", v.title), v.title),
             "description": text(v.extra.get("description_zh", v.description), v.description),
             "nodes": v.graph.number_of_nodes(), "mb": round(p.stat().st_size / 1e6, 2)} for v, p in written]
    rows += [{"name": view_name(p["name"]), "href": p["href"], "title": text(*p["title"]),
              "description": text(*p["description"]), "nodes": None, "mb": p["mb"]} for p in pages or []]
    return _write(Path(out_dir) / "index.html", _template("index.html").render(
        generator="policykg", title=index_title, views=rows, reports=reports or [], switch=switch_button(),
        switch_js=Markup(SWITCH_JS), s={k: text(*v) for k, v in INDEX_STRINGS.items()}))


def write_site(views: list, out_dir, index_title: str, title: str | None = None,
               reading: dict | None = None, reports: list[dict] | None = None,
               pages: list[dict] | None = None) -> list[tuple[Any, Path]]:
    """Write each view as ``<view name>.html`` in ``out_dir``, its title after ``title`` when
    given, every page with a bar linking the others, and an ``index.html`` headed ``index_title``
    listing them and the ``pages`` written otherwise (see :func:`write_index`). Returns (view,
    path) pairs."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nav = site_nav([(v.name, v.filename) for v in views], pages)
    written = [(v, write_site_view(v, out, nav, title, reading)) for v in views]
    write_index(out, index_title, written, reports, pages)
    return written
