"""Where `policykg viz` spends its time on a build folder, phase by phase, in one process (no
worker processes, so each phase's CPU seconds are its own), and how big each page is.

    python3 bench/viz_phases.py OUT [-o /tmp/viz-phases]      # OUT written by policykg build

Prints the CPU seconds of: the report metadata, the networkx projection, the grouping of reports
by region, the views (made and written), the diffusion map, the reading pages and each picker's
scripts; then each page's size, and per picker folder the number of scripts, their total and
largest size. `policykg viz` writes the reading pages in worker processes (one per CPU) while it
reads the metadata, projects and groups (the serial part), then makes and writes every other page
and script in them, so that on an idle machine with N CPUs its wall time is about
max(serial, (serial + reading pages) / N) + (views + diffusion + scripts) / N, printed last.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from policykg.graph.project import to_networkx
from policykg.graph.store import open_store
from policykg.viz import views
from policykg.viz.page import write_view
from policykg.viz.workers import default_workers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", type=Path, help="a build folder (store/, extraction.jsonl, texts/)")
    ap.add_argument("-o", "--out", type=Path, default=Path(tempfile.gettempdir()) / "policykg-viz-phases")
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    cpu: dict[str, float] = {}

    def timed(name: str, f):
        t = time.process_time()
        result = f()
        cpu[name] = cpu.get(name, 0.0) + time.process_time() - t
        return result

    infos = timed("report metadata (one query)", lambda: views._report_infos(a.build))
    G = timed("projection (to_networkx)", lambda: to_networkx(open_store(a.build)))
    big = views._n_reports(G) > views.OVERVIEW_MAX_REPORTS
    by_region = timed("grouping by region", lambda: views.group_reports(G) if big else None)
    made = {n: timed("views: made", lambda n=n: views.make_view(G, n, by_region=by_region)) for n in views.VIEWS}
    reading = {info.iri: info.id for info in infos.values()}
    for v in made.values():
        if v.name in views.PICKERS:
            v.extra["picker"] = timed("views: written", lambda v=v: views.picker_index(G, v))
        timed("views: written", lambda v=v: write_view(v, a.out / v.filename, reading=reading))
    timed("diffusion map", lambda: views._write_diffusion_page(G, a.out))
    if infos:
        timed("reading pages", lambda: views._reading_shard(a.build, a.out / views.READING_DIR, infos, 0, 1))
    for name in views.PICKERS:
        timed(f"picker scripts: {name}", lambda name=name: views.write_picker_scripts(G, name, a.out, reading,
                                                                                       by_region=by_region))
    print(f"{a.build}: {views._n_reports(G)} reports, {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")
    for name, s in cpu.items():
        print(f"  {name:<28}{s:8.1f} CPU s")
    print(f"  {'total':<28}{sum(cpu.values()):8.1f} CPU s")
    serial = sum(cpu[k] for k in ("report metadata (one query)", "projection (to_networkx)", "grouping by region"))
    reading = cpu.get("reading pages", 0.0)
    n = default_workers()
    estimate = max(serial, (serial + reading) / n) + (sum(cpu.values()) - serial - reading) / n
    print(f"  {'idle wall, ' + str(n) + ' CPUs (est.)':<28}{estimate:8.1f} s")
    for page in sorted(a.out.glob("*.html")):
        print(f"  {page.name:<28}{page.stat().st_size / 1e6:8.2f} MB")
    for folder in sorted(p for p in a.out.iterdir() if p.is_dir()):
        sizes = [p.stat().st_size for p in folder.iterdir()]
        print(f"  {folder.name + '/':<28}{len(sizes):6d} files, {sum(sizes) / 1e6:.1f} MB, largest {max(sizes) / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
