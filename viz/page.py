"""Offline, self-contained HTML pages of a networkx graph, drawn with vis-network.

pyvis's own page loads its scripts and styles from CDNs and its ``from_nx`` is quadratic;
we take the vis-network build that pyvis ships, inline it, and write the node and edge data
ourselves. Everything that came from a document is JSON-encoded into a non-executable
script block and shown through ``textContent``, never parsed as HTML.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from importlib import resources
from pathlib import Path

import networkx as nx
from jinja2 import Template

COLORS = {"Report": "#e15759", "Agency": "#4e79a7", "Law": "#f28e2b", "Program": "#59a14f", "Region": "#b07aa1"}
SHAPES = {"Report": "box", "Agency": "dot", "Law": "diamond", "Program": "triangle", "Region": "hexagon"}
PHYSICS_LIMIT = 1000  # above this many nodes the layout is precomputed and physics is off
VIS_VERSION = "vis-9.1.2"


def _vis_assets() -> tuple[str, str]:
    lib = resources.files("pyvis").joinpath("templates", "lib", VIS_VERSION)
    js = lib.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = lib.joinpath("vis-network.css").read_text(encoding="utf-8")
    # vis's stylesheet may reference remote images; the page must not load anything
    return js, css


def _json_for_script(obj) -> str:
    """JSON that cannot close the <script> element it sits in."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def default_title(G: nx.Graph) -> str:
    c = Counter(d.get("type", "") for _, d in G.nodes(data=True))
    return (f"policykg — {c['Report']} reports, {c['Law']} laws, {c['Agency']} agencies, "
            f"{c['Region']} regions, {c['Program']} programs")


def _node_tooltip(n: str, d: dict) -> list[list[str]]:
    lines = [["tt-title", d.get("label", n)], ["tt-muted", d.get("type", "")]]
    if d.get("aliases"):
        lines.append(["", "aliases: " + "；".join(d["aliases"][:8])])
    for k in ("level", "code", "year", "kind", "source"):
        if d.get(k) not in (None, ""):
            lines.append(["", f"{k}: {d[k]}"])
    return lines


def _edge_tooltip(d: dict) -> list[list[str]]:
    lines = [["tt-title", d.get("type", "")]]
    if d.get("type") == "cites":
        lines.append(["", f"{d.get('citations', 1)} citation(s); roles: {'、'.join(d.get('roles', []))}"])
        for ev in d.get("evidence", []):
            lines.append(["tt-ev", f"[{ev['start']}–{ev['end']}] {ev.get('role', '')}: {ev['text']}"])
    return lines


def layout(G: nx.Graph, seed: int = 1) -> dict[str, tuple[float, float]]:
    """A deterministic precomputed layout for large graphs."""
    simple = nx.Graph(G)
    n = simple.number_of_nodes()
    iterations = 30 if n <= 3000 else 12
    pos = nx.spring_layout(simple, seed=seed, iterations=iterations, k=1.5 / math.sqrt(max(n, 1)))
    scale = 60 * math.sqrt(max(n, 1))
    return {k: (float(x) * scale, float(y) * scale) for k, (x, y) in pos.items()}


def graph_data(G: nx.Graph, title: str, description: str = "") -> dict:
    big = G.number_of_nodes() > PHYSICS_LIMIT
    pos = layout(G) if big else {}
    degree = dict(G.degree())
    nodes = []
    for n, d in sorted(G.nodes(data=True), key=lambda x: x[0]):
        t = d.get("type", "Other")
        vis = {"id": n, "label": d.get("label", n), "color": COLORS.get(t, "#999999"), "shape": SHAPES.get(t, "dot"),
               "size": 8 + 6 * math.log1p(degree.get(n, 0))}
        if big:
            vis["x"], vis["y"] = pos[n]
            vis["physics"] = False
        nodes.append({"vis": vis, "type": t, "tooltip": _node_tooltip(n, d)})
    merged: dict[tuple[str, str, str], dict] = {}
    for u, v, d in G.edges(data=True):
        key = (u, v, d.get("type", ""))
        if key in merged:
            merged[key]["weight"] = merged[key].get("weight", 1) + d.get("weight", 1)
        else:
            merged[key] = dict(d)
    edges = []
    for i, ((u, v, t), d) in enumerate(sorted(merged.items())):
        vis = {"id": i, "from": u, "to": v, "arrows": "to",
               "width": 1 + math.log1p(d.get("weight", 1)), "color": {"opacity": 0.5}}
        if t == "cites":
            vis["color"] = {"color": COLORS["Law"], "opacity": 0.6}
        edges.append({"vis": vis, "type": t, "tooltip": _edge_tooltip(d)})
    counts = Counter(n["type"] for n in nodes)
    options = {
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big},
        "physics": {"enabled": not big, "solver": "barnesHut",
                    "stabilization": {"enabled": True, "iterations": 200}},
        "edges": {"smooth": False} if big else {"smooth": {"type": "continuous"}},
        "nodes": {"font": {"size": 12}},
    }
    return {
        "title": title, "description": description, "nodes": nodes, "edges": edges, "options": options,
        "types": [{"name": t, "color": COLORS.get(t, "#999999"), "count": counts[t]} for t in sorted(counts)],
    }


def write_graph_page(G: nx.Graph, path, title: str, description: str = "") -> Path:
    js, css = _vis_assets()
    template = Template(resources.files("policykg.viz").joinpath("templates", "graph.html").read_text(encoding="utf-8"),
                        autoescape=True)
    html = template.render(title=title, data_json=_Markup(_json_for_script(graph_data(G, title, description))),
                           vis_js=_Markup(js), vis_css=_Markup(css))
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


def _Markup(s: str):
    from markupsafe import Markup

    return Markup(s)
