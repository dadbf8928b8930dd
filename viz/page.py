"""Offline, self-contained HTML pages of a policykg networkx graph, drawn with vis-network.

The nodes and edges are collected in a :class:`pyvis.network.Network` (filled in bulk: pyvis's
``from_nx``/``add_node`` check every id against a list and are quadratic), and the page is
rendered from our own Jinja2 template in ``templates/graph.html``:

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
* large graphs (more than :data:`PHYSICS_LIMIT` nodes) get a precomputed, seeded layout and
  physics off; small graphs use barnesHut physics with a capped stabilisation, then freeze;
* deterministic: nodes, edges and JSON keys are sorted and the layout is seeded, so the same
  graph gives the same bytes.

The views of :mod:`policykg.viz.views` pass display hints as node and edge attributes whose
names start with ``_`` (``_size``, ``_x``/``_y``, ``_color``, ``_label``, ``_years``, ``_roles``,
``_split``, ``_width``, ``_dashes``, ``_ev``); a plain projection needs none of them.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import networkx as nx
import numpy as np
from jinja2 import Environment
from markupsafe import Markup
from pyvis.network import Network

#: node type -> (colour, vis shape); the legend lists the types in this order
NODE_STYLES: dict[str, tuple[str, str]] = {
    "Report": ("#e15759", "box"),
    "Agency": ("#4e79a7", "dot"),
    "Law": ("#f28e2b", "diamond"),
    "Program": ("#59a14f", "triangle"),
    "Region": ("#b07aa1", "hexagon"),
    "Year": ("#76b7b2", "ellipse"),
}
OTHER_STYLE = ("#9c9c9c", "dot")
EDGE_COLORS: dict[str, str] = {
    "cites": "#f28e2b",
    "issued_by": "#e15759",
    "submitted_to": "#e15759",
    "located_in": "#b07aa1",
    "jurisdiction": "#b07aa1",
    "mentions_region": "#b07aa1",
    "part_of": "#8c6d8c",
    "mentions_program": "#59a14f",
    "mentions_agency": "#4e79a7",
    "sub_organization_of": "#4e79a7",
    "cooperates_with": "#76b7b2",
    "issuer": "#4e79a7",
    "in_region": "#b07aa1",
    "in_year": "#76b7b2",
}
#: colours of law levels (views that colour laws by level) and citation roles (edges by role)
LEVEL_COLORS: dict[str, str] = {
    "法律": "#d62728", "行政法规": "#ff7f0e", "部门规章": "#8c564b", "地方性法规": "#bcbd22",
    "地方政府规章": "#e377c2", "党内法规": "#9467bd", "规范性文件": "#1f77b4", "国家规划": "#17becf",
    "规划纲要": "#17becf", "其他": "#7f7f7f",
}
ROLE_COLORS: dict[str, str] = {
    "学习培训": "#1f77b4", "普法宣传": "#2ca02c", "执法依据": "#d62728", "制定修订": "#9467bd",
    "合法性审查": "#ff7f0e", "其他": "#7f7f7f",
}
LEVEL_ORDER = list(LEVEL_COLORS)
ROLE_ORDER = list(ROLE_COLORS)
OTHER_EDGE_COLOR = "#aaaaaa"
NEIGHBOUR_PX = 28.0  # median distance between a node and its nearest neighbour in a precomputed layout
PHYSICS_LIMIT = 1000  # above this many nodes the layout is precomputed and physics is off
VIS_VERSION = "vis-9.1.2"
MAX_EVIDENCE = 8  # evidence sentences shown in one edge tooltip
MAX_TEXT = 400  # characters of one evidence sentence shown in a tooltip
_PLURALS = (("Report", "reports"), ("Law", "laws"), ("Agency", "agencies"), ("Region", "regions"),
            ("Program", "programs"))


# --------------------------------------------------------------------------- small helpers

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


def _template():
    env = Environment(autoescape=True, keep_trailing_newline=True)
    text = resources.files("policykg.viz").joinpath("templates", "graph.html").read_text(encoding="utf-8")
    return env.from_string(text)


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    s = "" if value is None else str(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _as_list(value: Any) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
    return [value]


def _unique(items: Iterable[Any]) -> list:
    seen, out = set(), []
    for x in items:
        k = json.dumps(x, sort_keys=True, ensure_ascii=False, default=str)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out


# --------------------------------------------------------------------------- layout

def layout(G: nx.Graph, seed: int = 1, iterations: int = 50, gravity: float = 2.0) -> dict[Any, tuple[float, float]]:
    """A deterministic force-directed layout that is fast on thousands of nodes.

    Fruchterman–Reingold, with the all-pairs repulsion computed particle-mesh style: nodes are
    binned on a grid and the repulsive field is one FFT convolution per iteration, so an
    iteration costs O(n + m + M² log M) instead of O(n²) (networkx's spring_layout needs ~7 s
    for 5 iterations on 5,000 nodes; this takes ~0.5 s). A weak gravity keeps disconnected
    parts together; nodes without edges are put on rings around the rest. Returns page
    coordinates in pixels, scaled so that nearest neighbours are ~NEIGHBOUR_PX apart.
    """
    has_edge = {v: any(u != v for u in nx.all_neighbors(G, v)) for v in G.nodes()}
    connected = sorted((v for v, e in has_edge.items() if e), key=str)
    isolated = sorted((v for v, e in has_edge.items() if not e), key=str)
    return _add_isolated(_fr_layout(G, connected, seed, iterations, gravity), isolated)


def _add_isolated(pos: dict, isolated: list) -> dict:
    """Nodes without edges go on a ring of rows around the laid-out part, in id order."""
    if not isolated:
        return pos
    radius = max((math.hypot(x, y) for x, y in pos.values()), default=0.0) + 80.0
    spacing = 30.0
    out, i, ring = dict(pos), 0, 0
    while i < len(isolated):
        r = radius + ring * spacing
        slots = max(8, int(2 * math.pi * r / spacing))
        for s in range(slots):
            if i >= len(isolated):
                break
            a = 2 * math.pi * s / slots
            out[isolated[i]] = (round(r * math.cos(a), 1), round(r * math.sin(a), 1))
            i += 1
        ring += 1
    return out


def _fr_layout(G: nx.Graph, nodes: list, seed: int, iterations: int, gravity: float) -> dict:
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in G.edges()
             if u != v and u in index and v in index}
    if pairs:
        e = np.array(sorted(pairs), dtype=np.int64)
        src, dst = e[:, 0], e[:, 1]
    else:
        src = dst = np.zeros(0, dtype=np.int64)

    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = 1.0 / math.sqrt(n)  # ideal edge length in a unit square
    m = int(min(256, max(32, 2 ** math.ceil(math.log2(2 * math.sqrt(n))))))  # grid cells per side
    # repulsion kernel d/|d|² on a (2m)² grid of offsets, zero at the origin (no self-force)
    off = np.fft.fftfreq(2 * m, 1.0 / (2 * m))
    kx, ky = np.meshgrid(off, off, indexing="ij")
    r2 = kx * kx + ky * ky
    r2[0, 0] = 1.0
    kernel_x, kernel_y = kx / r2, ky / r2
    kernel_x[0, 0] = kernel_y[0, 0] = 0.0
    fk_x, fk_y = np.fft.rfft2(kernel_x), np.fft.rfft2(kernel_y)

    t0 = 0.1
    for it in range(iterations):
        lo = pos.min(axis=0)
        span = max(float((pos.max(axis=0) - lo).max()), 1e-9)
        h = span / (m - 1)  # cell size in layout units
        cell = np.minimum(((pos - lo) / h + 0.5).astype(np.int64), m - 1)
        flat = cell[:, 0] * m + cell[:, 1]
        density = np.zeros((2 * m, 2 * m))
        density[:m, :m] = np.bincount(flat, minlength=m * m).reshape(m, m)
        fd = np.fft.rfft2(density)
        field_x = np.fft.irfft2(fd * fk_x, s=density.shape)[:m, :m].ravel()[flat]
        field_y = np.fft.irfft2(fd * fk_y, s=density.shape)[:m, :m].ravel()[flat]
        # FR repulsion k²/d per pair; the kernel is in cell units, hence the 1/h
        disp = np.column_stack((field_x, field_y)) * (k * k / h)
        if len(src):
            delta = pos[src] - pos[dst]
            dist = np.sqrt((delta * delta).sum(axis=1)) + 1e-12
            f = delta * (dist / k)[:, None]  # FR attraction d²/k along the edge
            for axis in (0, 1):
                disp[:, axis] -= np.bincount(src, weights=f[:, axis], minlength=n)
                disp[:, axis] += np.bincount(dst, weights=f[:, axis], minlength=n)
        centre = pos.mean(axis=0)
        disp -= (pos - centre) * gravity  # total repulsion on a node is O(1) (k²·n = 1)
        length = np.sqrt((disp * disp).sum(axis=1)) + 1e-12
        temperature = t0 * (1.0 - it / iterations) + 1e-3
        pos += disp * (np.minimum(length, temperature) / length)[:, None]

    pos -= np.median(pos, axis=0)
    # scale so that the median distance to the nearest other node is ~NEIGHBOUR_PX pixels
    idx = np.arange(0, n, max(1, n // 500))
    d2 = ((pos[idx, None, :] - pos[None, :, :]) ** 2).sum(axis=2)
    d2[np.arange(len(idx)), idx] = np.inf
    nn = np.sqrt(d2.min(axis=1))
    unit = float(np.median(nn)) or k
    pos = np.round(pos * (NEIGHBOUR_PX / unit), 1)
    return {v: (float(pos[i, 0]), float(pos[i, 1])) for i, v in enumerate(nodes)}


# --------------------------------------------------------------------------- tooltips

_TIP_KEYS = ("level", "code", "year", "kind", "jurisdiction", "source")


def _node_tip(n: Any, d: dict) -> list[list[str]]:
    """Tooltip lines as [css class, plain text]; the page builds them with textContent."""
    lines = [["tt-title", _text(d.get("label", n))], ["tt-muted", _text(d.get("type", "Other"))]]
    aliases = [a for a in _as_list(d.get("aliases")) if a != d.get("label")]
    if aliases:
        shown = "；".join(_text(a, 80) for a in aliases[:10])
        more = f"（+{len(aliases) - 10}）" if len(aliases) > 10 else ""
        lines.append(["", f"aliases: {shown}{more}"])
    for key in _TIP_KEYS:
        v = d.get(key)
        if v not in (None, "", []):
            lines.append(["", f"{key}: {_text(v, 120)}"])
    if d.get("lat") is not None and d.get("lon") is not None:
        lines.append(["tt-muted", f"lat/lon: {d['lat']}, {d['lon']}"])
    for note in _as_list(d.get("_note")):
        lines.append(["tt-muted", _text(note, 200)])
    return lines  # the page adds the node's IRI (``iri``) as the last line


def _edge_tip(t: str, d: dict) -> list[list[str]]:
    """Tooltip lines of an edge, without its evidence sentences (the page adds those from ``ev``)."""
    if t != "cites":
        w = d.get("weight", 1)
        return [["tt-title", t.replace("_", " ") + (f" ×{_num(w)}" if w not in (None, 1) else "")]]
    n = d.get("citations") or len(d.get("evidence", [])) or 1
    lines = [["tt-title", f"cites — {n} citation{'s' if n != 1 else ''}"]]
    roles = _as_list(d.get("roles"))
    if roles:
        lines.append(["", "roles: " + "、".join(_text(r, 40) for r in roles)])
    reports = _as_list(d.get("reports"))
    if reports:
        shown = "；".join(_text(r, 60) for r in reports[:6])
        lines.append(["tt-muted", f"reports: {shown}" + (f"（+{len(reports) - 6}）" if len(reports) > 6 else "")])
    return lines


def _evidence(d: dict) -> tuple[list[dict], int]:
    """An edge's evidence sentences for the page: [{s: start, e: end, r: role, x: text, p: report}]."""
    out = []
    for ev in d.get("evidence") or []:
        if isinstance(ev, dict):
            item = {"s": ev.get("start", "?"), "e": ev.get("end", "?"), "r": _text(ev.get("role") or "", 40),
                    "x": _text(ev.get("text", ""))}
            if ev.get("report"):
                item["p"] = _text(ev["report"], 80)
        else:
            item = {"x": _text(ev)}
        out.append(item)
    return out[:MAX_EVIDENCE], max(0, len(out) - MAX_EVIDENCE)


