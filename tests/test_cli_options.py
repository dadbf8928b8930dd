"""One shape for the CLI's options: --format (table|csv|json) and -o/--out in query and stats,
--format and -o in export, -f only for --file, typed query arguments, and named-query parameters
by alias as in the Python API."""
import csv
import io
import json

from click.testing import CliRunner

from policykg.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_query_writes_its_format_to_out(seeds_build, tmp_path):
    out = tmp_path / "rows.csv"
    result = run("query", seeds_build, "--name", "regions-citing", "-p", "law=宪法", "-o", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))  # csv is the default with -o
    assert {r["regionLabel"] for r in rows} >= {"北碚区", "达州市"}
    assert all(r["year"].isdigit() for r in rows)
    as_json = tmp_path / "rows.json"
    assert run("query", seeds_build, "--name", "local-laws", "--format", "json", "-o", as_json).exit_code == 0
    assert "head" in json.loads(as_json.read_text(encoding="utf-8"))
    table_to_file = run("query", seeds_build, "--name", "local-laws", "--format", "table", "-o", tmp_path / "t")
    assert table_to_file.exit_code == 2 and "--format csv or json" in table_to_file.output


def test_query_arguments_are_typed(seeds_build):
    bad_param = run("query", seeds_build, "--name", "regions-citing", "-p", "宪法")
    assert bad_param.exit_code == 2 and "NAME=VALUE" in bad_param.output
    ambiguous = run("query", seeds_build, "--name", "regions-citing", "-p", "law=条例")
    assert ambiguous.exit_code == 1 and "ambiguous" in ambiguous.output and "Traceback" not in ambiguous.output
    both = run("query", seeds_build, "ASK {}", "--endpoint", "http://127.0.0.1:9/sparql")
    assert both.exit_code == 2 and "with --endpoint give no GRAPH" in both.output
    missing = run("query", "no-such-folder", "ASK {}")
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_stats_formats(seeds_build, tmp_path):
    one = run("stats", seeds_build, "-t", "regions", "--format", "csv")
    assert one.exit_code == 0, one.output
    rows = list(csv.DictReader(io.StringIO(one.output)))
    assert {r["region"] for r in rows} >= {"无锡市", "重庆市北碚区"}
    assert all(r["reports"].isdigit() and "." not in r["code"] for r in rows)
    several = run("stats", seeds_build, "--format", "csv")
    assert several.exit_code == 2 and "-o DIR" in several.output
    every = json.loads(run("stats", seeds_build, "--format", "json").output)
    assert set(every) == {"laws", "regions", "similarity", "communities", "single-region"}
    assert isinstance(every["laws"][0]["reports"], int)
    written = run("stats", seeds_build, "-t", "laws", "--format", "json", "-o", tmp_path / "tables")
    assert written.exit_code == 0 and "Most-cited laws" in written.output  # printed, and written
    assert json.loads((tmp_path / "tables" / "laws.json").read_text(encoding="utf-8"))[0]["rank"] == 1


def test_f_means_file_only(seeds_build, tmp_path):
    query_file = tmp_path / "count.rq"
    query_file.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", encoding="utf-8")
    assert run("query", seeds_build, "-f", query_file, "--format", "csv").output.startswith("n\n")
    old_spelling = run("export", seeds_build, "-o", tmp_path / "x", "-f", "csv")
    assert old_spelling.exit_code == 2
    export = run("export", seeds_build, "-o", tmp_path / "x", "--format", "csv")
    assert export.exit_code == 0 and (tmp_path / "x" / "nodes.csv").exists()
