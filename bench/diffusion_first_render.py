"""Page size and time to the first drawn frame of ``diffusion.html``, in Chromium.

    python3 bench/diffusion_first_render.py --graph OUT [--runs 3] [-o /tmp/policykg-diffusion.html]
    python3 bench/diffusion_first_render.py --page views/diffusion.html [--runs 3]   # a page already written
    python3 bench/diffusion_first_render.py [--reports 5000] [--laws 2000] [--agencies 1000] [--regions 500]
                                            [--programs 500] [--edges 20000]      # synthetic graph

With ``--graph`` the page is made from a build folder (or RDF file), e.g. the seeds'
(``policykg build /work/shared/corpus/seeds -o /tmp/map-seeds``); without it, from the synthetic
graph of bench/viz_render.py. The page is opened from file:// in headless Chromium through
Playwright; per run and as the median it prints:

* first frame: ``performance.now()`` when the page script has drawn the boundaries and the shading
  and the browser reaches its next animation frame (``window.pkMap.firstDrawAt``), i.e. ms from
  the start of navigation;
* script: ms from the page script's start (JSON parsed, TopoJSON decoded, layers built, shaded);
* year: ms to move the year slider to the first year and reshade;
* lists: ms from the start of navigation until the most cited law's report lists are there (in
  the page, or from its script beside it when a large graph's lists are split off);
* pick: ms to pick the second most cited law until its report lists are there;

plus the page size, the part of it that is boundaries, the item scripts beside it, and the time
to write it.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from viz_first_render import chromium_runs  # noqa: E402
from viz_render import synthetic_graph  # noqa: E402

from policykg.viz import diffusion  # noqa: E402
from policykg.viz.page import json_for_script  # noqa: E402

FIRST_LAW = "window.pkMap.data.items.map(function (it) { return it.k; }).indexOf('law')"
PICK_JS = """() => new Promise(function (resolve) {
  var api = window.pkMap, t = performance.now();
  var kinds = api.data.items.map(function (it) { return it.k; });
  var second = kinds.indexOf("law", kinds.indexOf("law") + 1);
  if (second < 0) { resolve(0); return; }
  api.setItem(second);
  (function wait() { if (api.data.lists[second] !== undefined) { resolve(performance.now() - t); } else { setTimeout(wait, 2); } })();
})"""
YEAR_JS = """() => { var t = performance.now(), s = document.getElementById('year-slider');
  s.value = '1'; s.dispatchEvent(new Event('input'));
  return new Promise(function (resolve) { requestAnimationFrame(function () { resolve(performance.now() - t); }); }); }"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", type=Path, help="a build folder or RDF file (default: a synthetic graph)")
    for name, default in (("reports", 5000), ("laws", 2000), ("agencies", 1000), ("regions", 500),
                          ("programs", 500), ("edges", 20000)):
        ap.add_argument(f"--{name}", type=int, default=default)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("-o", "--out", type=Path, default=Path(tempfile.gettempdir()) / "policykg-diffusion.html")
    ap.add_argument("--page", type=Path, help="a diffusion.html already written: time it, nothing generated")
    a = ap.parse_args()
    if a.page:
        a.out = a.page
        print(f"page:  {a.out}, {a.out.stat().st_size / 1e6:.2f} MB")
    else:
        write_page(a)
    parts = sorted(a.out.with_suffix("").glob("*.js"))
    if parts:
        print(f"beside it: {len(parts)} item scripts, {sum(p.stat().st_size for p in parts) / 1e6:.2f} MB "
              f"(largest {max(p.stat().st_size for p in parts) / 1e3:.0f} kB)")

    first, script, year, lists, pick = [], [], [], [], []
    for run, page in chromium_runs(a.chromium, a.runs):
        page.goto(a.out.resolve().as_uri(), wait_until="commit")
        page.wait_for_function("window.pkMap && window.pkMap.drawn === true", timeout=120000, polling=10)
        first.append(page.evaluate("window.pkMap.firstDrawAt"))
        script.append(page.evaluate("window.pkMap.firstDrawMs"))
        page.wait_for_function(f"window.pkMap.data.lists[{FIRST_LAW}] !== undefined", timeout=120000, polling=10)
        lists.append(page.evaluate("performance.now()"))
        year.append(page.evaluate(YEAR_JS) if page.evaluate("window.pkMap.data.years.length") else 0.0)
        pick.append(page.evaluate(PICK_JS))
        print(f"run {run}: first frame {first[-1]:.0f} ms after navigation start "
              f"(page script {script[-1]:.0f} ms); report lists by {lists[-1]:.0f} ms; "
              f"year slider {year[-1]:.0f} ms; another law's lists {pick[-1]:.0f} ms")
    med = statistics.median
    print(f"median of {a.runs}: first frame {med(first):.0f} ms, page script {med(script):.0f} ms, "
          f"report lists {med(lists):.0f} ms, year slider {med(year):.0f} ms, pick {med(pick):.0f} ms; "
          f"page {a.out.stat().st_size / 1e6:.2f} MB")


def write_page(a) -> None:
    """Write the page of a build folder, or of the synthetic graph, and print what it holds."""
    t0 = time.perf_counter()
    if a.graph:
        import policykg

        G = policykg.open(a.graph).to_networkx()
    else:
        G = synthetic_graph(a.reports, a.laws, a.agencies, a.regions, a.programs, a.edges)
    t1 = time.perf_counter()
    diffusion.write_diffusion(G, a.out)
    t2 = time.perf_counter()
    data = diffusion.diffusion_data(G)
    boundaries = len(json_for_script(diffusion.map_data(data["provinces"])).encode())
    n_reports = sum(1 for _, t in G.nodes(data="type") if t == "Report")
    print(f"graph: {G.number_of_nodes()} nodes, {n_reports} reports (loaded in {t1 - t0:.2f} s)")
    print(f"page:  {a.out} written in {t2 - t1:.2f} s, {a.out.stat().st_size / 1e6:.2f} MB "
          f"({boundaries / 1e6:.2f} MB of it boundaries: every province, and the cities and counties of "
          f"{len(data['provinces'])}; "
          f"{len(data['items'])} laws and programs, {len(data['years'])} years)")


if __name__ == "__main__":
    main()