def _num(x: Any) -> Any:
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


# --------------------------------------------------------------------------- the network

def _merged_edges(G: nx.Graph) -> dict[tuple[Any, Any, str, str], dict]:
    """Parallel edges of one type (and one ``_split`` key) between two nodes, merged for display."""
    merged: dict[tuple[Any, Any, str, str], dict] = {}
    for u, v, d in G.edges(data=True):
        t = str(d.get("type", "related"))
        key = (u, v, t, str(d.get("_split", "")))
        m = merged.get(key)
        if m is None:
            m = merged[key] = {"weight": d.get("weight", 1) or 1, "citations": d.get("citations", 0) or 0,
                               "roles": list(_as_list(d.get("roles"))), "evidence": list(d.get("evidence") or []),
                               "reports": list(_as_list(d.get("reports"))), "parallel": 1}
            for k, val in d.items():
                if k.startswith("_"):
                    m[k] = val
        else:
            m["parallel"] += 1
            m["weight"] += d.get("weight", 1) or 1
            m["citations"] += d.get("citations", 0) or 0
            m["roles"].extend(_as_list(d.get("roles")))
            m["evidence"].extend(d.get("evidence") or [])
            m["reports"].extend(_as_list(d.get("reports")))
            for k in ("_years", "_roles"):
                if k in d:
                    m[k] = sorted(set(_as_list(m.get(k))) | set(_as_list(d[k])), key=str)
    for m in merged.values():
        if m.pop("parallel") > 1 or len(m["roles"]) > 1:
            m["roles"] = _unique(m["roles"])
            m["reports"] = _unique(m["reports"])
        if len(m["evidence"]) > 1:
            m["evidence"] = _unique(m["evidence"])
    return merged


