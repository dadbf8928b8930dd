"""Older and other word-processor formats (.doc, .wps, .rtf, .odt): converted to .docx by
LibreOffice in headless mode, then read like any .docx."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from .base import IngestError, Limits, ReadResult
from .docx import read_docx

CONVERT_TIMEOUT = 180  # seconds; a conversion that hangs must not hold the batch


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, workdir: Path) -> Path:
    exe = soffice()
    if exe is None:
        raise IngestError(str(path), f"reading {path.suffix} files needs LibreOffice, which is not installed "
                                     "(Debian: apt-get install libreoffice-writer-nogui)")
    # a private profile lets conversions run side by side and never touches the user's own
    profile = (workdir / "profile").as_uri()
    cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "docx",
           "--outdir", str(workdir), str(path.resolve())]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT, text=True)
    except subprocess.TimeoutExpired:
        raise IngestError(str(path), f"LibreOffice did not convert it within {CONVERT_TIMEOUT} s")
    out = workdir / (path.stem + ".docx")
    if done.returncode != 0 or not out.exists():
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise IngestError(str(path), f"LibreOffice could not convert it ({detail[0]})")
    return out


@lru_cache(maxsize=1)
def libreoffice_version() -> str:
    exe = soffice()
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60).stdout.split()
        return f"LibreOffice {out[1]}" if len(out) > 1 else "LibreOffice"
    except (OSError, subprocess.TimeoutExpired, TypeError):
        return "LibreOffice"


def read_office(path: Path, limits: Limits) -> ReadResult:
    with tempfile.TemporaryDirectory(prefix="policykg-office-") as tmp:
        result = read_docx(convert_to_docx(path, Path(tmp)), limits)
    result.format = path.suffix.lower().lstrip(".")
    result.reader = f"{libreoffice_version()} + {result.reader}"
    return result
