"""Incremental builds on a corpus of N reports (bench/scale_corpus.py): the full build, then a
build with nothing changed, one file added, one changed and one removed.

    python3 bench/incremental.py [N] [--jobs J] [--html] [--keep DIR]

Prints the seconds of each build, what it did (reused, new, changed, removed) and the peak
memory of the process. N defaults to 1000. Adding one report to a built corpus should take
seconds, whatever N: only that report is extracted, and the store is updated in place of a
checkpoint of the previous one. A build that extracts anything first loads the spaCy pipeline
(jieba's dictionary and the components' data), a fixed cost whatever N; it is measured apart, in
a fresh process, and the one-file builds run after it in this process.

With --keep DIR the corpus and OUT stay in DIR, and a second run with the same DIR and N starts
from the build already there instead of making it again (the full build takes a while).
"""
from __future__ import annotations

import argparse
import logging
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale_corpus  # noqa: E402

from policykg.builder import build  # noqa: E402


def _run(label: str, reports: Path, out: Path, args) -> None:
    t = time.perf_counter()
    s = build([reports], out, jobs=args.jobs, html=args.html)
    seconds = time.perf_counter() - t
    how = f"made anew ({s.full})" if s.full else "updated"
    print(f"{label:<22} {seconds:8.2f} s   {s.documents} documents: {s.reused} reused, {s.new} new, "
          f"{s.changed} changed, {s.removed} removed; {s.triples} triples; graph {how}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=1000, help="reports in the corpus")
    ap.add_argument("--jobs", type=int, default=2, help="extraction processes of the full build")
    ap.add_argument("--html", action="store_true", help="write graph.html too (the overview of the whole graph)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    args = ap.parse_args()
    logging.getLogger("jieba").setLevel(logging.WARNING)

    work = args.keep or Path(tempfile.mkdtemp(prefix="policykg-incremental-"))
    reports, out = work / "reports", work / "out"
    again = args.keep is not None and (out / "store").is_dir() and len(list(reports.iterdir())) == args.n
    if not again:
        shutil.rmtree(reports, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        scale_corpus.write(args.n, reports)
    for leftover in reports.glob("added_*"):
        leftover.unlink()
    megabytes = sum(p.stat().st_size for p in reports.iterdir()) / 1e6
    print(f"{args.n} reports, {megabytes:.1f} MB, in {reports}; jobs={args.jobs}, html={args.html}")
    try:
        if again:
            print(f"full build: already in {out}, not made again")
        else:
            _run("full build", reports, out, args)
        _run("nothing changed", reports, out, args)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from policykg.extract.pipeline import build_nlp; build_nlp()"],
                       check=True, capture_output=True)
        print(f"{'loading the pipeline':<22} {time.perf_counter() - t:8.2f} s   (a fresh process: what any "
              f"build that extracts pays once)", flush=True)
        from policykg.corpus import _nlp

        _nlp()  # loaded here, so that the one-file builds below show the incremental work alone
        seed = sorted(scale_corpus.DEFAULT_SEEDS.iterdir())[0]
        added = reports / f"added_{seed.name}"
        added.write_text(seed.read_text(encoding="utf-8-sig") + scale_corpus.copy_line(args.n) + "\n", encoding="utf-8")
        _run("one file added", reports, out, args)
        added.write_text(added.read_text(encoding="utf-8") + scale_corpus.copy_line(args.n + 1) + "\n", encoding="utf-8")
        _run("one file changed", reports, out, args)
        added.unlink()
        _run("one file removed", reports, out, args)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of this process: {peak:.0f} MB; OUT: "
              f"{sum(f.stat().st_size for f in out.rglob('*') if f.is_file()) / 1e6:.0f} MB")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
