"""Shared fixtures: the real seed reports from ../shared (or $POLICYKG_CORPUS), their gold
annotation, and one extraction pipeline for the whole session.

Without the corpus the corpus tests are skipped on a laptop, and fail under CI (CI=true):
a CI run that silently skipped them would prove nothing.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _corpus_dir() -> Path:
    env = os.environ.get("POLICYKG_CORPUS")
    return Path(env) if env else ROOT.parent / "shared" / "corpus"


def _require(path: Path, what: str) -> Path:
    if not path.exists():
        msg = f"{what} not found at {path} (set POLICYKG_CORPUS to the corpus folder)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    base = _require(_corpus_dir(), "the corpus")
    _require(base / "seeds", "the seed reports")
    return base


@pytest.fixture(scope="session")
def seed_paths(corpus_dir) -> list[Path]:
    paths = sorted((corpus_dir / "seeds").glob("*.txt"))
    assert paths, f"no .txt reports in {corpus_dir / 'seeds'}"
    return paths


@pytest.fixture(scope="session")
def gold(corpus_dir) -> dict[str, dict]:
    path = _require(corpus_dir / "gold" / "seeds.jsonl", "the gold annotation")
    with path.open(encoding="utf-8") as f:
        return {r["doc"]: r for r in map(json.loads, filter(str.strip, f))}


@pytest.fixture(scope="session")
def nlp():
    from policykg.extract.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def seed_documents(seed_paths):
    from policykg.extract.ingest import read_document

    return {p.name: read_document(p) for p in seed_paths}


@pytest.fixture(scope="session")
def seed_records(nlp, seed_documents) -> list[dict]:
    from policykg.extract.pipeline import doc_to_record, run

    return [doc_to_record(run(nlp, d)) for d in seed_documents.values()]


@pytest.fixture(scope="session")
def seeds_rdf(seed_records):
    """The seeds' RDF graph, built once for the session (tests must not change it)."""
    from policykg.graph.build import build_graph

    return build_graph(seed_records)


@pytest.fixture(scope="session")
def seeds_nx(seeds_rdf):
    """The networkx projection of the seeds' graph, made once for the session (read-only)."""
    from policykg.graph.project import to_networkx

    return to_networkx(seeds_rdf)


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return ROOT / "examples" / "sample"


# --- a real headless browser: Debian's Chromium driven by Playwright (no browser download) ---

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium_path() -> Path:
    return Path(os.environ.get("POLICYKG_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the whole session; pages are opened with ``browser.new_page()``."""
    exe = _require(_chromium_path(), "Chromium (Debian package `chromium`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        _require(ROOT / "playwright-is-not-installed", "the playwright package")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(exe), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A fresh page that records console errors and page errors in ``page.errors``."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    p = context.new_page()
    p.errors = []
    p.on("console", lambda m: p.errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    yield p
    context.close()


@pytest.fixture(scope="session")
def seeds_build(seeds_rdf, tmp_path_factory) -> Path:
    """A build folder of the seed reports, as ``policykg build`` writes it: graph.ttl, store/,
    graph.html (made from the session's records, so the reports are extracted only once)."""
    from policykg.builder import write_graph_outputs

    out = tmp_path_factory.mktemp("seeds_build")
    write_graph_outputs(seeds_rdf, out)
    return out
