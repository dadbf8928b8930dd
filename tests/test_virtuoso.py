"""Moving to a server engine: the seeds graph pushed into a real Virtuoso Open-Source
(Debian package virtuoso-opensource, started here on loopback ports in a scratch folder) gives
the same answers to every named query as policykg's own pyoxigraph store."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from policykg.cli import cli
from policykg.graph import store as st
from policykg.serve.remote import RemoteError, load_graph, run_remote

PARAMS = {"regions-citing": {"law": "中华人民共和国传染病防治法"}}
NUMERIC = ("integer", "int", "long", "decimal", "double", "float", "short", "nonNegativeInteger")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _virtuoso_binary() -> str:
    exe = shutil.which(os.environ.get("POLICYKG_VIRTUOSO", "virtuoso-t"))
    if exe is None:
        msg = "virtuoso-t not found (Debian package virtuoso-opensource; .ci/run installs it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return exe


INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@contextlib.contextmanager
def running_virtuoso(d: Path):
    """A private Virtuoso with its database in ``d``, on free loopback ports; yields (its base
    URL, its SQL address for isql-vt), dba/dba, and stops it on leaving."""
    exe = _virtuoso_binary()
    http, sql = _free_port(), _free_port()
    (d / "virtuoso.ini").write_text(INI.format(d=d, http=http, sql=sql))
    proc = subprocess.Popen([exe, "+configfile", str(d / "virtuoso.ini"), "+foreground"], cwd=d,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log = (d / "virtuoso.log").read_text(errors="replace")[-2000:] if (d / "virtuoso.log").exists() else ""
            proc.kill()
            pytest.fail(f"Virtuoso did not start:\n{log}", pytrace=False)
        time.sleep(0.5)
    try:
        yield base, f"127.0.0.1:{sql}"
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A private Virtuoso on free loopback ports; yields its base URL (dba/dba, a fresh database)."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as (base, _sql):
        yield base


@pytest.fixture(scope="module")
def loaded(virtuoso, seeds_build):
    result = CliRunner().invoke(cli, ["load", str(seeds_build), "--endpoint", virtuoso + "/sparql-graph-crud-auth",
                                      "--user", "dba", "--password", "dba"])
    assert result.exit_code == 0, result.output
    assert "loaded" in result.output
    return virtuoso + "/sparql"


def _norm(term):
    """A term as comparable data: engines differ in numeric datatypes and decimal spelling."""
    if term is None:
        return None
    kind = type(term).__name__
    value = term.value
    dt = getattr(term, "datatype", None)
    if kind == "Literal" and dt is not None and dt.value.rsplit("#", 1)[-1] in NUMERIC:
        try:
            return ("number", Decimal(value).normalize())
        except InvalidOperation:
            pass
    if kind == "Literal":
        return ("literal", value, term.language or "")
    return (kind, value)


def _answers(result):
    return sorted((tuple(_norm(t) for t in row) for row in result.rows), key=repr)


def test_the_whole_graph_arrives(loaded, seeds_build):
    local = st.run_query(st.open_store(seeds_build), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    remote = run_remote(loaded, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/policykg/graph> { ?s ?p ?o } }")
    assert _answers(remote) == _answers(local)


@pytest.mark.parametrize("name", sorted(st.list_named_queries()))
def test_named_queries_give_the_same_answers(loaded, seeds_build, name):
    text = st.load_named_query(name)
    local = st.run_query(st.open_store(seeds_build), text, PARAMS.get(name))
    remote = run_remote(loaded, text, PARAMS.get(name))
    assert remote.variables == local.variables
    assert local.rows, f"{name} answers nothing on the seeds"
    assert _answers(remote) == _answers(local)


def test_query_command_against_the_endpoint(loaded, seeds_build):
    runner = CliRunner()
    args = ["--name", "laws-by-region", "--format", "csv"]
    remote = runner.invoke(cli, ["query", "--endpoint", loaded, *args])
    local = runner.invoke(cli, ["query", str(seeds_build), *args])
    assert remote.exit_code == 0, remote.output
    assert sorted(remote.output.splitlines()) == sorted(local.output.splitlines())
    assert "北碚区,https://w3id.org/policykg/id/law/中华人民共和国传染病防治法" in remote.output


def test_reloading_replaces_instead_of_doubling(loaded, seeds_build, virtuoso):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/policykg/graph> { ?s ?p ?o } }"
    before = _answers(run_remote(loaded, count))
    load_graph(seeds_build, virtuoso + "/sparql-graph-crud-auth", user="dba", password="dba", chunk=1000)
    assert _answers(run_remote(loaded, count)) == before


def test_refusals_are_clear(virtuoso, seeds_build):
    with pytest.raises(RemoteError, match="credentials"):
        load_graph(seeds_build, virtuoso + "/sparql-graph-crud-auth")
    with pytest.raises(RemoteError, match="cannot reach"):
        load_graph(seeds_build, f"http://127.0.0.1:{_free_port()}/gsp")
    result = CliRunner().invoke(cli, ["query", "--endpoint", virtuoso + "/sparql", "SELEC nothing"])
    assert result.exit_code != 0 and "refused" in result.output and "Traceback" not in result.output


def test_credentials_in_the_url_are_used_and_never_printed(virtuoso, seeds_build):
    url = virtuoso.replace("http://", "http://dba:dba@")
    runner = CliRunner()
    graph = "urn:policykg:url-credentials"
    loaded = runner.invoke(cli, ["load", str(seeds_build), "--endpoint", url + "/sparql-graph-crud-auth",
                                 "--graph", graph])
    assert loaded.exit_code == 0, loaded.output
    assert ":dba@" not in loaded.output and virtuoso + "/sparql-graph-crud-auth" in loaded.output
    # Virtuoso's authenticated query endpoint wants digest
    asked = runner.invoke(cli, ["query", "--endpoint", url + "/sparql-auth", "--auth", "digest",
                                f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"])
    assert asked.exit_code == 0, asked.output
    assert asked.output.strip() == "true"
    wrong = runner.invoke(cli, ["query", "--endpoint", virtuoso.replace("http://", "http://dba:wrong-pw@") + "/sparql-auth",
                                "--auth", "digest", "ASK {}"])
    assert wrong.exit_code == 1 and "wrong-pw" not in wrong.output
