"""The build's output folder: written beside OUT, swapped in at the end, marked as policykg's.

A killed build leaves the previous OUT as it was (the new one is still in a hidden staging folder
beside it). policykg only ever replaces what a marker file says it wrote: a folder it did not
write is refused, and files the user put into OUT are carried over to the new build.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from policykg import __version__

MARKER = ".policykg-build.json"


class OutputFolderError(Exception):
    """OUT cannot be written (not policykg's, or not a folder)."""


def _marker(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def check_output(out: Path) -> None:
    """Refuse, before any work, an OUT that policykg may not replace."""
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and _marker(out) is None:
        raise OutputFolderError(f"{out} holds files policykg did not write (no {MARKER}); "
                                "choose a new or empty folder, or remove it yourself")


class Staging:
    """``with Staging(out) as tmp:`` — write everything into ``tmp``; on success it becomes OUT."""

    def __init__(self, out: Path):
        self.out = out
        self.path = out.parent / f".{out.name}.policykg-staging-{os.getpid()}"

    def __enter__(self) -> Path:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._recover()
        check_output(self.out)
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir()
        return self.path

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        self._commit()

    def _recover(self) -> None:
        """Clear what a killed build left beside OUT: its staging folder, and, if it died between
        the two renames of the swap, put the previous OUT back."""
        for leftover in self.out.parent.glob(f".{self.out.name}.policykg-*-*"):
            kind, _, pid = leftover.name.rpartition("-")
            if not pid.isdigit() or _alive(int(pid)):
                continue
            if kind.endswith("-old") and not self.out.exists():
                leftover.rename(self.out)
            else:
                shutil.rmtree(leftover, ignore_errors=True)

    def _commit(self) -> None:
        written = sorted(p.name for p in self.path.iterdir())
        (self.path / MARKER).write_text(json.dumps({"policykg": __version__, "written": written},
                                                   ensure_ascii=False, indent=1), encoding="utf-8")
        old = self.out.parent / f".{self.out.name}.policykg-old-{os.getpid()}"
        if self.out.exists():
            check_output(self.out)  # it may have changed while we worked
            previous = set((_marker(self.out) or {}).get("written", [])) | {MARKER}
            for item in self.out.iterdir():
                if item.name not in previous and not (self.path / item.name).exists():
                    item.rename(self.path / item.name)  # the user's own files stay in OUT
            self.out.rename(old)
        self.path.rename(self.out)
        shutil.rmtree(old, ignore_errors=True)


def link_folder(src: Path, dst: Path) -> None:
    """Fill the new folder ``dst`` with hard links to the files of the folder ``src`` (copies where
    the file system has no hard links), so that a staged OUT starts from the previous one at no
    cost. A file of ``dst`` must then be replaced (os.replace), never written into, or the
    previous OUT would change with it."""
    dst.mkdir()
    with os.scandir(src) as entries:  # the entries' types come with the listing: no stat per file
        for entry in entries:
            if entry.is_file():
                link_file(entry.path, os.path.join(dst, entry.name))


def link_file(src: str | Path, dst: str | Path) -> None:
    """``dst`` as a hard link to ``src``, or a copy where the file system has none."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
