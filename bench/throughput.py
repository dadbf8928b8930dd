"""Throughput of segmentation, extraction and the whole build, in MB of text (UTF-8) per
CPU-second, and the speed-up of extraction with two worker processes.

    python bench/throughput.py [CORPUS_FOLDER ...] [--repeat N] [--scale N] [--jobs J]

- segmentation: Python jieba (spaCy's own zh segmenter) and the pipeline's tokenizer
  (extract/tokenizer.py: jieba-rs, plus the Doc), over the CORPUS folders (default: the seed
  reports; e.g. the seeds and tests/gold/devset/texts together);
- extraction: the spaCy pipeline over CORPUS, in this process, caches warm; with --components,
  the CPU time of the tokenizer and of each component, over the same passes;
- build: `policykg build` end to end (extraction, RDF, store, HTML) in a fresh process over a
  corpus of --scale reports (bench/scale_corpus.py: copies of the first CORPUS folder's reports
  and synthetic reports),
  start-up included;
- `policykg extract -j 1` and `-j J` over the same corpus: wall time, CPU time and speed-up.

CPU time is process time (this process, or the finished child processes), not wall time, so the
figures hold on a shared machine; the speed-up is a ratio of wall times and needs idle cores.
"""
from __future__ import annotations

import argparse
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jieba

from policykg.corpus import collect_inputs
from policykg.extract.ingest import read_document
from policykg.extract.pipeline import build_nlp, run
from policykg.extract.tokenizer import python_jieba_words, rjieba_words

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale_corpus  # noqa: E402


def default_corpus() -> Path:
    root = Path(os.environ.get("POLICYKG_CORPUS", HERE.parent.parent / "shared" / "corpus"))
    return root / "seeds"


def cpu_seconds(work) -> float:
    t = time.process_time()
    work()
    return time.process_time() - t


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_child(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child and its workers) of a policykg command."""
    cpu, wall = children_cpu(), time.perf_counter()
    command = [sys.executable, "-c", "from policykg.cli import main; main()", *args]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - wall, children_cpu() - cpu


def megabytes(folder: Path) -> float:
    paths, _ = collect_inputs([folder])
    return sum(len(read_document(p).raw.encode("utf-8")) for p in paths) / 1e6


def print_component_times(nlp, docs, repeat: int) -> None:
    """CPU seconds of making the Doc and of each pipeline component, over ``repeat`` passes."""
    times = {"make_doc (tokenizer)": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
    for _ in range(repeat):
        for d in docs:
            t = time.process_time()
            doc = nlp.make_doc(d.text)
            doc._.document = d
            times["make_doc (tokenizer)"] += time.process_time() - t
            for name, proc in nlp.pipeline:
                t = time.process_time()
                doc = proc(doc)
                times[name] += time.process_time() - t
    total = sum(times.values())
    for name, cpu in sorted(times.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<22}: {cpu:6.3f} s CPU ({cpu / total:5.1%})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="*", type=Path, default=[default_corpus()])
    ap.add_argument("--repeat", type=int, default=5, help="passes over the corpus (more = steadier figures)")
    ap.add_argument("--scale", type=int, default=200, help="reports in the corpus of the build and -j runs (0: skip)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes compared with one")
    ap.add_argument("--components", action="store_true", help="CPU time of the tokenizer and of each component")
    args = ap.parse_args()
    jieba.setLogLevel(logging.WARNING)

    paths, _ = collect_inputs(args.corpus)
    docs = [read_document(p) for p in paths]
    mb = sum(len(d.raw.encode("utf-8")) for d in docs) / 1e6 * args.repeat
    print(f"corpus: {len(docs)} files, {mb / args.repeat:.3f} MB (UTF-8), {args.repeat} passes")

    jieba.initialize()
    nlp = build_nlp()
    for name, segment in (("Python jieba (spaCy's zh segmenter)", python_jieba_words),
                          ("jieba-rs, jieba's words (rjieba_words)", rjieba_words),
                          (f"pipeline tokenizer ({nlp.tokenizer.backend}) + Doc", nlp.make_doc)):
        cpu = cpu_seconds(lambda: [segment(d.text) for _ in range(args.repeat) for d in docs])
        print(f"segmentation, {name:<40}: {mb / cpu:7.3f} MB/CPU-s")

    run(nlp, docs[0])  # warm caches
    cpu = cpu_seconds(lambda: [run(nlp, d) for _ in range(args.repeat) for d in docs])
    print(f"extraction (spaCy pipeline, warm)                     : {mb / cpu:7.3f} MB/CPU-s "
          f"({cpu / (len(docs) * args.repeat) * 1000:.1f} ms CPU per report)")

    if args.components:
        print_component_times(nlp, docs, args.repeat)
    if not args.scale:
        return
    work = Path(tempfile.mkdtemp(prefix="policykg-bench-"))
    try:
        corpus = scale_corpus.write(args.scale, work / "corpus", seeds=args.corpus[0])
        size = megabytes(corpus)
        print(f"scaled corpus: {args.scale} reports, {size:.3f} MB")
        wall, cpu = run_child(["build", str(corpus), "-o", str(work / "out")])
        print(f"build end to end, -j 1, start-up included             : {size / cpu:7.3f} MB/CPU-s "
              f"({cpu:.1f} s CPU, {wall:.1f} s wall)")
        walls = {}
        for jobs in (1, args.jobs):
            wall, cpu = run_child(["extract", "-j", str(jobs), str(corpus)])
            walls[jobs] = wall
            print(f"extract -j {jobs}, start-up included                      : {size / cpu:7.3f} MB/CPU-s "
                  f"({cpu:.1f} s CPU, {wall:.1f} s wall)")
        print(f"speed-up of -j {args.jobs} over -j 1 (wall)                     : {walls[1] / walls[args.jobs]:.2f}x "
              f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
