"""The README's first command on the bundled synthetic sample: mixed encodings, a full build."""
import json

from click.testing import CliRunner

from policykg.cli import cli


def test_sample_corpus_builds_in_four_encodings(examples_dir, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(examples_dir), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "documents: 4 built, 0 failed" in result.output
    records = [json.loads(l) for l in (tmp_path / "extraction.jsonl").read_text(encoding="utf-8").splitlines()]
    by_doc = {r["doc"]: r for r in records}
    assert {r["encoding"] for r in records} >= {"utf_8", "utf_8_sig", "gb18030", "utf_16"}
    assert by_doc["西湖区2023.txt"]["agency"] == "杭州市西湖区卫生健康局"
    assert by_doc["涪城区2021.txt"]["county"] == "涪城区" and by_doc["涪城区2021.txt"]["city"] == "绵阳市"
    assert "苏府规字〔2020〕3号" in by_doc["苏州市2022.txt"]["doc_numbers"]
    assert "中华人民共和国宪法" in by_doc["佛山市2022.txt"]["laws"]
