"""Incremental builds on the real reports (seeds and examples/sample): a build into an earlier
OUT extracts only new and changed files, takes the reports of gone and changed files out of the
store, and leaves OUT as a fresh build of the same files would be: the same triples, the same
extraction.jsonl, the same texts. A build that fails leaves the previous OUT as it was."""
import shutil
from pathlib import Path

import pytest

import policykg.corpus
from policykg.builder import build
from policykg.graph.store import open_store

SAMPLE_A = ["佛山市2022.txt", "西湖区2023.txt", "汇川区2023.html"]  # UTF-16, GB18030, a web page
SAMPLE_B = ["涪城区2021.txt"]


def _ntriples(out: Path) -> set[str]:
    return {str(q.triple) for q in open_store(out)}


def _also_read_from(out: Path) -> list[str]:
    rows = open_store(out).query("SELECT ?f WHERE { ?r <https://w3id.org/policykg/ontology#alsoReadFrom> ?f }")
    return [row["f"].value for row in rows]


def _snapshot(out: Path) -> tuple:
    """What a build leaves in OUT: the triples, the records, the texts."""
    texts = {p.name: p.read_bytes() for p in (out / "texts").iterdir()}
    return _ntriples(out), (out / "extraction.jsonl").read_bytes(), texts


def _build(inputs, out, **options):
    summary = build(inputs, out, html=False, **options)
    assert summary.triples == len(open_store(out))  # kept as a count, not counted again
    return summary


@pytest.fixture()
def corpus(tmp_path, seed_paths, examples_dir):
    """Two folders of real reports: A (three sample formats and a seed) and B (a sample, a seed)."""
    a, b = tmp_path / "A", tmp_path / "B"
    a.mkdir(), b.mkdir()
    for name in SAMPLE_A:
        shutil.copy(examples_dir / name, a / name)
    for name in SAMPLE_B:
        shutil.copy(examples_dir / name, b / name)
    (a / seed_paths[3].name).write_bytes(seed_paths[3].read_bytes())
    (b / seed_paths[1].name).write_bytes(seed_paths[1].read_bytes())
    return a, b


def _fresh(inputs, tmp_path, name="fresh"):
    out = tmp_path / name
    shutil.rmtree(out, ignore_errors=True)
    summary = _build(inputs, out)
    assert summary.full == "no earlier build in OUT"
    return _snapshot(out)


def test_adding_removing_and_changing_files_gives_a_fresh_builds_graph(corpus, tmp_path):
    a, b = corpus
    out = tmp_path / "out"
    first = _build([a], out)
    assert (first.documents, first.new, first.reused) == (4, 4, 0)
    only_a = _snapshot(out)

    # add B: its two reports are extracted, A's four are taken from OUT
    added = _build([a, b], out)
    assert (added.documents, added.reused, added.new, added.changed, added.removed) == (6, 4, 2, 0, 0)
    assert added.full is None
    assert _snapshot(out) == _fresh([a, b], tmp_path)

    # remove B: nothing is extracted, B's reports leave the store; the laws, agencies and regions
    # B shared with A keep their triples, those only B named are gone
    removed = _build([a], out)
    assert (removed.documents, removed.reused, removed.new, removed.removed) == (4, 4, 0, 2)
    assert _snapshot(out) == only_a

    # change one file: it alone is extracted again, its old report leaves the store
    _build([a, b], out)
    seed = next(a.glob("0*.txt"))
    seed.write_text(seed.read_text(encoding="utf-8-sig") + "\n我市认真贯彻《中华人民共和国行政许可法》。\n", encoding="utf-8")
    changed = _build([a, b], out)
    assert (changed.reused, changed.new, changed.changed, changed.removed) == (5, 0, 1, 0)
    assert _snapshot(out) == _fresh([a, b], tmp_path)
    assert "中华人民共和国行政许可法" in "".join(_ntriples(out))


def test_duplicates_follow_the_files_that_come_and_go(corpus, tmp_path):
    """The same report in two files is built once, from the first in input order; when a copy is
    added before it or the first copy goes, the graph is what a fresh build gives."""
    a, b = corpus
    out = tmp_path / "out"
    _build([a, b], out)
    copy = a / "0涪城区副本.txt"  # sorts before B's original
    shutil.copy(b / SAMPLE_B[0], copy)
    summary = _build([a, b], out)
    assert summary.duplicates == {str(copy): [str(b / SAMPLE_B[0])]}
    assert (summary.new, summary.removed) == (1, 1)  # the copy replaces the original's report
    assert _snapshot(out) == _fresh([a, b], tmp_path)
    assert _also_read_from(out) == [str(b / SAMPLE_B[0])]

    copy.unlink()
    summary = _build([a, b], out)
    assert summary.duplicates == {} and summary.documents == 6
    assert _snapshot(out) == _fresh([a, b], tmp_path)
    assert _also_read_from(out) == []


