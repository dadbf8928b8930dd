"""Weight and first load of the query workbench (`policykg serve`'s / page), in headless Chromium.

    python3 bench/query_page.py GRAPH [--runs 5] [--chromium /usr/bin/chromium]

GRAPH is a build folder (e.g. ``policykg build /work/shared/corpus/seeds -o /tmp/q-seeds``) or an
RDF file. Serves it on a free loopback port and prints:

* the bytes of every file the page loads (the HTML, the vendored YASGUI bundle and its CSS, the
  page's own scripts), and their total;
* per run and as the median, with a fresh browser context each time (nothing cached): ms from the
  start of navigation to DOMContentLoaded, to the load event, and to the workbench being ready
  (editor and results panel built: ``window.pkq.ready``);
* ms to run the named query laws-by-region and draw its table, from the click on Run.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from viz_first_render import CHROMIUM_ARGS  # noqa: E402  (one set of flags for every page bench)

TIMING = """() => { var n = performance.getEntriesByType('navigation')[0];
  return {dom: n.domContentLoadedEventEnd, load: n.loadEventEnd, ready: window.pkq.readyAt}; }"""


def _wait(page, expression, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.01)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    a = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from policykg.serve.server import ServeOptions, make_server, serving_app

    with serving_app(a.graph, ServeOptions(workers=1)) as app:
        server = make_server(app)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"
        rows = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=a.chromium, headless=True, args=CHROMIUM_ARGS)
            sizes: dict[str, int] = {}
            for run in range(a.runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                if run == 0:
                    page.on("response", lambda r: sizes.__setitem__(r.url[len(base):], len(r.body())))
                page.goto(base + "/")
                _wait(page, "window.pkq && window.pkq.ready === true")
                t = page.evaluate(TIMING)
                page.click("button.named[data-name='laws-by-region']")
                started = time.perf_counter()
                page.click("#run")
                _wait(page, "document.querySelectorAll('.yasr tbody tr').length > 0")
                t["query"] = (time.perf_counter() - started) * 1000
                rows.append(t)
                print(f"run {run + 1}: DOMContentLoaded {t['dom']:.0f} ms, load {t['load']:.0f} ms, "
                      f"ready {t['ready']:.0f} ms; laws-by-region drawn {t['query']:.0f} ms after Run")
                context.close()
            browser.close()
        server.close()
    print("\nfiles the page loads:")
    for url, n in sorted(sizes.items(), key=lambda kv: -kv[1]):
        if not url.startswith("/sparql"):
            print(f"  {n:>10,} B  {url}")
    page_bytes = sum(n for url, n in sizes.items() if not url.startswith("/sparql"))
    js = sum(n for url, n in sizes.items() if url.endswith(".js"))
    vendored = sum(n for url, n in sizes.items() if url.startswith("/static/vendor/"))
    print(f"  {page_bytes:>10,} B  in all ({js:,} B of JavaScript; vendored YASGUI {vendored:,} B, uncompressed)")
    for key, name in (("dom", "DOMContentLoaded"), ("load", "load"), ("ready", "workbench ready"),
                      ("query", "laws-by-region drawn after Run")):
        print(f"median {name}: {statistics.median(r[key] for r in rows):.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
