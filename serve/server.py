"""Starting the service: a persistent store for GRAPH, the query workers, and a waitress server."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from policykg.graph.store import STORE_DIR, load_file, rdf_format

from .app import App
from .executor import QueryExecutor


def store_for(graph: Path) -> tuple[Path, Path | None]:
    """(store folder, HTML graph page or None) for a build OUT folder or an RDF file. A build's
    store/ is used as it is; an RDF file is loaded once into a temporary store."""
    graph = Path(graph)
    if graph.is_dir() and (graph / STORE_DIR).is_dir():
        page = graph / "graph.html"
        return graph / STORE_DIR, page if page.is_file() else None
    src = graph / "graph.ttl" if graph.is_dir() else graph
    if not src.is_file():
        raise OSError(f"{graph}: neither a build folder (no store/ or graph.ttl) nor an RDF file")
    rdf_format(src)  # an unknown format is refused before a temporary store is made
    tmp = Path(tempfile.mkdtemp(prefix="policykg-store-"))
    atexit.register(shutil.rmtree, tmp, True)
    store = load_file(ox.Store(str(tmp / STORE_DIR)), src)
    store.flush()
    del store
    page = src.parent / "graph.html" if graph.is_dir() else None
    return tmp / STORE_DIR, page if page and page.is_file() else None


def make_app(graph: Path, workers: int = 2, timeout: float = 30.0, limit: int = 10000, memory: bool = True) -> App:
    store_path, page = store_for(graph)
    executor = QueryExecutor(str(store_path), workers=workers, timeout=timeout, limit=limit, memory=memory)
    return App(executor, graph_page=lambda: page, title=f"policykg · {Path(graph).name}")


def serve(graph: Path, host: str = "127.0.0.1", port: int = 8000, workers: int = 2,
          timeout: float = 30.0, limit: int = 10000, threads: int = 8, memory: bool = True, announce=print) -> None:
    from waitress import create_server

    app = make_app(graph, workers=workers, timeout=timeout, limit=limit, memory=memory)
    server = create_server(app, host=host, port=port, threads=threads, ident="policykg")
    announce(f"serving {graph} at http://{host}:{server.effective_port}/  (SPARQL endpoint: /sparql; Ctrl+C stops)")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.executor.close()
