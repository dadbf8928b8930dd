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
    export     250 CPU-s (274 s wall)       244 CPU-s (JSON-LD at 1k: 26 -> 21 CPU-s; still over the target)

Reading the on-disk store costs about 14 µs per quad (its strings are looked up one by one), so
anything that reads every triple (the JSON-LD export: 4.76 million quads) spends some 65 CPU-s
on reading alone at 5,000 reports.
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
