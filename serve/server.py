"""Starting the service: a persistent store for GRAPH, the query workers, and a waitress server."""
from __future__ import annotations

import shutil
import signal
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from policykg.graph.store import STORE_DIR, load_file, rdf_format

from .app import App
from .executor import MB, QueryExecutor
from .guard import Guard, host_names_for, parse_origin
from .names import NameIndex


@dataclass
class ServeOptions:
    """What ``policykg serve`` may spend and whom it answers; every default is the safe one."""
    workers: int = 2
    timeout: float = 30.0               # seconds a query may run
    limit: int = 10000                  # rows (or triples) of an answer
    memory: bool = True                 # copy the store into each main worker's memory
    worker_memory_mb: int = 2048        # address space of a worker process; 0: unbounded
    max_response_mb: float = 64         # bytes of an answer
    max_request_mb: float = 1           # bytes of a request body or query
    short_workers: int = 1              # workers kept for short queries while the others are busy
    short_timeout: float = 2.0          # time limit of a query in that lane
    queue_wait: float = 1.0             # longest wait for a free worker before 503
    allow_services: tuple[str, ...] = ()  # SERVICE IRIs a query may call (none: no outbound call)
    allow_hosts: tuple[str, ...] = ()   # Host names accepted besides those of the bound address
    cors_origins: tuple[str, ...] = ()  # origins whose pages may call the endpoint


@contextmanager
def store_for(graph: Path):
    """Yields (store folder, HTML graph page or None) for a build OUT folder or an RDF file. A
    build's store/ is used as it is; an RDF file is loaded into a temporary store, removed on
    leaving the block."""
    graph = Path(graph)
    if graph.is_dir() and (graph / STORE_DIR).is_dir():
        page = graph / "graph.html"
        yield graph / STORE_DIR, page if page.is_file() else None
        return
    src = graph / "graph.ttl" if graph.is_dir() else graph
    if not src.is_file():
        raise OSError(f"{graph}: neither a build folder (no store/ or graph.ttl) nor an RDF file")
    rdf_format(src)  # an unknown format is refused before a temporary store is made
    tmp = Path(tempfile.mkdtemp(prefix="policykg-store-"))
    try:
        store = load_file(ox.Store(str(tmp / STORE_DIR)), src)
        store.flush()
        del store
        page = src.parent / "graph.html" if graph.is_dir() else None
        yield tmp / STORE_DIR, page if page and page.is_file() else None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def build_app(store_path: Path, page: Path | None, title: str, options: ServeOptions,
              hosts: set[str] | None = None) -> App:
    executor = QueryExecutor(str(store_path), workers=options.workers, timeout=options.timeout, limit=options.limit,
                             memory=options.memory, max_memory=int(options.worker_memory_mb * MB),
                             max_response_bytes=int(options.max_response_mb * MB), services=options.allow_services,
                             short_workers=options.short_workers, short_timeout=options.short_timeout,
                             queue_wait=options.queue_wait)
    guard = Guard(hosts=(hosts or host_names_for("127.0.0.1")) | {h.lower() for h in options.allow_hosts},
                  cors_origins={parse_origin(o) for o in options.cors_origins})
    build = store_path.parent  # a build folder's extraction.jsonl and texts/ give reading pages
    return App(executor, graph_page=lambda: page, title=title, guard=guard,
               max_request_bytes=int(options.max_request_mb * MB), names=NameIndex(store_path),
               build_dir=build if (build / "extraction.jsonl").is_file() else None)


@contextmanager
def serving_app(graph: Path, options: ServeOptions | None = None, host: str = "127.0.0.1"):
    """Yields the App for GRAPH; its workers and temporary store are gone on leaving the block."""
    options = options or ServeOptions()
    with store_for(graph) as (store_path, page):
        app = build_app(store_path, page, f"policykg · {Path(graph).name}", options, host_names_for(host))
        try:
            yield app
        finally:
            app.executor.close()


def make_server(app: App, host: str = "127.0.0.1", port: int = 0):
    """A waitress server for ``app``, with enough threads for every worker, the waiting room and
    a few pages (a request beyond them would wait inside waitress, where no limit applies) and
    waitress's own cap on request bodies.

    Its loop waits with poll(), not select(): select() fails on descriptors past 1024 and raises
    EBADF when another thread closes the server while the loop waits (poll() reports them)."""
    from waitress import create_server

    threads = app.executor.capacity + app.executor.max_waiting + 4
    return create_server(app, host=host, port=port, threads=threads, ident="policykg",
                         max_request_body_size=app.max_request_bytes, asyncore_use_poll=True)


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # leave server.run() the way Ctrl+C does, through every finally


def serve(graph: Path, host: str = "127.0.0.1", port: int = 8000, options: ServeOptions | None = None,
          announce=print) -> None:
    # from the start, so that a SIGTERM while the temporary store loads also removes it
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with serving_app(graph, options, host) as app:
            server = make_server(app, host, port)
            announce(f"serving {graph} at http://{host}:{server.effective_port}/  "
                     f"(SPARQL endpoint: /sparql; Ctrl+C stops)")
            try:
                server.run()
            finally:
                server.close()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
