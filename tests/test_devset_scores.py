"""Extraction on the dev set (tests/gold/devset/): 158 report openings from public government
pages of all 31 provinces beyond the seeds, most of them from departments other than health, held
against their hand-made gold. They are read with the dev set's manifest (tests/gold/devset/manifest.csv),
which gives only what a few texts never name (their place, or an issuer written as 我厅).

The floors are today's measured figures less a small margin, so that a change that makes
extraction worse on reports it was not tuned on fails the suite; whoever improves extraction
raises them. `pytest -s tests/test_devset_scores.py` prints the figures per field and per
department type (the same field scores as `policykg eval tests/gold/devset/devset.jsonl
tests/gold/devset/texts --manifest tests/gold/devset/manifest.csv`)."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlparse

import pytest

from policykg.extract.evaluate import evaluate, evaluate_all

DEVSET = Path(__file__).parent / "gold" / "devset"
TEXTS = DEVSET / "texts"
MANIFEST = DEVSET / "manifest.csv"

# The seeds' gold keys (../shared/corpus/gold/seeds.jsonl), plus where each report came from.
GOLD_KEYS = {"doc", "agency", "agency_surface", "province", "city", "county", "year", "date", "addressed_to",
             "laws", "laws_optional", "doc_numbers", "agencies", "regions", "regions_cooperation", "programs", "notes"}
SOURCE_KEYS = {"url", "department", "level"}
DEPARTMENTS = {"health", "justice", "education", "market_regulation", "human_resources", "ecology_environment",
               "public_security", "emergency", "transport", "natural_resources", "housing_construction", "agriculture",
               "culture_tourism", "civil_affairs", "finance", "development_reform", "water", "medical_insurance",
               "government", "township", "other"}
LEVELS = {"province", "city", "county", "township"}
PROVINCES = {"北京市", "上海市", "江苏省", "四川省", "江西省", "湖南省", "海南省", "贵州省", "陕西省", "青海省",
             "宁夏回族自治区", "新疆维吾尔自治区", "西藏自治区", "内蒙古自治区", "辽宁省", "吉林省",
             # the reports added on 2026-11-28, from provinces the first 57 did not cover
             "浙江省", "广东省", "山东省", "河南省", "湖北省", "福建省", "安徽省", "重庆市", "天津市", "河北省",
             "山西省", "黑龙江省", "广西壮族自治区", "云南省", "甘肃省"}

METADATA = ("agency", "province", "city", "year")

# Measured on 2026-11-28 with `policykg eval --manifest` (158 documents: the 57 of 2026-11-27 and
# 101 added on 2026-11-28 in five rounds, from the provinces the 57 did not cover, then from all,
# then county departments, townships and development zones, then all again twice, each annotated
# before extraction was run on it):
# laws 0.981, doc_numbers 0.980, agencies 0.947, regions 0.966, programs 0.720, region_code 0.962;
# metadata accuracy agency 0.968, province 0.981, city 0.975, year 1.000. On the first 57 alone,
# extraction is as good as before or better (laws 0.957 → 0.975, regions 0.983 → 0.990 with
# townships, the rest unchanged); the new reports' programmes (about 0.6–0.7) and the organs of
# townships and development zones bring the averages down. Floors are those figures less a small
# margin.
MIN_F1 = {
    "laws": 0.96,
    "doc_numbers": 0.95,
    "agencies": 0.93,
    "regions": 0.94,
    "programs": 0.69,
    "region_code": 0.95,
}
MIN_ACCURACY = {"agency": 0.95, "province": 0.95, "city": 0.95, "year": 0.95}

# Metadata accuracy per department type, measured on 2026-11-28: government (48) agency 0.979,
# province and city 0.958 (005 通州区 and 120 新市区 are names of two places, left open); other
# departments (33) agency 0.939, province 0.970, city 0.939 (development zones: 118 is given
# 人民政府 for its 管理委员会, and 117's and 139's zones are in no gazetteer); every other type 1.000
# on every field. The target is 95 % for every type: these floors hold it, but for the other
# departments' agency and city, held at 90 % until zones' administrations are read.
_ALL_RIGHT = {"agency": 0.95, "province": 0.95, "city": 0.95, "year": 0.95}
MIN_DEPARTMENT_ACCURACY = {group: dict(_ALL_RIGHT) for group in (
    "government", "health", "education", "justice", "transport", "emergency", "finance", "human_resources",
    "township", "other_departments")}
MIN_DEPARTMENT_ACCURACY["other_departments"].update(agency=0.90, city=0.90)
# Types with one or two reports are scored together, so that each group's figure means something.
GROUP_OF = {d: d for d in MIN_DEPARTMENT_ACCURACY} | {
    d: "other_departments" for d in DEPARTMENTS - set(MIN_DEPARTMENT_ACCURACY)}


def read_devset() -> list[dict]:
    with (DEVSET / "devset.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def devset_gold() -> list[dict]:
    return read_devset()


@pytest.fixture(scope="session")
def devset_records(devset_gold) -> list[dict]:
    """Each report read as `policykg eval --manifest` reads it."""
    from policykg.corpus import extract_file
    from policykg.extract.manifest import read_manifest

    manifest = read_manifest(MANIFEST)
    return [extract_file(TEXTS / g["doc"], manifest=manifest) for g in devset_gold]


@pytest.fixture(scope="session")
def devset_scores(devset_gold, devset_records):
    return evaluate_all(devset_gold, devset_records)


def metadata_accuracy(gold: list[dict], records: list[dict]) -> dict[str, float]:
    """Share of the reports whose value of each metadata field matches the gold, matched by
    the evaluation's own normalised comparison (an empty gold value is right when nothing is
    predicted)."""
    scores = evaluate(gold, records, fields=METADATA)
    return {name: 1 - len(scores.fields[name].errors) / len(gold) for name in METADATA}


def department_accuracy(gold: list[dict], records: list[dict]) -> dict[str, tuple[int, dict[str, float]]]:
    by_group: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        by_group[GROUP_OF[g["department"]]].append(g)
    return {group: (len(docs), metadata_accuracy(docs, records)) for group, docs in sorted(by_group.items())}


def test_every_text_has_one_annotation_with_the_seed_gold_keys(devset_gold):
    assert sorted(g["doc"] for g in devset_gold) == sorted(p.name for p in TEXTS.glob("*.txt"))
    assert len({g["doc"] for g in devset_gold}) == len(devset_gold)
    for g in devset_gold:
        assert set(g) == GOLD_KEYS | SOURCE_KEYS, g["doc"]


def test_the_set_is_large_and_mostly_beyond_health(devset_gold):
    departments = Counter(g["department"] for g in devset_gold)
    assert len(devset_gold) >= 40
    assert len(devset_gold) - departments["health"] >= 25
    assert len(departments) >= 10
    assert {g["level"] for g in devset_gold} == LEVELS


def test_each_report_comes_from_an_official_page_of_the_chosen_provinces(devset_gold):
    for g in devset_gold:
        host = urlparse(g["url"]).hostname or ""
        assert host.endswith(".gov.cn"), g["url"]
        assert g["department"] in DEPARTMENTS and g["level"] in LEVELS, g["doc"]
        assert g["province"] in PROVINCES, g["doc"]
        assert isinstance(g["year"], int) and 2016 <= g["year"] <= 2025, g["doc"]


def test_the_manifest_gives_only_what_the_text_never_names(devset_gold):
    """Each manifest row names a dev-set text, and fills its region or its agency (never both, and
    never the year): what the text does not say. The gold's note says where the value came from."""
    from policykg.extract.manifest import read_manifest

    gold = {g["doc"]: g for g in devset_gold}
    manifest = read_manifest(MANIFEST)
    rows = {p.name: e for p, e in manifest.by_path.items()}
    assert rows and set(rows) <= set(gold)
    for doc, entry in rows.items():
        filled = set(entry.overrides)
        assert filled in ({"agency"}, {"region_code"}), (doc, filled)
        assert "manifest" in gold[doc]["notes"] or "publishing site" in gold[doc]["notes"], doc
        text = (TEXTS / doc).read_text(encoding="utf-8")
        if "agency" in filled:
            assert entry.overrides["agency"] not in text, doc


