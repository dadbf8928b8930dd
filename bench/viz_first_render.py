"""Time to the first drawn frame of the overview page of a synthetic 5,000-node graph, in Chromium.

    python3 bench/viz_first_render.py [--reports 1000] [--laws 2000] [--agencies 1000] [--regions 500]
                                      [--programs 500] [--edges 20000] [--runs 3] [--view overview]
                                      [-o /tmp/policykg-first-render.html] [--chromium /usr/bin/chromium]

Generates the graph of bench/viz_render.py, writes the view's page (the overview: PageRank sizes,
precomputed layout, physics off above 1,000 nodes), opens it from file:// in headless Chromium
through Playwright and prints, per run and as the median:

* first frame: ``performance.now()`` at vis-network's first ``afterDrawing`` event, recorded by
  the page itself (``window.policykg.firstDrawAt``), i.e. ms from the start of navigation;
* script: ms from the page script's start (JSON parsed, DataSets and tooltips built) to that frame;
* filter: ms to untick the Law type in the filter (hide/show update of the DataSets and a redraw);

plus the page size in MB and the time to write it.

With ``--page FILE`` it times an existing page (a big build's ``graph.html``). With ``--site BUILD`` (a build folder, e.g. of the seeds) it writes the whole site instead, as
``policykg viz BUILD -o DIR`` does (every view, the scripts the region/agency/law pickers load,
``reports/<id>.html``), prints the write time and every page's size, then per view the first
frame and the time to pick another entity (the second most cited), and the reading pages' first
contentful paint:

    python3 bench/viz_first_render.py --site /tmp/read-seeds [--runs 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from viz_render import synthetic_graph  # noqa: E402

from policykg.viz import views  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]



def chromium_runs(chromium: str, runs: int):
    """Yield (run number, a fresh Playwright page) ``runs`` times in headless Chromium; page errors
    and console errors stop the bench, naming them."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        for run in range(1, runs + 1):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            yield run, page
            if errors:
                raise SystemExit(f"page errors: {errors}")
            context.close()
        browser.close()


FILTER_JS = """() => new Promise(function (resolve) {
  var net = window.policykg.network, t = performance.now();
  net.once("afterDrawing", function () { resolve(performance.now() - t); });
  var cb = document.querySelector('input.filter[data-facet="type"][data-value="Law"]');
  cb.click();
})"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("reports", 1000), ("laws", 2000), ("agencies", 1000), ("regions", 500),
                          ("programs", 500), ("edges", 20000)):
        ap.add_argument(f"--{name}", type=int, default=default)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--view", default="overview", choices=views.VIEWS)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("-o", "--out", type=Path, default=Path(tempfile.gettempdir()) / "policykg-first-render.html")
    ap.add_argument("--site", type=Path, help="a build folder: write and time the whole site of its views")
    ap.add_argument("--page", type=Path, help="an existing page to time (e.g. a big build's graph.html), nothing generated")
    a = ap.parse_args()
    if a.site:
        return site(a)

    if a.page:
        a.out = a.page
        print(f"page:  {a.out}, {a.out.stat().st_size / 1e6:.2f} MB")
    else:
        t0 = time.perf_counter()
        G = synthetic_graph(a.reports, a.laws, a.agencies, a.regions, a.programs, a.edges)
        t1 = time.perf_counter()
        view = views.make_view(G, a.view)
        views.write_view(view, a.out, title=f"first render benchmark — {a.view}")
        t2 = time.perf_counter()
        print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges (generated in {t1 - t0:.2f} s)")
        print(f"page:  {a.out} ({view.graph.number_of_nodes()} nodes) written in {t2 - t1:.2f} s, "
              f"{a.out.stat().st_size / 1e6:.2f} MB")

    first, script, wall, filt = [], [], [], []
    for run, page in chromium_runs(a.chromium, a.runs):
        w0 = time.perf_counter()
        page.goto(a.out.resolve().as_uri(), wait_until="commit")
        page.wait_for_function("window.policykg && window.policykg.drawn === true", timeout=120000, polling=10)
        w1 = time.perf_counter()
        first.append(page.evaluate("window.policykg.firstDrawAt"))
        script.append(page.evaluate("window.policykg.firstDrawMs"))
        wall.append((w1 - w0) * 1000)
        page.wait_for_function("window.policykg.ready === true", timeout=120000)
        filt.append(page.evaluate(FILTER_JS))
        print(f"run {run}: first frame {first[-1]:.0f} ms after navigation start "
              f"(page script {script[-1]:.0f} ms; {wall[-1]:.0f} ms wall from goto); "
              f"filter (hide laws) {filt[-1]:.0f} ms")
    med = statistics.median
    print(f"median of {a.runs}: first frame {med(first):.0f} ms, page script {med(script):.0f} ms, "
          f"wall {med(wall):.0f} ms, filter {med(filt):.0f} ms; page {a.out.stat().st_size / 1e6:.2f} MB")


PICK_JS = """() => new Promise(function (resolve) {
  var api = window.policykg, items = api.data.picker.items, t = performance.now();
  var other = items.filter(function (it) { return it[0] !== api.data.picker.current; })[0];
  api.pick(other[1], function () {
    (function wait() { if (api.ready) { resolve(performance.now() - t); } else { setTimeout(wait, 5); } })();
  });
})"""


def site(a) -> None:
    """Write the site of a build folder and time its pages in Chromium."""
    from playwright.sync_api import sync_playwright

    from policykg.graph.project import to_networkx
    from policykg.graph.store import read_rdf

    out = Path(tempfile.mkdtemp(prefix="policykg-site-"))
    t0 = time.perf_counter()
    G = to_networkx(read_rdf(a.site / "graph.ttl"))
    t1 = time.perf_counter()
    written = views.write_views(G, out, build_dir=a.site)
    t2 = time.perf_counter()
    reports = sorted((out / "reports").glob("*.html"))
    print(f"graph: {G.number_of_nodes()} nodes (projected in {t1 - t0:.2f} s); site written in {t2 - t1:.2f} s "
          f"to {out}")

    def mb(paths) -> float:
        return sum(p.stat().st_size for p in paths) / 1e6

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=a.chromium, headless=True, args=CHROMIUM_ARGS)
        for view, path in written:
            picks = sorted((out / view.name).glob("*.js")) if (out / view.name).is_dir() else []
            first, pick = [], []
            for _ in range(a.runs):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.goto(path.as_uri(), wait_until="commit")
                page.wait_for_function("window.policykg && window.policykg.ready === true", timeout=120000)
                first.append(page.evaluate("window.policykg.firstDrawAt"))
                if picks:
                    pick.append(page.evaluate(PICK_JS))
                context.close()
            med = statistics.median
            extra = (f"; {len(picks)} picker scripts, {mb(picks):.2f} MB (median {mb(picks) / len(picks) * 1000:.1f} kB), "
                     f"pick {med(pick):.0f} ms" if picks else "")
            print(f"{view.name:11s} {path.stat().st_size / 1e6:.2f} MB, first frame {med(first):.0f} ms{extra}")
        paints = []
        for path in reports:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0", timeout=30000)
            paints.append(page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime"))
            context.close()
        browser.close()
    if reports:
        print(f"reports     {len(reports)} pages, {mb(reports):.2f} MB (largest {max(p.stat().st_size for p in reports) / 1e3:.0f} kB), "
              f"first contentful paint median {statistics.median(paints):.0f} ms, max {max(paints):.0f} ms")


if __name__ == "__main__":
    main()
