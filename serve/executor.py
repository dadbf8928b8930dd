"""Queries run in worker processes, so that a query over its time limit can really be stopped.

pyoxigraph evaluates a query inside one native call that Python cannot interrupt; a thread
would keep burning a core after its client got the timeout. A worker process holding its own
read-only handle on the store is killed and replaced instead, and the server keeps serving.

A worker answers from the store on disk as soon as it starts, and (``memory=True``) copies the
store into memory in the background (at the lowest CPU priority), then answers from the copy:
pyoxigraph's on-disk store looks strings up in RocksDB. Since the named queries read each label
once, the disk store answers them within 1-2.5x of the copy at 1,000 reports; a store too large
to copy beside the queries (4.8 million quads at 5,000 reports) stays on disk.

pyoxigraph releases the GIL while it evaluates (and while it reads each solution), so threads
would answer in parallel too; processes are used because only they can be stopped."""
from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from dataclasses import dataclass

from .results import Answer
from .sparql_text import inspect

# Workers are forked from a clean server process that has only imported pyoxigraph (never
# from this threaded server): a worker killed over a limit is replaced in milliseconds.
_CTX = mp.get_context("forkserver")
_CTX.set_forkserver_preload(["pyoxigraph", "policykg.serve.results", "policykg.serve.sparql_text"])
MB = 1 << 20
COPY_BYTES_PER_QUAD = 1000  # peak memory of the in-memory copy: the N-Quads dump and the store


