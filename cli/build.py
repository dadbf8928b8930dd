"""``policykg build``: reports in, graph out (extraction.jsonl, graph.ttl, store/, graph.html)."""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .batch import Failure, collect_inputs, extract_files


@dataclass
class BuildSummary:
    out_dir: Path
    documents: int = 0
    failures: list[Failure] = field(default_factory=list)
    entities: Counter = field(default_factory=Counter)  # distinct entities by type
    mentions: Counter = field(default_factory=Counter)
    triples: int = 0
    megabytes: float = 0.0
    seconds_extract: float = 0.0
    seconds_total: float = 0.0

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


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def extract_all(inputs, jobs: int = 1, on_progress: Callable[[int, int], None] | None = None):
    """Records in input order and the failures, calling ``on_progress(done, total)``."""
    paths, failures = collect_inputs(inputs)
    records: list[dict[str, Any]] = []
    for i, result in enumerate(extract_files(paths, jobs=jobs), 1):
        if isinstance(result, Failure):
            failures.append(result)
        else:
            records.append(result)
        if on_progress:
            on_progress(i, len(paths))
    return records, failures


def write_graph_outputs(graph, out: Path, html: bool = True) -> None:
    """What a build writes from its graph: OUT/store/, OUT/graph.ttl and (``html``) OUT/graph.html,
    the overview page that `policykg serve` shows at /graph."""
    from policykg.graph.store import write_store

    write_store(graph, out, turtle=out / "graph.ttl")
    if html:
        from policykg.graph.project import to_networkx
        from policykg.viz.views import overview

        overview(to_networkx(graph)).write(out / "graph.html")


def build(inputs, out_dir: str | Path, jobs: int = 1, html: bool = True,
          on_progress: Callable[[int, int], None] | None = None) -> BuildSummary:
    from policykg.graph.build import build_graph

    t0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    records, failures = extract_all(inputs, jobs=jobs, on_progress=on_progress)
    t_extract = time.perf_counter() - t0

    write_jsonl(records, out / "extraction.jsonl")
    graph = build_graph(records)
    write_graph_outputs(graph, out, html=html)

    entities, mentions = count_entities(records)
    return BuildSummary(
        out_dir=out,
        documents=len(records),
        failures=failures,
        entities=entities,
        mentions=mentions,
        triples=len(graph),
        megabytes=sum(_size(r) for r in records) / 1e6,
        seconds_extract=t_extract,
        seconds_total=time.perf_counter() - t0,
    )


def _size(record: dict[str, Any]) -> int:
    try:
        return Path(record["path"]).stat().st_size
    except OSError:
        return 0
