"""A build streams: each record reaches extraction.jsonl (and the store) as its report is done,
duplicates met later still name their first copy, a report whose graph cannot be built is left
out whole, and graph.ttl is written only when asked, with every command reading the store."""
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import policykg
import policykg.graph.build
from policykg.builder import build
from policykg.cli import cli
from policykg.graph.store import open_store


@pytest.fixture()
def reports(tmp_path, examples_dir) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("佛山市2022.txt", "西湖区2023.txt", "涪城区2021.txt", "苏州市2022.txt"):
        shutil.copy(examples_dir / name, folder / name)
    return folder


def _staged_jsonl(out: Path) -> Path:
    return next(out.parent.glob(f".{out.name}.policykg-staging-*")) / "extraction.jsonl"


def test_records_are_written_as_their_reports_are_done(reports, tmp_path):
    out = tmp_path / "out"
    seen = []

    def progress(done, total):
        seen.append((done, len(_staged_jsonl(out).read_bytes().splitlines())))

    summary = build([reports], out, html=False, on_progress=progress)
    assert summary.documents == 4
    assert seen == [(1, 1), (2, 2), (3, 3), (4, 4)]


def test_a_duplicate_met_later_names_itself_in_the_first_record(reports, tmp_path):
    later = reports / "涪城区2021副本.txt"  # sorts after the original
    shutil.copy(reports / "涪城区2021.txt", later)
    out = tmp_path / "out"
    summary = build([reports], out, html=False)
    original = str(reports / "涪城区2021.txt")
    assert summary.duplicates == {original: [str(later)]} and summary.documents == 4
    records = [json.loads(line) for line in (out / "extraction.jsonl").read_text(encoding="utf-8").splitlines()]
    first = next(r for r in records if r["path"] == original)
    assert first["also_read_from"] == [str(later)]
    assert sum("also_read_from" in r for r in records) == 1
    rows = list(open_store(out).query(
        "SELECT ?f WHERE { ?r <https://w3id.org/policykg/ontology#alsoReadFrom> ?f }"))
    assert [row["f"].value for row in rows] == [str(later)]
    # the file, the IRI and the offsets of each record still point at its own line and text
    assert len(list((out / "texts").iterdir())) == 4


def test_a_report_whose_graph_cannot_be_built_is_left_out_whole(reports, tmp_path, monkeypatch):
    bad = str(reports / "西湖区2023.txt")
    provenance = policykg.graph.build.QuadBuilder.provenance

    def refuse(self, rep, r):
        if r["path"] == bad:
            raise ValueError("text that is not valid Unicode (a lone surrogate)")
        return provenance(self, rep, r)

    monkeypatch.setattr(policykg.graph.build.QuadBuilder, "provenance", refuse)
    out = tmp_path / "out"
    summary = build([reports], out, html=False)
    assert [str(f) for f in summary.failed] == [f'"{bad}": graph not built (ValueError: text that is not '
                                                 'valid Unicode (a lone surrogate))']
    assert summary.documents == 3
    records = (out / "extraction.jsonl").read_text(encoding="utf-8")
    assert bad not in records and len(records.splitlines()) == 3
    assert len(list((out / "texts").iterdir())) == 3
    assert not any(bad in str(q.object) for q in open_store(out))
    # once the mapping takes it, the next build adds it
    monkeypatch.setattr(policykg.graph.build.QuadBuilder, "provenance", provenance)
    again = build([reports], out, html=False)
    assert (again.documents, again.new, again.reused) == (4, 1, 3)


def test_turtle_only_when_asked_and_the_commands_read_the_store(reports, tmp_path):
    out = tmp_path / "out"
    build([reports], out, html=False)
    assert not (out / "graph.ttl").exists()
    kg = policykg.open(out)
    assert len(kg.rdf) == len(kg.store) > 1000  # the rdflib view comes from the store
    runner = CliRunner()
    for command in (["validate", out], ["stats", out], ["viz", out, "-o", tmp_path / "views"],
                    ["export", out, "-o", tmp_path / "export"]):
        result = runner.invoke(cli, [str(c) for c in command])
        assert "no graph.ttl" not in result.output and "Traceback" not in result.output, result.output
        assert result.exit_code in (0, 1) if command[0] == "validate" else result.exit_code == 0, result.output
    result = runner.invoke(cli, ["build", str(reports), "-o", str(out), "--turtle", "--no-html"])
    assert result.exit_code == 0 and "graph.ttl" in result.output.splitlines()[-1]
    from policykg.graph.store import read_rdf

    assert len(read_rdf(out / "graph.ttl")) == len(policykg.open(out).store)


def test_the_store_is_loaded_in_batches_and_holds_the_same_graph(reports, tmp_path, monkeypatch):
    # a batch of three quads: the build's bulk load is many small loads, and the store is the same
    import pyoxigraph as ox

    import policykg.builder as builder

    build([reports], tmp_path / "one", html=False)
    calls = []
    real = ox.Store.bulk_extend

    def counted(store, quads):
        quads = list(quads)
        calls.append(len(quads))
        return real(store, quads)

    monkeypatch.setattr(builder, "BULK_BATCH", 3)
    store = ox.Store(str(tmp_path / "batched"))
    monkeypatch.setattr(ox.Store, "bulk_extend", counted, raising=False)
    records = [json.loads(line) for line in (tmp_path / "one" / "extraction.jsonl").read_text().splitlines()]
    builder.bulk_store(store, policykg.graph.build.build_quads(records))
    assert len(calls) > 100 and max(calls) == 3
    assert set(store) == set(open_store(tmp_path / "one"))