def _years_of(d: dict) -> list[int]:
    y = d.get("year")
    return [int(y)] if isinstance(y, (int, float)) and not isinstance(y, bool) else []


def build_network(G: nx.Graph, color_by: Iterable[str] = (), focus: Any = None) -> Network:
    """A pyvis Network holding G's nodes and merged edges, ready for :func:`write_graph_page`.

    Node ids become small integers (the IRI stays in the tooltip), which keeps a 5,000-node
    page a few MB. Extra keys the page script reads: ``tip`` (tooltip lines), ``ptype`` (node
    type), ``lv`` (law level), ``yr`` (years), ``ro`` (citation roles) for the filters,
    ``aliases``/``full`` for the search box, ``iri`` (tooltip, ``#IRI`` links); on edges ``t`` (type), ``ev`` (evidence sentences),
    ``yr`` and ``ro``. ``color_by`` may hold ``"level"`` (laws coloured by level) and ``"role"``
    (citation edges with one role coloured by it).
    """
    color_by = set(color_by)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    nodes = sorted(G.nodes(data=True), key=lambda x: str(x[0]))
    ids = {n: i for i, (n, _) in enumerate(nodes)}
    merged = sorted(_merged_edges(G).items(), key=lambda x: (str(x[0][0]), str(x[0][1]), x[0][2], x[0][3]))
    fixed = any("_x" in d for _, d in nodes)
    large = len(nodes) > PHYSICS_LIMIT
    big = large and not fixed  # a precomputed layout is needed
    pos = layout(G) if big else {}

    # facets of the edges first: a node's years and roles are those of its edges
    degree: Counter = Counter()
    node_years: dict[Any, set] = {}
    node_roles: dict[Any, set] = {}
    vis_edges = []
    for i, ((u, v, t, _split), d) in enumerate(merged):
        degree[u] += 1
        degree[v] += 1
        edge: dict[str, Any] = {"id": i, "from": ids[u], "to": ids[v], "t": t}
        if "_years" in d:
            years = sorted({int(y) for y in _as_list(d["_years"])})
        else:
            years = sorted(set(_years_of(G.nodes[u]) if G.nodes[u].get("type") == "Report" else [])
                           | set(_years_of(G.nodes[v]) if G.nodes[v].get("type") == "Report" else []))
        roles = [str(r) for r in (_as_list(d["_roles"]) if "_roles" in d else
                                  (d["roles"] if t == "cites" else []))]
        roles = sorted(set(roles), key=_role_key)
        if years:
            edge["yr"] = years
            node_years.setdefault(u, set()).update(years)
            node_years.setdefault(v, set()).update(years)
        if roles:
            edge["ro"] = roles
            node_roles.setdefault(u, set()).update(roles)
            node_roles.setdefault(v, set()).update(roles)
        w = float(d["weight"]) if isinstance(d["weight"], (int, float)) else 1.0
        if "_width" in d:
            edge["width"] = round(float(d["_width"]), 2)
        elif w > 1:
            edge["width"] = round(1 + math.log1p(w - 1), 2)
        if "_color" in d:
            edge["color"] = d["_color"]
        elif "role" in color_by and t == "cites" and len(roles) == 1:
            edge["color"] = ROLE_COLORS.get(roles[0], ROLE_COLORS["其他"])
        if d.get("_dashes"):
            edge["dashes"] = True
        if "_smooth" in d:
            edge["smooth"] = d["_smooth"]
        if t == "cites" or w != 1 or d.get("reports"):
            edge["tip"] = _edge_tip(t, d)
        ev, more = _evidence(d)
        if ev:
            edge["ev"] = ev
        if more:
            edge["evMore"] = more
        vis_edges.append(edge)

    vis_nodes = []
    for n, d in nodes:
        t = str(d.get("type") or "Other")
        label = str(d.get("_label") or d.get("label") or n)
        node: dict[str, Any] = {"id": ids[n], "label": _text(label, 60), "group": t, "ptype": t,
                                "tip": _node_tip(n, d)}
        if t != "Year":  # display-only year nodes have no IRI
            node["iri"] = str(n)  # for the tooltip and for page.html#IRI links (policykg serve's entity pages)
        node["size"] = (round(float(d["_size"]), 2) if "_size" in d
                        else round(8 + 5 * math.log1p(degree[n]), 2))
        names = [str(d.get("label"))] if d.get("_label") and d.get("label") and d["label"] != label else []
        aliases = [_text(a, 80) for a in names + [a for a in _as_list(d.get("aliases")) if a != label]]
        if aliases:
            node["aliases"] = _unique(aliases)
        if len(node["label"]) < len(label):
            node["full"] = label  # search sees the whole label
        if t == "Law":
            node["lv"] = str(d.get("level") or "其他")
            if "level" in color_by:
                c = LEVEL_COLORS.get(node["lv"], LEVEL_COLORS["其他"])
                node["color"] = {"background": c, "border": c, "highlight": {"background": c, "border": "#222222"},
                                 "hover": {"background": c, "border": "#222222"}}
        years = sorted({int(y) for y in _as_list(d["_years"])}) if "_years" in d else (
            _years_of(d) if t in ("Report", "Year") else sorted(node_years.get(n, ())))
        if years:
            node["yr"] = years
        roles = (sorted(set(map(str, _as_list(d["_roles"]))), key=_role_key) if "_roles" in d else
                 sorted(node_roles.get(n, ()), key=_role_key) if t in ("Law", "Report") else [])
        if roles:
            node["ro"] = roles
        if "_color" in d:
            c = d["_color"]
            node["color"] = {"background": c, "border": c, "highlight": {"background": c, "border": "#222222"},
                             "hover": {"background": c, "border": "#222222"}}
        if "_font_size" in d:
            node["font"] = {"size": d["_font_size"]}
        if n == focus:
            node["borderWidth"] = 4
            node["focus"] = True
        if fixed:
            node["x"], node["y"] = float(d.get("_x", 0.0)), float(d.get("_y", 0.0))
            node["physics"] = False
        elif big:
            node["x"], node["y"] = pos[n]
            node["physics"] = False
        vis_nodes.append(node)

    # bulk fill: Network.add_node/add_nodes/from_nx are O(n) per call
    net.nodes = vis_nodes
    net.node_ids = [nd["id"] for nd in vis_nodes]
    net.node_map = {nd["id"]: nd for nd in vis_nodes}
    net.edges = vis_edges
    net.options = _options(big or fixed, sorted({nd["group"] for nd in vis_nodes}), smooth=not large)
    return net


