"""Time and memory of writing the graph of N reports into the store, two ways: through an rdflib
Graph (build_graph, then write_store of the Graph: N-Triples text and a bulk load) and straight
from the builder's quads (write_store of build_quads), the way `policykg build` writes it.

    python bench/graph_write.py [N ...] [--records extraction.jsonl]

The reports are copies of the seed reports' records (extracted once at the start, or read from
an extraction.jsonl), each copy with its own file name and content hash, so each is a report of
its own while they share their laws, agencies and regions, as a real corpus does. Each run is a
child process, so its peak memory (max RSS) is its own; "records" is the RSS once the records are
loaded, before the graph is built."""
from __future__ import annotations

import argparse
import copy
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SEEDS = HERE.parent.parent / "shared" / "corpus" / "seeds"
WAYS = ("rdflib", "quads")


def seed_records(seeds: Path) -> list[dict]:
    from policykg.extract.ingest import read_document
    from policykg.extract.pipeline import build_nlp, doc_to_record, run

    nlp = build_nlp()
    return [doc_to_record(run(nlp, read_document(p))) for p in sorted(seeds.glob("*.txt"))]


def copies(records: list[dict], n: int) -> list[dict]:
    """n reports: the records in turn, each copy with its own file and content hash."""
    out = []
    for i in range(n):
        r = copy.deepcopy(records[i % len(records)])
        r["doc"] = f"copy{i:05d}_{r['doc']}"
        r["path"] = f"copies/{r['doc']}"
        r["sha256"] = f"{i:08x}{r['sha256'][8:]}"
        out.append(r)
    return out


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(way: str, n: int, records_file: Path) -> dict:
    """One run in this process: build and store the graph of n copies, the way named."""
    from policykg.graph.build import QuadBuilder, build_graph, build_quads
    from policykg.graph.store import write_store

    with records_file.open(encoding="utf-8") as f:
        records = copies([json.loads(line) for line in f], n)
    rss_records = _rss_mb()
    out = Path(tempfile.mkdtemp(prefix="policykg-graph-write-"))
    builder = QuadBuilder()
    try:
        t = time.perf_counter()
        if way == "rdflib":
            graph = build_graph(records)
            t_build = time.perf_counter() - t
            write_store(graph, out)
        else:
            write_store(build_quads(records, builder=builder), out)
            t_build = float("nan")  # the builder runs inside the store's bulk load
        seconds = time.perf_counter() - t
        import pyoxigraph as ox

        triples = len(ox.Store.read_only(str(out / "store")))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"way": way, "reports": n, "triples": triples, "seconds": seconds, "seconds_build": t_build,
            "us_per_triple": seconds / triples * 1e6, "rss_records_mb": rss_records, "peak_mb": _rss_mb(),
            "made": builder.made, "emitted": builder.emitted}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=int, default=[200, 1000])
    ap.add_argument("--records", type=Path, help="an extraction.jsonl (default: extract the seed reports)")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--one", nargs=3, metavar=("WAY", "N", "RECORDS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        way, n, records_file = args.one
        print(json.dumps(run_one(way, int(n), Path(records_file))))
        return

    tmp = Path(tempfile.mkdtemp(prefix="policykg-graph-write-records-"))
    try:
        records_file = args.records
        if records_file is None:
            records_file = tmp / "records.jsonl"
            records_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                            for r in seed_records(args.seeds)), encoding="utf-8")
        print(f"{'way':<7} {'reports':>7} {'triples':>9} {'s':>7} {'µs/triple':>9} {'records MB':>10} "
              f"{'peak MB':>8} {'graph MB':>8}  duplicates avoided")
        for n in args.sizes:
            for way in WAYS:
                child = subprocess.run([sys.executable, __file__, "--one", way, str(n), str(records_file)],
                                       capture_output=True, text=True, check=True)
                r = json.loads(child.stdout.strip().splitlines()[-1])
                dup = (f"{r['made'] - r['emitted']} of {r['made']} ({(r['made'] - r['emitted']) / r['made']:.0%})"
                       if r["made"] else "")
                print(f"{way:<7} {n:>7} {r['triples']:>9} {r['seconds']:>7.2f} {r['us_per_triple']:>9.1f} "
                      f"{r['rss_records_mb']:>10.0f} {r['peak_mb']:>8.0f} {r['peak_mb'] - r['rss_records_mb']:>8.0f}  {dup}",
                      flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
