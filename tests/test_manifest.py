"""--manifest: provenance (URL, publication date) into the graph, and overrides of agency,
region and year; an ambiguous place settled by the researcher, never guessed."""
from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from policykg.cli import cli
from policykg.extract.manifest import ManifestError, read_manifest, resolve_region


def _write_manifest(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["file", "url", "published", "agency", "region", "year"])
        w.writeheader()
        w.writerows(rows)
    return path


def _ambiguous_seed(gold, seed_paths):
    """The seed whose gold leaves the county's city empty: the text cannot settle its place."""
    name = next(doc for doc, g in gold.items() if g["county"] and not g["city"])
    return next(p for p in seed_paths if p.name == name), gold[name]


def test_a_region_settles_an_ambiguous_place_and_provenance_reaches_the_graph(gold, seed_paths, tmp_path):
    seed, g = _ambiguous_seed(gold, seed_paths)
    candidates = [c for c in _candidates(g["county"])]
    assert len(candidates) > 1  # the text alone must leave it open
    chosen = candidates[0]
    manifest = _write_manifest(tmp_path / "m.csv", [
        {"file": str(seed), "url": "https://www.example.gov.cn/fzzf/2023/report.html", "published": "2023年2月3日",
         "region": chosen, "year": ""}])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(seed), "-o", str(out), "--manifest", str(manifest)])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "extraction.jsonl").read_text(encoding="utf-8"))
    assert record["meta"]["region_code"] == chosen and record["county"] == g["county"] and record["city"]
    assert record["agency"].startswith(record["city"])  # the short name completed by the settled place
    assert record["source"]["url"].endswith("report.html") and record["source"]["published"] == "2023-02-03"
    ask = ("PREFIX dcterms: <http://purl.org/dc/terms/> ASK { ?r dcterms:source "
           "<https://www.example.gov.cn/fzzf/2023/report.html> ; dcterms:issued \"2023-02-03\"^^"
           "<http://www.w3.org/2001/XMLSchema#date> }")
    asked = CliRunner().invoke(cli, ["query", str(out), ask, "--format", "json"])
    assert asked.exit_code == 0 and json.loads(asked.output)["boolean"] is True


def _candidates(name):
    from policykg.extract.gazetteer import load_gazetteer

    return sorted(r.code for r in load_gazetteer().lookup(name))


def test_an_ambiguous_region_in_the_manifest_is_an_error_listing_the_candidates(gold, seed_paths):
    _, g = _ambiguous_seed(gold, seed_paths)
    with pytest.raises(ManifestError) as e:
        resolve_region(g["county"])
    assert "ambiguous" in str(e.value) and all(c in str(e.value) for c in _candidates(g["county"]))


def test_a_fuller_name_or_a_code_settles_the_region():
    from policykg.extract.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    code = _candidates("市中区")[0]
    assert resolve_region(code) == code
    assert resolve_region(gaz.full_name(code)) == code
    assert resolve_region("".join(r.name for r in gaz.path(code))) == code


def test_manifest_errors_name_the_line(tmp_path):
    bad = _write_manifest(tmp_path / "m.csv", [{"file": "a.txt", "published": "soon"}])
    with pytest.raises(ManifestError, match=r"m.csv, line 2: published 'soon' is not a date"):
        read_manifest(bad)
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "-o", str(tmp_path / "o"), "--manifest", str(bad)])
    assert result.exit_code != 0 and "line 2" in result.output and "Traceback" not in result.output


def test_year_and_agency_overrides(seed_paths, tmp_path):
    seed = seed_paths[0]
    manifest = _write_manifest(tmp_path / "m.csv", [{"file": seed.name, "agency": "某市卫生健康委员会", "year": "2019"}])
    result = CliRunner().invoke(cli, ["extract", str(seed), "--manifest", str(manifest)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["year"] == 2019 and record["agency"] == "某市卫生健康委员会"


def test_an_agency_the_lexicon_does_not_know_is_placed_by_the_place_it_opens_with(tmp_path):
    text = tmp_path / "jinghe.txt"
    text.write_text("泾河新城2022年度法治政府建设工作报告\n2022年,泾河新城深入贯彻落实法治思想。", encoding="utf-8")
    manifest = _write_manifest(tmp_path / "m.csv", [{"file": text.name, "agency": "陕西省西咸新区泾河新城管理委员会"}])
    result = CliRunner().invoke(cli, ["extract", str(text), "--manifest", str(manifest)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["agency"], record["province"]) == ("陕西省西咸新区泾河新城管理委员会", "陕西省")


def test_the_entity_page_of_a_report_shows_its_provenance(seed_paths, tmp_path):
    import requests

    from test_serve import serving

    manifest = _write_manifest(tmp_path / "m.csv", [
        {"file": seed_paths[0].name, "url": "https://www.example.gov.cn/a?b=1&c=<2>", "published": "2022-03-04"}])
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(seed_paths[0]), "-o", str(out), "--manifest", str(manifest),
                                    "--no-html"]).exit_code == 0
    report = json.loads(CliRunner().invoke(cli, ["query", str(out), "SELECT ?r WHERE { ?r a "
                                                 "<https://w3id.org/policykg/ontology#Report> }",
                                                 "--format", "json"]).output)["results"]["bindings"][0]["r"]["value"]
    with serving(out, workers=1) as (_app, base):
        page = requests.get(f"{base}/entity", params={"iri": report}, timeout=30).text
    assert 'href="https://www.example.gov.cn/a?b=1&amp;c=%3C2%3E"' in page and "2022-03-04" in page
    assert "texts/" in page
