"""Run the extraction on a Dask distributed cluster: the same records as ``corpus.extract_files``,
in the same order, with the reading and the NLP done by workers that may be on other machines.

Why Dask rather than Ray: ``distributed`` is pure Python on PyPI (``pip install policykg[dask]``
on every machine is the whole install), ``distributed.LocalCluster`` runs a real scheduler and
worker processes in a test, and a cluster is two commands (``dask scheduler``, ``dask worker
ADDRESS``) with no other daemon, object store or dashboard to run.

Each file travels to its worker as bytes, not as a path: a worker on another machine does not
see the client's files, and a shared filesystem mounted at the same path on every node is an
assumption that breaks quietly. The worker writes the bytes into a scratch folder under the
file's own name (the readers choose by suffix), runs ``corpus.extract_file`` there, and sends
back the record and the text as read; the client writes ``OUT/texts/<id>.txt`` itself.

At most ``window`` files are in flight at once (read, sent, or waiting to be collected), so the
client's memory stays flat however many files there are.

>>> from policykg.dask_engine import extract_files_dask  # doctest: +SKIP
>>> for r in extract_files_dask(paths, "tcp://10.0.0.5:8786", texts_dir=out / "texts"):  # doctest: +SKIP
...     print(r["id"] if isinstance(r, dict) else r)
"""
from __future__ import annotations

import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from policykg.extract.readers import IngestError, Limits
from policykg.extract.readers.base import check_size

from .corpus import Failure, extract_file

WINDOW_PER_WORKER = 4  # files in flight per worker thread: enough to keep workers busy, no more


@dataclass(frozen=True)
class _Entry:
    """The one manifest row of a file, looked up on the client (the manifest names the client's
    paths) and handed to the worker in place of the whole manifest."""

    entry: Any

    def entry_for(self, _path: Path):
        return self.entry


def extract_bytes(name: str, data: bytes, limits: Limits | None = None, manifest_entry: Any = None,
                  texts_name: str = "texts") -> tuple[dict[str, Any] | Failure, str | None]:
    """On a worker: the record (or Failure) of a file called ``name`` holding ``data``, and the
    text it was read as (None for a Failure). ``path`` in the answer is the scratch copy's: the
    client puts back its own."""
    with tempfile.TemporaryDirectory(prefix="policykg-") as scratch:
        path = Path(scratch) / Path(name).name
        path.write_bytes(data)
        texts_dir = Path(scratch) / texts_name
        texts_dir.mkdir()
        manifest = _Entry(manifest_entry) if manifest_entry is not None else None
        result = extract_file(path, limits=limits, manifest=manifest, texts_dir=texts_dir)
        if isinstance(result, Failure):
            return result, None
        with open(Path(scratch) / result["text_file"], encoding="utf-8", newline="") as f:  # "\r" kept as read
            return result, f.read()


def _read(path: Path, limits: Limits) -> bytes | Failure:
    """The file's bytes, checked against the size limit first so that no oversized file is read."""
    try:
        check_size(path, limits)
        return path.read_bytes()
    except IngestError as e:
        return Failure(str(path), e.reason)
    except OSError as e:
        return Failure(str(path), f"cannot be read ({e.strerror or e})")


def _finish(path: Path, answer, texts_dir: Path | None) -> dict[str, Any] | Failure:
    """The record as a local run makes it: the client's path, and its text written here."""
    result, text = answer
    if isinstance(result, Failure):
        return Failure(str(path), result.reason, result.skipped)
    result["path"] = str(path.resolve())
    if texts_dir is None:
        result.pop("text_file", None)
    else:
        text_file = texts_dir / f"{result['id']}.txt"
        text_file.write_text(text, encoding="utf-8", newline="")
        result["text_file"] = f"{texts_dir.name}/{text_file.name}"
    return result


def extract_files_dask(paths: list[Path], address, limits: Limits | None = None, manifest=None,
                       texts_dir: Path | None = None, window: int | None = None) -> Iterator[dict[str, Any] | Failure]:
    """Records (or Failures) in input order, extracted by the workers of the Dask scheduler at
    ``address`` ("tcp://HOST:8786", or a ``distributed.LocalCluster``). Every worker needs
    policykg installed (``pip install policykg[dask]``); it needs none of the files.

    A worker that dies, or a task the cluster cannot run, becomes a Failure naming the file;
    the other files go on."""
    from distributed import Client

    limits = limits or Limits()
    paths = [Path(p) for p in paths]
    texts_name = texts_dir.name if texts_dir is not None else "texts"
    with Client(address, set_as_default=False) as client:
        if window is None:
            threads = sum(client.nthreads().values()) or 1
            window = max(2, threads * WINDOW_PER_WORKER)
        pending: deque = deque()  # (path, future or Failure), in input order

        def collect():
            path, job = pending.popleft()
            if isinstance(job, Failure):
                return job
            try:
                answer = job.result()
            except Exception as e:  # a worker lost, a task that cannot be unpickled ...
                return Failure(str(path), f"extraction failed on the cluster ({type(e).__name__}: {e})")
            finally:
                job.release()
            return _finish(path, answer, texts_dir)

        for path in paths:
            data = _read(path, limits)
            if isinstance(data, Failure):
                pending.append((path, data))
            else:
                entry = manifest.entry_for(path) if manifest is not None else None
                # pure=False: two copies of one file are two tasks, as in a local run
                pending.append((path, client.submit(extract_bytes, path.name, data, limits, entry, texts_name,
                                                    pure=False)))
            del data
            while len(pending) >= window:
                yield collect()
        while pending:
            yield collect()


__all__ = ["extract_files_dask", "extract_bytes"]
