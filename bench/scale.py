"""How a build scales: for corpora of N reports (bench/scale_corpus.py: copies of the real seed
reports, each with a unique line, and synthetic ones) prints

- MB of reports per CPU-second for each stage (read+extract, graph+store, html), measured in
  one process that runs the stages one after the other, as `policykg build -j 1` does;
- wall time, CPU time and peak memory of `policykg build --no-html` with -j 1 and -j 2 (peak
  memory of the largest process of the build's tree, ru_maxrss of RUSAGE_CHILDREN, and of the
  whole tree at once: the sum of its processes' resident memory, sampled every 0.25 s);
- the time of a second build into the same OUT with one more report (an incremental build
  where the builder does one, a full rebuild otherwise);
- the latency of every named query through `policykg query OUT --name X` (a fresh process each:
  start-up included, as a user sees it).

    python3 bench/scale.py                    # 1000 5000 10000 reports
    python3 bench/scale.py 1000 --keep        # reuse corpora, builds and figures already made

Everything goes into --work (default /tmp/policykg-scale-bench): corpus-N/, out-N-jJ/, and
results.json, which --keep reads back so that an interrupted run goes on where it stopped.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale_corpus  # noqa: E402

PARAMS = {"regions-citing": ["-p", "law=中华人民共和国传染病防治法"]}
STAGES = ("read+extract", "graph+store", "html")


# --- measuring a command: wall, CPU and peak RSS of its whole process tree ------------------

_MEASURE = """
import json, os, resource, subprocess, sys, time

PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root):
    # the resident memory of ``root`` and all its descendants, from /proc (bytes)
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(d))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except OSError:
            pass
        todo += children.get(pid, [])
    return total


t = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
tree_peak = 0
while proc.poll() is None:
    tree_peak = max(tree_peak, tree_rss(proc.pid))
    time.sleep(0.25)
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": proc.returncode, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
                  "peak_mb": ru.ru_maxrss / 1024, "tree_peak_mb": tree_peak / 2**20}))
"""


def measured(cmd: list[str]) -> dict:
    """Run ``cmd`` under a fresh Python parent, so that RUSAGE_CHILDREN holds this command alone."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise SystemExit(f"failed (exit {result['rc']}): {' '.join(cmd)}")
    return result


def policykg(*args: str) -> list[str]:
    return [sys.executable, "-m", "policykg", *map(str, args)]


# --- the stages, one after the other in one process (run as a subprocess of this script) -----

def stages(corpus: Path, out: Path) -> None:
    """Print {stage: CPU seconds} for extraction (-j 1), graph+store and the overview page of
    ``corpus``, written into ``out``; the same calls a build makes."""
    import logging

    import jieba
    import pyoxigraph as ox
    from rdflib import Graph

    from policykg.corpus import Failure, collect_inputs, extract_files
    from policykg.graph.build import build_quads
    from policykg.graph.project import to_networkx
    from policykg.graph.quads import add_to_rdflib
    from policykg.graph.store import write_store
    from policykg.viz.views import overview

    jieba.setLogLevel(logging.WARNING)
    cpu = {}
    out.mkdir(parents=True, exist_ok=True)
    t = time.process_time()
    paths, _ = collect_inputs([corpus])
    records = [r for r in extract_files(paths, jobs=1) if not isinstance(r, Failure)]
    cpu["read+extract"] = time.process_time() - t
    t = time.process_time()
    store = ox.Store.read_only(str(write_store(build_quads(records), out, turtle=out / "graph.ttl")))
    cpu["graph+store"] = time.process_time() - t
    t = time.process_time()
    overview(to_networkx(add_to_rdflib(Graph(), store))).write(out / "graph.html")
    cpu["html"] = time.process_time() - t
    print(json.dumps({"cpu": cpu, "reports": len(records)}))


# --- one size -------------------------------------------------------------------------------

class Results:
    """results.json: {size: {measurement: figures}}, written after every measurement."""

    def __init__(self, path: Path, keep: bool):
        self.path = path
        self.data = json.loads(path.read_text()) if keep and path.exists() else {}

    def get(self, size: int, key: str, make):
        entry = self.data.setdefault(str(size), {})
        if key not in entry:
            print(f"  [{size}] {key} ...", file=sys.stderr, flush=True)
            entry[key] = make()
            self.path.write_text(json.dumps(self.data, indent=1, ensure_ascii=False))
        return entry[key]


