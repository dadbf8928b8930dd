"""``policykg build``: reports in, graph out (extraction.jsonl, texts/, graph.ttl, store/, graph.html)."""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from policykg.extract.readers import Limits

from .corpus import Failure, collect_inputs, extract_files
from .outdir import Staging

TEXTS = "texts"  # OUT/texts/<id>.txt: the text of each report, as read; evidence offsets index into it


@dataclass
class BuildSummary:
    out_dir: Path
    documents: int = 0
    failures: list[Failure] = field(default_factory=list)
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # kept file → the same report in other files
    warnings: dict[str, list[str]] = field(default_factory=dict)  # file → what was odd about it
    formats: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)  # distinct entities by type
    mentions: Counter = field(default_factory=Counter)
    triples: int = 0
    megabytes: float = 0.0
    seconds_extract: float = 0.0
    seconds_total: float = 0.0

    @property
    def failed(self) -> list[Failure]:
        return [f for f in self.failures if not f.skipped]

    @property
    def skipped(self) -> list[Failure]:
        return [f for f in self.failures if f.skipped]

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds_extract if self.seconds_extract else 0.0


def count_entities(records: Iterable[dict[str, Any]]) -> tuple[Counter, Counter]:
    """Distinct entities (by label and canonical key) and raw mentions, over all records."""
    distinct: dict[str, set[str]] = {}
    mentions: Counter = Counter()
    for r in records:
        for m in r["mentions"]:
            key = m.get("code") or m["canonical"] if m["label"] == "REGION" else m["canonical"]
            distinct.setdefault(m["label"], set()).add(key)
            mentions[m["label"]] += 1
    return Counter({k: len(v) for k, v in distinct.items()}), mentions


# line separators JSON leaves raw but str.splitlines() (and many JSON Lines readers) split on
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False).translate(_LINE_BREAKS) + "\n")


def drop_duplicates(records: list[dict[str, Any]], texts_dir: Path | None = None) -> tuple[list[dict], dict[str, list[str]]]:
    """One record per report: the same text read from two files (a .docx and its .pdf) is built
    once, from the first file; the others are named in its ``also_read_from``."""
    kept: dict[str, dict[str, Any]] = {}
    duplicates: dict[str, list[str]] = {}
    for r in records:
        first = kept.setdefault(r["text_sha256"], r)
        if first is r:
            continue
        first.setdefault("also_read_from", []).append(r["path"])
        duplicates.setdefault(first["path"], []).append(r["path"])
        if texts_dir is not None and r.get("text_file") != first.get("text_file"):
            (texts_dir.parent / r["text_file"]).unlink(missing_ok=True)
    return list(kept.values()), duplicates


def extract_all(inputs, jobs: int = 1, on_progress: Callable[[int, int], None] | None = None,
                limits: Limits | None = None, manifest=None, texts_dir: Path | None = None):
    """Records in input order and the failures, calling ``on_progress(done, total)``."""
    paths, failures = collect_inputs(inputs)
    records: list[dict[str, Any]] = []
    for i, result in enumerate(extract_files(paths, jobs=jobs, limits=limits, manifest=manifest,
                                             texts_dir=texts_dir), 1):
        if isinstance(result, Failure):
            failures.append(result)
        else:
            records.append(result)
        if on_progress:
            on_progress(i, len(paths))
    return records, failures


def write_graph_outputs(graph, out: Path, html: bool = True) -> int:
    """What a build writes from its graph (an rdflib Graph, or quads that graph.build.build_quads
    makes as they are consumed): OUT/store/, OUT/graph.ttl (dumped from the store) and (``html``)
    OUT/graph.html, the overview page that `policykg serve` shows at /graph. The number of
    triples stored."""
    import pyoxigraph as ox

    from policykg.graph.store import write_store

    store = ox.Store.read_only(str(write_store(graph, out, turtle=out / "graph.ttl")))
    if html:
        from rdflib import Graph

        from policykg.graph.project import to_networkx
        from policykg.graph.quads import add_to_rdflib
        from policykg.viz.views import overview

        # the projection reads rdflib: the graph is read back from the store for it, and let go
        overview(to_networkx(add_to_rdflib(Graph(), store))).write(out / "graph.html")
    return len(store)


def build(inputs, out_dir: str | Path, jobs: int = 1, html: bool = True,
          on_progress: Callable[[int, int], None] | None = None,
          limits: Limits | None = None, manifest=None) -> BuildSummary:
    """Build OUT from the reports in ``inputs``. OUT is written beside itself and swapped in at the
    end, so a build that fails or is killed leaves the previous OUT intact."""
    from policykg.graph.build import build_quads

    t0 = time.perf_counter()
    out = Path(out_dir)
    with Staging(out) as tmp:
        texts_dir = tmp / TEXTS
        texts_dir.mkdir()
        records, failures = extract_all(inputs, jobs=jobs, on_progress=on_progress, limits=limits,
                                        manifest=manifest, texts_dir=texts_dir)
        records, duplicates = drop_duplicates(records, texts_dir)
        t_extract = time.perf_counter() - t0

        graph_failures = []  # filled as the store takes the quads
        triples = write_graph_outputs(build_quads(records, failures=graph_failures), tmp, html=html)
        if graph_failures:  # a report whose graph cannot be stored is left out whole, and named
            failures += [Failure(f.path, f.reason) for f in graph_failures]
            left_out = {f.path for f in graph_failures}
            for r in records:  # nor does its text stay in texts/
                if r.get("path", r["doc"]) in left_out:
                    (tmp / r["text_file"]).unlink(missing_ok=True)
            records = [r for r in records if r.get("path", r["doc"]) not in left_out]
        write_jsonl(records, tmp / "extraction.jsonl")

    entities, mentions = count_entities(records)
    return BuildSummary(
        out_dir=out,
        documents=len(records),
        failures=failures,
        duplicates=duplicates,
        warnings={r["path"]: r["source"]["warnings"] for r in records if r["source"]["warnings"]},
        formats=Counter(r["source"]["format"] for r in records),
        entities=entities,
        mentions=mentions,
        triples=triples,
        megabytes=sum(_size(r) for r in records) / 1e6,
        seconds_extract=t_extract,
        seconds_total=time.perf_counter() - t0,
    )


def _size(record: dict[str, Any]) -> int:
    try:
        return Path(record["path"]).stat().st_size
    except OSError:
        return 0
