"""Each piece of vocabulary and each encoder exists once, and every place uses it: the prefix
table, the order of law levels and citation roles, the SPARQL JSON term encoder; and the
pieces the viz split moved (map placement, counts) do their job."""
from __future__ import annotations

import json
import math
import re
from importlib import resources

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import SKOS

from policykg.graph import analytics, iris, sparql_json, store, vocab
from policykg.graph.build import new_graph
from policykg.graph.export import write_jsonld
from policykg.viz import layout, style
from policykg.viz.network import facets

PK = iris.PK
TTL = f"""@prefix pk: <{PK}> . @prefix skos: <{SKOS}> .
<{iris.ID}law/a> a pk:Law ; skos:prefLabel "甲法"@zh ; pk:level pk:NationalLaw .
<{iris.ID}law/b> a pk:Law ; skos:prefLabel "乙法" ; pk:year 2021 ; pk:note _:n .
_:n skos:prefLabel "注"@en .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    g = Graph()
    with resources.files("policykg.ontology").joinpath("policykg.ttl").open("rb") as f:
        g.parse(f, format="turtle")
    return g


@pytest.mark.parametrize("scheme,terms", [("LawLevels", vocab.LEVEL_TERMS), ("CitationRoles", vocab.ROLE_TERMS)])
def test_levels_and_roles_are_the_ontology_schemes(ontology, scheme, terms):
    in_scheme = {str(c): str(label) for c in ontology.subjects(SKOS.inScheme, PK[scheme])
                 for label in ontology.objects(c, SKOS.prefLabel) if label.language == "zh"}
    assert in_scheme == {str(PK[term]): label for label, term in terms.items()}


def test_the_order_puts_other_last_and_sorts_strangers_after_it():
    assert vocab.LEVEL_ORDER[0] == "法律" and vocab.LEVEL_ORDER[-1] == "其他"
    assert vocab.ROLE_ORDER[0] == "学习培训" and vocab.ROLE_ORDER[-1] == "其他"
    assert sorted(["其他", "规划纲要", "部门规章", "法律"], key=vocab.level_key) == ["法律", "部门规章", "其他", "规划纲要"]
    assert analytics.LEVEL_ORDER == vocab.LEVEL_ORDER


def test_every_level_and_role_has_a_colour_and_the_filters_follow_the_vocabulary():
    assert list(style.LEVEL_COLORS) == list(vocab.LEVEL_ORDER)
    assert list(style.ROLE_COLORS) == list(vocab.ROLE_ORDER)
    nodes = [{"ptype": "Law", "lv": lv} for lv in reversed(vocab.LEVEL_ORDER)]
    edges = [{"t": "cites", "ro": [r]} for r in reversed(vocab.ROLE_ORDER)]
    out = facets(nodes, edges, color_by=("level", "role"))
    assert [x["value"] for x in out["level"]] == list(vocab.LEVEL_ORDER)
    assert [x["value"] for x in out["role"]] == list(vocab.ROLE_ORDER)
    assert {x["color"] for x in out["level"] if x["value"] == "其他"} == {style.OTHER_COLOR}


# --- the prefix table ------------------------------------------------------------------------

def test_new_graphs_bind_every_prefix():
    bound = {p: str(ns) for p, ns in new_graph().namespaces()}
    assert {p: bound.get(p) for p in vocab.PREFIXES} == vocab.PREFIXES


def test_tables_shorten_with_the_one_table():
    s = ox.Store()
    s.load(TTL.encode(), ox.RdfFormat.TURTLE)
    result = store.run_query(s, f"SELECT ?p WHERE {{ <{iris.ID}law/a> ?p ?o }} ORDER BY ?p")
    assert sorted(store.to_table_rows(result)[1]) == [["pk:level"], ["rdf:type"], ["skos:prefLabel"]]
    assert vocab.short_iri(str(PK.Law)) == "pk:Law" and vocab.short_iri("urn:x:y") == "urn:x:y"


def test_turtle_and_json_ld_use_the_one_table(tmp_path):
    g = new_graph()
    g.parse(data=TTL, format="turtle")
    store.write_store(g, tmp_path, turtle=tmp_path / "graph.ttl")
    head = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    assert dict(re.findall(r"@prefix (\w+): <([^>]+)>", head)) == vocab.PREFIXES
    ctx = json.loads(write_jsonld(store.as_store(g), tmp_path / "g.jsonld").read_text(encoding="utf-8"))["@context"]
    assert ctx and all(vocab.PREFIXES[p] == ns for p, ns in ctx.items())


def test_the_endpoint_and_its_pages_use_the_one_table(tmp_path):
    from werkzeug.test import Client

    from policykg.serve.server import ServeOptions, serving_app

    (tmp_path / "g.ttl").write_text(TTL, encoding="utf-8")
    with serving_app(tmp_path / "g.ttl", ServeOptions(workers=1, timeout=10, memory=False)) as app:
        client = Client(app)
        page = client.get("/", headers={"Host": "127.0.0.1"}).get_data(as_text=True)
        data = json.loads(re.search(r'id="page-data">(.*?)</script>', page).group(1))
        assert data["prefixes"] == vocab.PREFIXES
        entity = client.get("/entity", query_string={"iri": f"{iris.ID}law/a"},
                            headers={"Host": "127.0.0.1"}).get_data(as_text=True)
        assert "pk:level" in entity and "pk:Law" in entity and "甲法" in entity
        turtle = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "turtle"},
                            headers={"Host": "127.0.0.1"}).get_data(as_text=True)
        assert set(re.findall(r"@prefix (\w+):", turtle)) == set(vocab.PREFIXES)


def test_the_query_workers_start_without_rdflib():
    """The endpoint's workers import the prefix table and the encoder; rdflib would slow every
    replacement of a killed worker by most of a second."""
    import subprocess
    import sys

    code = "import sys, policykg.serve.executor, policykg.serve.results; print('rdflib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"


# --- the SPARQL JSON term encoder ---------------------------------------------------------------

TERMS = [ox.NamedNode(f"{iris.ID}law/甲"), ox.BlankNode("b0"), ox.Literal("甲", language="zh"),
         ox.Literal("2021", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), ox.Literal("plain")]


def test_terms_round_trip_through_sparql_json():
    assert [sparql_json.term_from_json(sparql_json.term_json(t)) for t in TERMS] == TERMS
    assert sparql_json.term_json(ox.Literal("plain")) == {"type": "literal", "value": "plain"}
    assert sparql_json.term_from_json(None) is None


def test_the_cli_and_the_endpoint_encode_alike():
    from policykg.serve.results import serialize

    s = ox.Store()
    s.load(TTL.encode(), ox.RdfFormat.TURTLE)
    q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    cli = json.loads(store.to_json(store.run_query(s, q)))
    served = json.loads(serialize(s.query(q), "application/sparql-results+json", "text/turtle", 100).body)
    assert cli == served
    assert {b["o"]["type"] for b in cli["results"]["bindings"]} == {"uri", "literal", "bnode"}


# --- moved out of the viz: counts and map placement ------------------------------------------

def _cites_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for n, t in [("r1", "Report"), ("r2", "Report"), ("a", "Agency"), ("reg", "Region"), ("l1", "Law"), ("l2", "Law")]:
        G.add_node(n, type=t, label=n)
    G.add_edge("r1", "a", type="issued_by")
    G.add_edge("r2", "a", type="issued_by")
    G.add_edge("a", "reg", type="located_in")
    G.add_edge("r1", "l1", type="cites", citations=3)
    G.add_edge("r2", "l1", type="cites", citations=1)
    G.add_edge("r2", "l2", type="cites", weight=2)
    return G


def test_citation_counts_live_in_the_analytics():
    G = _cites_graph()
    assert analytics.region_citations(G) == {"reg": 6}
    assert analytics.law_citation_counts(G) == {"l1": 4, "l2": 2}
    assert analytics.agency_citations(G) == {"a": 6}
    pr = analytics.pagerank(G)
    assert math.isclose(sum(pr.values()), 1.0) and max(pr, key=pr.get) == "reg"


def test_the_map_projection_keeps_rings_apart_and_north_up():
    geo = {"west": (100.0, 30.0), "east": (101.0, 30.0), "north": (100.0, 31.0)}
    pos, frame = layout.map_projection(geo, {"west": 40, "east": 40})
    need = 2 * layout.ring_radius(40)
    assert math.dist(pos["west"], pos["east"]) >= need
    assert pos["north"][1] < pos["west"][1]  # page y grows downwards
    assert frame["lonMin"] <= 100.0 <= 101.0 <= frame["lonMax"] and frame["step"] == 1
    ring = layout.ring(pos["west"], list(range(40)), 110.0)
    assert all(math.dist(p, pos["west"]) < layout.ring_radius(40) for p in ring.values())
