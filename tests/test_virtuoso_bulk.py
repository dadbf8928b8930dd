"""The bulk-load path for a large graph: the build dumped as gzipped N-Quads (graph.dump) and
read by Virtuoso's own loader (ld_dir + rdf_loader_run through isql-vt) answers every named
query as policykg's pyoxigraph store does."""
from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest

from policykg.graph import store as st
from policykg.graph.dump import GRAPH_IRI, dump_nquads
from policykg.serve.bulk_load import load_script, virtuoso_bulk_load
from policykg.serve.remote import DEFAULT_GRAPH, RemoteError, run_remote

from test_virtuoso import PARAMS, _answers, running_virtuoso

COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH_IRI}> {{ ?s ?p ?o }} }}"


def test_the_dump_holds_every_triple_in_the_graph_load_fills(seeds_build, tmp_path):
    path = tmp_path / "seeds.nq.gz"
    written = dump_nquads(seeds_build, path)
    local = st.open_store(seeds_build)
    assert written == len(local) > 4000
    assert GRAPH_IRI == DEFAULT_GRAPH  # bulk-loaded or pushed with `policykg load`, the same graph
    with gzip.open(path, "rb") as f:
        quads = list(ox.parse(f, ox.RdfFormat.N_QUADS))
    assert {q.graph_name for q in quads} == {ox.NamedNode(GRAPH_IRI)}
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in quads} == \
        {ox.Triple(q.subject, q.predicate, q.object) for q in local}
    assert not list(tmp_path.glob(".*partial"))


def test_the_script_quotes_what_it_is_given():
    script = load_script("/srv/it's here/g.nq.gz", "urn:g")
    assert "ld_dir('/srv/it''s here', 'g.nq.gz', 'urn:g');" in script
    with pytest.raises(ValueError, match="without % or"):
        load_script("/srv/%.nq.gz", "urn:g")
    with pytest.raises(ValueError, match="not an IRI"):
        load_script("/srv/g.nq.gz", "urn:g> } ; DROP")


@pytest.fixture(scope="module")
def bulk(tmp_path_factory, seeds_build):
    """A private Virtuoso whose database folder (in its DirsAllowed) holds the seeds' dump,
    bulk-loaded; yields (SPARQL endpoint, SQL address, dump path)."""
    d = tmp_path_factory.mktemp("virtuoso-bulk")
    with running_virtuoso(d) as (base, sql):
        dump = d / "seeds.nq.gz"
        dump_nquads(seeds_build, dump)
        virtuoso_bulk_load(dump, sql, "dba", "dba")
        yield base + "/sparql", sql, dump


def test_the_whole_graph_arrives(bulk, seeds_build):
    endpoint, _, _ = bulk
    local = st.run_query(st.open_store(seeds_build), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert _answers(run_remote(endpoint, COUNT)) == _answers(local)


@pytest.mark.parametrize("name", sorted(st.list_named_queries()))
def test_named_queries_give_the_same_answers(bulk, seeds_build, name):
    endpoint, _, _ = bulk
    text = st.load_named_query(name)
    local = st.run_query(st.open_store(seeds_build), text, PARAMS.get(name))
    remote = run_remote(endpoint, text, PARAMS.get(name))
    assert local.rows, f"{name} answers nothing on the seeds"
    assert remote.variables == local.variables
    assert _answers(remote) == _answers(local)


def test_loading_again_replaces_instead_of_doubling(bulk, seeds_build):
    """... also through the commands: policykg export --format nquads, then policykg bulk-load."""
    from click.testing import CliRunner

    from policykg.cli import cli

    endpoint, sql, dump = bulk
    before = _answers(run_remote(endpoint, COUNT))
    virtuoso_bulk_load(dump, sql, "dba", "dba")
    assert _answers(run_remote(endpoint, COUNT)) == before
    runner = CliRunner()
    r = runner.invoke(cli, ["export", str(seeds_build), "-o", str(dump.parent), "--format", "nquads"])
    assert r.exit_code == 0 and (dump.parent / "graph.nq.gz").is_file(), r.output
    r = runner.invoke(cli, ["bulk-load", str(dump.parent / "graph.nq.gz"), "--sql", sql, "--password", "dba"])
    assert r.exit_code == 0 and "loaded" in r.output, r.output
    assert _answers(run_remote(endpoint, COUNT)) == before
    r = runner.invoke(cli, ["bulk-load", str(dump), "--sql", sql, "--password", "wrong-one"])
    assert r.exit_code == 1 and "Traceback" not in r.output and "wrong-one" not in r.output


def test_refusals_are_clear(bulk, tmp_path):
    endpoint, sql, dump = bulk
    with pytest.raises(RemoteError, match="did not register"):
        virtuoso_bulk_load(tmp_path / "absent.nq.gz", sql, "dba", "dba", graph_iri="urn:policykg:absent")
    with pytest.raises(RemoteError, match="refused") as refused:
        virtuoso_bulk_load(dump, sql, "dba", "not-the-password", graph_iri="urn:policykg:wrong")
    assert "not-the-password" not in str(refused.value)
    broken = dump.with_name("broken.nq")
    broken.write_text("<urn:a> <urn:b> \"unterminated .\n", encoding="utf-8")
    with pytest.raises(RemoteError, match="could not load"):
        virtuoso_bulk_load(broken, sql, "dba", "dba", graph_iri="urn:policykg:broken")
