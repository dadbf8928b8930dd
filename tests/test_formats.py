"""Every format governments publish, made at test time from the real reports: each version of
a seed must give what its .txt gives (laws, agencies, issuing agency, year), web-page chrome
must give nothing, and a scanned PDF read by OCR must keep the laws."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from policykg.corpus import extract_files
from policykg.extract.evaluate import evaluate

from report_formats import (CHROME_AGENCIES, libreoffice_convert, report_lines, write_docx, write_scanned_pdf,
                            write_web_page)

FORMATS = ("docx", "doc", "wps", "pdf", "html")
OCR_SEEDS = 2  # OCR costs about 7 s a page on this machine: two reports keep the suite short


def _require_tool(name: str, ok: bool):
    if not ok:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{name} is not installed (.ci/run installs it)", pytrace=False)
        pytest.skip(f"{name} is not installed")


@pytest.fixture(scope="session")
def versions(seed_paths, tmp_path_factory):
    """{format: {seed name: record}} for .txt and every other format of each seed."""
    _require_tool("LibreOffice", shutil.which("soffice") or shutil.which("libreoffice"))
    root = tmp_path_factory.mktemp("formats")
    files: dict[str, dict[str, object]] = {fmt: {} for fmt in ("txt", *FORMATS)}
    for i, seed in enumerate(seed_paths):
        lines = report_lines(seed)
        files["txt"][seed.name] = seed
        docx = write_docx(lines, root / f"{seed.stem}.docx")
        files["docx"][seed.name] = docx
        files["html"][seed.name] = write_web_page(lines, root / f"{seed.stem}.html",
                                                  url=f"https://www.example.gov.cn/fzzf/{i}.html",
                                                  published=f"2022-01-{10 + i:02d}", charset="gb2312" if i % 2 else "utf-8")
    made = root / "made"
    made.mkdir()
    for fmt in ("pdf", "doc"):
        for seed, docx in files["docx"].items():
            files[fmt][seed] = libreoffice_convert(docx, fmt, made)
    for seed, doc in files["doc"].items():  # a WPS Writer file in the .doc layout, as WPS saves by default
        files["wps"][seed] = shutil.copyfile(doc, made / f"{doc.stem}.wps")
    return {fmt: {seed: record for seed, record in zip(by_seed, extract_files(list(by_seed.values())))}
            for fmt, by_seed in files.items()}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_what_the_text_gives(versions, fmt):
    txt = versions["txt"]
    for seed, record in versions[fmt].items():
        assert isinstance(record, dict), f"{fmt} of {seed}: {record}"
        assert record["source"]["format"] == fmt
        assert record["agency"] == txt[seed]["agency"] and record["year"] == txt[seed]["year"], (fmt, seed)
    gold = [dict(r, doc=seed) for seed, r in txt.items()]
    predicted = [dict(r, doc=seed) for seed, r in versions[fmt].items()]
    scores = evaluate(gold, predicted, fields=("laws", "agencies")).fields
    assert scores["laws"].f1 >= 0.98, (fmt, scores["laws"].errors)
    assert scores["agencies"].f1 >= 0.95, (fmt, scores["agencies"].errors)


def test_web_pages_keep_provenance_and_drop_the_chrome(versions):
    for seed, record in versions["html"].items():
        assert not set(CHROME_AGENCIES) & set(record["agencies"]), seed
        assert record["source"]["url"].startswith("https://www.example.gov.cn/fzzf/")
        assert record["source"]["published"].startswith("2022-01-")
        assert "<" not in "".join(s["text"] for s in record["sentences"])


def test_word_headers_and_footers_are_left_out(versions):
    for record in versions["docx"].values():
        assert not {CHROME_AGENCIES[0], CHROME_AGENCIES[1]} & set(record["agencies"])


def test_a_scanned_pdf_is_read_by_ocr_and_keeps_the_laws(versions, seed_paths, tmp_path):
    from policykg.extract.readers.ocr import _tesseract

    _require_tool("Tesseract with chi_sim (and pytesseract)", _tesseract()[0] is not None)
    seeds = sorted(seed_paths, key=lambda p: p.stat().st_size)[:OCR_SEEDS]
    scans = [write_scanned_pdf(Path(versions["pdf"][s.name]["path"]), tmp_path / f"{s.stem}.pdf") for s in seeds]
    records = list(extract_files(scans))
    for seed, record in zip(seeds, records):
        assert isinstance(record, dict), record
        assert record["source"]["ocr_pages"] and record["source"]["ocr_confidence"] > 60
        assert record["agency"] == versions["txt"][seed.name]["agency"]
    gold = [dict(versions["txt"][s.name], doc=s.name) for s in seeds]
    predicted = [dict(r, doc=s.name) for s, r in zip(seeds, records)]
    assert evaluate(gold, predicted, fields=("laws",)).fields["laws"].recall >= 0.90
