"""`policykg query` answers quickly: it starts without the libraries it does not use (no spaCy,
jieba, rdflib, networkx, pyvis or pandas for a named query without parameters: each costs
0.1-0.5 s to import; `python -X importtime -m policykg query OUT --name NAME` shows what is
left), and its table shows the first --top rows (Rich takes seconds per thousand rows)."""
from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from policykg.cli import cli

HEAVY = ("jieba", "spacy", "rdflib", "networkx", "pyvis", "pandas",
         # the report readers and the libraries they wrap: imported when a file of their kind is read
         "policykg.extract.readers.docx", "policykg.extract.readers.pdf", "policykg.extract.readers.html",
         "policykg.extract.readers.ocr", "policykg.extract.readers.office", "docx", "pdfplumber", "lxml")

RUN_QUERY = f"""
import sys
from click.testing import CliRunner
from policykg.cli import cli

result = CliRunner().invoke(cli, ["query", sys.argv[1], "--name", "laws-by-region", "--format", "csv"])
assert result.exit_code == 0, result.output
assert result.output.startswith("region,regionLabel,law,lawLabel,level,reports"), result.output[:200]
print(",".join(m for m in {HEAVY!r} if m in sys.modules))
"""

JIEBA_QUIET = """
import logging
import sys
from click.testing import CliRunner
from policykg.cli import cli

assert CliRunner().invoke(cli, ["query", "--list"]).exit_code == 0
assert "jieba" not in sys.modules
import jieba  # noqa: E402  as the extraction imports it, after the command started

logger = logging.getLogger("jieba")
debug = logger.makeRecord("jieba", logging.DEBUG, "jieba", 1, "Building prefix dict", None, None)
warning = logger.makeRecord("jieba", logging.WARNING, "jieba", 1, "a warning", None, None)
print(bool(logger.filter(debug)), bool(logger.filter(warning)))
"""


def _python(code: str, *args) -> str:
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_query_imports_no_heavy_library(seeds_build):
    assert _python(RUN_QUERY, seeds_build) == ""


def test_jieba_is_quiet_though_the_command_did_not_import_it():
    assert _python(JIEBA_QUIET) == "False True"


def test_table_shows_the_first_rows_and_says_how_many_more(seeds_build):
    full = CliRunner().invoke(cli, ["query", str(seeds_build), "--name", "laws-by-region", "--format", "csv"])
    rows = len(full.output.splitlines()) - 1
    assert rows > 3
    table = CliRunner().invoke(cli, ["query", str(seeds_build), "--name", "laws-by-region", "--top", "2"], terminal_width=200)
    assert table.exit_code == 0, table.output
    assert f"{rows} rows; {rows - 2} more rows: --top 0 prints them" in table.output
    every = CliRunner().invoke(cli, ["query", str(seeds_build), "--name", "laws-by-region", "--top", "0"], terminal_width=200)
    assert f"{rows} rows" in every.output and "more rows" not in every.output
    assert len(every.output.splitlines()) > len(table.output.splitlines())
