"""A manifest: what the researcher knows about each file, beside what its text says.

A CSV with the columns ``file, url, published, agency, region, year`` (any may be empty) whose
values supplement or override the text: the source URL and publication date become the report's
provenance, and agency, region and year override what the extraction finds. A region may be an
official code (370103) or a name precise enough to settle it (济南市市中区); an ambiguous one is
an error listing the candidates.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("file", "url", "published", "agency", "region", "year")
_DATE = re.compile(r"^\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?\s*$")


class ManifestError(ValueError):
    """A manifest that cannot be used: names the file, the row and the problem."""


@dataclass
class Entry:
    url: str = ""
    published: str = ""  # ISO date
    overrides: dict = field(default_factory=dict)  # agency, region_code, year


@dataclass
class Manifest:
    by_path: dict[Path, Entry]
    by_name: dict[str, list[Entry]]

    def entry_for(self, path: Path) -> Entry | None:
        """The row naming this file: by its path (relative to the manifest), else by a unique file name."""
        found = self.by_path.get(path.resolve())
        if found is None and len(self.by_name.get(path.name, [])) == 1:
            found = self.by_name[path.name][0]
        return found


def resolve_region(text: str) -> str:
    """An official code from a code or a name; ManifestError when unknown or ambiguous."""
    from .gazetteer import load_gazetteer

    gaz = load_gazetteer()
    text = text.strip()
    if text.isdigit():
        if gaz.get(text) is None:
            raise ManifestError(f"region code {text} is not an official division code")
        return text[:6]
    codes = [c for c in gaz.regions if gaz.full_name(c) == text or gaz.regions[c].name == text]
    if not codes:  # a longer form: 山东省济南市市中区
        codes = [c for c in gaz.regions if text.endswith(gaz.regions[c].name)
                 and all(a.name in text for a in gaz.ancestors(c)[:1])]
    if len(codes) == 1:
        return codes[0]
    if not codes:
        raise ManifestError(f"region {text!r} is not a known administrative division")
    listed = ", ".join(f"{c} {''.join(r.name for r in gaz.path(c))}" for c in sorted(codes))
    raise ManifestError(f"region {text!r} is ambiguous ({listed}); give the code or the fuller name")


def _iso_date(text: str) -> str:
    m = _DATE.match(text)
    if not m:
        raise ManifestError(f"published {text!r} is not a date (write 2022-01-20)")
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"


def read_manifest(path: str | Path) -> Manifest:
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
            header = [h.strip() for h in (rows[0].keys() if rows else [])]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ManifestError(f"{path}: cannot be read as a UTF-8 CSV ({e})")
    if rows and "file" not in header:
        raise ManifestError(f"{path}: no 'file' column (columns: {', '.join(COLUMNS)})")
    by_path: dict[Path, Entry] = {}
    by_name: dict[str, list[Entry]] = {}
    for n, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if not row.get("file"):
            continue
        try:
            entry = Entry(url=row.get("url", ""), published=_iso_date(row["published"]) if row.get("published") else "")
            if row.get("agency"):
                entry.overrides["agency"] = row["agency"]
            if row.get("region"):
                entry.overrides["region_code"] = resolve_region(row["region"])
            if row.get("year"):
                if not re.fullmatch(r"(19|20)\d\d", row["year"]):
                    raise ManifestError(f"year {row['year']!r} is not a year")
                entry.overrides["year"] = int(row["year"])
        except ManifestError as e:
            raise ManifestError(f"{path}, line {n}: {e}")
        by_path[(path.parent / row["file"]).resolve()] = entry
        by_name.setdefault(Path(row["file"]).name, []).append(entry)
    return Manifest(by_path, by_name)
