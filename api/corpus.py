"""Run the extraction over many files: in order, optionally on several processes, never
losing a batch to one bad file, and never passing over a file without saying so."""
from __future__ import annotations

import json
import os
import stat
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Iterable, Iterator

from policykg.extract.readers import SUPPORTED, Limits


def shown(path: str | os.PathLike) -> str:
    """A file name as printed in messages: quoted and escaped, so that a name holding a newline
    or a quote cannot forge a line of the summary."""
    return json.dumps(os.fspath(path), ensure_ascii=False)


@dataclass
class Failure:
    """A file that was not built, and why. ``skipped`` files are not reports (an unsupported
    type); the others are reports that could not be read or extracted."""

    path: str
    reason: str
    skipped: bool = False

    def __str__(self) -> str:
        return f"{shown(self.path)}: {self.reason}"


def collect_inputs(inputs: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Failure]]:
    """Expand files and folders (recursively) into a sorted, de-duplicated list of files to read,
    and a Failure for everything else met on the way: unsupported types, unreadable folders,
    dangling links, link loops, FIFOs, sockets and devices."""
    files: dict[Path, None] = {}
    problems: list[Failure] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = _walk(p, problems)
            if not found and not any(f.path.startswith(str(p)) for f in problems):
                problems.append(Failure(str(p), "the folder holds no files", skipped=True))
            for f in found:
                files.setdefault(f, None)
        else:
            problem = _not_a_report_file(p)
            if problem:
                problems.append(problem)
            else:
                files.setdefault(p, None)
    return list(files), problems


def _walk(top: Path, problems: list[Failure]) -> list[Path]:
    found: list[Path] = []
    seen_dirs: set[tuple[int, int]] = set()

    def unreadable(err: OSError) -> None:
        problems.append(Failure(err.filename or str(top), f"folder cannot be read ({err.strerror or err})"))

    for folder, dirs, names in os.walk(top, onerror=unreadable, followlinks=True):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen_dirs:  # a link back up the tree
            problems.append(Failure(folder, "folder link loops back to a folder already read", skipped=True))
            dirs[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirs.sort()
        for name in sorted(names):
            p = Path(folder) / name
            problem = _not_a_report_file(p)
            if problem:
                problems.append(problem)
            else:
                found.append(p)
    return found


def _not_a_report_file(p: Path) -> Failure | None:
    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            return Failure(str(p), "link to a file that does not exist")
        return Failure(str(p), "no such file or folder")
    except OSError as e:  # a link loop (ELOOP), a permission problem ...
        return Failure(str(p), f"cannot be opened ({e.strerror or e})")
    if stat.S_ISFIFO(st.st_mode):
        return Failure(str(p), "a named pipe (FIFO), not a file", skipped=True)
    if stat.S_ISSOCK(st.st_mode):
        return Failure(str(p), "a socket, not a file", skipped=True)
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return Failure(str(p), "a device, not a file", skipped=True)
    if not stat.S_ISREG(st.st_mode):
        return Failure(str(p), "not a regular file", skipped=True)
    if p.suffix.lower() not in SUPPORTED:
        return Failure(str(p), f"not a report format ({p.suffix or 'no extension'}); policykg reads "
                               f"{' '.join(SUPPORTED)}", skipped=True)
    return None


_NLP = None  # one pipeline per process, built on first use


def _nlp():
    global _NLP
    if _NLP is None:
        from policykg.extract.pipeline import build_nlp

        _NLP = build_nlp()
    return _NLP


def extract_file(path: str | os.PathLike, limits: Limits | None = None, manifest=None,
                 texts_dir: Path | None = None) -> dict[str, Any] | Failure:
    """Read, process and convert one report; a problem becomes a Failure naming the file.

    With ``texts_dir`` the text the report was read as is written there as ``<id>.txt``: the file
    every evidence offset of the record indexes into (``record["text_file"]``)."""
    from policykg.extract.ingest import IngestError, read_document
    from policykg.extract.pipeline import doc_to_record, run

    try:
        document = read_document(path, limits)
    except IngestError as e:
        return Failure(str(path), e.reason)
    entry = manifest.entry_for(Path(path)) if manifest is not None else None
    if entry is not None:
        document.source.url = entry.url or document.source.url
        document.source.published = entry.published or document.source.published
        document.source.overrides = dict(entry.overrides)
    try:
        record = doc_to_record(run(_nlp(), document))
    except Exception as e:  # a bug on one report must not lose the batch
        return Failure(str(path), f"extraction failed ({type(e).__name__}: {e})")
    if texts_dir is not None:
        text_file = texts_dir / f"{record['id']}.txt"
        # written beside and moved in: the file may be a hard link into the previous OUT's texts/
        # (see outdir.link_folder), which must not change
        part = text_file.with_name(f".{text_file.name}.{os.getpid()}.part")
        part.write_text(document.raw, encoding="utf-8", newline="")
        os.replace(part, text_file)
        record["text_file"] = f"{texts_dir.name}/{text_file.name}"
    return record


def _quiet_worker() -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    _nlp()


def extract_files(paths: list[Path], jobs: int = 1, limits: Limits | None = None, manifest=None,
                  texts_dir: Path | None = None) -> Iterator[dict[str, Any] | Failure]:
    """Records (or Failures) in input order; ``jobs`` > 1 spreads files over processes."""
    work = partial(extract_file, limits=limits, manifest=manifest, texts_dir=texts_dir)
    if jobs <= 1 or len(paths) < 2:
        for p in paths:
            yield work(p)
        return
    _nlp()  # built once here: the forked workers inherit it instead of each building their own
    with ProcessPoolExecutor(max_workers=jobs, initializer=_quiet_worker) as pool:
        yield from pool.map(work, paths, chunksize=4)
