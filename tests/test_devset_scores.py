"""Extraction on the dev set (tests/gold/devset/): 45 report openings from public government
pages beyond the seeds, most of them from departments other than health, held against their
hand-made gold.

The floors are today's measured figures less a small margin, so that a change that makes
extraction worse on reports it was not tuned on fails the suite; whoever improves extraction
raises them. `pytest -s tests/test_devset_scores.py` prints the figures per field and per
department type (the same field scores as `policykg eval tests/gold/devset/devset.jsonl
tests/gold/devset/texts`)."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlparse

import pytest

from policykg.extract.evaluate import evaluate, evaluate_all

DEVSET = Path(__file__).parent / "gold" / "devset"
TEXTS = DEVSET / "texts"

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
             "宁夏回族自治区", "新疆维吾尔自治区", "西藏自治区", "内蒙古自治区", "辽宁省", "吉林省"}

METADATA = ("agency", "province", "city", "year")

# Measured on 2026-11-23 with `policykg eval` (45 documents), after the organ catalogue and the
# issuer rules for any department and level: laws 0.955, doc_numbers 0.900, agencies 0.989 (0.807
# before), regions 0.923, programs 0.493, region_code 0.956 (0.125 before); metadata accuracy
# agency 0.956 (0.044 before), province 0.978, city 0.978, year 1.000. Floors are those less a
# small margin.
MIN_F1 = {
    "laws": 0.90,
    "doc_numbers": 0.95,  # 1.000 on 2026-11-27 (a lost bracket read)
    "agencies": 0.95,  # 0.989 on 2026-11-27 (organ catalogue, issuers of any department)
    "regions": 0.94,  # 0.978 on 2026-11-27 (no places inside ordinary words)
    "programs": 0.85,  # 0.894 on 2026-11-27 (quoted names, formulas, reforms by kind)
    "region_code": 0.92,
}
MIN_ACCURACY = {"agency": 0.92, "province": 0.95, "city": 0.95, "year": 0.95}

# Metadata accuracy per department type, measured on 2026-11-23: government (22) agency 0.955
# province 0.955 city 0.955 (通州区 is never placed in 北京 by its text); education (4) agency
# 0.750 (建湖县教育局 never names its county), province and city 1.000; every other group 1.000;
# year 1.000 everywhere.
MIN_DEPARTMENT_ACCURACY = {
    "government": {"agency": 0.90, "province": 0.90, "city": 0.90, "year": 0.95},
    "health": {"agency": 0.95, "province": 0.95, "city": 0.95, "year": 0.95},
    "education": {"agency": 0.70, "province": 0.95, "city": 0.95, "year": 0.95},
    "justice": {"agency": 0.95, "province": 0.95, "city": 0.95, "year": 0.95},
    "transport": {"agency": 0.95, "province": 0.95, "city": 0.95, "year": 0.95},
    "emergency": {"agency": 0.95, "province": 0.95, "city": 0.95, "year": 0.95},
    "other_departments": {"agency": 0.95, "province": 0.95, "city": 0.95, "year": 0.95},
}
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
def devset_records(nlp, devset_gold) -> list[dict]:
    from policykg.extract.ingest import read_document
    from policykg.extract.pipeline import doc_to_record, run

    return [doc_to_record(run(nlp, read_document(TEXTS / g["doc"]))) for g in devset_gold]


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
