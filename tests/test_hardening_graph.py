"""Hostile text in the graph stage, on the real seed reports with edits made at test time:
code points an IRI forbids (private use, non-characters, C1 and C0 controls) in a law's title,
a report whose graph cannot be built in a batch of good ones, XML-illegal characters in the
GraphML/GEXF exports, and CSV cells a spreadsheet would run as formulas."""
from __future__ import annotations

import copy
import csv
import io
import re
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS, SKOS

from policykg.builder import write_graph_outputs
from policykg.cli import cli
from policykg.graph import export as ex
from policykg.graph import iris, safe_csv
from policykg.graph.build import ReportFailure, ReportGraphError, build_graph
from policykg.graph.iris import PK
from policykg.graph.store import open_store, read_rdf, write_store

HOSTILE = "\ue000\ufffe\x85\x01"  # private use, non-character, C1 control (NEL), C0 control
XML_HOSTILE = "\x01\x0b\x1b"  # C0 controls XML 1.0 forbids
FORMULA = '=HYPERLINK("http://example.invalid","法")'


def _laws(record: dict) -> list[dict]:
    return [m for m in record["mentions"] if m["label"] == "LAW"]


def _copy(record: dict, tag: str) -> dict:
    """A copy of a seed record standing for another file (its own name and content hash)."""
    r = copy.deepcopy(record)
    r["doc"] = f"{tag}-{r['doc']}"
    r["path"] = f"{tag}/{r['doc']}"
    r["sha256"] = f"{tag}{r['sha256']}"[:64]
    return r


@pytest.fixture(scope="module")
def hostile_record(seed_records) -> dict:
    """A seed report whose title and first law title hold HOSTILE (and XML-illegal controls), whose
    second law is named like a spreadsheet formula, and whose file name begins with '-'."""
    r = _copy(seed_records[0], "-hostile")
    r["meta"]["title"] = r["meta"]["title"][:4] + HOSTILE + r["meta"]["title"][4:]
    first, second = _laws(r)[:2]
    first["canonical"] = first["canonical"][:2] + HOSTILE + XML_HOSTILE + first["canonical"][2:]
    second["canonical"] = FORMULA
    return r


@pytest.fixture(scope="module")
def hostile_build(seed_records, hostile_record, tmp_path_factory):
    """A build folder (store/ and graph.ttl) of the five seeds plus the hostile report."""
    failures: list[ReportFailure] = []
    graph = build_graph([*seed_records, hostile_record], failures=failures)
    assert failures == []
    out = tmp_path_factory.mktemp("hostile_build")
    write_graph_outputs(graph, out, html=False)
    return out


def _label(store, iri: str) -> str:
    rows = list(store.query(f"SELECT ?l WHERE {{ <{iri}> <{SKOS.prefLabel}> ?l }}"))
    assert len(rows) == 1, iri
    return rows[0]["l"].value


# --- item 1: IRIs and a batch that survives -----------------------------------------------
@pytest.mark.parametrize("char", ["\ue000", "\uf8ff", "\ufdd0", "\ufdef", "\ufffe", "\uffff", "\x85", "\x9f",
                                  "\x01", "\x7f", " ", "\U000f0000", "\U0010fffd", "\U0001fffe", "\U000e0001"])
def test_every_forbidden_code_point_is_percent_encoded(char):
    law = iris.law(f"北碚{char}区预案")
    ox.NamedNode(str(law))  # raises ValueError on an invalid IRI
    expected = "".join(f"%{b:02X}" for b in char.encode("utf-8"))
    assert str(law) == f"{iris.ID}law/北碚{expected}区预案"


def test_ordinary_text_keeps_its_iri(seed_records):
    # stable IRIs: Chinese (also beyond the BMP), full-width punctuation and the ideographic space
    # stay as they are, so the seeds' IRIs are what they were before the stricter minting
    assert iris.key("关于《规定》的通知（试行）\u3000\U0002a6d6") == "关于《规定》的通知（试行）\u3000\U0002a6d6"
    names = {m["canonical"] for r in seed_records for m in r["mentions"] if m["label"] in ("LAW", "PROGRAM", "AGENCY")}
    plain = {n for n in names if not re.search(r'[\s<>"{}|\\^`#?/%\[\]]', n)}
    assert len(plain) > 100
    for n in plain:
        assert iris.key(n) == n


def test_seeds_graph_has_only_valid_iris(seeds_rdf):
    for triple in seeds_rdf:
        for term in triple:
            if isinstance(term, URIRef):
                ox.NamedNode(str(term))


