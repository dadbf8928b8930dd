"""`policykg eval` per group of reports: metadata accuracy and field F1 per department type
(the gold's `department` key), one group "all" when the gold has none, as a table and in --json.
Scored on small hand-written records, so that each figure can be checked by hand."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from policykg.cli import cli
from policykg.extract.evaluate import ALL, evaluate_by, metadata_accuracy

GOLD = [
    {"doc": "a.txt", "department": "justice", "agency": "甲市司法局", "province": "甲省", "city": "甲市", "year": 2022,
     "programs": ["放管服", "三项制度"], "laws": ["中华人民共和国宪法"]},
    {"doc": "b.txt", "department": "justice", "agency": "乙市司法局", "province": "甲省", "city": "乙市", "year": 2022,
     "programs": ["八五普法"], "laws": []},
    {"doc": "c.txt", "department": "government", "agency": "甲省人民政府", "province": "甲省", "city": "", "year": 2023,
     "programs": [], "laws": ["中华人民共和国行政处罚法"]},
]
PREDICTED = [
    {"doc": "a.txt", "agency": "甲市司法局", "province": "甲省", "city": "甲市", "year": 2022,
     "programs": ["放管服"], "laws": ["中华人民共和国宪法"]},
    {"doc": "b.txt", "agency": "", "province": "甲省", "city": "乙市", "year": 2021,
     "programs": ["八五普法", "一刀切"], "laws": []},
    {"doc": "c.txt", "agency": "甲省人民政府", "province": "甲省", "city": "", "year": 2023,
     "programs": [], "laws": ["中华人民共和国行政处罚法"]},
]


def test_metadata_accuracy_is_the_share_of_reports_right():
    assert metadata_accuracy(GOLD[:2], PREDICTED) == {"agency": 0.5, "province": 1.0, "city": 1.0, "year": 0.5}
    # an empty gold city is right when none is predicted
    assert metadata_accuracy(GOLD[2:], PREDICTED)["city"] == 1.0


def test_scores_per_department_type():
    groups = {g.group: g for g in evaluate_by(GOLD, PREDICTED)}
    assert list(groups) == ["justice", "government"]  # largest group first
    justice = groups["justice"]
    assert justice.documents == 2
    programs = justice.evaluation.fields["programs"]
    assert (programs.tp, programs.fp, programs.fn) == (2, 1, 1)
    assert justice.accuracy["agency"] == 0.5
    assert groups["government"].evaluation.fields["laws"].f1 == 1.0


def test_a_gold_without_the_key_is_one_group_all():
    gold = [{k: v for k, v in g.items() if k != "department"} for g in GOLD]
    groups = evaluate_by(gold, PREDICTED)
    assert [g.group for g in groups] == [ALL]
    assert groups[0].documents == 3


@pytest.fixture
def files(tmp_path):
    gold, predicted = tmp_path / "gold.jsonl", tmp_path / "predicted.jsonl"
    for path, records in ((gold, GOLD), (predicted, PREDICTED)):
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return gold, predicted


def test_eval_json_has_the_groups(files):
    result = CliRunner().invoke(cli, ["eval", str(files[0]), str(files[1]), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["by"]["key"] == "department"
    justice = next(g for g in out["by"]["groups"] if g["group"] == "justice")
    assert justice["documents"] == 2
    assert justice["accuracy"] == {"agency": 0.5, "province": 1.0, "city": 1.0, "year": 0.5}
    programs = next(f for f in justice["fields"] if f["field"] == "programs")
    assert (programs["tp"], programs["fp"], programs["fn"]) == (2, 1, 1)


def test_eval_prints_a_table_per_department_type(files):
    result = CliRunner().invoke(cli, ["eval", str(files[0]), str(files[1])], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "by department" in result.output
    rows = [line for line in result.output.splitlines() if "justice" in line or "government" in line]
    assert len(rows) == 2
    justice = rows[0] if "justice" in rows[0] else rows[1]
    # reports, agency, province, city, year accuracy, then laws and programs F1
    assert [c.strip() for c in justice.split("│")[1:-1]][:6] == ["justice", "2", "0.500", "1.000", "1.000", "0.500"]


def test_eval_by_none_prints_no_groups(files):
    result = CliRunner().invoke(cli, ["eval", str(files[0]), str(files[1]), "--by", "none", "--json"])
    assert "by" not in json.loads(result.output)
