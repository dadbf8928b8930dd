"""The builder writes quads straight into the store: the same triples as the rdflib Graph of the
same records, each triple emitted once (shared laws, agencies and regions once per build), the
literals rdflib would have made, and a bad report still left out whole."""
from __future__ import annotations

import copy
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from policykg.builder import write_graph_outputs
from policykg.graph import iris
from policykg.graph.build import QuadBuilder, ReportFailure, build_graph, build_quads
from policykg.graph.quads import RdflibTerms, iri, literal, zh
from policykg.graph.store import open_store, write_store
from policykg.graph.vocab import PREFIXES

DECIMAL, DATE = URIRef(PREFIXES["xsd"] + "decimal"), URIRef(PREFIXES["xsd"] + "date")


def _copies(records: list[dict], n: int) -> list[dict]:
    """n reports: the seed records in turn, each copy a report of its own (file, content hash)."""
    out = []
    for i in range(n):
        r = copy.deepcopy(records[i % len(records)])
        r["doc"] = f"copy{i}-{r['doc']}"
        r["path"] = f"copies/{r['doc']}"
        r["sha256"] = f"{i:08x}{r['sha256'][8:]}"
        out.append(r)
    return out


def _ntriples(store: ox.Store) -> set[str]:
    return {str(q.triple) for q in store}


def test_the_store_of_the_quads_is_the_store_of_the_rdflib_graph(seed_records, seeds_rdf, tmp_path):
    """The store `policykg build` writes from the quads holds what the rdflib path (the Graph's
    N-Triples, bulk-loaded) gives for the same records: the same lines."""
    (tmp_path / "quads").mkdir(), (tmp_path / "rdflib").mkdir()
    from_quads = write_store(build_quads(seed_records), tmp_path / "quads")
    from_rdflib = write_store(seeds_rdf, tmp_path / "rdflib")
    a, b = ox.Store.read_only(str(from_quads)), ox.Store.read_only(str(from_rdflib))
    assert len(a) == len(seeds_rdf) > 5000
    assert _ntriples(a) == _ntriples(b)


def test_each_triple_is_emitted_once(seed_records):
    builder = QuadBuilder()
    quads = list(build_quads(_copies(seed_records, 12), builder=builder))
    assert len(quads) == len(set(quads))
    assert builder.made - builder.emitted > 0.1 * builder.made  # the duplicates nobody stores
    # a law every copy cites is described once, not once per report
    law = next(m for m in seed_records[0]["mentions"] if m["label"] == "LAW")
    node = iri(iris.law(law["canonical"]))
    labels = [q for q in quads if q.subject == node and q.predicate.value.endswith("#prefLabel")]
    assert len(labels) == 1
    # the reports' own nodes are all there: 12 reports, each citation of each
    cites = [q for q in quads if q.predicate.value.endswith("#hasCitation")]
    assert len(cites) == sum(len(r["law_mentions"]) for r in _copies(seed_records, 12))


@pytest.mark.parametrize("value, datatype", [
    (7, None), (-3, None), (True, None), (False, None), (Decimal("12.50"), None), (Decimal("1e-05"), None),
    (Decimal("3"), DECIMAL), ("北碚区", None), ("2023-01-05", DATE), ("", None),
])
def test_literals_are_the_ones_rdflib_makes(value, datatype):
    made = literal(value, None if datatype is None else iri(datatype))
    assert RdflibTerms()(made) == Literal(value, datatype=datatype)
    assert RdflibTerms()(zh("法")) == Literal("法", lang="zh")


def test_terms_the_store_refuses_raise_when_made():
    with pytest.raises(ValueError, match="lone surrogate"):
        zh("法\ud800")
    with pytest.raises(ValueError, match="invalid IRI"):
        iri("https://example.invalid/a b")
    with pytest.raises(TypeError):
        literal(1.5)  # no float in the mapping: a float would be a bug upstream


def test_a_bad_report_is_left_out_of_the_streamed_store(seed_records, seeds_rdf, tmp_path):
    """Failures are found while the store takes the quads: the bad report is named, nothing of it
    is stored, and the good reports are stored whole."""
    bad = _copies(seed_records, 1)[0]
    bad["meta"]["title"] += "\ud800"
    failures: list[ReportFailure] = []
    triples = write_graph_outputs(build_quads([bad, *seed_records], failures=failures), tmp_path, html=False)
    assert [f.path for f in failures] == [bad["path"]]
    assert triples == len(seeds_rdf)
    (tmp_path / "ref").mkdir()
    reference = ox.Store.read_only(str(write_store(seeds_rdf, tmp_path / "ref")))
    assert _ntriples(open_store(tmp_path)) == _ntriples(reference)


def test_build_graph_is_the_quads(seed_records):
    quads = list(build_quads(seed_records[:2]))
    term = RdflibTerms()
    assert set(build_graph(seed_records[:2])) == {(term(q.subject), term(q.predicate), term(q.object)) for q in quads}
