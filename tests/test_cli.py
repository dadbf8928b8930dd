"""The command line end to end on the real reports: build, query, viz, extract, eval,
and a batch with bad files in it."""
import json
import re

import pytest
from click.testing import CliRunner

from policykg.cli import cli


@pytest.fixture(scope="session")
def built(tmp_path_factory, corpus_dir):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["build", str(corpus_dir / "seeds"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_build_writes_everything_and_summarises(built):
    out, output = built
    for name in ("extraction.jsonl", "graph.html", "cache.sqlite"):
        assert (out / name).stat().st_size > 0
    assert (out / "store").is_dir() and not (out / "graph.ttl").exists()  # Turtle only with --turtle
    assert "documents: 5 built (5 txt), 0 failed, 0 skipped, 0 duplicates" in output
    assert re.search(r"triples: \d{3,}", output)
    assert "MB/s" in output
    assert len((out / "extraction.jsonl").read_text(encoding="utf-8").splitlines()) == 5


def test_laws_by_region_names_regions_and_their_laws(built):
    out, _ = built
    result = run("query", out, "--name", "laws-by-region", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    pairs = {(r["regionLabel"]["value"] if "regionLabel" in r else r["region"]["value"], r["lawLabel"]["value"] if "lawLabel" in r else r["law"]["value"]) for r in rows}
    text = json.dumps(rows, ensure_ascii=False)
    for region in ("北碚区", "达州市", "东城区", "无锡市"):
        assert region in text
    assert any("北碚区" in reg and "中华人民共和国传染病防治法" in law for reg, law in pairs)
    assert any("无锡市" in reg and "中华人民共和国宪法" in law for reg, law in pairs) or any("无锡市" in reg for reg, _ in pairs)


def test_regions_citing_one_law(built):
    out, _ = built
    result = run("query", out, "--name", "regions-citing", "-p", "law=中华人民共和国宪法", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "达州市" in result.output and "北碚区" in result.output


def test_query_formats_and_free_sparql(built):
    out, _ = built
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    csv_out = run("query", out, q, "--format", "csv")
    assert csv_out.exit_code == 0 and csv_out.output.splitlines()[0].strip() == "n"
    table = run("query", out, "--name", "programs-by-region")
    assert table.exit_code == 0 and "rows" in table.output
    bad = run("query", out, "SELEC nonsense")
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_viz_page_is_offline(built, tmp_path):
    out, _ = built
    page = tmp_path / "v.html"
    result = run("viz", out, "-o", page)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html)
    assert "北碚区" in html


def test_validate_accepts_the_seeds_graph(built):
    out, _ = built
    result = run("validate", out)
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_extract_prints_gold_keys(corpus_dir):
    seed = sorted((corpus_dir / "seeds").glob("*.txt"))[0]
    result = run("extract", seed)
    assert result.exit_code == 0
    record = json.loads(result.output.splitlines()[0])
    for key in ("doc", "agency", "province", "city", "county", "year", "laws", "law_mentions",
                "doc_numbers", "agencies", "regions", "programs"):
        assert key in record


def test_eval_prints_f1_per_field(corpus_dir, built):
    out, _ = built
    result = run("eval", corpus_dir / "gold" / "seeds.jsonl", out / "extraction.jsonl")
    assert result.exit_code == 0, result.output
    for field in ("laws", "regions", "agencies", "programs"):
        assert field in result.output


def test_bad_files_are_named_and_do_not_lose_the_batch(tmp_path, corpus_dir):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "empty.txt").write_bytes(b"")
    (batch / "binary.txt").write_bytes(bytes(range(256)) * 20)
    seed = sorted((corpus_dir / "seeds").glob("*.txt"))[0]
    (batch / seed.name).write_bytes(seed.read_bytes())
    result = run("build", batch, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "binary.txt" in result.output
    assert "Traceback" not in result.output
    assert "documents: 1 built (1 txt), 2 failed" in result.output
    assert (tmp_path / "out" / "store").is_dir()


def test_help_on_every_command():
    for command in ("build", "extract", "eval", "query", "viz", "validate"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Usage" in result.output
