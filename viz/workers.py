"""Writing the pages of `policykg viz` in a few forked processes: many small files (the reading
pages, the pickers' scripts) split between them, and pages that cannot be split (a view, the
diffusion map) each made and written by one of them, while the caller goes on with its own work.

A task is a function ``task(shard, shards)`` that does the part of its work whose items have
``index % shards == shard`` (so the shards need no list to be sent to them); a task that cannot
be split (one page) is started ``whole``, as ``task(0, 1)``. The processes are
forked, so they inherit what the caller holds (the graph, the report metadata) without pickling
it; where fork is unavailable, or with one worker, the tasks run here, before :func:`start` returns.

>>> def squares(shard, shards):
...     return [k * k for k in range(6) if k % shards == shard]
>>> wait = start([squares], workers=2)
>>> sorted(x for part in wait()[0] for x in part)
[0, 1, 4, 9, 16, 25]
>>> wait = start([squares], workers=2, whole=[lambda shard, shards: f"one piece: {shard} of {shards}"])
>>> wait()[1]
['one piece: 0 of 1']
"""
from __future__ import annotations

import multiprocessing as mp
import os
from typing import Any, Callable

Task = Callable[[int, int], Any]

MAX_WORKERS = 4  # the pages are written to one disk; more processes only add memory

_TASKS: list[Task] = []  # what the forked workers run (inherited, never pickled)


def default_workers() -> int:
    """The CPUs this process may use (at most MAX_WORKERS)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MAX_WORKERS, cpus))


def _call(job: tuple[int, int, int]) -> Any:
    task, shard, shards = job
    return _TASKS[task](shard, shards)


class Jobs:
    """Started tasks: calling it waits for them and returns each task's results, one per shard
    (an error in a task is raised here); :meth:`stop` ends them unfinished."""

    def __init__(self, results: list[list] | None = None, pool=None, pending=None, jobs=(), n_tasks: int = 0):
        self._results, self._pool, self._pending, self._jobs, self._n = results, pool, pending, jobs, n_tasks

    def __call__(self) -> list[list]:
        if self._results is None:
            try:
                out = self._pending.get()
            finally:
                self._pool.join()
            self._results = [[] for _ in range(self._n)]
            for (t, _, _), result in zip(self._jobs, out):
                self._results[t].append(result)
        return self._results

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()


def start(tasks: list[Task], workers: int | None = None, whole: list[Task] = ()) -> Jobs:
    """Start ``tasks`` in ``workers`` forked processes (default: :func:`default_workers`), each
    task split into that many shards, then the ``whole`` tasks, each done in one piece by one
    worker (``task(0, 1)``: a page that cannot be split); returns the :class:`Jobs`, whose call
    waits for them and returns each task's results, one per shard (``tasks`` then ``whole``). A
    worker takes the next job when it is free, so listing the longest first evens the workers' ends."""
    global _TASKS
    workers = default_workers() if workers is None else workers
    everything = [*tasks, *whole]
    if workers <= 1 or "fork" not in mp.get_all_start_methods() or not everything:
        return Jobs([[task(0, 1)] for task in everything])
    _TASKS = everything  # (a pool started before keeps the tasks it was forked with)
    jobs = [(t, s, workers) for t in range(len(tasks)) for s in range(workers)]
    jobs += [(len(tasks) + t, 0, 1) for t in range(len(whole))]
    pool = mp.get_context("fork").Pool(workers)
    pending = pool.map_async(_call, jobs, chunksize=1)
    pool.close()
    return Jobs(pool=pool, pending=pending, jobs=jobs, n_tasks=len(everything))
