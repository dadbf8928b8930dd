"""Run the extraction over many files: in order, optionally on several processes, never
losing a batch to one bad file."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

DEFAULT_PATTERNS = ("*.txt",)


@dataclass
class Failure:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def collect_inputs(inputs: Iterable[str | os.PathLike], patterns: Iterable[str] = DEFAULT_PATTERNS) -> tuple[list[Path], list[Failure]]:
    """Expand files and folders (recursively, by pattern) into a sorted, de-duplicated list."""
    files: dict[Path, None] = {}
    missing: list[Failure] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted({f for pat in patterns for f in p.rglob(pat) if f.is_file()})
            if not found:
                missing.append(Failure(str(p), f"folder holds no file matching {', '.join(patterns)}"))
            for f in found:
                files.setdefault(f, None)
        elif p.exists():
            files.setdefault(p, None)
        else:
            missing.append(Failure(str(p), "no such file or folder"))
    return list(files), missing


_NLP = None  # one pipeline per process, built on first use


def _nlp():
    global _NLP
    if _NLP is None:
        from policykg.extract.pipeline import build_nlp

        _NLP = build_nlp()
    return _NLP


def extract_file(path: str | os.PathLike) -> dict[str, Any] | Failure:
    """Read, process and convert one report; a problem becomes a Failure naming the file."""
    from policykg.extract.ingest import IngestError, read_document
    from policykg.extract.pipeline import doc_to_record, run

    try:
        document = read_document(path)
    except IngestError as e:
        return Failure(str(path), e.reason)
    try:
        return doc_to_record(run(_nlp(), document))
    except Exception as e:  # a bug on one report must not lose the batch
        return Failure(str(path), f"extraction failed ({type(e).__name__}: {e})")


def _quiet_worker() -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    _nlp()


def extract_files(paths: list[Path], jobs: int = 1) -> Iterator[dict[str, Any] | Failure]:
    """Records (or Failures) in input order; ``jobs`` > 1 spreads files over processes."""
    if jobs <= 1 or len(paths) < 2:
        for p in paths:
            yield extract_file(p)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_quiet_worker) as pool:
        yield from pool.map(extract_file, paths, chunksize=4)
