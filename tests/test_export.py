"""Exports of the real seeds graph load back without loss: GraphML and GEXF into networkx (nodes,
edges with keys, every attribute with its type), CSV with the same counts, JSON-LD into an RDF
graph isomorphic to the original; the GEXF's presentation for Gephi (colours, sizes, positions,
years on a timeline), the region × law table and the citation table (CSV and Parquet); and
`policykg export` end to end."""
from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from policykg.cli import cli
from policykg.graph import export as ex


@pytest.fixture(scope="module")
def rdf(seeds_build):
    """What the store holds, as rdflib reads graph.ttl."""
    from policykg.graph.store import read_rdf

    return read_rdf(seeds_build / "graph.ttl")


@pytest.fixture(scope="module")
def kg(seeds_build):
    import policykg

    return policykg.open(seeds_build)


@pytest.fixture(scope="module")
def G(seeds_nx):
    return seeds_nx


@pytest.fixture(scope="module")
def out(kg, G, tmp_path_factory):
    d = tmp_path_factory.mktemp("export")
    ex.export(kg.store, d, G=G, citations=kg.citations)
    return d


def _typed(d: dict) -> dict:
    # 1 == 1.0 == True in Python: compare the types too, so an int weight read back as a float fails
    return {k: (type(v).__name__, v) for k, v in d.items()}


