"""Dump a build's graph as gzipped N-Quads: the file a server store's bulk loader reads
(Virtuoso's ``ld_dir``/``rdf_loader_run``, Oxigraph's ``load``, GraphDB's importrdf, Jena's
tdb2.tdbloader), much faster for a large graph than pushing it over HTTP.

Every triple of the build (they sit in the store's default graph) is written into one named
graph, so that the file says where it belongs and a loader needs no graph argument. The quads
stream from the store to the compressor: no graph is held in memory.

>>> from policykg.graph.dump import dump_nquads  # doctest: +SKIP
>>> dump_nquads("out", "/var/lib/virtuoso/bulk/policykg.nq.gz")  # doctest: +SKIP
312480
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import pyoxigraph as ox

from .store import as_store
from .vocab import BASE

GRAPH_IRI = BASE + "graph"  # the graph `policykg load` fills too (serve.remote.DEFAULT_GRAPH)


class _Counted:
    """A write-only file that counts the quads going through it (one N-Quads line each)."""

    def __init__(self, raw):
        self.raw = raw
        self.lines = 0

    def write(self, data: bytes) -> int:
        self.lines += data.count(b"\n")
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def dump_nquads(graph: str | os.PathLike | ox.Store, path: str | os.PathLike, graph_iri: str = GRAPH_IRI,
                compresslevel: int = 6) -> int:
    """Write GRAPH (a build folder, an RDF file or a Store) to ``path`` as N-Quads in ``graph_iri``,
    gzipped when ``path`` ends in ``.gz``; the file appears complete or not at all. Returns the
    number of quads written."""
    path = Path(path)
    store = as_store(graph)
    target = ox.NamedNode(graph_iri)
    quads = (ox.Quad(q.subject, q.predicate, q.object, target)
             for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(partial, "wb") as raw:
            sink = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=compresslevel, mtime=0) \
                if path.suffix == ".gz" else raw
            counted = _Counted(sink)
            ox.serialize(quads, counted, ox.RdfFormat.N_QUADS)
            if sink is not raw:
                sink.close()
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return counted.lines


__all__ = ["GRAPH_IRI", "dump_nquads"]
