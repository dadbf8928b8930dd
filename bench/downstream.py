"""Time and peak memory of the downstream commands on a build folder: `policykg viz`, `stats`,
`export` (every format) and `validate`, each in a fresh process of its own (wall seconds, CPU
seconds, peak resident MB from the kernel's accounting of that process and its children).

    python3 bench/downstream.py OUT            # OUT written by policykg build (store/ is what is read)
    python3 bench/downstream.py OUT --only stats --only validate
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
    print(f"{'command':<10}{'wall s':>9}{'CPU s':>9}{'peak MB':>10}{'exit':>6}")
    tmp = Path(tempfile.mkdtemp(prefix="policykg-downstream-"))
    try:
        for name in args.only or COMMANDS:
            wall, cpu, peak, status = run(COMMANDS[name](args.out, tmp))
            print(f"{name:<10}{wall:>9.1f}{cpu:>9.1f}{peak:>10.0f}{status:>6}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
