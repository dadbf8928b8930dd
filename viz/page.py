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
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import networkx as nx
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from .network import edge_legend, graph_data, legend

VIS_VERSION = "vis-9.1.2"
GENERATOR = f"policykg (vis-network {VIS_VERSION.removeprefix('vis-')} via pyvis, inlined)"
_PLURALS = (("Report", "reports"), ("Law", "laws"), ("Agency", "agencies"), ("Region", "regions"),
            ("Program", "programs"))


def default_title(G: nx.Graph) -> str:
    """``policykg — 5 reports, 120 laws, 40 agencies, 30 regions, 25 programs``."""
    c = Counter(d.get("type", "") for _, d in G.nodes(data=True))
    return "policykg — " + ", ".join(f"{c[t]} {plural}" for t, plural in _PLURALS)


def _json_for_script(obj: Any) -> str:
    """Deterministic JSON that cannot close (or open) an element in the script it sits in."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
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


def _template(name: str):
    env = Environment(loader=PackageLoader("policykg.viz", "templates"), autoescape=True, keep_trailing_newline=True)
    return env.get_template(name)


FACET_NAMES = {"type": "Type", "level": "Law level", "year": "Year", "role": "Citation role"}


def render_page(G: nx.Graph, title: str, description: str = "", *, color_by: Iterable[str] = (),
                focus: Any = None, nav: list[dict] | None = None, extra: dict | None = None,
                view: str = "graph") -> str:
    """The HTML text of one page (see :func:`write_graph_page`)."""
    js, css = _vis_assets()
    data = graph_data(G, title, description, color_by=color_by, focus=focus, extra=extra)
    data["view"] = view
    groups = [{"facet": f, "name": FACET_NAMES[f], "items": data["facets"][f]}
              for f in ("type", "level", "year", "role") if data["facets"][f]]
    return _template("graph.html").render(
        generator=GENERATOR, title=title, description=description, legend=legend(G), groups=groups,
        edge_legend=edge_legend(data["edges"], color_by), nav=nav or [], view=view,
        n_nodes=len(data["nodes"]), n_edges=len(data["edges"]), physics=data["physics"],
        data_json=Markup(_json_for_script(data)), vis_js=Markup(js), vis_css=Markup(css),
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


def write_view(view, path, title: str | None = None, nav: list[dict] | None = None) -> Path:
    """Write one view (a :class:`policykg.viz.views.View`) as a page."""
    return write_graph_page(view.graph, path, title or view.title, view.description, color_by=view.color_by,
                            focus=view.focus, nav=nav, extra=view.extra or None, view=view.name)


def write_site(views: list, out_dir, index_title: str, title: str | None = None) -> list[tuple[Any, Path]]:
    """Write each view as ``<view name>.html`` in ``out_dir``, its title after ``title`` when
    given, every page with a bar linking the others, and an ``index.html`` headed ``index_title``
    listing them. Returns (view, path) pairs."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nav = [{"name": "index", "href": "index.html", "current": False}]
    nav += [{"name": v.name, "href": v.filename, "current": False} for v in views]
    written = []
    for v in views:
        here = [dict(item, current=item["href"] == v.filename) for item in nav]
        written.append((v, write_view(v, out / v.filename, title=f"{title} — {v.title}" if title else v.title,
                                      nav=here)))
    rows = [{"name": v.name, "href": p.name, "title": v.title, "description": v.description,
             "nodes": v.graph.number_of_nodes(), "mb": round(p.stat().st_size / 1e6, 2)} for v, p in written]
    _write(out / "index.html", _template("index.html").render(generator="policykg", title=index_title, views=rows))
    return written
