"""A policykg networkx graph as vis-network data: nodes and merged edges with their tooltips,
filter facets and legends, in a :class:`pyvis.network.Network` (filled in bulk: pyvis's
``from_nx``/``add_node`` check every id against a list and are quadratic).

Everything that came from a document (labels, aliases, evidence sentences) stays plain text
here; the page script builds tooltips and the side panel with ``textContent``.

The views of :mod:`policykg.viz.views` pass display hints as node and edge attributes whose
names start with ``_`` (``_size``, ``_x``/``_y``, ``_color``, ``_label``, ``_years``, ``_roles``,
``_split``, ``_width``, ``_dashes``, ``_ev``); a plain projection needs none of them. Large graphs
(more than :data:`PHYSICS_LIMIT` nodes) get a precomputed, seeded layout and physics off; small
graphs use barnesHut physics with a capped stabilisation, then freeze. Nodes, edges and keys are
sorted, so the same graph gives the same data.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterable

import networkx as nx
import orjson
from pyvis.network import Network

from policykg.graph.vocab import level_key, role_key

from .i18n import ontology_labels, text
from .layout import layout
from .style import (EDGE_COLORS, OTHER_EDGE_COLOR, level_color, node_color, role_color, style_of, type_order,
                    vis_options)

PHYSICS_LIMIT = 1000  # above this many nodes the layout is precomputed and physics is off
MAX_EVIDENCE = 8  # evidence sentences shown in one edge tooltip
MAX_TEXT = 400  # characters of one evidence sentence shown in a tooltip
FIRST_EDGES = 5000  # a page with a fixed layout draws at most this many edges in its first frame


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
        k = orjson.dumps(x, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out


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
    if reports:  # (``_reports_total``: an edge that keeps only the first few names)
        shown = "；".join(_text(r, 60) for r in reports[:6])
        total = max(len(reports), d.get("_reports_total") or 0)
        lines.append(["tt-muted", f"reports: {shown}" + (f"（+{total - 6}）" if total > 6 else "")])
    return lines


def _evidence(d: dict, report: Any = None, reading: dict | None = None) -> tuple[list[dict], int]:
    """An edge's evidence sentences for the page: [{s: start, e: end, r: role, x: text, p: report,
    d: the report's reading page id}]; ``report`` is the edge's report node, if it has one."""
    out = []
    for ev in d.get("evidence") or []:
        if isinstance(ev, dict):
            item = {"s": ev.get("start", "?"), "e": ev.get("end", "?"), "r": _text(ev.get("role") or "", 40),
                    "x": _text(ev.get("text", ""))}
            if ev.get("report"):
                item["p"] = _text(ev["report"], 80)
            page = (reading or {}).get(ev.get("report_iri") or report)
            if page:
                item["d"] = page
        else:
            item = {"x": _text(ev)}
        out.append(item)
    total = max(len(out), d.get("_evidence_total") or 0)  # an edge that keeps only its first sentences
    return out[:MAX_EVIDENCE], max(0, total - min(len(out), MAX_EVIDENCE))


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


def build_network(G: nx.Graph, color_by: Iterable[str] = (), focus: Any = None,
                  reading: dict | None = None) -> Network:
    """A pyvis Network holding G's nodes and merged edges, ready for :func:`write_graph_page`.

    Node ids become small integers (the IRI stays in the tooltip), which keeps a 5,000-node
    page a few MB. Extra keys the page script reads: ``tip`` (tooltip lines), ``ptype`` (node
    type), ``lv`` (law level), ``yr`` (years), ``ro`` (citation roles) for the filters,
    ``aliases``/``full`` for the search box, ``iri`` (tooltip, ``#IRI`` links); on edges ``t`` (type), ``ev`` (evidence sentences),
    ``yr`` and ``ro``. ``reading`` maps report IRIs to their reading page ids (evidence ``d``). ``color_by`` may hold ``"level"`` (laws coloured by level) and ``"role"``
    (citation edges with one role coloured by it).
    """
    color_by = set(color_by)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    nodes = sorted(G.nodes(data=True), key=lambda x: str(x[0]))
    ids = {n: i for i, (n, _) in enumerate(nodes)}
    attrs = dict(nodes)  # (looked up for both ends of every edge: a dict, not G's node view)
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
            years = sorted(set(_years_of(attrs[u]) if attrs[u].get("type") == "Report" else [])
                           | set(_years_of(attrs[v]) if attrs[v].get("type") == "Report" else []))
        roles = [str(r) for r in (_as_list(d["_roles"]) if "_roles" in d else
                                  (d["roles"] if t == "cites" else []))]
        roles = sorted(set(roles), key=role_key)
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
            edge["color"] = role_color(roles[0])
        if d.get("_dashes"):
            edge["dashes"] = True
        if "_smooth" in d:
            edge["smooth"] = d["_smooth"]
        if (t == "cites" or w != 1 or d.get("reports")) and not d.get("_brief"):
            edge["tip"] = _edge_tip(t, d)  # (``_brief``: the page makes it from t, n and ro; big pages)
        if t == "cites":
            edge["n"] = int(d.get("citations") or len(d.get("evidence") or []) or 1)
        report = u if attrs[u].get("type") == "Report" else v if attrs[v].get("type") == "Report" else None
        ev, more = _evidence(d, report, reading)
        if ev:
            edge["ev"] = ev
        if more:
            edge["evMore"] = more
        vis_edges.append(edge)

    vis_nodes = []
    for n, d in nodes:
        t = str(d.get("type") or "Other")
        label = str(d.get("_label") or d.get("label") or n)
        node: dict[str, Any] = {"id": ids[n], "label": _text(label, 60), "group": t, "ptype": t}
        if not d.get("_brief"):  # (``_brief``: the page makes the tooltip from label, type and years)
            node["tip"] = _node_tip(n, d)
        if t != "Year" and not d.get("_group"):  # display-only year and group nodes have no IRI
            node["iri"] = str(n)  # for the tooltip and for page.html#IRI links (policykg serve's entity pages)
        if d.get("_expand"):
            node["expand"] = str(d["_expand"])  # the page that lists a group's members one by one
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
                node["color"] = node_color(level_color(node["lv"]))
        years = sorted({int(y) for y in _as_list(d["_years"])}) if "_years" in d else (
            _years_of(d) if t in ("Report", "Year") else sorted(node_years.get(n, ())))
        if years:
            node["yr"] = years
        roles = (sorted(set(map(str, _as_list(d["_roles"]))), key=role_key) if "_roles" in d else
                 sorted(node_roles.get(n, ()), key=role_key) if t in ("Law", "Report") else [])
        if roles:
            node["ro"] = roles
        if "_color" in d:
            node["color"] = node_color(d["_color"])
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
    net.options = vis_options(big or fixed, sorted({nd["group"] for nd in vis_nodes}), smooth=not large)
    return net


def facets(nodes: list[dict], edges: list[dict], color_by: Iterable[str] = ()) -> dict[str, list[dict]]:
    """The filter groups of a page, from the values present: {facet: [{value, count, color?, shape?}]}."""
    color_by = set(color_by)
    types = Counter(n["ptype"] for n in nodes)
    order = type_order(types)
    out: dict[str, list[dict]] = {"type": [{"value": t, "count": types[t], "color": style_of(t)[0],
                                            "shape": style_of(t)[1]} for t in order]}
    levels = Counter(n["lv"] for n in nodes if "lv" in n)
    out["level"] = [dict({"value": lv, "count": levels[lv]},
                         **({"color": level_color(lv)} if "level" in color_by else {}))
                    for lv in sorted(levels, key=level_key)]
    # a year's count: its reports, or (a view without reports) the links made in that year
    reports = Counter(y for n in nodes if n["ptype"] == "Report" for y in n.get("yr", ()))
    years = Counter(y for n in nodes for y in n.get("yr", ()))
    links = Counter(y for e in edges for y in e.get("yr", ()))
    out["year"] = [{"value": y, "count": reports[y] if reports else links[y]} for y in sorted(years)]
    roles = Counter(r for e in edges for r in e.get("ro", ()))
    out["role"] = [dict({"value": r, "count": roles[r]},
                        **({"color": role_color(r)} if "role" in color_by else {}))
                   for r in sorted(roles, key=role_key)]
    return out


# edge types drawn only on pages (not properties of the ontology), in both languages
_DISPLAY_EDGES = {"in_year": ("年份", "in year"), "in_region": ("所在地区", "in region"),
                  "sub_organization_of": ("上级机关", "sub-organization of")}


def edge_name(t: str) -> tuple[str, str]:
    """An edge type's (zh, en) name: the ontology's labels of its property (``issued_by`` is
    pk:issuedBy, 报告机关)."""
    head, *rest = t.split("_")
    return ontology_labels().get(head + "".join(w.title() for w in rest)) or _DISPLAY_EDGES.get(t, (t, t.replace("_", " ")))


def edge_legend(edges: list[dict], color_by: Iterable[str] = ()) -> list[dict]:
    """[{name, color, dashes}] for each edge type present; ``name`` switches language."""
    seen: dict[str, dict] = {}
    for e in edges:
        t = e["t"]
        if t not in seen:
            by_role = t == "cites" and "role" in set(color_by)
            zh, en = edge_name(t)
            seen[t] = {"name": text(zh + ("（颜色 = 引用方式）" if by_role else ""), en + (" (colour = role)" if by_role else "")),
                       "color": "#888888" if by_role else EDGE_COLORS.get(t, OTHER_EDGE_COLOR),
                       "dashes": bool(e.get("dashes"))}
    return [seen[t] for t in sorted(seen)]


def graph_data(G: nx.Graph, title: str, description: str = "", *, color_by: Iterable[str] = (),
               focus: Any = None, extra: dict | None = None, reading: dict | None = None) -> dict:
    """Everything the page script needs, as one JSON-able dict."""
    net = build_network(G, color_by=color_by, focus=focus, reading=reading)
    nodes, edges, _heading, _height, _width, _options_json = net.get_network_data()
    physics = bool(net.options["physics"]["enabled"])
    first = len(edges) if physics else min(len(edges), FIRST_EDGES)
    edges = first_drawn(edges, first)
    data = {"title": title, "description": description, "nodes": nodes, "edges": edges,
            "options": net.options, "edgeColors": EDGE_COLORS, "otherEdgeColor": OTHER_EDGE_COLOR,
            "physics": physics, "facets": facets(nodes, edges, color_by),
            "edgeNames": {t: list(edge_name(t)) for t in sorted({e["t"] for e in edges})}}
    if first < len(edges):
        data["firstEdges"] = first
    if extra:
        data.update(extra)
    return data


def first_drawn(edges: list[dict], first: int) -> list[dict]:
    """The edges in the order a page adds them: the ``first`` drawn in its first frame are every
    edge but the citations (the structure: agencies, regions, years) and then the citations with
    the most citations; the rest follow in their order. Ids are kept.

    >>> es = [{"id": 0, "t": "cites", "n": 1}, {"id": 1, "t": "cites", "n": 5}, {"id": 2, "t": "part_of"}]
    >>> [e["id"] for e in first_drawn(es, 2)]
    [2, 1, 0]
    """
    if first >= len(edges):
        return edges
    ranked = sorted(range(len(edges)), key=lambda i: (edges[i]["t"] == "cites", -edges[i].get("n", 1), i))
    head = sorted(ranked[:first], key=lambda i: (edges[i]["t"] == "cites", i))
    taken = set(head)
    return [edges[i] for i in head] + [e for i, e in enumerate(edges) if i not in taken]


def legend(G: nx.Graph) -> list[dict]:
    """[{name, color, shape, count}] for each node type present, in NODE_STYLES order."""
    counts = Counter(str(d.get("type") or "Other") for _, d in G.nodes(data=True))
    order = type_order(counts)
    return [{"name": t, "color": style_of(t)[0], "shape": style_of(t)[1], "count": counts[t]} for t in order]
