"""The forked workers that write the pages (policykg.viz.workers): split tasks, whole tasks, errors
and stopping."""
from __future__ import annotations

import os
import time

import pytest

from policykg.viz.workers import start


def _pids(shard: int, shards: int) -> tuple[int, int, int]:
    return shard, shards, os.getpid()


def test_split_tasks_run_once_per_shard_and_whole_tasks_once(tmp_path):
    results = start([_pids], workers=2, whole=[_pids, _pids])()
    assert sorted(s for s, _, _ in results[0]) == [0, 1] and {n for _, n, _ in results[0]} == {2}
    assert [r[0][:2] for r in results[1:]] == [(0, 1), (0, 1)] and all(len(r) == 1 for r in results[1:])
    assert os.getpid() not in {pid for r in results for _, _, pid in r}  # done by the workers


def test_one_worker_runs_everything_here():
    results = start([_pids], workers=1, whole=[_pids])()
    assert results == [[(0, 1, os.getpid())], [(0, 1, os.getpid())]]


def _fails(shard: int, shards: int):
    raise ValueError(f"shard {shard}")


def test_an_error_in_a_task_is_raised_by_the_wait():
    with pytest.raises(ValueError, match="shard"):
        start([_fails], workers=2)()


def _sleeps(shard: int, shards: int):
    time.sleep(60)


def test_stop_ends_the_workers_without_waiting():
    jobs = start([_sleeps], workers=2)
    t = time.monotonic()
    jobs.stop()
    assert time.monotonic() - t < 20
