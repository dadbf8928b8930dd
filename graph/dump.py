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
import queue
import threading
from pathlib import Path

import pyoxigraph as ox

from .store import as_store
from .vocab import BASE

GRAPH_IRI = BASE + "graph"  # the graph `policykg load` fills too (serve.remote.DEFAULT_GRAPH)


class _InGraph:
    """A write-only file taking N-Triples and passing on N-Quads in one graph: each line's final
    " ." becomes " <graph> .", and the lines are counted. In N-Triples a newline ends a line and
    nothing else (a literal's own are escaped as \\n), so a line ends where a chunk holds "\\n";
    the text after a chunk's last newline waits for the next chunk."""

    def __init__(self, raw, graph_iri: str):
        self.raw = raw
        self.end = f" {ox.NamedNode(graph_iri)} .\n".encode()  # NamedNode checks the IRI
        self.rest = b""
        self.lines = 0

    def write(self, data: bytes) -> int:
        cut = data.rfind(b"\n") + 1
        if cut:
            lines, self.rest = self.rest + data[:cut], data[cut:]
            self.lines += lines.count(b"\n")
            self.raw.write(lines.replace(b" .\n", self.end))
        else:
            self.rest += data
        return len(data)

    def flush(self) -> None:
        self.raw.flush()

    def finish(self) -> None:
        if self.rest:
            raise ValueError(f"N-Triples ended in the middle of a line: {self.rest[:200]!r}")


_FLUSH = object()


class _InThread:
    """A write-only file whose writes happen in a thread of their own: zlib lets go of the GIL
    while it compresses, so the store's dump and the compression run on two cores."""

    def __init__(self, raw):
        self.queue: queue.Queue = queue.Queue(maxsize=16)  # bounded: the dump waits for gzip
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(raw,), daemon=True)
        self.thread.start()

    def _run(self, raw) -> None:
        while (data := self.queue.get()) is not None:
            if self.error is None:
                try:
                    raw.flush() if data is _FLUSH else raw.write(data)
                except BaseException as e:  # raised in the dumping thread by its next write
                    self.error = e

    def write(self, data: bytes) -> int:
        if self.error is not None:
            raise self.error
        self.queue.put(data)
        return len(data)

    def flush(self) -> None:
        self.queue.put(_FLUSH)  # in its place: a gzip flush marks the compressed stream

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def dump_nquads(graph: str | os.PathLike | ox.Store, path: str | os.PathLike, graph_iri: str = GRAPH_IRI,
                compresslevel: int = 6) -> int:
    """Write GRAPH (a build folder, an RDF file or a Store) to ``path`` as N-Quads in ``graph_iri``,
    gzipped when ``path`` ends in ``.gz``; the file appears complete or not at all. Returns the
    number of quads written. The store writes the triples itself (as N-Triples, in Rust: no
    Python object per triple), and the graph is added to each line on the way to the file."""
    path = Path(path)
    store = as_store(graph)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(partial, "wb") as raw:
            sink = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=compresslevel, mtime=0) \
                if path.suffix == ".gz" else raw
            compressing = _InThread(sink)
            try:
                quads = _InGraph(compressing, graph_iri)
                store.dump(quads, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
                quads.finish()
            finally:
                compressing.close()
            if sink is not raw:
                sink.close()
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return quads.lines


__all__ = ["GRAPH_IRI", "dump_nquads"]
