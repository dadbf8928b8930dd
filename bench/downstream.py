"""Time and peak memory of the downstream commands on a build folder: `policykg viz`, `stats`,
`export` (every format) and `validate`, each in a fresh process of its own (wall seconds, CPU
seconds, peak resident MB from the kernel's accounting of that process and its children).

    python3 bench/downstream.py OUT            # OUT written by policykg build (store/ is what is read)
    python3 bench/downstream.py OUT --only stats --only validate

Issue 13 asks each of them to finish in under 60 s at 5,000 reports (the ``target`` column). CPU
seconds at 5,000 reports (4.76 million triples; shared 2-core machine, so wall times were inflated
two to four times by other work):

    command    before                       after
    viz        111 CPU-s (69 s wall)        106-117 CPU-s against 126-129 for the old code run beside it; the
                                            reading pages written while projecting, every page on the
                                            workers: 45-53 s idle wall (bench/viz_phases.py's estimate)
    stats      66 CPU-s (68.6 s wall)       56 CPU-s (similarity 16.8 -> 7.7 CPU-s)
    validate   killed after 480 CPU-s       102 CPU-s (graph.validate alone)
    export     249 CPU-s (349 s wall)       258 CPU-s (320 s wall) with -j 1; 272 CPU-s (387 s wall) with -j 2

Export, format by format at 5,000 reports (``policykg export OUT -o DIR --format F``, default -j;
CPU-s and wall s; load average 3.5 to 6.5 throughout):

    format      before           after
    graphml     30.7 (96 s)      (projection and writer as before; the GC leaves the projection alone)
    gexf        52.7 (143 s)     49.6 (73 s)
    csv         25.1 (65 s)
    region-law  20.2 (22 s)
    citations   40.1 (62 s)      45.4 (99 s)    (the same query: the spread is the machine's)
    jsonld      140.4 (328 s)    175.1 (170 s)  (two slices in two workers: 20 % more CPU, half the wall)
    nquads      113.7 (257 s)    100.2 (168 s)  (the store's own N-Triples dump, gzip in a thread)

On an idle machine, on the 5,000-report build of ontology 0.3 (3.03 million triples: each
evidence's annotation is four triples, its target an RFC 5147 fragment), all commands at once:

    command    wall s   CPU s   peak MB
    viz         57.5     93.7     627
    stats       47.9     47.6     788
    export      96.8    175.4    1248     (-j 1 per format: jsonld 74, gexf 49, citations 35,
                                            graphml 28, region-law 21, csv 20; nquads 55 CPU-s)
    validate    43.9     43.6     284

`export` runs the formats that read the whole store in worker processes (-j, the number of CPUs
by default), each opening the store read-only: the JSON-LD (sliced when workers are spare), the
citation table and the N-Quads, while the main process makes the projection and writes GraphML,
GEXF, CSV and region × law. The files are byte for byte those written one by one. On an idle
2-core machine all formats would take about as long as the JSON-LD alone (140 CPU-s, a core);
on this shared machine, its two cores already busy, the workers gained nothing (the runs above).

The JSON-LD cannot meet the 60 s target on two cores: reading the on-disk store costs about
12 µs per quad, in pyoxigraph's own Rust dump as much as quad by quad (its strings are looked up
one by one: 12 CPU-s at 1,000 reports, about 60 at 5,000 for 4.76 million quads), and building and
encoding the compact node objects in Python costs as much again. pyoxigraph 0.5's own JSON-LD
writer (``Store.dump(format=RdfFormat.JSON_LD)``, 12 CPU-s instead of 24 at 1,000 reports) ignores
the prefixes: expanded JSON-LD without a @context, full IRIs, rdf:type as a property, so it is
not used. Slicing spreads the JSON-LD over more cores: a slice after the first starts with a
CONSTRUCT ... OFFSET, which skips quads without decoding them, but reads its own some 20 % dearer.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 60  # issue 13: each command in under a minute at 5,000 reports
COMMANDS = {
    "viz": lambda out, tmp: ["viz", str(out), "-o", str(tmp / "views")],
    "stats": lambda out, tmp: ["stats", str(out), "-o", str(tmp / "tables")],
    "export": lambda out, tmp: ["export", str(out), "-o", str(tmp / "export")],
    "validate": lambda out, tmp: ["validate", str(out)],
}


def run(args: list[str]) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MB, exit status) of ``policykg ARGS`` in its own process."""
    policykg = [sys.executable, "-c", "from policykg.cli import main; main()"]
    t = time.perf_counter()
    proc = subprocess.Popen([*policykg, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace").strip()
    if proc.returncode not in (0, 1):  # validate exits 1 when the graph has violations
        print(f"  policykg {' '.join(args)}: exit {proc.returncode}: {err[-500:]}", file=sys.stderr)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="a build folder")
    ap.add_argument("--only", action="append", choices=list(COMMANDS), help="run only these commands")
    args = ap.parse_args()
    import pyoxigraph as ox

    store = ox.Store.read_only(str(args.out / "store"))
    reports = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/policykg/ontology#Report> }")))[0].value
    print(f"{args.out}: {reports} reports, {len(store):,} triples; load average {os.getloadavg()[0]:.1f}")
    del store
    print(f"{'command':<10}{'wall s':>9}{'CPU s':>9}{'peak MB':>10}{'exit':>6}  target")
    tmp = Path(tempfile.mkdtemp(prefix="policykg-downstream-"))
    try:
        for name in args.only or COMMANDS:
            wall, cpu, peak, status = run(COMMANDS[name](args.out, tmp))
            verdict = f"< {TARGET_S} s" if wall < TARGET_S else f"over {TARGET_S} s"
            print(f"{name:<10}{wall:>9.1f}{cpu:>9.1f}{peak:>10.0f}{status:>6}  {verdict}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
