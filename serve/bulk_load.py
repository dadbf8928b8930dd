"""Bulk-load a dumped graph (graph.dump.dump_nquads) into Virtuoso with its own loader,
``ld_dir`` + ``rdf_loader_run()``, driven through Virtuoso's SQL client ``isql-vt``.

For a large graph this is the fast way in: the server parses the file itself, from its own
disk, instead of receiving it as Graph Store Protocol requests (``policykg load``). The file
must therefore be on the server's machine, in a folder listed in ``DirsAllowed`` of its
virtuoso.ini; run this where ``isql-vt`` reaches the server's SQL port (1111 by default).

>>> from policykg.serve.bulk_load import virtuoso_bulk_load  # doctest: +SKIP
>>> virtuoso_bulk_load("/var/lib/virtuoso/bulk/policykg.nq.gz", "127.0.0.1:1111", "dba", "dba")  # doctest: +SKIP
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from policykg.graph.dump import GRAPH_IRI

from .remote import RemoteError

ISQL_ENV = "POLICYKG_ISQL"  # the SQL client's name or path: isql-vt on Debian, isql in Virtuoso's own builds
MARK = "policykg-load-state"
_IRI = re.compile(r"^[^\s<>\"{}|\\^`']+$")


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def load_script(path: str, graph_iri: str = GRAPH_IRI, replace: bool = True) -> str:
    """The SQL that loads ``path`` (as the server sees it) into ``graph_iri``.

    >>> print(load_script("/srv/bulk/g.nq.gz", "urn:g"))  # doctest: +NORMALIZE_WHITESPACE
    log_enable(3, 1);
    SPARQL CLEAR GRAPH <urn:g>;
    DELETE FROM DB.DBA.load_list WHERE ll_file = '/srv/bulk/g.nq.gz';
    ld_dir('/srv/bulk', 'g.nq.gz', 'urn:g');
    rdf_loader_run();
    checkpoint;
    SELECT 'policykg-load-state', ll_state, ll_error FROM DB.DBA.load_list WHERE ll_file = '/srv/bulk/g.nq.gz';
    """
    if not _IRI.match(graph_iri):
        raise ValueError(f"not an IRI Virtuoso can take: {graph_iri!r}")
    folder, _, name = path.rpartition("/")
    if any(c in name for c in "%*"):  # ld_dir takes the name as a LIKE mask ("_" only matches itself too)
        raise ValueError(f"the bulk loader needs a file name without % or *: {name!r}")
    lines = ["log_enable(3, 1);"]  # autocommit, no transaction log: a bulk load is redone, not replayed
    if replace:
        lines.append(f"SPARQL CLEAR GRAPH <{graph_iri}>;")
    lines += [
        # a file loaded before stays in load_list, and would be skipped
        f"DELETE FROM DB.DBA.load_list WHERE ll_file = {_sql_string(path)};",
        # ld_dir, the loader's documented entry point, with the file's own name as the mask
        f"ld_dir({_sql_string(folder)}, {_sql_string(name)}, {_sql_string(graph_iri)});",
        "rdf_loader_run();",
        "checkpoint;",
        f"SELECT '{MARK}', ll_state, ll_error FROM DB.DBA.load_list WHERE ll_file = {_sql_string(path)};",
    ]
    return "\n".join(lines) + "\n"


def virtuoso_bulk_load(path: str | os.PathLike, sql_address: str = "127.0.0.1:1111", user: str = "dba",
                       password: str = "dba", graph_iri: str = GRAPH_IRI, replace: bool = True,
                       timeout: float = 3600.0) -> None:
    """Load the RDF file at ``path`` into ``graph_iri`` (replacing what it held, unless
    ``replace`` is false). N-Quads keep the graph named in the file. RemoteError with Virtuoso's
    own message when the server refuses (a folder not in DirsAllowed, a syntax error ...)."""
    isql = shutil.which(os.environ.get(ISQL_ENV, "isql-vt"))
    if isql is None:
        raise RemoteError("isql-vt not found (Debian package virtuoso-opensource; or set $POLICYKG_ISQL)")
    path = str(Path(path).resolve())
    try:
        done = subprocess.run([isql, sql_address, user, password, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF"],
                              input=load_script(path, graph_iri, replace), capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RemoteError(f"Virtuoso at {sql_address}: the load did not finish within {timeout:g} s")
    output = (done.stdout + done.stderr).replace(password, "***") if password else done.stdout + done.stderr
    errors = [line for line in output.splitlines() if "*** Error" in line]
    if done.returncode != 0 or errors:
        raise RemoteError(f"Virtuoso at {sql_address} refused the load: {' '.join(errors) or output.strip()[-500:]}")
    state = [line.split(None, 2) for line in output.splitlines() if line.startswith(MARK)]
    if not state:
        raise RemoteError(f"Virtuoso at {sql_address} did not register {path} for loading (is its folder in "
                          f"DirsAllowed?): {output.strip()[-500:]}")
    _, ll_state, ll_error = (state[0] + ["", ""])[:3]
    if ll_state != "2" or ll_error.strip() not in ("", "NULL"):
        raise RemoteError(f"Virtuoso could not load {path}: {ll_error.strip() or 'state ' + ll_state}")


__all__ = ["load_script", "virtuoso_bulk_load"]