def test_an_unchanged_build_extracts_nothing(corpus, tmp_path, monkeypatch):
    a, b = corpus
    out = tmp_path / "out"
    _build([a, b], out)
    before = _snapshot(out)
    for f in a.iterdir():  # touched, not changed: the content hash says so
        f.touch()

    def no_extraction(path, *args, **kwargs):
        raise AssertionError(f"{path} extracted again")

    monkeypatch.setattr(policykg.corpus, "extract_file", no_extraction)
    summary = _build([a, b], out)
    assert (summary.documents, summary.reused, summary.new, summary.changed) == (6, 6, 0, 0)
    assert summary.megabytes == 0
    assert _snapshot(out) == before


def test_a_failed_build_leaves_the_previous_out_and_its_links_intact(corpus, tmp_path):
    """The staged OUT starts from hard links and a store checkpoint of the previous one: a build
    that dies half-way must change nothing of it."""
    a, b = corpus
    out = tmp_path / "out"
    _build([a], out)
    before = _snapshot(out), (out / "cache.sqlite").read_bytes()

    def die(done, total):
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _build([a, b], out, on_progress=die)
    assert (_snapshot(out), (out / "cache.sqlite").read_bytes()) == before
    assert not list(tmp_path.glob(".out.policykg-*"))  # no staging left behind
    assert _build([a, b], out).new == 2


def test_rebuild_and_a_new_pipeline_make_everything_anew(corpus, tmp_path, monkeypatch):
    a, _ = corpus
    out = tmp_path / "out"
    _build([a], out)
    rebuilt = _build([a], out, rebuild=True)
    assert (rebuilt.full, rebuilt.reused, rebuilt.new) == ("--rebuild", 0, 4)

    import policykg.extract.fingerprint as fingerprint

    monkeypatch.setattr(fingerprint, "pipeline_fingerprint", lambda: "another pipeline")
    anew = _build([a], out)
    assert (anew.full, anew.reused) == ("the extraction pipeline changed", 0)


def test_a_new_graph_mapping_remakes_the_store_from_the_records(corpus, tmp_path, monkeypatch):
    a, _ = corpus
    out = tmp_path / "out"
    _build([a], out)
    before = _snapshot(out)
    import policykg.builder

    monkeypatch.setattr(policykg.builder, "graph_fingerprint", lambda: "another mapping")
    monkeypatch.setattr(policykg.corpus, "extract_file", lambda path, *a, **k: pytest.fail(f"{path} extracted"))
    summary = _build([a], out)
    assert summary.full.startswith("the graph mapping changed") and summary.reused == 4
    assert _snapshot(out) == before


def test_a_manifest_row_is_part_of_the_key(corpus, tmp_path):
    from policykg.extract.manifest import read_manifest

    a, _ = corpus
    manifest = tmp_path / "manifest.csv"
    row = "file,url,published,agency,region,year\n{},https://www.example.gov.cn/{}.html,2023-01-05,,,\n"
    manifest.write_text(row.format(SAMPLE_A[0], "old"), encoding="utf-8")
    out = tmp_path / "out"
    _build([a], out, manifest=read_manifest(manifest))
    manifest.write_text(row.format(SAMPLE_A[0], "new"), encoding="utf-8")
    summary = _build([a], out, manifest=read_manifest(manifest))
    assert (summary.reused, summary.changed) == (3, 1)
    triples = "".join(_ntriples(out))
    assert "example.gov.cn/new.html" in triples and "example.gov.cn/old.html" not in triples


def test_the_overview_is_redrawn_only_when_the_graph_changed(corpus, tmp_path):
    a, b = corpus
    out = tmp_path / "out"
    build([a], out)
    page, drawn = (out / "graph.html").stat(), (out / "graph.html").read_bytes()
    build([a], out)  # nothing changed: the page is the previous one, not drawn again
    assert (out / "graph.html").stat().st_ino == page.st_ino
    build([a, b], out)
    assert (out / "graph.html").stat().st_ino != page.st_ino
    assert (out / "graph.html").read_bytes() != drawn
