"""Latency of the named queries: median over repeated runs, on the pyoxigraph store on disk (as
`policykg query` uses it), on an in-memory copy, and through `policykg serve` (HTTP,
SPARQLWrapper, once its worker answers from memory), for the seeds build and a build of N
synthetic reports.

    python3 bench/sparql_latency.py                 # seeds + 1,000 synthetic reports
    python3 bench/sparql_latency.py --reports 200 --runs 5
    python3 bench/sparql_latency.py --out /tmp/scale-5000-out --runs 3   # an existing build, disk and memory only
    python3 bench/sparql_latency.py --out /tmp/scale-5000-out --disk-only --cli   # no copy; `policykg query` too

With --out, each query's CPU time is printed beside its wall time (on a machine shared with other
jobs the wall time is inflated, the CPU time less so), and with --cli the whole `policykg query
OUT --name NAME --format csv` command is timed once: start-up, query and output.

Builds of the seed copies and synthetic reports of bench/scale_corpus.py are what the named
queries were made linear on: `python3 bench/scale_corpus.py 5000 /tmp/s5000 && policykg build
/tmp/s5000 -o /tmp/s5000-out --no-html -j 2`.
"""
from __future__ import annotations

import argparse
import contextlib
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from policykg.builder import build  # noqa: E402
from policykg.graph import store as st  # noqa: E402

PARAMS = {"regions-citing": {"law": "中华人民共和国传染病防治法"}}
COLUMNS = {"disk": ("disk ms", ".1f"), "disk cpu": ("disk CPU ms", ".1f"), "memory": ("memory ms", ".1f"),
           "cli s": ("CLI s", ".2f"), "cli cpu s": ("CLI CPU s", ".2f")}  # figure: (header, format)


def _median_ms(fn, runs: int) -> float:
    return _median_wall_and_cpu_ms(fn, runs)[0]


def _cpu_s(who=resource.RUSAGE_SELF) -> float:
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def _median_wall_and_cpu_ms(fn, runs: int) -> tuple[float, float]:
    fn()  # warm caches once
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), _cpu_s()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((_cpu_s() - c) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def cli_seconds(out: Path, name: str) -> tuple[float, float]:
    """Wall and CPU seconds of one `policykg query OUT --name NAME --format csv`, in a new process."""
    args = [f"-p{k}={v}" for k, v in PARAMS.get(name, {}).items()]
    t, c = time.perf_counter(), _cpu_s(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "policykg", "query", str(out), "--name", name, *args, "--format", "csv"],
                   stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t, _cpu_s(resource.RUSAGE_CHILDREN) - c


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


def measure(out: Path, runs: int) -> tuple[dict[str, tuple[float, float, float, int]], str]:
    """Per named query: (ms on the disk store, ms on an in-memory copy, ms over HTTP once the
    server's worker answers from memory, rows); and a line on the worker's warm-up."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from waitress import create_server

    from policykg.serve.executor import in_memory_copy
    from policykg.serve.server import ServeOptions, serving_app

    disk = st.open_store(out)
    memory = in_memory_copy(disk)
    t0 = time.perf_counter()
    stack = contextlib.ExitStack()
    app = stack.enter_context(serving_app(out, ServeOptions(workers=1, timeout=120, limit=1_000_000)))
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/sparql"
    rows = {}
    try:
        import requests

        while requests.post(url, data={"query": "ASK {}"}).headers["X-Policykg-Store"] != "memory":
            time.sleep(0.05)
        warm = (f"server worker: ready, then in memory after {time.perf_counter() - t0:.1f} s, "
                f"{_rss_mb(app.executor._all[0].process.pid):.0f} MB resident")
        for name in st.list_named_queries():
            text = st.bind_parameters(st.load_named_query(name), PARAMS.get(name))
            n = len(st.run_query(disk, text).rows)

            def over_http():
                c = SPARQLWrapper(url)
                c.setQuery(text)
                c.setMethod(POST)
                c.setReturnFormat(JSON)
                c.queryAndConvert()

            rows[name] = (_median_ms(lambda: st.run_query(disk, text), runs),
                          _median_ms(lambda: st.run_query(memory, text), runs), _median_ms(over_http, runs), n)
    finally:
        server.task_dispatcher.shutdown(timeout=10)  # let answers in flight finish before closing
        server.close()
        stack.close()
    return rows, warm


def measure_store(out: Path, runs: int, memory: bool = True, cli: bool = False) -> dict[str, dict[str, float]]:
    """Per named query: ms (wall and CPU) on the disk store, ms on an in-memory copy (when
    ``memory``), seconds of the whole command (when ``cli``) and rows."""
    from policykg.serve.executor import in_memory_copy

    disk = st.open_store(out)
    copy = None
    if memory:
        t = time.perf_counter()
        copy = in_memory_copy(disk)
        print(f"in-memory copy made in {time.perf_counter() - t:.1f} s")
    rows = {}
    for name in st.list_named_queries():
        text = st.bind_parameters(st.load_named_query(name), PARAMS.get(name))
        figures = {"rows": len(st.run_query(disk, text).rows)}
        figures["disk"], figures["disk cpu"] = _median_wall_and_cpu_ms(lambda: st.run_query(disk, text), runs)
        if copy is not None:
            figures["memory"] = _median_ms(lambda: st.run_query(copy, text), runs)
        if cli:
            figures["cli s"], figures["cli cpu s"] = cli_seconds(out, name)
        rows[name] = figures
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "corpus" / "seeds")
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--out", type=Path, action="append", help="measure this existing build folder (repeatable)")
    ap.add_argument("--disk-only", action="store_true",
                    help="with --out: no in-memory copy (minutes for 5,000 reports)")
    ap.add_argument("--cli", action="store_true", help="with --out: time `policykg query` too, once per query")
    args = ap.parse_args()
    if args.out:
        for out in args.out:
            store = st.open_store(out)
            reports = st.run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/policykg/ontology#Report> }")
            print(f"\n{out}: {reports.rows[0][0].value} reports, {len(store):,} triples")
            del store
            rows = measure_store(out, args.runs, memory=not args.disk_only, cli=args.cli)
            columns = [c for c in COLUMNS if c in next(iter(rows.values()))]
            print(f"{'query':<28}" + "".join(f"{COLUMNS[c][0]:>13}" for c in columns) + f"{'rows':>8}")
            for name, figures in rows.items():
                print(f"{name:<28}" + "".join(f"{figures[c]:>13{COLUMNS[c][1]}}" for c in columns)
                      + f"{figures['rows']:>8}", flush=True)
        return
    import synthetic_corpus

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpora = [("seeds", args.seeds)]
        if args.reports:
            corpora.append((f"{args.reports} synthetic", synthetic_corpus.write(args.reports, tmp / "synthetic")))
        for label, src in corpora:
            t = time.perf_counter()
            summary = build([src], tmp / label, jobs=2, html=False)
            print(f"\n{label}: {summary.documents} reports, {summary.triples:,} triples, built in {time.perf_counter() - t:.1f} s")
            rows, warm = measure(tmp / label, args.runs)
            print(warm)
            print(f"{'query':<28}{'disk ms':>10}{'memory ms':>11}{'HTTP ms':>10}{'rows':>8}")
            for name, (on_disk, in_memory, http, n) in rows.items():
                print(f"{name:<28}{on_disk:>10.1f}{in_memory:>11.1f}{http:>10.1f}{n:>8}")


if __name__ == "__main__":
    main()
