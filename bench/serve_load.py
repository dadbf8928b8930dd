"""Load test of `policykg serve`: start it on a built OUT (loopback, a free port), let N clients
send the named queries round-robin for T seconds, each waiting for its answer before the next
(a closed loop, so the load is bounded by N), and print requests/s and latency percentiles,
overall and per query.

    python3 bench/serve_load.py OUT                        # 4 clients for 20 s
    python3 bench/serve_load.py OUT --clients 8 --seconds 60 --workers 2
    python3 bench/serve_load.py OUT --serve-arg=--no-memory   # any `policykg serve` option

Only the standard library and requests (a policykg dependency). The server is the real CLI in
its own process, stopped (SIGTERM) at the end whatever happens.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests

from policykg.graph import store as st

PARAMS = {"regions-citing": {"law": "中华人民共和国传染病防治法"}}  # a law every seed and its copies cite
SERVING = re.compile(r"http://127\.0\.0\.1:(\d+)/")


def start_server(out: Path, workers: int, extra: list[str]) -> tuple[subprocess.Popen, str]:
    """`policykg serve OUT --port 0` on loopback; its base URL once it answers."""
    proc = subprocess.Popen([sys.executable, "-m", "policykg", "serve", str(out), "--host", "127.0.0.1",
                             "--port", "0", "--workers", str(workers), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    for line in proc.stderr:  # the server announces its address on stderr
        found = SERVING.search(line)
        if found:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep the pipe drained
            base = f"http://127.0.0.1:{found.group(1)}"
            while time.monotonic() < deadline:
                try:
                    if requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=5).ok:
                        return proc, base
                except requests.RequestException:
                    pass
                time.sleep(0.2)
            break
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise SystemExit("policykg serve did not start")


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by the server process and every process under it (its query
    workers, forked by a forkserver child): a figure that the other jobs on a shared machine
    inflate much less than latencies. Workers killed meanwhile take their share with them."""
    parents, used = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        used[child] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def under_server(p: int) -> bool:
        while p > 1:
            if p == pid:
                return True
            p = parents.get(p, 0)
        return False

    return sum(seconds for p, seconds in used.items() if under_server(p))


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def named_queries() -> list[tuple[str, dict]]:
    """(name, form fields) for each named query, its parameters bound by the server (param.X=…)."""
    mix = []
    for name in st.list_named_queries():
        text = st.load_named_query(name)
        if set(st.query_parameters(text)) - set(PARAMS.get(name, {})):
            continue  # a parameter this bench has no value for
        fields = {"query": text, **{f"param.{k}": v for k, v in PARAMS.get(name, {}).items()}}
        mix.append((name, fields))
    return mix


def run_load(base: str, mix, clients: int, seconds: float, timeout: float):
    """Per query: latencies (s) of the answered requests, and the failed ones by why (an HTTP
    status such as 503, the server shedding load when no worker is free, or a timeout)."""
    latencies: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, Counter] = defaultdict(Counter)
    stores: Counter = Counter()  # which copy answered: the disk store, or a worker's in-memory copy
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(k: int) -> None:
        session = requests.Session()
        i = k  # clients start at different queries, so the mix is spread from the first second
        while time.monotonic() < stop_at:
            name, fields = mix[i % len(mix)]
            i += 1
            t = time.perf_counter()
            try:
                r = session.post(base + "/sparql", data=fields, timeout=timeout,
                                 headers={"Accept": "application/sparql-results+json"})
                why = None if r.status_code == 200 else f"HTTP {r.status_code}"
                store = r.headers.get("X-Policykg-Store")
            except requests.Timeout:
                why = "timeout"
            except requests.RequestException as e:
                why = type(e).__name__
            elapsed = time.perf_counter() - t
            with lock:
                if why is None:
                    latencies[name].append(elapsed)
                    stores[store] += 1
                else:
                    failures[name][why] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures, stores, time.perf_counter() - t0


def _pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def report(latencies, failures, stores, wall: float, cpu: float | None = None) -> None:
    every = [x for xs in latencies.values() for x in xs]
    why = sum(failures.values(), Counter())
    failed = sum(why.values())
    print(f"{len(every)} answered, {failed} failed in {wall:.1f} s: {len(every) / wall:.2f} requests/s"
          + (" (failed: " + ", ".join(f"{n} {w}" for w, n in why.most_common()) + ")" if failed else ""))
    if stores:
        print("answered from: " + ", ".join(f"{n} {store}" for store, n in stores.most_common()))
    if cpu is not None and every:
        print(f"server CPU: {cpu:.1f} s, {cpu / len(every):.2f} s per answered request")
    print(f"{'query':<28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'failed':>7}")
    for name in sorted(set(latencies) | set(failures)):
        xs = latencies.get(name, [])
        cells = (f"{_pct(xs, 50):8.1f} {_pct(xs, 95):8.1f} {_pct(xs, 99):8.1f}" if xs else f"{'-':>8} " * 3)
        print(f"{name:<28} {len(xs):>6} {cells} {sum(failures.get(name, Counter()).values()):>7}")
    if every:
        print(f"{'all':<28} {len(every):>6} {_pct(every, 50):8.1f} {_pct(every, 95):8.1f} {_pct(every, 99):8.1f} "
              f"{failed:>7}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="a built OUT folder (policykg build … -o OUT)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    ap.add_argument("--seconds", type=float, default=20.0, help="how long the load lasts (default 20)")
    ap.add_argument("--workers", type=int, default=2, help="the server's query workers (default 2)")
    ap.add_argument("--timeout", type=float, default=60.0, help="a request's client-side timeout (default 60)")
    ap.add_argument("--warmup", type=float, default=5.0,
                    help="seconds of load before measuring, while the workers copy the store into memory")
    ap.add_argument("--serve-arg", action="append", default=[], metavar="OPTION",
                    help="an option for `policykg serve` (repeatable), e.g. --serve-arg=--no-memory")
    args = ap.parse_args(argv)
    if not (args.out / st.STORE_DIR).is_dir():
        raise SystemExit(f"{args.out}: not a build folder (no store/)")
    mix = named_queries()
    proc, base = start_server(args.out, args.workers, args.serve_arg)
    try:
        print(f"policykg serve {args.out} ({args.workers} workers{''.join(' ' + a for a in args.serve_arg)}) at {base}; "
              f"{args.clients} clients, "
              f"{len(mix)} named queries, {args.seconds:g} s (after {args.warmup:g} s of warm-up); "
              f"{os.cpu_count()} CPUs")
        if args.warmup > 0:
            run_load(base, mix, args.clients, args.warmup, args.timeout)
        cpu = server_cpu_seconds(proc.pid)
        measured = run_load(base, mix, args.clients, args.seconds, args.timeout)
        report(*measured, cpu=server_cpu_seconds(proc.pid) - cpu)
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
