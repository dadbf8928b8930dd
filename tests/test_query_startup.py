"""`policykg query` starts without the libraries it does not use: no spaCy, jieba, rdflib,
networkx, pyvis or pandas for a named query without parameters (each costs 0.1-0.5 s to import;
`python -X importtime -m policykg query OUT --name NAME` shows what is left)."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("jieba", "spacy", "rdflib", "networkx", "pyvis", "pandas")

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
