"""Where extraction runs: ``local`` (this machine, ``jobs`` processes) or ``dask`` (the workers
of a Dask scheduler). One entry point, so that a build names the engine and nothing else.

>>> list(extract_with([], engine="local"))
[]
>>> extract_with([], engine="dask")
Traceback (most recent call last):
...
ValueError: the dask engine needs a scheduler address (--scheduler tcp://HOST:8786)
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from policykg.extract.readers import Limits

from .corpus import Failure, extract_files

ENGINES = ("local", "dask")


def extract_with(paths: list[Path], engine: str = "local", jobs: int = 1, scheduler: str | None = None,
                 limits: Limits | None = None, manifest=None,
                 texts_dir: Path | None = None) -> Iterator[dict[str, Any] | Failure]:
    """Records (or Failures) in input order from the chosen engine; ValueError for an engine
    that cannot run (unknown, no scheduler, the dask extra not installed)."""
    if engine == "local":
        return extract_files(paths, jobs=jobs, limits=limits, manifest=manifest, texts_dir=texts_dir)
    if engine != "dask":
        raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")
    if not scheduler:
        raise ValueError("the dask engine needs a scheduler address (--scheduler tcp://HOST:8786)")
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ValueError('the dask engine needs the dask extra: pip install "policykg[dask]"') from None
    from .dask_engine import extract_files_dask

    return extract_files_dask(paths, scheduler, limits=limits, manifest=manifest, texts_dir=texts_dir)


__all__ = ["ENGINES", "extract_with"]