def _role_key(role: str) -> tuple[int, str]:
    return (ROLE_ORDER.index(role), "") if role in ROLE_ORDER else (len(ROLE_ORDER), role)


def _level_key(level: str) -> tuple[int, str]:
    return (LEVEL_ORDER.index(level), "") if level in LEVEL_ORDER else (len(LEVEL_ORDER), level)


def _options(static: bool, types: list[str], smooth: bool = True) -> dict:
    groups = {}
    for t in types:
        color, shape = NODE_STYLES.get(t, OTHER_STYLE)
        groups[t] = {"color": {"background": color, "border": color,
                               "highlight": {"background": color, "border": "#222222"}},
                     "shape": shape}
        if shape == "box":
            groups[t]["font"] = {"color": "#ffffff"}
    return {
        "groups": groups,
        "nodes": {"font": {"size": 12, "face": "system-ui, Noto Sans CJK SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif"},
                  "scaling": {"label": {"drawThreshold": 6}}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "smooth": ({"enabled": True, "type": "continuous", "roundness": 0.3} if smooth else False),
                  "color": {"inherit": False}, "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": static and not smooth,
                        "hideEdgesOnZoom": static and not smooth, "navigationButtons": False, "keyboard": False},
        "layout": {"improvedLayout": not static, "randomSeed": 1},
        "physics": ({"enabled": False} if static else
                    {"enabled": True, "solver": "barnesHut", "minVelocity": 0.75,
                     "barnesHut": {"gravitationalConstant": -4000, "springLength": 120, "avoidOverlap": 0.1},
                     "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 25, "fit": True}}),
    }


def facets(nodes: list[dict], edges: list[dict], color_by: Iterable[str] = ()) -> dict[str, list[dict]]:
    """The filter groups of a page, from the values present: {facet: [{value, count, color?, shape?}]}."""
    color_by = set(color_by)
    types = Counter(n["ptype"] for n in nodes)
    order = [t for t in NODE_STYLES if t in types] + sorted(t for t in types if t not in NODE_STYLES)
    out: dict[str, list[dict]] = {"type": [{"value": t, "count": types[t], "color": NODE_STYLES.get(t, OTHER_STYLE)[0],
                                            "shape": NODE_STYLES.get(t, OTHER_STYLE)[1]} for t in order]}
    levels = Counter(n["lv"] for n in nodes if "lv" in n)
    out["level"] = [dict({"value": lv, "count": levels[lv]},
                         **({"color": LEVEL_COLORS.get(lv, LEVEL_COLORS["其他"])} if "level" in color_by else {}))
                    for lv in sorted(levels, key=_level_key)]
    # a year's count: its reports, or (a view without reports) the links made in that year
    reports = Counter(y for n in nodes if n["ptype"] == "Report" for y in n.get("yr", ()))
    years = Counter(y for n in nodes for y in n.get("yr", ()))
    links = Counter(y for e in edges for y in e.get("yr", ()))
    out["year"] = [{"value": y, "count": reports[y] if reports else links[y]} for y in sorted(years)]
    roles = Counter(r for e in edges for r in e.get("ro", ()))
    out["role"] = [dict({"value": r, "count": roles[r]},
                        **({"color": ROLE_COLORS.get(r, ROLE_COLORS["其他"])} if "role" in color_by else {}))
                   for r in sorted(roles, key=_role_key)]
    return out


def edge_legend(edges: list[dict], color_by: Iterable[str] = ()) -> list[dict]:
    """[{name, color, dashes}] for each edge type present."""
    seen: dict[str, dict] = {}
    for e in edges:
        t = e["t"]
        if t not in seen:
            by_role = t == "cites" and "role" in set(color_by)
            seen[t] = {"name": t.replace("_", " ") + (" (colour = role)" if by_role else ""),
                       "color": "#888888" if by_role else EDGE_COLORS.get(t, OTHER_EDGE_COLOR),
                       "dashes": bool(e.get("dashes"))}
    return [seen[t] for t in sorted(seen)]


def graph_data(G: nx.Graph, title: str, description: str = "", *, color_by: Iterable[str] = (),
               focus: Any = None, extra: dict | None = None) -> dict:
    """Everything the page script needs, as one JSON-able dict."""
    net = build_network(G, color_by=color_by, focus=focus)
    nodes, edges, _heading, _height, _width, _options_json = net.get_network_data()
    data = {"title": title, "description": description, "nodes": nodes, "edges": edges,
            "options": net.options, "edgeColors": EDGE_COLORS, "otherEdgeColor": OTHER_EDGE_COLOR,
            "physics": bool(net.options["physics"]["enabled"]), "facets": facets(nodes, edges, color_by)}
    if extra:
        data.update(extra)
    return data


def legend(G: nx.Graph) -> list[dict]:
    """[{name, color, shape, count}] for each node type present, in NODE_STYLES order."""
    counts = Counter(str(d.get("type") or "Other") for _, d in G.nodes(data=True))
    order = [t for t in NODE_STYLES if t in counts] + sorted(t for t in counts if t not in NODE_STYLES)
    return [{"name": t, "color": NODE_STYLES.get(t, OTHER_STYLE)[0], "shape": NODE_STYLES.get(t, OTHER_STYLE)[1],
             "count": counts[t]} for t in order]


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
    return _template().render(
        title=title, description=description, legend=legend(G), groups=groups,
        edge_legend=edge_legend(data["edges"], color_by), nav=nav or [], view=view,
        n_nodes=len(data["nodes"]), n_edges=len(data["edges"]), physics=data["physics"],
        data_json=Markup(_json_for_script(data)), vis_js=Markup(js), vis_css=Markup(css),
    )


def write_graph_page(G: nx.Graph, path, title: str, description: str = "", **kwargs) -> Path:
    """Write G as one self-contained, offline HTML page at ``path`` and return the path.

    Keyword arguments (``color_by``, ``focus``, ``nav``, ``extra``, ``view``) are those of
    :func:`render_page`; the views of :mod:`policykg.viz.views` use them.
    """
    html = render_page(G, title, description, **kwargs)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8", newline="\n")
    return out