def assert_same(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> None:
    assert isinstance(H, nx.MultiDiGraph)
    assert G.graph == H.graph
    assert {n: _typed(d) for n, d in G.nodes(data=True)} == {n: _typed(d) for n, d in H.nodes(data=True)}
    edges = lambda X: sorted((u, v, k, json.dumps(_typed(d), sort_keys=True, ensure_ascii=False))  # noqa: E731
                             for u, v, k, d in X.edges(keys=True, data=True))
    assert edges(G) == edges(H)


def test_graphml_round_trips(G, out):
    assert_same(G, ex.read_graphml(out / "graph.graphml"))


def test_gexf_round_trips(G, out):
    assert_same(G, ex.read_gexf(out / "graph.gexf"))
    text = (out / "graph.gexf").read_text(encoding="utf-8")
    assert 'title="edge_type"' in text and 'title="aliases.json"' in text  # readable columns for Gephi


def test_round_trip_keeps_awkward_values(tmp_path):
    # what the projection may hold besides the seeds' values: None (a report without a year),
    # nested dicts, booleans, float weights, parallel edges, names GEXF reserves for itself
    G = nx.MultiDiGraph()
    G.add_node("r", type="Report", label="报告", year=None, aliases=[], start=3, flag=True)
    G.add_node("l", type="Law", label="法", lat=39.904211, meta={"a": [1, {"b": None}]})
    G.add_edge("r", "l", key="cites", type="cites", weight=2, evidence=[{"text": "依据《法》", "start": 1}])
    G.add_edge("r", "l", key="other", type="other", weight=0.5, label="x", id="e1")
    G.add_edge("l", "r", key=0, type="back", weight=1)
    assert_same(G, ex.read_graphml(ex.write_graphml(G, tmp_path / "g.graphml")))
    assert_same(G, ex.read_gexf(ex.write_gexf(G, tmp_path / "g.gexf")))


def test_round_trip_keeps_characters_xml_cannot_hold(G, tmp_path):
    # the seeds' graph with C0 controls, CR, U+FFFE/FFFF and a lone surrogate in a label, an alias,
    # an evidence sentence and an edge type: both files stay well-formed XML and read back exactly
    import xml.etree.ElementTree as ET

    H = G.copy()
    law = next(n for n, d in H.nodes(data=True) if d["type"] == "Law")
    H.nodes[law]["label"] = "传染病\x01防治\x0b法\x1b\r\ufffe\uffff\ud800\t"
    H.nodes[law]["aliases"] = ["\x01别名\ufffe"]
    u, v, k = next((u, v, k) for u, v, k in H.edges(keys=True) if k == "cites")
    H.edges[u, v, k]["evidence"] = [{"text": "依据\x0b《法》\x1b", "start": 1}]
    H.add_edge(u, v, key="odd", type="odd\x01type", weight=1)
    for write, read, name in ((ex.write_graphml, ex.read_graphml, "g.graphml"), (ex.write_gexf, ex.read_gexf, "g.gexf")):
        path = write(H, tmp_path / name)
        ET.parse(path)
        assert_same(H, read(path))


def test_csv_loads_back_with_the_same_counts(G, out):
    with (out / "nodes.csv").open(encoding="utf-8", newline="") as f:
        nodes = list(csv.DictReader(f))
    with (out / "edges.csv").open(encoding="utf-8", newline="") as f:
        edges = list(csv.DictReader(f))
    assert list(nodes[0])[:3] == ["id", "type", "label"]
    assert list(edges[0])[:4] == ["source", "target", "type", "weight"]
    H = nx.MultiDiGraph()
    H.add_nodes_from((r["id"], r) for r in nodes)
    H.add_edges_from((r["source"], r["target"], r["key"], r) for r in edges)
    assert (H.number_of_nodes(), H.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    assert set(H.nodes) == set(G.nodes)
    # lists are JSON: a cites edge's evidence parses back to the projection's value
    row = next(r for r in edges if r["type"] == "cites")
    assert json.loads(row["evidence"]) == G.edges[row["source"], row["target"], "cites"]["evidence"]
    assert not (out / "nodes.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_jsonld_parses_back_isomorphic(rdf, out):
    doc = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    ctx = doc["@context"]
    assert ctx["pk"] == "https://w3id.org/policykg/ontology#"
    assert ctx["geo"] == "http://www.w3.org/2003/01/geo/wgs84_pos#"  # not rdflib's GeoSPARQL default
    assert "brick" not in ctx  # only prefixes the graph uses
    back = Graph().parse(out / "graph.jsonld", format="json-ld")
    assert len(back) == len(rdf)
    assert isomorphic(back, rdf)


# --- policykg export -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def ttl(rdf, tmp_path_factory):
    path = tmp_path_factory.mktemp("export_cli") / "graph.ttl"
    rdf.serialize(path, format="turtle")
    return path


def test_export_command_writes_files_that_round_trip(ttl, G, tmp_path):
    result = CliRunner().invoke(cli, ["export", str(ttl), "-o", str(tmp_path / "x")])
    assert result.exit_code == 0, result.output
    for name in ("graph.graphml", "graph.gexf", "nodes.csv", "edges.csv", "graph.jsonld", "region_law.csv",
                 "region_law.graphml", "citations.csv", "citations.parquet"):
        assert (tmp_path / "x" / name).stat().st_size > 0, name
    assert f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges" in result.output
    assert_same(G, ex.read_graphml(tmp_path / "x" / "graph.graphml"))
    assert_same(G, ex.read_gexf(tmp_path / "x" / "graph.gexf"))


def test_export_command_chosen_formats_and_errors(ttl, tmp_path):
    result = CliRunner().invoke(cli, ["export", str(ttl), "-o", str(tmp_path / "y"), "--format", "csv", "--format", "jsonld"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "y").iterdir()) == ["edges.csv", "graph.jsonld", "nodes.csv"]
    tables = CliRunner().invoke(cli, ["export", str(ttl), "-o", str(tmp_path / "t"), "--format", "region-law",
                                      "--format", "citations"])
    assert tables.exit_code == 0, tables.output
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "citations.csv", "citations.parquet", "region_law.csv", "region_law.graphml"]
    bad_format = CliRunner().invoke(cli, ["export", str(ttl), "-o", str(tmp_path / "z"), "--format", "xlsx"])
    assert bad_format.exit_code == 2 and "xlsx" in bad_format.output
    missing = CliRunner().invoke(cli, ["export", str(tmp_path / "nowhere"), "-o", str(tmp_path / "z")])
    assert missing.exit_code == 2 and "does not exist" in missing.output and "Traceback" not in missing.output
    assert not (tmp_path / "z").exists()


# --- the GEXF for Gephi ------------------------------------------------------------------
GEXF_NS = "{http://www.gexf.net/1.2draft}"
VIZ_NS = "{http://www.gexf.net/1.2draft/viz}"


def test_gexf_has_colours_sizes_positions_and_a_timeline(G, out):
    import xml.etree.ElementTree as ET

    from policykg.viz.style import level_color, style_of

    H = nx.read_gexf(out / "graph.gexf")
    assert H.graph["mode"] == "dynamic"
    graph = ET.parse(out / "graph.gexf").getroot().find(f"{GEXF_NS}graph")
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    # the dynamic attribute is declared as such, for Gephi's timeline
    dynamic = [a for c in graph.findall(f"{GEXF_NS}attributes") if c.get("mode") == "dynamic"
               for a in c.findall(f"{GEXF_NS}attribute")]
    assert [a.get("title") for a in dynamic] == ["citations_by_year"]
    for n, d in G.nodes(data=True):
        viz = H.nodes[n]["viz"]
        colour = level_color(d["level"]) if d["type"] == "Law" else style_of(d["type"])[0]
        assert "#%02x%02x%02x" % (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == colour
        assert 6 <= viz["size"] <= 40 and {"x", "y"} <= set(viz["position"])
    positions = {(v["viz"]["position"]["x"], v["viz"]["position"]["y"]) for _, v in H.nodes(data=True)}
    assert len(positions) > 0.9 * H.number_of_nodes()  # laid out, not piled up
    # a report lives in its work year; a law in the years of the reports citing it, with its
    # citations per year as a dynamic attribute
    for n, d in G.nodes(data=True):
        if d["type"] == "Report":
            assert H.nodes[n]["spells"] == [(f"{d['year']}-01-01", f"{d['year']}-12-31")]
    constitution = next(n for n, d in G.nodes(data=True) if d["label"] == "中华人民共和国宪法")
    by_year: dict[int, int] = {}
    for r, _, d in G.in_edges(constitution, data=True):
        if d["type"] == "cites":
            by_year[G.nodes[r]["year"]] = by_year.get(G.nodes[r]["year"], 0) + d["citations"]
    assert len(by_year) > 1
    assert H.nodes[constitution]["spells"] == [(f"{y}-01-01", f"{y}-12-31") for y in sorted(by_year)]
    assert sorted(H.nodes[constitution]["citations_by_year"]) == sorted(
        (c, f"{y}-01-01", f"{y}-12-31") for y, c in by_year.items())
    cites = next((u, v) for u, v, d in H.edges(data=True) if d["edge_type"] == "cites")
    year = G.nodes[cites[0]]["year"]
    assert H.edges[cites[0], cites[1], "cites"]["spells"] == [(f"{year}-01-01", f"{year}-12-31")]


# --- region × law and the citation table ---------------------------------------------------
def test_region_law_table_counts_each_regions_citations(G, out):
    from policykg.graph import analytics as an

    with (out / "region_law.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["region", "code", "law", "level", "reports", "citations", "region_id", "law_id"]
    # 达州市 cites the constitution twice in its one report (read in the report)
    dazhou = next(r for r in rows if r["region"] == "达州市" and r["law"] == "中华人民共和国宪法")
    assert (dazhou["code"], dazhou["reports"], dazhou["citations"]) == ("511700", "1", "2")
    # every region's citations add up to the citations its reports make
    total: dict[str, int] = {}
    for r in rows:
        total[r["region_id"]] = total.get(r["region_id"], 0) + int(r["citations"])
    assert total == dict(an.region_citations(G))
    H = ex.read_graphml(out / "region_law.graphml")
    assert H.number_of_edges() == len(rows)
    e = H.edges[dazhou["region_id"], dazhou["law_id"], "cites"]
    assert (e["reports"], e["citations"]) == (1, 2)
    assert H.nodes[dazhou["law_id"]]["level"] == "法律" and H.nodes[dazhou["region_id"]]["type"] == "Region"


def test_citation_table_as_csv_and_parquet(kg, out):
    import pandas as pd

    expected = kg.citations()
    parquet = pd.read_parquet(out / "citations.parquet")
    assert list(parquet.columns) == list(expected.columns) and len(parquet) == len(expected) > 50
    assert str(parquet["start"].dtype) == "Int64" and str(parquet["region_code"].dtype) == "Int64"
    assert parquet["region_code"].isna().any()  # 市中区 is left open, not guessed
    assert parquet.equals(expected)
    with (out / "citations.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(expected) and list(rows[0]) == list(expected.columns)
    assert [r["sentence"] for r in rows] == list(expected["sentence"])
    assert {r["region_code"] for r in rows} >= {"", "511700"}


def test_jsonld_compacts_each_iri_as_the_longest_namespace_does():
    """The compactor finds an IRI's namespace once per head (up to the last / or #); it gives what
    trying every namespace, longest first, gives, for IRIs of every shape."""
    from policykg.graph.export import _Compactor
    from policykg.graph.vocab import PREFIXES

    iris = ["https://w3id.org/policykg/id/law/中华人民共和国宪法", "https://w3id.org/policykg/id/citation/a/b#c",
            "https://w3id.org/policykg/ontology#Report", "https://w3id.org/policykg/ontology#",
            "https://w3id.org/policykg/id/", "https://w3id.org/policykg/idx", "http://example.org/x",
            "http://www.w3.org/ns/oa#hasBody", "urn:x", "https://w3id.org/policykg/id/region/110101"]
    fast, slow = _Compactor(PREFIXES), _Compactor(PREFIXES)
    slow.by_head = None
    assert fast.by_head == {}
    assert [fast(i) for i in iris] == [slow(i) for i in iris]
    assert fast("https://w3id.org/policykg/id/law/宪法") == "id:law/宪法" and fast.used == slow.used


# --- written in parallel ----------------------------------------------------------------------
def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_jsonld_in_slices_is_the_same_file(kg, out, tmp_path):
    # each subject whole in one slice, the slices in the store's order: byte for byte the same
    # file, whatever the number of slices (more slices than subjects too)
    for parts in (2, 3, 7, 5000):
        path = ex.write_jsonld(kg.store, tmp_path / f"graph{parts}.jsonld", parts=parts)
        assert path.read_bytes() == (out / "graph.jsonld").read_bytes(), parts
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"graph{n}.jsonld" for n in (2, 3, 5000, 7)]


def _citations_in_a_worker(build, pid_file):
    """The citation table, noting the process that made it (a module function: a worker runs it)."""
    import os

    import policykg

    pid_file.write_text(str(os.getpid()))
    return policykg.open(build).citations()


def test_export_in_worker_processes_writes_the_same_files(kg, G, seeds_build, tmp_path):
    import functools
    import os

    one_by_one = ex.export(kg.store, tmp_path / "one", ex.FORMATS, G=G, citations=kg.citations)
    pid_file = tmp_path / "pid"
    # 4 workers: the citation table, the N-Quads and two slices of the JSON-LD
    assert ex._slices(ex.FORMATS, 4) == 2 and ex._slices(ex.FORMATS, 2) == 1 and ex._slices(["jsonld"], 2) == 2
    parallel = ex.export(kg.store, tmp_path / "two", ex.FORMATS, G=G, jobs=4, source=seeds_build,
                         citations=functools.partial(_citations_in_a_worker, seeds_build, pid_file))
    assert [p.name for p in parallel] == [p.name for p in one_by_one]
    assert int(pid_file.read_text()) != os.getpid()  # the citation table was made by a worker
    assert _files(tmp_path / "two") == _files(tmp_path / "one")  # no slices left behind either
    import gzip

    nquads = gzip.decompress((tmp_path / "two" / "graph.nq.gz").read_bytes()).decode().splitlines()
    assert len(nquads) == len(kg.store) and nquads[0].endswith(" <https://w3id.org/policykg/graph> .")


def test_export_command_in_parallel_writes_the_same_files(seeds_build, G, tmp_path):
    runs = {}
    for jobs in ("1", "2"):
        result = CliRunner().invoke(cli, ["export", str(seeds_build), "-o", str(tmp_path / jobs), "-j", jobs])
        assert result.exit_code == 0, result.output
        assert f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges" in result.output
        runs[jobs] = _files(tmp_path / jobs)
    assert len(runs["1"]) == 9 and runs["2"] == runs["1"]


def _nquads_one_by_one(store, path, graph_iri) -> None:
    """The N-Quads dump as it was written before the store wrote it: a Quad per triple, serialised
    by pyoxigraph into the same gzip stream."""
    import gzip

    import pyoxigraph as ox

    quads = (ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph_iri))
             for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    with open(path.with_name(f".{path.name}.partial"), "wb") as raw:  # the name gzip records
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as sink:
            ox.serialize(quads, sink, ox.RdfFormat.N_QUADS)
    path.with_name(f".{path.name}.partial").rename(path)


def test_nquads_dump_is_the_same_file_as_quad_by_quad(kg, tmp_path):
    # the store's own N-Triples with the graph added per line (across its chunks), gzipped in a
    # thread: byte for byte what serialising Quads gave; also with what looks like a line's end
    # inside a literal (escaped in N-Triples) and a named graph the dump leaves out
    import pyoxigraph as ox

    from policykg.graph.dump import GRAPH_IRI, dump_nquads

    odd = ox.Store()
    odd.extend(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    s, p = ox.NamedNode("https://w3id.org/policykg/id/x"), ox.NamedNode("https://w3id.org/policykg/ontology#note")
    odd.add(ox.Quad(s, p, ox.Literal('a .\n<b> . "c" .\r\n\t.')))
    odd.add(ox.Quad(s, p, ox.Literal("d .", language="zh")))
    odd.add(ox.Quad(s, p, ox.Literal("e"), ox.NamedNode("https://w3id.org/policykg/other-graph")))
    for store in (kg.store, odd):
        (tmp_path / "new").mkdir(exist_ok=True), (tmp_path / "old").mkdir(exist_ok=True)
        n = dump_nquads(store, tmp_path / "new" / "graph.nq.gz")
        _nquads_one_by_one(store, tmp_path / "old" / "graph.nq.gz", GRAPH_IRI)
        assert (tmp_path / "new" / "graph.nq.gz").read_bytes() == (tmp_path / "old" / "graph.nq.gz").read_bytes()
        assert n == len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    plain = tmp_path / "graph.nq"
    assert dump_nquads(odd, plain) == n
    assert 'a .\\n<b> . \\"c\\" .\\r\\n\\t." <https://w3id.org/policykg/graph> .\n' in plain.read_text(encoding="utf-8")