def test_eval_reads_the_reports_with_a_manifest(tmp_path):
    """`policykg eval --manifest` scores what a build with that manifest would read: 030 never
    names its county, and without the manifest its agency stays a bare 教育局."""
    import shutil

    from click.testing import CliRunner

    from policykg.cli import cli

    doc = "030_jianhu_jyj_2024.txt"
    (tmp_path / "texts").mkdir()
    shutil.copy(TEXTS / doc, tmp_path / "texts" / doc)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(next(line for line in (DEVSET / "devset.jsonl").read_text(encoding="utf-8").splitlines()
                         if doc in line) + "\n", encoding="utf-8")
    args = ["eval", str(gold), str(tmp_path / "texts"), "--json", "--by", "none"]
    scores = {}
    for extra in ([], ["--manifest", str(MANIFEST)]):
        result = CliRunner().invoke(cli, args + extra)
        assert result.exit_code == 0, result.output
        fields = {f["field"]: f for f in json.loads(result.output)["fields"]}
        scores[bool(extra)] = fields["agency"]["f1"]
    assert scores == {False: 0.0, True: 1.0}


def test_surface_items_are_in_their_report(devset_gold):
    """Agencies, programmes and document numbers are surface forms: each is in its report."""
    from policykg.extract.evaluate import normalise

    for g in devset_gold:
        text = (TEXTS / g["doc"]).read_text(encoding="utf-8")
        for field in ("agencies", "doc_numbers"):
            for item in g[field]:
                assert normalise(item) in normalise(text), (g["doc"], field, item)
        for item in g["programs"]:
            assert normalise(item, "programs") in normalise(text, "programs"), (g["doc"], item)


