"""Exports of a graph for other tools: GraphML and GEXF (Gephi, Cytoscape, yEd, networkx) of the
networkx projection, CSV node and edge lists (spreadsheets, pandas, R), JSON-LD of the RDF graph
(any RDF or JSON-LD tool), the region × law table (CSV and GraphML) and the flat citation table
(CSV and Parquet). Everything is read from the pyoxigraph store (graph.ttl is never parsed).

The GEXF is ready for Gephi: each node has a colour (its type's, a law's by level), a size
(PageRank) and a position (the overview's layout) as viz: attributes, and the graph is dynamic,
with years as dates: a report lives in its work year, any other node in the years of the reports
linked to it, an edge from a report in the report's year (spells, for Gephi's timeline), and a
law's citations per year are a dynamic attribute (``citations_by_year``).

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

import contextlib
import gc
import json
import math
import re
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from . import safe_csv
from .sparql_json import XSD_STRING

__all__ = ["FORMATS", "write_graphml", "read_graphml", "write_gexf", "read_gexf", "write_csv",
           "write_jsonld", "jsonld_part", "assemble_jsonld", "write_region_law", "write_citations", "export"]

FORMATS = ("graphml", "gexf", "csv", "jsonld", "region-law", "citations", "nquads")
FILES = {"graphml": ("graph.graphml",), "gexf": ("graph.gexf",), "csv": ("nodes.csv", "edges.csv"),
         "jsonld": ("graph.jsonld",), "region-law": ("region_law.csv", "region_law.graphml"),
         "citations": ("citations.csv", "citations.parquet"), "nquads": ("graph.nq.gz",)}
JSON_SUFFIX = ".json"
_SCALARS = (str, bool, int, float)
# GEXF: attributes the writer would take for its own meaning (networkx's GEXFWriter pops them)
# (and the presentation's own: spells, the dynamic citations_by_year)
_GEXF_DYNAMIC = "citations_by_year"
_GEXF_NODE_RESERVED = {"start", "end", "pid", "viz", "id", "spells", _GEXF_DYNAMIC}
_GEXF_EDGE_RESERVED = {"id", "label", "start", "end", "key", "spells"}
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


# --- GEXF ---------------------------------------------------------------------------
def _year_spell(year: int) -> tuple[str, str]:
    return (f"{year:04d}-01-01", f"{year:04d}-12-31")


def gexf_presentation(G: nx.MultiDiGraph) -> tuple[dict, dict, dict, dict]:
    """What the GEXF adds for Gephi: node → viz (colour, size, position), node → years,
    (u, v, key) → year of the edges from a report, law → {year: citations}."""
    from policykg.viz.layout import layout
    from policykg.viz.style import level_color, pagerank_sizes, style_of

    from .analytics import pagerank

    sizes = pagerank_sizes(pagerank(G))
    pos = layout(G)
    viz = {}
    for n, d in G.nodes(data=True):
        colour = level_color(d.get("level", "")) if d.get("type") == "Law" else style_of(d.get("type", ""))[0]
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        x, y = pos.get(n, (0.0, 0.0))
        viz[n] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "size": sizes.get(n, 6.0),
                  "position": {"x": float(x), "y": float(-y), "z": 0.0}}  # pages grow down, Gephi up
    years: dict = defaultdict(set)
    edge_years: dict = {}
    law_years: dict = defaultdict(lambda: defaultdict(int))
    for u, v, k, d in G.edges(keys=True, data=True):
        year = G.nodes[u].get("year") if G.nodes[u].get("type") == "Report" else None
        if not isinstance(year, int):
            continue
        years[u].add(year)
        years[v].add(year)
        edge_years[u, v, k] = year
        if d.get("type") == "cites":
            law_years[v][year] += d.get("citations", 1)
    return viz, years, edge_years, law_years


def write_gexf(G: nx.MultiDiGraph, path, presentation: bool = True) -> Path:
    """GEXF 1.2 of G (Gephi); edge keys are kept (networkx writes them as ``networkx_key``; a key
    that is not text, e.g. networkx's default 0, 1, …, also as JSON, since GEXF gives text back).
    G.graph's attributes are not written (GEXF has no place for them), and a node without a label
    comes back labelled with its id (GEXF labels every node); the projection has neither case.
    With ``presentation`` (of a projection), colours, sizes, positions and years are added (see
    the module's docstring); ``read_gexf`` leaves them out again."""
    _check_multidigraph(G)
    viz, years, edge_years, law_years = gexf_presentation(G) if presentation else ({}, {}, {}, {})
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        attrs = _encode_attrs(d, _GEXF_NODE_RESERVED)
        if n in viz:
            attrs["viz"] = viz[n]
        if years.get(n):
            attrs["spells"] = [_year_spell(y) for y in sorted(years[n])]
        if law_years.get(n):
            attrs[_GEXF_DYNAMIC] = [(c, *_year_spell(y)) for y, c in sorted(law_years[n].items())]
        H.add_node(n, **attrs)
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
        if (u, v, k) in edge_years:
            e["spells"] = [_year_spell(edge_years[u, v, k])]
        H.add_edge(u, v, key=k, **e)
    nx.write_gexf(H, path, encoding="utf-8", prettyprint=True)
    return Path(path)


def read_gexf(path) -> nx.MultiDiGraph:
    """A GEXF export read back: attributes restored, edge types and integer weights as written;
    the presentation (viz, spells, citations_by_year) left out."""
    H = nx.read_gexf(path)
    G = nx.MultiDiGraph()
    for n, d in H.nodes(data=True):
        d = {k: v for k, v in d.items() if k not in ("viz", "spells", _GEXF_DYNAMIC)}
        G.add_node(n, **_decode_attrs(d))
    for u, v, k, d in H.edges(keys=True, data=True):
        d = dict(d)
        d.pop("id", None)  # GEXF's own edge id, numbered by the writer
        d.pop("spells", None)
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


# --- region × law -------------------------------------------------------------------
def write_region_law(G: nx.MultiDiGraph, out_dir, raw: bool = False) -> tuple[Path, Path]:
    """region_law.csv (graph.analytics.region_law_counts: region, code, law, level, reports,
    citations, ids) and region_law.graphml: the bipartite graph of regions (an unplaced report's
    agency standing in, as in ``policykg stats``) and laws, one ``cites`` edge per region and law
    with its reports and citations."""
    from .analytics import region_law_counts

    out_dir = Path(out_dir)
    rows = region_law_counts(G)
    path = out_dir / FILES["region-law"][0]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = safe_csv.writer(f, raw=raw)
        w.writerow(["region", "code", "law", "level", "reports", "citations", "region_id", "law_id"])
        for r in rows:
            w.writerow([r["region"], r["code"], r["law"], r["level"], r["reports"], r["citations"],
                        r["region_id"], r["law_id"]])
    H = nx.MultiDiGraph()
    for r in rows:
        H.add_node(r["region_id"], type=G.nodes[r["region_id"]].get("type", ""), label=r["region"], code=r["code"])
        H.add_node(r["law_id"], type="Law", label=r["law"], level=r["level"])
        H.add_edge(r["region_id"], r["law_id"], key="cites", type="cites", reports=r["reports"],
                   citations=r["citations"], weight=r["citations"])
    return path, write_graphml(H, out_dir / FILES["region-law"][1])


# --- citations ---------------------------------------------------------------------------
def write_citations(frame, out_dir, raw: bool = False) -> tuple[Path, Path]:
    """The flat citation table (policykg.KnowledgeGraph.citations(), a DataFrame) as
    citations.csv (UTF-8, empty cells for missing values, the spreadsheet defence unless ``raw``)
    and citations.parquet (pyarrow; integer columns stay nullable integers)."""
    out_dir = Path(out_dir)
    csv_path, parquet_path = (out_dir / name for name in FILES["citations"])
    with csv_path.open("w", encoding="utf-8", newline="") as f:
        w = safe_csv.writer(f, raw=raw)
        w.writerow(list(frame.columns))
        for row in frame.itertuples(index=False):
            w.writerow(["" if _missing(v) else v for v in row])
    frame.to_parquet(parquet_path, index=False, engine="pyarrow")
    return csv_path, parquet_path


def _missing(value) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# --- JSON-LD ---------------------------------------------------------------------------
class _Compactor:
    """IRIs as compact IRIs (pk:cites) with the project's prefixes, remembering each predicate,
    class and datatype once (they repeat on every node), and the prefixes used."""

    def __init__(self, prefixes: dict[str, str]):
        # longest namespace first, so that id: wins over a shorter one that also matches
        self.prefixes = sorted(prefixes.items(), key=lambda p: -len(p[1]))
        self.used: set[str] = set()
        self.cache: dict[str, str] = {}
        # the namespace of an IRI's head (up to its last / or #), found once per head: millions
        # of IRIs share a few dozen heads (id/citation/, id/law/ ...). Only when every namespace
        # ends in / or #, since then the one an IRI starts with lies within its head.
        self.by_head: dict[str, tuple[str, str] | None] | None = (
            {} if all(ns.endswith(("/", "#")) for _, ns in self.prefixes) else None)

    def _namespace(self, iri: str) -> tuple[str, str] | None:
        for prefix, ns in self.prefixes:
            if iri.startswith(ns) and len(iri) > len(ns):
                return prefix, ns
        return None

    def __call__(self, iri: str) -> str:
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        if self.by_head is not None and 0 < cut < len(iri):
            head = iri[:cut]
            if head not in self.by_head:
                self.by_head[head] = self._namespace(head + "_")  # any IRI longer than its head
            found = self.by_head[head]
        else:
            found = self._namespace(iri)
        if found is None:
            return iri
        prefix, ns = found
        self.used.add(prefix)
        return f"{prefix}:{iri[len(ns):]}"

    def term(self, iri: str) -> str:
        """A predicate, class or datatype (a handful of IRIs, seen millions of times)."""
        short = self.cache.get(iri)
        if short is None:
            short = self.cache[iri] = self(iri)
        return short

    def value(self, term) -> dict:
        if isinstance(term, ox.NamedNode):
            return {"@id": self(term.value)}
        if isinstance(term, ox.BlankNode):
            return {"@id": f"_:{term.value}"}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": self.term(datatype)}


def write_jsonld(store: ox.Store, path, parts: int = 1) -> Path:
    """JSON-LD of the store's default graph: one node object per subject, its IRIs compacted
    with the project's prefixes, and a @context of the prefixes used. Streamed from the store
    (subject by subject) into a temporary file and put behind the @context at the end, so the
    graph is never held in memory. ``parts`` > 1 writes the same file from that many slices
    written one after the other (what ``export`` does in parallel, see jsonld_part)."""
    path = Path(path)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".jsonld-") as tmp:
        bodies = [Path(tmp, f"part{i}") for i in range(parts)]
        used = [jsonld_part(store, body, i, parts) for i, body in enumerate(bodies)]
        return assemble_jsonld(path, used, bodies)


_ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def _slice(store: ox.Store, part: int, parts: int):
    """(subject, predicate, object) of part ``part`` of ``parts`` of the default graph, in the
    store's order (subject by subject), every subject whole in one part: a part starts with the
    first subject that starts in its share of the quads and ends with the subject its share ends
    in. Its start is reached by a CONSTRUCT with OFFSET, which skips quads without decoding them
    (reading is most of the cost: about 12 µs a quad)."""
    total = len(store)  # a part's share; the last part reads on to the end whatever it holds
    start, end = total * part // parts, total * (part + 1) // parts
    if start == 0:
        triples = ((q.subject, q.predicate, q.object)
                   for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        before = None
    else:
        triples = store.query(f"{_ALL_TRIPLES} OFFSET {start}")
        before = next((t.subject for t in store.query(f"{_ALL_TRIPLES} OFFSET {start - 1} LIMIT 1")), None)
    last = None
    for i, (s, p, o) in enumerate(triples, start):
        if s == before:  # the previous part's last subject, written there
            continue
        if i >= end and part < parts - 1 and s != last:
            return
        last = s
        yield s, p, o


def jsonld_part(store, body_path, part: int = 0, parts: int = 1) -> set[str]:
    """Write the node objects of part ``part`` of ``parts`` of ``store`` (a Store or a build
    folder, opened read-only) to ``body_path``, separated by ",\n "; returns the prefixes they
    use. assemble_jsonld puts the parts together."""
    from .store import as_store
    from .vocab import PREFIXES

    store = as_store(store)
    compact = _Compactor(PREFIXES)
    rdf_type = PREFIXES["rdf"] + "type"
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with open(body_path, "w", encoding="utf-8") as body:
        subject, node, separator = None, None, ""
        for s, p, o in _slice(store, part, parts):
            if s != subject:
                if node is not None:
                    body.write(separator + dumps(node))
                    separator = ",\n "
                subject = s
                node = {"@id": compact.value(s)["@id"]}
            p = p.value
            if p == rdf_type and isinstance(o, ox.NamedNode):
                node.setdefault("@type", []).append(compact.term(o.value))
            else:
                node.setdefault(compact.term(p), []).append(compact.value(o))
        if node is not None:
            body.write(separator + dumps(node))
    return compact.used


def assemble_jsonld(path, used: list[set[str]], bodies: list[Path]) -> Path:
    """graph.jsonld from the parts jsonld_part wrote (in order) and the prefixes each used."""
    from .vocab import PREFIXES

    path = Path(path)
    context = {p: ns for p, ns in sorted(PREFIXES.items()) if any(p in u for u in used)}
    with path.open("wb") as f:
        f.write(('{"@context": ' + json.dumps(context, ensure_ascii=False, indent=1) + ',\n"@graph": [').encode())
        separator = b"\n "
        for body in bodies:
            if body.stat().st_size:
                f.write(separator)
                with body.open("rb") as part:
                    shutil.copyfileobj(part, f)
                separator = b",\n "
        f.write(b"\n]}\n")
    return path


# --- all -------------------------------------------------------------------------------
PROJECTION_FORMATS = ("graphml", "gexf", "csv", "region-law")  # written from the networkx projection
STORE_FORMATS = ("jsonld", "citations", "nquads")  # read from the store itself: worker processes


def export(store: ox.Store, out_dir, formats=FORMATS, G=None, raw_csv: bool = False, citations=None,
           jobs: int = 1, source=None) -> list[Path]:
    """Write the chosen formats of the graph in ``store`` into ``out_dir`` (created if needed);
    ``G`` is the networkx projection, or a function giving it, made from the store when not given;
    ``citations`` is a function giving the citation table (policykg.KnowledgeGraph.citations),
    needed for the ``citations`` format; ``raw_csv`` writes CSV cells exactly, without the
    spreadsheet defence. Returns the files written.

    With ``jobs`` > 1 and ``source``, the build folder ``store`` was opened from, the formats
    that read the whole store are written by that many worker processes, each opening the store
    read-only: the JSON-LD (in slices when workers are left over, see _slices), the citation
    table (when ``citations`` can be pickled) and the N-Quads; meanwhile this process makes the
    projection and writes its formats. The files are the same as those written one by one. (A
    script calling it with ``jobs`` > 1 needs the ``if __name__ == "__main__":`` guard of
    multiprocessing's spawned workers.)"""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(sorted(unknown))}")
    if "citations" in formats and citations is None:
        raise ValueError("the citations format needs the citation table (citations=KnowledgeGraph.citations)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = jobs if jobs > 1 and _on_disk(source) and _side_by_side(formats, jobs) else 0
    with _Workers(workers, source, out_dir, raw_csv) as background:
        pending = background.start(formats, citations)
        done = {}
        if set(formats) & set(PROJECTION_FORMATS):
            done.update(_write_graph_files(_projection(G, store), out_dir, formats, raw_csv))
        for fmt in STORE_FORMATS:
            if fmt in formats and fmt not in pending:
                done[fmt] = _write_store_format(store, fmt, out_dir, raw_csv, citations)
        done.update(background.finish(pending))
    return [path for fmt in FORMATS if fmt in done for path in done[fmt]]


def _projection(G, store: ox.Store) -> nx.MultiDiGraph:
    """G as given, G() when it is a function, else the projection made from the store."""
    from .project import to_networkx

    if G is None:
        return to_networkx(store)
    return G() if callable(G) else G


def _side_by_side(formats, jobs: int) -> bool:
    """Whether workers would run anything beside another job (the JSON-LD's slices, a second
    format): one format alone, say citations, gains nothing from a worker."""
    in_workers = _slices(formats, jobs) + ("citations" in formats) + ("nquads" in formats)
    return in_workers > 1 or (in_workers == 1 and bool(set(formats) & set(PROJECTION_FORMATS)))


def _slices(formats, jobs: int) -> int:
    """The JSON-LD's slices: one per worker the other store formats leave free, at least one.
    Slicing costs CPU (a slice after the first reads its quads through a query, some 20 % dearer
    than the store's own scan), so a worker that would otherwise wait is what pays for it."""
    if "jsonld" not in formats:
        return 0
    return max(1, jobs - ("citations" in formats) - ("nquads" in formats))


def _on_disk(source) -> bool:
    from .store import STORE_DIR

    return source is not None and Path(source, STORE_DIR).is_dir()


@contextlib.contextmanager
def _frozen_gc():
    """The projection's objects (millions at 5,000 reports) outlive the writers, which make many
    more: frozen, they are left out of every garbage collection while the files are written
    (the GEXF some 20 % faster)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _write_graph_files(G: nx.MultiDiGraph, out_dir: Path, formats, raw_csv: bool) -> dict[str, list[Path]]:
    """The PROJECTION_FORMATS of ``formats``, with the projection's objects left out of garbage
    collection meanwhile (see _frozen_gc)."""
    done = {}
    with _frozen_gc():
        if "graphml" in formats:
            done["graphml"] = [write_graphml(G, out_dir / FILES["graphml"][0])]
        if "gexf" in formats:
            done["gexf"] = [write_gexf(G, out_dir / FILES["gexf"][0])]
        if "csv" in formats:
            done["csv"] = list(write_csv(G, out_dir, raw=raw_csv))
        if "region-law" in formats:
            done["region-law"] = list(write_region_law(G, out_dir, raw=raw_csv))
    return done


def _write_store_format(store, fmt: str, out_dir: Path, raw_csv: bool, citations) -> list[Path]:
    """One of STORE_FORMATS, here (``store`` a Store, or in a worker a build folder)."""
    path = out_dir / FILES[fmt][0]
    if fmt == "jsonld":
        return [write_jsonld(store, path)]
    if fmt == "citations":
        return list(write_citations(citations(), out_dir, raw=raw_csv))
    from .dump import dump_nquads  # for a server store's bulk loader (policykg bulk-load)

    dump_nquads(store, path)
    return [path]


class _Workers:
    """The worker processes of ``export`` (none when ``jobs`` is 0): ``start`` hands them the
    store's formats, ``finish`` waits for them. Spawned, not forked: this process holds the store
    open, and each worker opens its own."""

    def __init__(self, jobs: int, source, out_dir: Path, raw_csv: bool):
        self.jobs, self.source, self.out_dir, self.raw_csv = jobs, source, out_dir, raw_csv
        self.pool = None
        self.tmp = None  # the JSON-LD's slices, until they are put together

    def __enter__(self):
        if self.jobs:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"))
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self.tmp is not None:
            self.tmp.cleanup()

    def start(self, formats, citations) -> dict:
        """format → a function that waits for its files; the biggest jobs first."""
        if self.pool is None:
            return {}
        pending = {}
        if "jsonld" in formats:
            pending["jsonld"] = self._jsonld(_slices(formats, self.jobs))
        if "citations" in formats and _picklable(citations):
            future = self.pool.submit(_write_store_format, self.source, "citations", self.out_dir, self.raw_csv,
                                      citations)
            pending["citations"] = future.result
        if "nquads" in formats:
            future = self.pool.submit(_write_store_format, self.source, "nquads", self.out_dir, self.raw_csv, None)
            pending["nquads"] = future.result
        return pending

    def _jsonld(self, slices: int):
        # the slices are put together here when all are written
        self.tmp = tempfile.TemporaryDirectory(dir=self.out_dir, prefix=".jsonld-")
        bodies = [Path(self.tmp.name, f"part{i}") for i in range(slices)]
        futures = [self.pool.submit(jsonld_part, self.source, body, i, slices) for i, body in enumerate(bodies)]
        path = self.out_dir / FILES["jsonld"][0]
        return lambda: [assemble_jsonld(path, [f.result() for f in futures], bodies)]

    @staticmethod
    def finish(pending: dict) -> dict[str, list[Path]]:
        return {fmt: wait() for fmt, wait in pending.items()}


def _picklable(function) -> bool:
    """Whether ``function`` can be sent to a worker (a bound method of a KnowledgeGraph cannot:
    its store stays in this process)."""
    import pickle

    try:
        pickle.dumps(function)
    except (TypeError, AttributeError, pickle.PicklingError):
        return False
    return True
