"""The README's first command on the bundled synthetic sample: mixed encodings, a full build."""
import json

from click.testing import CliRunner

from policykg.cli import cli


def test_sample_corpus_builds_in_every_format(examples_dir, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(examples_dir), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "documents: 7 built (1 docx, 1 html, 1 pdf, 4 txt), 0 failed, 0 skipped, 0 duplicates" in result.output
    records = [json.loads(l) for l in (tmp_path / "extraction.jsonl").read_text(encoding="utf-8").splitlines()]
    by_doc = {r["doc"]: r for r in records}
    assert {r["encoding"] for r in records} >= {"utf_8", "utf_8_sig", "gb18030", "utf_16"}
    assert by_doc["西湖区2023.txt"]["agency"] == "杭州市西湖区卫生健康局"
    assert by_doc["涪城区2021.txt"]["county"] == "涪城区" and by_doc["涪城区2021.txt"]["city"] == "绵阳市"
    assert "苏府规字〔2020〕3号" in by_doc["苏州市2022.txt"]["doc_numbers"]
    assert "中华人民共和国宪法" in by_doc["佛山市2022.txt"]["laws"]
    # the other formats: a Word table, a GB2312 web page with chrome naming other agencies, a PDF
    assert by_doc["叙州区2022.docx"]["agency"] == "宜宾市叙州区卫生健康局"
    assert "中华人民共和国医师法" in by_doc["叙州区2022.docx"]["laws"]
    page = by_doc["汇川区2023.html"]
    assert page["agency"] == "遵义市汇川区卫生健康局" and page["source"]["published"] == "2024-01-12"
    assert not {"区财政局", "区教育局", "区公安分局"} & set(page["agencies"])
    assert by_doc["株洲市2021.pdf"]["agency"] == "株洲市卫生健康委员会"
    assert "重大行政决策程序暂行条例" in by_doc["株洲市2021.pdf"]["laws"]
    for r in records:  # every evidence offset indexes into the text written beside the graph
        text = (tmp_path / r["text_file"]).read_text(encoding="utf-8")
        assert all(text[m["start"]:m["end"]] == m["surface"] for m in r["mentions"])