def test_print_figures(devset_gold, devset_records, devset_scores):
    """Not a check: prints the per-field and per-department figures (run with -s)."""
    print(f"\ndev set: {len(devset_gold)} reports")
    for name, s in devset_scores.fields.items():
        print(f"  {name:20s} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  (gold {s.tp + s.fn})")
    overall = metadata_accuracy(devset_gold, devset_records)
    print("  metadata accuracy   " + "  ".join(f"{k} {v:.3f}" for k, v in overall.items()))
    for group, (n, acc) in department_accuracy(devset_gold, devset_records).items():
        print(f"  {group:20s} n={n:2d}  " + "  ".join(f"{k} {v:.3f}" for k, v in acc.items()))


@pytest.mark.parametrize("field", sorted(MIN_F1))
def test_field_f1_holds(devset_scores, field):
    s = devset_scores.fields[field]
    assert s.f1 >= MIN_F1[field], f"{field}: F1 {s.f1:.3f} < {MIN_F1[field]}; errors: {s.errors}"


@pytest.mark.parametrize("field", METADATA)
def test_metadata_accuracy_holds(devset_gold, devset_records, field):
    accuracy = metadata_accuracy(devset_gold, devset_records)[field]
    assert accuracy >= MIN_ACCURACY[field], f"{field}: accuracy {accuracy:.3f} < {MIN_ACCURACY[field]}"


@pytest.mark.parametrize("group", sorted(MIN_DEPARTMENT_ACCURACY))
def test_department_metadata_accuracy_holds(devset_gold, devset_records, group):
    n, accuracy = department_accuracy(devset_gold, devset_records)[group]
    below = {k: round(v, 3) for k, v in accuracy.items() if v < MIN_DEPARTMENT_ACCURACY[group][k]}
    assert not below, f"{group} ({n} reports): below the floor {MIN_DEPARTMENT_ACCURACY[group]}: {below}"
