"""Exports of a graph for other tools: GraphML and GEXF (Gephi, Cytoscape, yEd, networkx) of the
networkx projection, CSV node and edge lists (spreadsheets, pandas, R), and JSON-LD of the RDF
graph (any RDF or JSON-LD tool).

GraphML and GEXF hold only scalar attributes (str, int, float, bool). The projection also has
lists and dicts (aliases, roles, evidence) and None (a report without a year), so those values are
written as JSON text under the attribute name plus ``.json`` (``aliases.json = ["北京市东城区"]``);
``read_graphml`` and ``read_gexf`` decode them again, so that an export read back is equal to the
graph written: same nodes, same edges with the same keys, same attributes and types.

GEXF reserves some names: an edge's ``type`` means directed/undirected there, its ``weight`` is a
float, and ``id``/``label``/``start``/``end`` (nodes: ``start``/``end``/``pid``/``viz``) have
meanings of their own. Such attributes are written as ``edge_type`` (a plain string, for Gephi's
filters) or as ``NAME.json``; the weight is also written as GEXF's own weight so that Gephi uses it.

XML 1.0 cannot hold most C0 control characters (\x01, \x0b, \x1b …), U+FFFE/FFFF or lone
surrogates, and parsers turn a raw CR into LF. A text attribute holding one is written twice: as
NAME with U+FFFD in place of each illegal character (what Gephi or Cytoscape show) and exactly as
NAME.json, whose JSON escapes them (\u0001); the readers take NAME.json, so nothing is lost.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
from rdflib import Graph

from . import safe_csv

__all__ = ["FORMATS", "write_graphml", "read_graphml", "write_gexf", "read_gexf", "write_csv",
           "write_jsonld", "jsonld_context", "export"]

FORMATS = ("graphml", "gexf", "csv", "jsonld")
FILES = {"graphml": ("graph.graphml",), "gexf": ("graph.gexf",), "csv": ("nodes.csv", "edges.csv"),
         "jsonld": ("graph.jsonld",)}
JSON_SUFFIX = ".json"
_SCALARS = (str, bool, int, float)
# GEXF: attributes the writer would take for its own meaning (networkx's GEXFWriter pops them)
_GEXF_NODE_RESERVED = {"start", "end", "pid", "viz", "id"}
_GEXF_EDGE_RESERVED = {"id", "label", "start", "end", "key"}
_GEXF_EDGE_TYPE = "edge_type"
_GEXF_KEY = "networkx_key.json"  # a non-text edge key (GEXF reads every key back as text)
# keys the readers add to G.graph that the projection never has
_READER_GRAPH_KEYS = ("node_default", "edge_default", "mode")
# what XML 1.0 cannot hold (json.dumps already escapes the C0 controls), and with CR what it
# cannot give back unchanged
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")


def _dumps(value) -> str:
    """JSON text that XML can hold: characters XML forbids are written as \\uXXXX escapes."""
    return _XML_ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _encode_attrs(data: dict, reserved: set[str] = frozenset(), float_only: set[str] = frozenset()) -> dict:
    """Scalars as they are; anything else, and reserved names, as NAME.json = JSON text. Names in
    ``float_only`` keep their value (as a float, for the format's own use) and, when it is not a
    float, also the exact value as NAME.json."""
    out = {}
    for k, v in data.items():
        if k.endswith(JSON_SUFFIX):
            raise ValueError(f"attribute name {k!r} ends in {JSON_SUFFIX!r}, which the export uses for JSON values")
        if k in float_only and isinstance(v, (int, float)) and not isinstance(v, bool):
            out[k] = float(v)
            if not isinstance(v, float):
                out[k + JSON_SUFFIX] = _dumps(v)
        elif k in float_only or k in reserved or not isinstance(v, _SCALARS):
            out[k + JSON_SUFFIX] = _dumps(v)
        elif isinstance(v, str) and _XML_UNSAFE.search(v):
            out[k] = _XML_ILLEGAL.sub("\ufffd", v)  # readable in other tools
            out[k + JSON_SUFFIX] = _dumps(v)  # exact; the readers prefer it
        else:
            out[k] = v
    return out


def _decode_attrs(data: dict) -> dict:
    out = {k: v for k, v in data.items() if not k.endswith(JSON_SUFFIX)}
    for k, v in data.items():
        if k.endswith(JSON_SUFFIX):
            out[k[: -len(JSON_SUFFIX)]] = json.loads(v)  # the exact value wins over a format's copy
    return out


def _check_multidigraph(G) -> None:
    if not isinstance(G, nx.MultiDiGraph):
        raise TypeError("export expects the MultiDiGraph of graph.project.to_networkx")


# --- GraphML ---------------------------------------------------------------------------
def write_graphml(G: nx.MultiDiGraph, path) -> Path:
    """GraphML of G; edge keys become the edges' ids."""
    _check_multidigraph(G)
    H = nx.MultiDiGraph(**_encode_attrs(G.graph))
    H.add_nodes_from((n, _encode_attrs(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((u, v, k, _encode_attrs(d)) for u, v, k, d in G.edges(keys=True, data=True))
    nx.write_graphml(H, path, encoding="utf-8", prettyprint=True)
    return Path(path)


def read_graphml(path) -> nx.MultiDiGraph:
    """A GraphML export read back, with its list, dict and None attributes restored."""
    H = nx.read_graphml(path, force_multigraph=True)
    G = nx.MultiDiGraph(**_decode_attrs({k: v for k, v in H.graph.items() if k not in _READER_GRAPH_KEYS}))
    G.add_nodes_from((n, _decode_attrs(d)) for n, d in H.nodes(data=True))
    G.add_edges_from((u, v, k, _decode_attrs(d)) for u, v, k, d in H.edges(keys=True, data=True))
    return G


# --- GEXF ------------------------------------------------------------------------------
def write_gexf(G: nx.MultiDiGraph, path) -> Path:
    """GEXF 1.2 of G (Gephi); edge keys are kept (networkx writes them as ``networkx_key``; a key
    that is not text, e.g. networkx's default 0, 1, …, also as JSON, since GEXF gives text back).
    G.graph's attributes are not written (GEXF has no place for them), and a node without a label
    comes back labelled with its id (GEXF labels every node); the projection has neither case."""
    _check_multidigraph(G)
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **_encode_attrs(d, _GEXF_NODE_RESERVED))
    for u, v, k, d in G.edges(keys=True, data=True):
        d = dict(d)
        has_type, typ = "type" in d, d.pop("type", None)
        e = _encode_attrs(d, _GEXF_EDGE_RESERVED, float_only={"weight"})
        if has_type:
            if isinstance(typ, str) and not _XML_UNSAFE.search(typ):
                e[_GEXF_EDGE_TYPE] = typ
            else:
                e["type" + JSON_SUFFIX] = _dumps(typ)
        for name in (_GEXF_EDGE_TYPE, "networkx_key"):
            if name in d:
                raise ValueError(f"edge attribute {name!r} is reserved by the GEXF export")
        if not isinstance(k, str):
            e[_GEXF_KEY] = _dumps(k)
        H.add_edge(u, v, key=k, **e)
    nx.write_gexf(H, path, encoding="utf-8", prettyprint=True)
    return Path(path)


def read_gexf(path) -> nx.MultiDiGraph:
    """A GEXF export read back: attributes restored, edge types and integer weights as written."""
    H = nx.read_gexf(path)
    G = nx.MultiDiGraph()
    for n, d in H.nodes(data=True):
        G.add_node(n, **_decode_attrs(d))
    for u, v, k, d in H.edges(keys=True, data=True):
        d = dict(d)
        d.pop("id", None)  # GEXF's own edge id, numbered by the writer
        if _GEXF_EDGE_TYPE in d:
            d["type"] = d.pop(_GEXF_EDGE_TYPE)
        if _GEXF_KEY in d:
            k = json.loads(d.pop(_GEXF_KEY))
        G.add_edge(u, v, key=k, **_decode_attrs(d))
    return G


# --- CSV -------------------------------------------------------------------------------
def _cell(v) -> str | int | float:
    if v is None:
        return ""
    return v if isinstance(v, _SCALARS) else _dumps(v)


def _columns(first: list[str], rows: list[dict]) -> list[str]:
    rest = sorted({k for r in rows for k in r} - set(first))
    return first + rest


def write_csv(G: nx.MultiDiGraph, out_dir, raw: bool = False) -> tuple[Path, Path]:
    """nodes.csv (id, type, label, then every other attribute) and edges.csv (source, target, type,
    weight, key, then the rest), UTF-8 without BOM; lists and dicts as JSON, None as empty. Text a
    spreadsheet would run as a formula gets a leading ' unless ``raw`` (see graph.safe_csv)."""
    out_dir = Path(out_dir)
    nodes = [{"id": n, **d} for n, d in sorted(G.nodes(data=True), key=lambda x: x[0])]
    edges = [{"source": u, "target": v, "key": k, **d}
             for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda x: (x[0], x[1], str(x[2])))]
    paths = []
    for name, first, rows in (("nodes.csv", ["id", "type", "label"], nodes),
                              ("edges.csv", ["source", "target", "type", "weight", "key"], edges)):
        path = out_dir / name
        cols = _columns(first, rows)
        with path.open("w", encoding="utf-8", newline="") as f:
            w = safe_csv.writer(f, raw=raw)
            w.writerow(cols)
            for r in rows:
                w.writerow([_cell(r.get(c)) for c in cols])
        paths.append(path)
    return paths[0], paths[1]


# --- JSON-LD ---------------------------------------------------------------------------
def jsonld_context(g: Graph) -> dict[str, str]:
    """A JSON-LD @context of the prefixes the graph really uses, so that the JSON-LD reads
    pk:cites rather than full IRIs: the project's own prefixes first, then any other prefix bound
    in ``g`` and in use. (rdflib binds dozens of prefixes by default, brick, schema, …, and geo to
    GeoSPARQL rather than WGS84, which would only confuse readers.)"""
    from rdflib import Literal, URIRef

    from .vocab import PREFIXES

    iris: set[str] = set()
    for triple in g:
        for term in triple:
            if isinstance(term, URIRef):
                iris.add(str(term))
            elif isinstance(term, Literal) and term.datatype is not None:
                iris.add(str(term.datatype))
    context: dict[str, str] = {}
    for prefix, ns in [*PREFIXES.items(), *sorted(g.namespaces())]:
        ns = str(ns)
        if prefix and prefix not in context and ns not in context.values() and any(i.startswith(ns) for i in iris):
            context[prefix] = ns
    return dict(sorted(context.items()))


def write_jsonld(g: Graph, path) -> Path:
    """JSON-LD of the RDF graph, compacted with the graph's prefixes."""
    data = g.serialize(format="json-ld", context=jsonld_context(g), auto_compact=True, indent=1,
                       ensure_ascii=False)
    Path(path).write_text(data, encoding="utf-8")
    return Path(path)


# --- all -------------------------------------------------------------------------------
def export(g: Graph, out_dir, formats=FORMATS, G: nx.MultiDiGraph | None = None, raw_csv: bool = False) -> list[Path]:
    """Write the chosen formats of RDF graph ``g`` into ``out_dir`` (created if needed); the
    networkx projection ``G`` is made from ``g`` unless given; ``raw_csv`` writes CSV cells
    exactly, without the spreadsheet defence. Returns the files written."""
    from .project import to_networkx

    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(sorted(unknown))}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if G is None and set(formats) - {"jsonld"}:
        G = to_networkx(g)
    written: list[Path] = []
    for fmt in FORMATS:
        if fmt not in formats:
            continue
        if fmt == "graphml":
            written.append(write_graphml(G, out_dir / FILES[fmt][0]))
        elif fmt == "gexf":
            written.append(write_gexf(G, out_dir / FILES[fmt][0]))
        elif fmt == "csv":
            written.extend(write_csv(G, out_dir, raw=raw_csv))
        else:
            written.append(write_jsonld(g, out_dir / FILES[fmt][0]))
    return written