def test_a_hostile_title_is_stored_and_the_good_reports_survive(hostile_build, hostile_record, seed_records):
    store = open_store(hostile_build)
    reports = {r["s"].value for r in store.query(f"SELECT ?s WHERE {{ ?s a <{PK.Report}> }}")}
    assert len(reports) == 6
    good = build_graph(seed_records)
    assert {str(s) for s in good.subjects(RDF.type, PK.Report)} < reports
    # the IRI is percent-encoded, the label is the text exactly, from the store and from graph.ttl
    canonical = _laws(hostile_record)[0]["canonical"]
    law = iris.law(canonical)
    assert "%EE%80%80%EF%BF%BE%C2%85%01" in str(law)
    assert _label(store, str(law)) == canonical
    ttl = read_rdf(hostile_build / "graph.ttl")
    assert str(ttl.value(law, SKOS.prefLabel)) == canonical
    titles = {str(t) for t in ttl.objects(None, DCTERMS.title)}
    assert hostile_record["meta"]["title"] in titles


def test_a_hostile_title_in_the_text_goes_through_extraction_to_the_store(nlp, seed_documents, seed_records, tmp_path):
    """The same through the real pipeline: the characters are put inside a 《》 title of a seed
    report's text, which is then extracted, built and stored with the other seeds."""
    from policykg.extract.ingest import document_from_text
    from policykg.extract.pipeline import doc_to_record, run

    raw = next(iter(seed_documents.values())).raw
    title = re.search(r"《([^》]{6,})》", raw)
    at = title.start(1) + 2
    record = doc_to_record(run(nlp, document_from_text(raw[:at] + HOSTILE + raw[at:], "hostile.txt")))
    hostile = [m for m in _laws(record) if "\ue000" in m["canonical"]]
    assert hostile, "the edited title is extracted as a law"
    failures: list[ReportFailure] = []
    graph = build_graph([*seed_records, record], failures=failures)
    assert failures == []
    write_store(graph, tmp_path, turtle=tmp_path / "graph.ttl")
    store = open_store(tmp_path)
    assert _label(store, str(iris.law(hostile[0]["canonical"]))) == hostile[0]["canonical"]
    assert len(list(store.query(f"SELECT ?s WHERE {{ ?s a <{PK.Report}> }}"))) == 6


def test_policykg_build_keeps_a_batch_with_a_hostile_title(seed_paths, tmp_path):
    """The reported symptom end to end: a report file whose 《》 title holds HOSTILE, built with
    the seeds by `policykg build`, no longer loses the batch."""
    reports = tmp_path / "reports"
    reports.mkdir()
    for p in seed_paths:
        (reports / p.name).write_bytes(p.read_bytes())
    raw = seed_paths[0].read_text(encoding="utf-8-sig")
    at = re.search(r"《([^》]{6,})》", raw).start(1) + 2
    (reports / "hostile.txt").write_text(raw[:at] + HOSTILE + raw[at:], encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(reports), "-o", str(tmp_path / "out"), "--no-html"])
    assert result.exit_code == 0, result.output
    assert f"documents: {len(seed_paths) + 1} built ({len(seed_paths) + 1} txt), 0 failed" in result.output
    store = open_store(tmp_path / "out")
    assert len(list(store.query(f"SELECT ?s WHERE {{ ?s a <{PK.Report}> }}"))) == len(seed_paths) + 1


def test_one_bad_report_is_a_failure_and_the_rest_is_built(seed_records):
    # a lone surrogate has no UTF-8: no store can take it; a record without a law name is a bug
    surrogate = _copy(seed_records[0], "surrogate")
    surrogate["meta"]["title"] += "\ud800"
    broken = _copy(seed_records[1], "broken")
    del _laws(broken)[0]["canonical"]
    failures: list[ReportFailure] = []
    # the bad reports come first: the laws, agencies and regions they would have introduced must
    # still be described when the good reports meet them
    graph = build_graph([surrogate, broken, *seed_records], failures=failures)
    assert [f.path for f in failures] == [surrogate["path"], broken["path"]]
    assert "lone surrogate" in failures[0].reason and "KeyError" in failures[1].reason
    assert str(failures[0]).startswith(surrogate["path"] + ": graph not built")
    assert set(graph) == set(build_graph(seed_records))
    with pytest.raises(ReportGraphError, match="surrogate/"):
        build_graph([*seed_records, surrogate])


