"""Extraction on a Dask cluster (a real scheduler and two worker processes on loopback) gives the
very records, texts and failures that the local run gives, in the same order."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="the dask extra (pip install policykg[dask])")

from policykg.corpus import Failure, extract_files  # noqa: E402
from policykg.dask_engine import extract_files_dask  # noqa: E402
from policykg.extract.manifest import read_manifest  # noqa: E402
from policykg.extract.readers import Limits  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                                  host="127.0.0.1") as c:
        yield c


@pytest.fixture(scope="module")
def inputs(seed_paths, tmp_path_factory) -> list[Path]:
    odd = tmp_path_factory.mktemp("odd")
    (odd / "english.txt").write_text("An annual report with no Chinese in it.\n", encoding="utf-8")
    (odd / "big.txt").write_text("法治政府" * 100_000, encoding="utf-8")
    return [*seed_paths, *sorted(SAMPLE.iterdir()), odd / "english.txt", odd / "gone.txt", odd / "big.txt"]


def _run(extract, paths, out: Path, **kw):
    texts = out / "texts"
    texts.mkdir(parents=True)
    return list(extract(paths, texts_dir=texts, **kw)), texts


def _as_data(result):
    return ("failure", result.path, result.reason, result.skipped) if isinstance(result, Failure) else result


def test_same_records_texts_and_failures_as_a_local_run(cluster, inputs, tmp_path):
    # a limit every report is within and big.txt is over: checked before the bytes leave the client
    limits = Limits(max_file_bytes=max(p.stat().st_size for p in inputs if p.exists() and p.name != "big.txt"))
    local, local_texts = _run(extract_files, inputs, tmp_path / "local", limits=limits)
    remote, remote_texts = _run(extract_files_dask, inputs, tmp_path / "dask", address=cluster, limits=limits)

    assert [_as_data(r) for r in remote] == [_as_data(r) for r in local]
    records = [r for r in remote if not isinstance(r, Failure)]
    assert len(records) == len(inputs) - 3
    assert {r["source"]["format"] for r in records} >= {"txt", "docx", "pdf", "html"}
    failed = {Path(r.path).name: r.reason for r in remote if isinstance(r, Failure)}
    assert set(failed) == {"english.txt", "gone.txt", "big.txt"}
    assert "over the limit" in failed["big.txt"]
    # the texts every evidence offset indexes into, written by the client
    assert sorted(p.name for p in remote_texts.iterdir()) == sorted(p.name for p in local_texts.iterdir())
    for r in records:
        assert (remote_texts.parent / r["text_file"]).read_bytes() == (local_texts.parent / r["text_file"]).read_bytes()


def test_a_small_window_keeps_order_and_a_manifest_row_reaches_the_worker(cluster, seed_paths, tmp_path):
    chosen = seed_paths[0]
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"file,url,published,agency,region,year\n{chosen.name},https://example.gov.cn/r.html,"
                        "2023-03-31,,,\n", encoding="utf-8")
    rows = read_manifest(manifest)
    paths = [*seed_paths, chosen]  # a file given twice is extracted twice, as locally
    local, _ = _run(extract_files, paths, tmp_path / "local", manifest=rows)
    remote, _ = _run(extract_files_dask, paths, tmp_path / "dask", address=cluster, manifest=rows, window=2)
    assert remote == local
    assert remote[0]["source"]["url"] == "https://example.gov.cn/r.html"
    assert remote[0]["source"]["published"] == "2023-03-31"
    assert [r["doc"] for r in remote] == [p.name for p in paths]


def test_the_engine_is_chosen_by_name(cluster, seed_paths, tmp_path):
    from policykg.engines import extract_with

    paths = seed_paths[:2]
    local, _ = _run(extract_files, paths, tmp_path / "local")
    assert _run(extract_with, paths, tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address)[0] == local
    with pytest.raises(ValueError, match="needs a scheduler"):
        extract_with(paths, engine="dask")
    with pytest.raises(ValueError, match="unknown engine 'ray'"):
        extract_with(paths, engine="ray")


def test_policykg_build_on_a_cluster_gives_the_local_build(cluster, tmp_path):
    """`policykg build --engine dask --scheduler ADDRESS` writes the records a local build writes."""
    from click.testing import CliRunner

    from policykg.cli import cli

    runner = CliRunner()
    r = runner.invoke(cli, ["build", str(SAMPLE), "-o", str(tmp_path / "d"), "--no-html",
                            "--engine", "dask", "--scheduler", cluster.scheduler_address])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["build", str(SAMPLE), "-o", str(tmp_path / "l"), "--no-html"])
    assert r.exit_code == 0, r.output

    def records(out):
        return [{k: v for k, v in json.loads(line).items() if k not in ("timings", "seconds")}
                for line in (out / "extraction.jsonl").read_text(encoding="utf-8").splitlines()]

    assert records(tmp_path / "d") == records(tmp_path / "l")
    r = runner.invoke(cli, ["build", str(SAMPLE), "-o", str(tmp_path / "x"), "--engine", "dask"])
    assert r.exit_code == 2 and "--scheduler" in r.output