class QueryError(Exception):
    """A query the endpoint answers with an error status and a plain message (and, for a busy
    server, the seconds after which to try again)."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


def refusal(text: str, services: frozenset[str] = frozenset()) -> tuple[int, str] | None:
    """(status, message) when ``text`` is an update or calls a SERVICE not in ``services``."""
    request = inspect(text)
    if request.operation == "update":
        return 403, "this endpoint is read-only: SPARQL Update is refused"
    for iri in request.services:
        if iri is None or iri not in services:
            target = f"<{iri}>" if iri else "a variable or relative IRI"
            return 403, (f"SERVICE {target} refused: this endpoint makes no outbound requests unless "
                         f"the service is allowed (policykg serve --allow-service IRI)")
    return None


def in_memory_copy(store):
    """An in-memory pyoxigraph store holding every quad of ``store``."""
    import pyoxigraph as ox

    copy = ox.Store()
    copy.bulk_load(store.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    return copy


def holds_more_than(store, n: int) -> bool:
    """Whether ``store`` holds more than ``n`` quads, counted no further than that: len(store)
    counts them all, 6 s of CPU for the 4.8 million of 5,000 reports, to learn that a copy
    would not fit."""
    return bool(store.query(f"ASK {{ {{ SELECT * WHERE {{ ?s ?p ?o }} OFFSET {int(n)} LIMIT 1 }} }}",
                            use_default_graph_as_union=True))


def lower_priority() -> None:
    """Give the calling thread the lowest CPU priority (nice 19), so that the background copy
    of the store yields the cores to the queries being answered meanwhile (Linux sets nice per
    thread, and threads the copy starts inherit it). Nothing happens where that is not allowed.

    >>> import threading
    >>> t = threading.Thread(target=lower_priority); t.start(); t.join()
    """
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass


def _limit_memory(max_bytes: int) -> None:
    """Cap this process's address space: an allocation past it fails, and pyoxigraph (Rust)
    aborts the worker, which the executor sees and replaces."""
    if max_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


@dataclass(frozen=True)
class Job:
    """One query as a worker receives it."""
    text: str
    solution_type: str
    graph_type: str
    limit: int
    max_bytes: int
    default_graphs: list[str] | None = None  # the protocol dataset, when either is given
    named_graphs: list[str] | None = None
    base_iri: str | None = None              # relative IRIs resolve against the endpoint

    def dataset(self, ox) -> dict:
        """pyoxigraph's query arguments for the protocol dataset: it replaces the store's, so
        graphs not named in it are not queried (named graphs only: an empty default graph)."""
        if self.default_graphs is None and self.named_graphs is None:
            return {}
        return {"default_graph": [ox.NamedNode(g) for g in self.default_graphs or []],
                "named_graphs": [ox.NamedNode(g) for g in self.named_graphs or []]}


@dataclass(frozen=True)
class WorkerSettings:
    memory: bool = True                 # copy the store into memory in the background
    max_memory: int = 2048 * MB         # address space of the worker process; 0: unbounded
    services: frozenset[str] = frozenset()  # SERVICE IRIs a query may call


def _worker(store_path: str, conn, settings: WorkerSettings) -> None:
    _limit_memory(settings.max_memory)
    import pyoxigraph as ox

    from .results import ResponseTooLarge, serialize

    active = [(ox.Store.read_only(store_path), "disk")]  # (store, which); swapped whole, never half
    if settings.memory:
        def warm() -> None:
            lower_priority()  # the copy took 100 s of a shared core at 1,000 reports
            store = active[0][0]
            if settings.max_memory and holds_more_than(store, settings.max_memory // 2 // COPY_BYTES_PER_QUAD):
                return  # the copy would not fit beside the queries: keep answering from disk
            try:
                copy = in_memory_copy(store)
            except (OSError, MemoryError):
                return
            active[0] = (copy, "memory")

        threading.Thread(target=warm, name="policykg-warm", daemon=True).start()
    conn.send(("ready",))
    while True:
        try:
            job: Job = conn.recv()
        except EOFError:
            return
        refused = refusal(job.text, settings.services)
        if refused:
            conn.send(("error", *refused))
            continue
        try:
            store, kind = active[0]
            result = store.query(job.text, base_iri=job.base_iri, **job.dataset(ox))
            answer = serialize(result, job.solution_type, job.graph_type, job.limit, job.max_bytes)
            answer.store = kind
            conn.send(("ok", answer))
        except SyntaxError as e:
            conn.send(("error", 400, f"SPARQL syntax error: {e}"))
        except ResponseTooLarge as e:
            conn.send(("error", 507, str(e)))
        except MemoryError:
            conn.send(("error", 503, f"query stopped: it needed more than the {settings.max_memory // MB} MB "
                                     f"a query worker may use"))
        except Exception as e:  # an evaluation error must not take the worker down
            conn.send(("error", 400, f"query failed: {e}"))


@dataclass(eq=False)
class _Worker:
    process: mp.Process
    conn: object
    lane: str  # "main", or "short": kept free for short queries while the main workers are busy


class _Lanes:
    """Idle workers by lane, and a bounded waiting room in front of them."""

    def __init__(self, max_waiting: int):
        self.max_waiting = max_waiting
        self._idle: dict[str, list[_Worker]] = {"main": [], "short": []}
        self._waiting = 0
        self._cond = threading.Condition()

    def put(self, w: _Worker) -> None:
        with self._cond:
            self._idle[w.lane].append(w)
            self._cond.notify()

    def _pop(self) -> _Worker | None:
        for lane in ("main", "short"):
            if self._idle[lane]:
                return self._idle[lane].pop()
        return None

    def take(self, wait: float) -> _Worker | None:
        """An idle worker (a main one first), waiting at most ``wait`` seconds, and not at all
        when the waiting room is full; None when there is none."""
        with self._cond:
            w = self._pop()
            if w is not None or self._waiting >= self.max_waiting:
                return w
            self._waiting += 1
            try:
                deadline = time.monotonic() + wait
                while (w := self._pop()) is None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return None
                    self._cond.wait(left)
                return w
            finally:
                self._waiting -= 1


class QueryExecutor:
    """A pool of worker processes over a read-only pyoxigraph store on disk (copied into each
    main worker's memory in the background when ``memory`` is true).

    Each query is bounded in time (``timeout``), rows (``limit``), response bytes
    (``max_response_bytes``) and memory (``max_memory`` of address space per worker, which
    is killed and replaced past it). ``short_workers`` more workers, on disk, are kept for when
    every main worker is busy, with the shorter ``short_timeout``: a long query cannot take the
    capacity that answers a short one. A query that finds no free worker waits at most
    ``queue_wait`` seconds, in a room of at most ``max_waiting``, then gets 503 at once."""

    def __init__(self, store_path: str, workers: int = 2, timeout: float = 30.0, limit: int = 10000,
                 start_timeout: float = 60.0, memory: bool = True, max_memory: int = 2048 * MB,
                 max_response_bytes: int = 64 * MB, services=(), short_workers: int = 1,
                 short_timeout: float = 2.0, queue_wait: float = 1.0, max_waiting: int | None = None):
        self.store_path = str(store_path)
        self.timeout = timeout
        self.limit = limit
        self.max_response_bytes = max_response_bytes
        self.short_timeout = min(short_timeout, timeout)
        self.queue_wait = queue_wait
        self.start_timeout = start_timeout
        self.services = frozenset(services)
        self._settings = {"main": WorkerSettings(memory, max_memory, self.services),
                          "short": WorkerSettings(False, max_memory, self.services)}
        self.max_waiting = 2 * workers + 2 if max_waiting is None else max_waiting
        self._lanes = _Lanes(self.max_waiting)
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0
        self.capacity = max(1, workers) + max(0, short_workers)
        for lane, n in (("main", max(1, workers)), ("short", max(0, short_workers))):
            for _ in range(n):
                self._lanes.put(self._spawn(lane))

    def _spawn(self, lane: str) -> _Worker:
        parent, child = _CTX.Pipe()
        p = _CTX.Process(target=_worker, args=(self.store_path, child, self._settings[lane]), daemon=True,
                         name=f"policykg-query-{lane}")
        p.start()
        child.close()
        if not parent.poll(self.start_timeout):
            p.kill()
            raise RuntimeError(f"{self.store_path}: query worker did not start")
        try:
            msg = parent.recv()
        except EOFError:
            msg = ("dead",)
        if msg[0] != "ready":
            raise RuntimeError(f"{self.store_path}: query worker could not open the store")
        w = _Worker(p, parent, lane)
        with self._lock:
            self._all.append(w)
        return w

    def _retire(self, w: _Worker) -> None:
        w.process.kill()
        w.process.join(5)
        with self._lock:
            if w in self._all:
                self._all.remove(w)

    def _replace(self, w: _Worker) -> None:
        """Kill ``w`` and start its successor in the background: the client that ran over a
        limit gets its answer now, not after a new process has started."""
        self._retire(w)
        self.restarts += 1

        def respawn() -> None:
            if self._closed:
                return
            try:
                fresh = self._spawn(w.lane)
            except (RuntimeError, OSError):  # the executor is closing, or the store went away
                return
            if self._closed:
                self._retire(fresh)
            else:
                self._lanes.put(fresh)

        threading.Thread(target=respawn, name="policykg-respawn", daemon=True).start()

    def run(self, text: str, solution_type: str = "application/sparql-results+json",
            graph_type: str = "text/turtle", limit: int | None = None, timeout: float | None = None,
            default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
            base_iri: str | None = None) -> Answer:
        """Run one query (over the protocol dataset ``default_graphs`` and ``named_graphs`` when
        either is given); raises QueryError with an HTTP status on refusal, bad syntax or a limit."""
        limit = self.limit if limit is None else limit
        w = self._lanes.take(self.queue_wait)
        if w is None:
            raise QueryError(503, "every query worker is busy; try again in a few seconds", retry_after=2)
        timeout = self.timeout if timeout is None else timeout
        if w.lane == "short":
            timeout = min(timeout, self.short_timeout)
        try:
            w.conn.send(Job(text, solution_type, graph_type, limit, self.max_response_bytes,
                            default_graphs, named_graphs, base_iri))
            if not w.conn.poll(timeout):
                self._replace(w)
                busy = " (the server was busy, so it ran in the lane kept for short queries)" if w.lane == "short" else ""
                raise QueryError(503, f"query cancelled: it ran over the time limit of {timeout:g} s{busy}")
            msg = w.conn.recv()
        except (EOFError, OSError):
            w.process.join(2)  # its exit status tells why it stopped
            message = self._death_message(w)
            self._replace(w)
            raise QueryError(503, message)
        self._lanes.put(w)
        if msg[0] == "error":
            raise QueryError(msg[1], msg[2])
        return msg[1]

    def _death_message(self, w: _Worker) -> str:
        limit = self._settings[w.lane].max_memory
        if limit and w.process.exitcode == -6:  # Rust aborts when an allocation fails
            return f"query stopped: it needed more than the {limit // MB} MB a query worker may use"
        return "the query worker stopped unexpectedly; the query was not answered"

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for w in workers:
            try:
                w.conn.close()
            except OSError:
                pass
            w.process.kill()
            w.process.join(5)