def corpus_for(size: int, work: Path, keep: bool) -> Path:
    corpus = work / f"corpus-{size}"
    if not (keep and corpus.is_dir() and sum(1 for _ in corpus.iterdir()) == size):
        shutil.rmtree(corpus, ignore_errors=True)
        scale_corpus.write(size, corpus)
    return corpus


def one_more_report(size: int, work: Path) -> Path:
    """A report the corpus does not hold: the first seed with a line of its own."""
    extra = work / f"extra-{size}"
    extra.mkdir(parents=True, exist_ok=True)
    seed = sorted(p for p in scale_corpus.DEFAULT_SEEDS.iterdir() if p.is_file())[0]
    target = extra / f"added_{seed.name}"
    target.write_text(seed.read_text(encoding="utf-8").rstrip("\n") + "\n（本文为增量构建基准新增的一份报告。）\n",
                      encoding="utf-8")
    return target


def measure_size(size: int, work: Path, results: Results, keep: bool) -> dict:
    corpus = corpus_for(size, work, keep)
    mb = sum(p.stat().st_size for p in corpus.iterdir()) / 1e6
    results.get(size, "corpus_mb", lambda: mb)

    def run_stages():
        scratch = work / f"stages-{size}"
        shutil.rmtree(scratch, ignore_errors=True)
        done = subprocess.run([sys.executable, __file__, "--stages", str(corpus), str(scratch)],
                              capture_output=True, text=True, check=True)
        shutil.rmtree(scratch, ignore_errors=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    for jobs in (2, 1):
        out = work / f"out-{size}-j{jobs}"

        def build(out=out, jobs=jobs):
            shutil.rmtree(out, ignore_errors=True)
            return measured(policykg("build", corpus, "-o", out, "--no-html", "-j", jobs))

        results.get(size, f"build -j {jobs}", build)
    out = work / f"out-{size}-j2"
    if not (out / "store").is_dir():
        raise SystemExit(f"{out}: no build to query; run without --keep")
    from policykg.graph.store import list_named_queries

    for name in list_named_queries():  # on the N reports, before one more is added
        results.get(size, f"query {name}",
                    lambda name=name: measured(policykg("query", out, "--name", name, *PARAMS.get(name, []),
                                                        "--format", "csv")))
    results.get(size, "add one report -j 2",
                lambda: measured(policykg("build", corpus, one_more_report(size, work), "-o", out, "--no-html",
                                          "-j", 2)))
    results.get(size, "stages", run_stages)
    return results.data[str(size)]


def show(size: int, r: dict) -> None:
    """The figures measured so far for ``size`` (a run stopped early shows what it has)."""
    mb = r["corpus_mb"]
    print(f"\n== {size} reports, {mb:.1f} MB ==")
    if "stages" in r:
        cpu = r["stages"]["cpu"]
        print(f"stages ({r['stages']['reports']} reports built):")
        print("  MB per CPU-second: " + "  ".join(f"{s} {mb / cpu[s]:.3f}" for s in STAGES if cpu.get(s)))
        print("  CPU seconds:       " + "  ".join(f"{s} {cpu[s]:.1f}" for s in STAGES))
    for key in ("build -j 1", "build -j 2", "add one report -j 2"):
        if key in r:
            m = r[key]
            tree = f"  whole tree {m['tree_peak_mb']:6.0f} MB" if "tree_peak_mb" in m else ""
            rate = f"  MB/CPU-s {mb / m['cpu']:.3f}" if key.startswith("build") else ""  # end to end
            print(f"{key:<20} wall {m['wall']:7.1f} s  cpu {m['cpu']:7.1f} s{rate}  peak {m['peak_mb']:6.0f} MB{tree}")
    queries = sorted(k for k in r if k.startswith("query "))
    if queries:
        print("named queries (policykg query OUT --name X, process start-up included):")
    for key in queries:
        print(f"  {key[6:]:<28} {r[key]['wall'] * 1000:8.0f} ms")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 5000, 10000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/policykg-scale-bench"))
    ap.add_argument("--keep", action="store_true", help="reuse corpora, builds and figures already in --work")
    ap.add_argument("--stages", nargs=2, type=Path, metavar=("CORPUS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.stages:
        stages(*args.stages)
        return
    args.work.mkdir(parents=True, exist_ok=True)
    results = Results(args.work / "results.json", args.keep)
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the start (a shared machine "
          "inflates every figure)")
    for size in args.sizes:
        try:
            measure_size(size, args.work, results, args.keep)
        finally:  # also when stopped: what was measured is shown, and kept for --keep
            if str(size) in results.data:
                show(size, results.data[str(size)])


if __name__ == "__main__":
    main()
