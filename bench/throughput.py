"""Throughput of extraction and of the whole build, next to the jieba segmentation budget.

    python bench/throughput.py [CORPUS_FOLDER] [--repeat N] [--jobs J]

Prints MB/s for: jieba segmentation alone (the budget), the spaCy pipeline (extraction),
and `policykg build` end to end (extraction + RDF + store + HTML).
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import jieba

from policykg.corpus import collect_inputs
from policykg.builder import build
from policykg.extract.ingest import read_document
from policykg.extract.pipeline import build_nlp, run

HERE = Path(__file__).resolve().parent


def default_corpus() -> Path:
    root = Path(os.environ.get("POLICYKG_CORPUS", HERE.parent.parent / "shared" / "corpus"))
    return root / "seeds"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", type=Path, default=default_corpus())
    ap.add_argument("--repeat", type=int, default=5, help="passes over the corpus (more = steadier figures)")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    jieba.setLogLevel(logging.WARNING)

    paths, _ = collect_inputs([args.corpus])
    docs = [read_document(p) for p in paths]
    mb = sum(len(d.raw.encode("utf-8")) for d in docs) / 1e6 * args.repeat
    print(f"corpus: {len(docs)} files, {mb / args.repeat:.3f} MB (UTF-8), {args.repeat} passes")

    jieba.initialize()
    t = time.perf_counter()
    for _ in range(args.repeat):
        for d in docs:
            jieba.lcut(d.text)
    seg = time.perf_counter() - t
    print(f"jieba segmentation alone : {mb / seg:6.3f} MB/s")

    nlp = build_nlp()
    run(nlp, docs[0])  # warm caches (automata, gazetteer)
    t = time.perf_counter()
    for _ in range(args.repeat):
        for d in docs:
            run(nlp, d)
    ext = time.perf_counter() - t
    print(f"extraction (spaCy pipeline): {mb / ext:6.3f} MB/s  ({ext / (len(docs) * args.repeat) * 1000:.1f} ms per report, "
          f"{seg / ext:.0%} of it segmentation)")

    out = Path(tempfile.mkdtemp(prefix="policykg-bench-"))
    try:
        inputs = [args.corpus] * 1
        t = time.perf_counter()
        s = build(inputs, out, jobs=args.jobs)
        total = time.perf_counter() - t
        print(f"policykg build end to end: {s.megabytes / total:6.3f} MB/s  ({total:.2f} s for {s.documents} reports, "
              f"{s.triples} triples, jobs={args.jobs}; includes start-up)")
        for name in ("graph.ttl", "extraction.jsonl", "graph.html"):
            print(f"  {name:<17} {(out / name).stat().st_size / 1e3:8.1f} kB")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
