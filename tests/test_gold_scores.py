"""Extraction on the five real reports, held against the hand-made gold.

The minimum F1 per field was measured with `policykg eval` and is held here so that a
change that makes extraction worse fails the suite."""
from pathlib import Path

import pytest

from policykg.extract.evaluate import AMBIGUOUS, evaluate, evaluate_all, gold_region_code

SUPPLEMENT = Path(__file__).parent / "gold"

# Measured on the seeds, then set a little under the measured figure (see the README).
# Measured on 2026-11-23: laws 1.000, regions 1.000, agencies 0.990, programs 0.889,
# doc_numbers 1.000, regions_cooperation 1.000.
MIN_F1 = {
    "laws": 0.95,
    "regions": 0.95,
    "agencies": 0.93,
    "programs": 0.82,
    "doc_numbers": 0.95,
    "regions_cooperation": 0.75,
    # from tests/gold/ (hand-annotated levels and roles); measured 2026-11-23: region_code 1.000,
    # law_levels 1.000, citation_roles 0.973 (0.767 before the clause- and title-aware rules)
    "region_code": 0.99,
    "law_levels": 0.93,
    "citation_roles": 0.90,
}


@pytest.fixture(scope="session")
def scores(gold, seed_records):
    return evaluate_all(list(gold.values()), seed_records, levels=SUPPLEMENT / "seeds_law_levels.tsv",
                        roles=SUPPLEMENT / "seeds_citation_roles.tsv")


def test_gold_names_settle_on_official_codes(gold):
    by_county = {g["county"] or g["city"]: gold_region_code(g) for g in gold.values()}
    assert by_county["北碚区"] == "500109" and by_county["达州市"] == "511700"
    assert by_county["东城区"] == "110101" and by_county["无锡市"] == "320200"
    assert by_county["市中区"] == AMBIGUOUS  # several cities have one; the gold names none


def test_supplementary_gold_covers_the_gold_laws(gold):
    """The annotations speak of laws the gold lists, in documents the gold has."""
    from policykg.extract.evaluate import normalise, read_tsv

    for name in ("seeds_law_levels.tsv", "seeds_citation_roles.tsv"):
        for row in read_tsv(SUPPLEMENT / name):
            g = gold[row["doc"]]
            assert normalise(row["law"]) in {normalise(x) for x in g["laws"] + g.get("laws_optional", [])}, row


@pytest.mark.parametrize("field", sorted(MIN_F1))
def test_field_f1_holds(scores, field):
    s = scores.fields[field]
    assert s.f1 >= MIN_F1[field], f"{field}: F1 {s.f1:.3f} < {MIN_F1[field]}; errors: {s.errors}"


@pytest.mark.parametrize("field", ["agency", "province", "city", "county", "year", "date"])
def test_every_report_metadata_is_right(scores, field):
    s = scores.fields[field]
    assert s.fp == 0 and s.fn == 0, f"{field} wrong for: {s.errors}"


def test_every_seed_has_a_record(gold, seed_records):
    assert {r["doc"] for r in seed_records} == set(gold)


def test_law_mentions_point_at_their_surface(seed_records, seed_paths):
    from policykg.extract.ingest import read_document

    raw = {p.name: read_document(p).raw for p in seed_paths}
    for r in seed_records:
        for m in r["law_mentions"]:
            assert raw[r["doc"]][m["start"]:m["end"]] == m["surface"]
