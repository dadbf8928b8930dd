"""Latency of the named queries: median over repeated runs, on the pyoxigraph store directly and
through `policykg serve` (HTTP, SPARQLWrapper), for the seeds build and a build of N synthetic
reports.

    python3 bench/sparql_latency.py                 # seeds + 1,000 synthetic reports
    python3 bench/sparql_latency.py --reports 200 --runs 5
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from policykg.build import build  # noqa: E402
from policykg.graph import store as st  # noqa: E402

PARAMS = {"regions-citing": {"law": "中华人民共和国传染病防治法"}}


def _median_ms(fn, runs: int) -> float:
    fn()  # warm caches once
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def measure(out: Path, runs: int) -> dict[str, tuple[float, float, int]]:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from waitress import create_server

    from policykg.serve.server import make_app

    store = st.open_store(out)
    app = make_app(out, workers=2, timeout=120, limit=1_000_000)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/sparql"
    rows = {}
    try:
        for name in st.list_named_queries():
            text = st.bind_parameters(st.load_named_query(name), PARAMS.get(name))
            n = len(st.run_query(store, text).rows)

            def over_http():
                c = SPARQLWrapper(url)
                c.setQuery(text)
                c.setMethod(POST)
                c.setReturnFormat(JSON)
                c.queryAndConvert()

            rows[name] = (_median_ms(lambda: st.run_query(store, text), runs), _median_ms(over_http, runs), n)
    finally:
        server.close()
        app.executor.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "corpus" / "seeds")
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
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
            print(f"{'query':<28}{'store ms':>10}{'HTTP ms':>10}{'rows':>8}")
            for name, (local, http, n) in measure(tmp / label, args.runs).items():
                print(f"{name:<28}{local:>10.1f}{http:>10.1f}{n:>8}")


if __name__ == "__main__":
    main()