def test_a_refused_graph_leaves_the_previous_store(seeds_rdf, tmp_path):
    write_store(seeds_rdf, tmp_path, turtle=tmp_path / "graph.ttl")
    before = (tmp_path / "graph.ttl").read_bytes()
    bad = build_graph([])
    bad.add((URIRef("https://example.invalid/\ue000"), RDF.type, PK.Report))  # bypassing graph.iris
    with pytest.raises(ValueError, match="cannot be stored"):
        write_store(bad, tmp_path, turtle=tmp_path / "graph.ttl")
    assert len(open_store(tmp_path)) == len(seeds_rdf)
    assert (tmp_path / "graph.ttl").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl", "store"]


# --- item 15: XML-illegal characters in GraphML and GEXF -----------------------------------
def test_exports_of_a_hostile_build_are_well_formed_and_read_back(hostile_build, hostile_record, tmp_path):
    result = CliRunner().invoke(cli, ["export", str(hostile_build), "-o", str(tmp_path), "--format", "graphml", "--format", "gexf"])
    assert result.exit_code == 0, result.output
    law = str(iris.law(_laws(hostile_record)[0]["canonical"]))
    for name, read in (("graph.graphml", ex.read_graphml), ("graph.gexf", ex.read_gexf)):
        ET.parse(tmp_path / name)  # well-formed XML
        G = read(tmp_path / name)
        assert G.nodes[law]["label"] == _laws(hostile_record)[0]["canonical"]
        assert "\ufffd" in (tmp_path / name).read_text(encoding="utf-8")  # the readable copy


# --- item 16: CSV cells that would be formulas ---------------------------------------------
@pytest.mark.parametrize("cell, written", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-", "'-"),
    ("-3", "-3"), ("-1.5", "-1.5"), ("+4", "+4"), ("-1e5", "-1e5"), (-3, -3), (2.5, 2.5),
    ("北碚区", "北碚区"), ("a=b", "a=b"), ("", ""), (None, None),
])
def test_neutralise(cell, written):
    assert safe_csv.neutralise(cell) == written


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_export_csv_neutralises_formulas_unless_raw(hostile_build, hostile_record, tmp_path):
    law = str(iris.law(FORMULA))
    for args, label, source in (([], "'" + FORMULA, "'" + hostile_record["doc"]),
                                (["--raw-csv"], FORMULA, hostile_record["doc"])):
        out = tmp_path / ("raw" if args else "safe")
        result = CliRunner().invoke(cli, ["export", str(hostile_build), "-o", str(out), "--format", "csv", *args])
        assert result.exit_code == 0, result.output
        with (out / "nodes.csv").open(encoding="utf-8", newline="") as f:
            nodes = {r["id"]: r for r in csv.DictReader(f)}
        assert nodes[law]["label"] == label
        assert source in {r["source"] for r in nodes.values()}
        if not args:  # every cell is one a spreadsheet shows as it is
            assert all(safe_csv.neutralise(v) == v for r in nodes.values() for v in r.values())


def test_stats_csv_neutralises_formulas_unless_raw(hostile_build, tmp_path):
    for args, label in (([], "'" + FORMULA), (["--raw-csv"], FORMULA)):
        out = tmp_path / ("raw" if args else "safe")
        result = CliRunner().invoke(cli, ["stats", str(hostile_build), "-t", "laws", "--csv", str(out), *args])
        assert result.exit_code == 0, result.output
        with (out / "laws.csv").open(encoding="utf-8", newline="") as f:
            laws = list(csv.DictReader(f))
        assert label in {r["law"] for r in laws}
        assert all(r["reports"].isdigit() for r in laws)  # counts stay numbers


def test_query_csv_neutralises_formulas_but_keeps_numbers(hostile_build):
    q = f'''SELECT ?label ?n WHERE {{ ?law <{SKOS.prefLabel}> ?label . FILTER(STRSTARTS(?label, "="))
            VALUES ?n {{ -3 }} }}'''
    safe = CliRunner().invoke(cli, ["query", str(hostile_build), q, "--format", "csv"])
    assert safe.exit_code == 0, safe.output
    assert _csv_rows(safe.output) == [["label", "n"], ["'" + FORMULA, "-3"]]
    raw = CliRunner().invoke(cli, ["query", str(hostile_build), q, "--format", "csv", "--raw-csv"])
    assert _csv_rows(raw.output) == [["label", "n"], [FORMULA, "-3"]]
