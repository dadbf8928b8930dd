"""Reading speed and fidelity per format, on every seed report made into each format.

For each format: MB per second of reading (file bytes over wall time of the reader alone), and
laws / agencies F1 against the same seed's .txt, plus issuer and year agreement.

    python3 bench/formats.py [--ocr N]     # N seeds also as scans for OCR (default: all)
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from report_formats import libreoffice_convert, report_lines, write_docx, write_scanned_pdf, write_web_page  # noqa: E402

from policykg.corpus import extract_files  # noqa: E402
from policykg.extract.evaluate import evaluate  # noqa: E402
from policykg.extract.ingest import read_document  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "seeds"))
    ap.add_argument("--ocr", type=int, default=None, help="how many seeds to OCR (default: all)")
    args = ap.parse_args()
    seeds = sorted(Path(args.corpus).glob("*.txt"))
    tmp = Path(tempfile.mkdtemp(prefix="policykg-formats-"))
    files: dict[str, dict[str, Path]] = {f: {} for f in ("txt", "docx", "doc", "wps", "pdf", "html", "scan")}
    for i, seed in enumerate(seeds):
        lines = report_lines(seed)
        files["txt"][seed.name] = seed
        files["docx"][seed.name] = write_docx(lines, tmp / f"{seed.stem}.docx")
        files["html"][seed.name] = write_web_page(lines, tmp / f"{seed.stem}.html", f"https://x.gov.cn/{i}.html",
                                                  "2022-01-10", "gb2312" if i % 2 else "utf-8")
        files["pdf"][seed.name] = libreoffice_convert(files["docx"][seed.name], "pdf", tmp)
        files["doc"][seed.name] = libreoffice_convert(files["docx"][seed.name], "doc", tmp)
        files["wps"][seed.name] = Path(shutil.copyfile(files["doc"][seed.name], tmp / f"{seed.stem}.wps"))
    for seed in seeds[: args.ocr if args.ocr is not None else len(seeds)]:
        files["scan"][seed.name] = write_scanned_pdf(files["pdf"][seed.name], tmp / f"{seed.stem}-scan.pdf")
    txt = {s: r for s, r in zip(files["txt"], extract_files(list(files["txt"].values())))}
    print(f"{'format':<7} {'reports':>7} {'MB':>7} {'read s':>7} {'MB/s':>7} {'laws F1':>8} {'laws R':>7} "
          f"{'agencies F1':>11} {'issuer+year':>11}")
    for fmt, by_seed in files.items():
        if not by_seed:
            continue
        mb = sum(p.stat().st_size for p in by_seed.values()) / 1e6
        t0 = time.perf_counter()
        for p in by_seed.values():
            read_document(p)
        seconds = time.perf_counter() - t0
        records = dict(zip(by_seed, extract_files(list(by_seed.values()))))
        gold = [dict(txt[s], doc=s) for s in by_seed]
        pred = [dict(r, doc=s) for s, r in records.items()]
        f = evaluate(gold, pred, fields=("laws", "agencies")).fields
        same = sum(r["agency"] == txt[s]["agency"] and r["year"] == txt[s]["year"] for s, r in records.items())
        print(f"{fmt:<7} {len(by_seed):>7} {mb:>7.3f} {seconds:>7.2f} {mb / seconds:>7.2f} {f['laws'].f1:>8.3f} "
              f"{f['laws'].recall:>7.3f} {f['agencies'].f1:>11.3f} {same:>5}/{len(by_seed)}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
