"""The law registry: its data files' schema, the catalogue under the curated entries, and how cited
titles resolve to it (drafts, lost opening marks, one-word misquotes, bare short names)."""
from __future__ import annotations

import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml

from policykg.extract.law_names import (LEVELS, LawEntry, RegistryError, check_registry, describe,
                                        load_registry, merge_entries)
from policykg.extract.records import LAW

ROOT = Path(__file__).resolve().parent.parent


def laws_in(nlp, text: str) -> list[tuple[str, str, str]]:
    """(surface, canonical, level) of each law mention in a sentence."""
    doc = nlp(text)
    return [(m.surface, m.canonical, m.attrs["level"]) for m in doc._.mentions if m.label == LAW]


# ---------------------------------------------------------------- the data files

def test_levels_are_the_ontology_scheme():
    ttl = resources.files("policykg.ontology").joinpath("policykg.ttl").read_text(encoding="utf-8")
    scheme = set(re.findall(r'skos:inScheme pk:LawLevels ; skos:prefLabel "([^"]+)"@zh', ttl))
    assert scheme == set(LEVELS)


def test_catalogue_is_national_and_names_its_sources():
    text = resources.files("policykg.ontology").joinpath("data/laws_catalogue.yaml").read_text(encoding="utf-8")
    header = text.split("\n- ", 1)[0]
    assert "LawRefBook/Laws @ " in header and "licence" in header
    entries = yaml.safe_load(text)
    levels = {e["level"] for e in entries}
    assert levels == {"法律", "行政法规", "部门规章"}
    assert len(entries) > 1000
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(e["date"])) for e in entries if e.get("date"))


def test_loaded_registry_covers_every_national_level():
    counts: dict[str, int] = {}
    for e in load_registry().entries:
        counts[e.level] = counts.get(e.level, 0) + 1
    assert counts["法律"] > 250 and counts["行政法规"] > 500 and counts["部门规章"] > 300
    assert counts["党内法规"] > 30


def test_schema_check_rejects_an_unknown_level():
    with pytest.raises(RegistryError, match="司法文件"):
        check_registry([LawEntry("某某规定", "司法文件")])


def test_schema_check_rejects_an_alias_of_two_documents():
    # the registry's old mistake: 信访工作条例 as an alias of 信访条例 while also an entry of its own
    entries = [LawEntry("信访条例", "行政法规", aliases=["信访工作条例"]), LawEntry("信访工作条例", "党内法规")]
    with pytest.raises(RegistryError, match="信访工作条例"):
        check_registry(entries)


def test_schema_check_sees_the_prc_less_form_too():
    entries = [LawEntry("中华人民共和国档案法", "法律"), LawEntry("档案法", "法律")]
    with pytest.raises(RegistryError, match="档案法"):
        check_registry(entries)


def test_schema_check_rejects_a_missing_level_and_a_non_iso_date():
    with pytest.raises(RegistryError, match="lacks"):
        check_registry([LawEntry("某某条例", "")])
    with pytest.raises(RegistryError, match="ISO"):
        check_registry([LawEntry("某某条例", "行政法规", date="2005年1月10日")])


def test_curated_entry_replaces_the_catalogue_one_and_keeps_its_dates():
    catalogue = [LawEntry("中华人民共和国某某条例", "行政法规", "国务院", "2001-02-03", revised="2019-03-02")]
    curated = [LawEntry("某某条例", "行政法规", aliases=["某某管理条例"])]
    merged = merge_entries(catalogue, curated)
    assert len(merged) == 1
    assert merged[0].name == "某某条例" and merged[0].date == "2001-02-03" and merged[0].revised == "2019-03-02"
    assert "中华人民共和国某某条例" in merged[0].aliases


# ---------------------------------------------------------------- resolving titles

def test_xinfang_regulation_and_xinfang_work_regulation_are_two_documents(nlp):
    found = laws_in(nlp, "各科室组织学习《信访条例》，并认真贯彻《信访工作条例》。")
    assert [(c, lv) for _, c, lv in found] == [("信访条例", "行政法规"), ("信访工作条例", "党内法规")]
    assert describe("信访条例").in_registry and load_registry().lookup("信访条例").repealed


@pytest.mark.parametrize("suffix", ["（修订）", "（修订草案）", "（草案）", "(修订草案征求意见稿)", "（2021年修订）"])
def test_a_draft_or_revision_suffix_resolves_to_the_document(nlp, suffix):
    found = laws_in(nlp, f"对《中华人民共和国行政复议法{suffix}》提出修改意见。")
    assert [(c, lv) for _, c, lv in found] == [("中华人民共和国行政复议法", "法律")]


def test_a_title_whose_opening_mark_was_lost(nlp):
    found = laws_in(nlp, "全体干部职工集中学习贯彻行政处罚法》等法律法规。")
    assert found == [("行政处罚法》", "中华人民共和国行政处罚法", "法律")]


def test_a_lost_opening_mark_before_a_regulation_without_bare_name(nlp):
    found = laws_in(nlp, "认真落实医疗机构依法执业自查管理办法》的要求。")
    assert [c for _, c, _ in found] == ["医疗机构依法执业自查管理办法"]


def test_a_lost_opening_mark_is_left_alone_when_the_registry_does_not_know_the_title(nlp):
    assert laws_in(nlp, "认真落实本单位内部管理制度汇编》的要求。") == []


def test_a_one_word_misquote_resolves_to_the_registry_entry(nlp):
    found = laws_in(nlp, "开展《突发事件应急法》专题培训。")
    assert found == [("《突发事件应急法》", "中华人民共和国突发事件应对法", "法律")]


def test_a_misquote_of_another_level_or_a_short_title_stays_unresolved():
    # 处方监理办法 is one character from 处方管理办法 (a departmental rule), but a short title of
    # another level by its form (a normative document without an order number): not certain
    assert load_registry().near("处方监理办法") is not None
    info = describe("处方监理办法")
    assert not info.in_registry and info.level == "规范性文件"
    # five characters are too short to be sure (消防法 / 消费法)
    assert load_registry().near("食品安全码") is None and not describe("消费法").in_registry


def test_numbered_documents_are_never_merged_by_the_misquote_rule():
    registry = load_registry()
    assert registry.near("最高人民检察院、公安部关于公安机关管辖的刑事案件立案追诉标准的规定（二）") is None


def test_a_party_regulation(nlp):
    found = laws_in(nlp, "党组专题学习《中国共产党党内监督条例》和《党政领导干部选拔任用工作条例》。")
    assert [(c, lv) for _, c, lv in found] == [("中国共产党党内监督条例", "党内法规"),
                                              ("党政领导干部选拔任用工作条例", "党内法规")]


def test_a_departmental_rule(nlp):
    found = laws_in(nlp, "严格执行《道路危险货物运输管理规定》，开展专项检查。")
    assert [(c, lv) for _, c, lv in found] == [("道路危险货物运输管理规定", "部门规章")]
    assert describe("道路危险货物运输管理规定").issuer == "交通运输部"


def test_a_bare_short_name_from_the_catalogue(nlp):
    found = laws_in(nlp, "开展种子法执法检查，依法查处违法行为。")
    assert found == [("种子法", "中华人民共和国种子法", "法律")]


def test_bare_names_that_are_parts_of_ordinary_words_are_not_citations(nlp):
    assert laws_in(nlp, "完善分公司法人治理结构，明确公司法定代表人职责。") == []


def test_a_local_regulation_is_not_taken_for_the_national_one(nlp):
    assert all(c != "物业管理条例" for _, c, _ in laws_in(nlp, "贯彻落实重庆市物业管理条例，规范物业服务。"))


# ---------------------------------------------------------------- the generator

def test_generator_reads_a_snapshot_and_writes_the_facts(tmp_path):
    """A tiny LawRefBook-shaped git repository: db.sqlite3 plus Markdown files with their heads."""
    import sqlite3

    repo = tmp_path / "laws"
    (repo / "行政法").mkdir(parents=True)
    (repo / "行政法" / "某某法(2021-01-22).md").write_text(
        "# 中华人民共和国某某法\n\n1996年3月17日 第八届全国人民代表大会第四次会议通过\n\n"
        "2021年1月22日 第十三届全国人民代表大会常务委员会第二十五次会议修订\n\n<!-- INFO END -->\n\n## 第一章\n",
        encoding="utf-8")
    con = sqlite3.connect(repo / "db.sqlite3")
    con.execute("create table category (id text, name text, folder text)")
    con.execute("create table law (name text, level text, publish text, expired int, category_id text)")
    con.execute("insert into category values ('c', '行政法', '行政法')")
    con.execute("insert into law values ('某某法', '法律', '2021-01-22', 0, 'c')")
    con.commit()
    con.close()
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "x"]):
        subprocess.run(["git", "-C", str(repo), *cmd], check=True, env={**env, "PATH": "/usr/bin:/bin"})
    out = tmp_path / "catalogue.yaml"
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_law_catalogue.py"), "--lawrefbook", str(repo),
                    "-o", str(out)], check=True, capture_output=True)
    entries = [{k: str(v) for k, v in e.items()} for e in yaml.safe_load(out.read_text(encoding="utf-8"))]
    assert entries == [{"name": "中华人民共和国某某法", "level": "法律", "issuer": "全国人民代表大会",
                        "date": "1996-03-17", "revised": "2021-01-22"}]
    assert "LawRefBook/Laws @ " in out.read_text(encoding="utf-8")


def test_outlines_and_procedures_are_normative_titles(nlp):
    """规程 and 大纲 end normative documents (工作规程, 《青少年法治教育大纲》) as 办法 and 纲要 do."""
    found = laws_in(nlp, "严格落实《青少年法治教育大纲》要求,制定《行政执法监督和行政争议处理规程(试行)》。")
    assert [(c, lv) for _s, c, lv in found] == [("青少年法治教育大纲", "规范性文件"),
                                               ("行政执法监督和行政争议处理规程(试行)", found[1][2])]


def test_a_known_miscitation_of_a_party_regulation_resolves_to_it(nlp):
    found = laws_in(nlp, "严格落实《党政主要负责人履行推进第一责任人职责规定》。")
    assert [c for _s, c, _lv in found] == ["党政主要负责人履行推进法治建设第一责任人职责规定"]


def test_a_plans_years_without_nian_resolve_to_the_plan(nlp):
    found = laws_in(nlp, "认真贯彻落实《法治政府建设实施纲要(2021-2025)》精神。")
    assert [c for _s, c, _lv in found] == ["法治政府建设实施纲要（2021—2025年）"]


@pytest.mark.parametrize("outer, inner", [("<", ">"), ("＜", "＞"), ("〈", "〉")])
def test_a_title_nested_in_angle_brackets_is_cited_too(nlp, outer, inner):
    """Web copies write the inner 〈〉 of a nested title as < > or ＜＞; inside a 《》 they are its marks."""
    found = laws_in(nlp, f"制订《省民政厅贯彻{outer}党政主要负责人履行推进法治建设第一责任人职责规定{inner}实施细则》。")
    assert [(s, c) for s, c, _lv in found] == [
        (f"《省民政厅贯彻{outer}党政主要负责人履行推进法治建设第一责任人职责规定{inner}实施细则》",
         f"省民政厅贯彻{outer}党政主要负责人履行推进法治建设第一责任人职责规定{inner}实施细则"),
        (f"{outer}党政主要负责人履行推进法治建设第一责任人职责规定{inner}", "党政主要负责人履行推进法治建设第一责任人职责规定")]
    assert laws_in(nlp, "当 x<3 且 y>2 时,按《办法》执行。") == []  # outside a title < > are no marks


def test_a_short_title_stands_for_the_law_it_abbreviates(nlp):
    """(以下简称《纲要》) names the short title the report uses; a bare 《纲要》 is the last 纲要 cited;
    a bare 《决定》 with no 决定 before it names nothing one could find."""
    found = laws_in(nlp, "根据《上海法治政府建设规划(2021-2025年)》(以下简称《上海规划》)和《法治政府建设实施纲要"
                         "(2021-2025年)》,对照《上海规划》下发《纲要》任务分解方案。")
    assert [(s, c) for s, c, _lv in found] == [
        ("《上海法治政府建设规划(2021-2025年)》", "上海法治政府建设规划(2021-2025年)"),
        ("《上海规划》", "上海法治政府建设规划(2021-2025年)"),
        ("《法治政府建设实施纲要(2021-2025年)》", "法治政府建设实施纲要（2021—2025年）"),
        ("《上海规划》", "上海法治政府建设规划(2021-2025年)"),
        ("《纲要》", "法治政府建设实施纲要（2021—2025年）")]
    assert laws_in(nlp, "配合市人大常委会出台疫情防控《决定》。") == []


def test_laws_whose_names_end_like_ordinary_words_are_laws(nlp):
    """保护法 ends like 护法, 公司法 like 司法, 法律适用法 like 用法: words that end no law's title,
    except these; a registered title is a law whatever it ends with."""
    found = laws_in(nlp, "学习《中华人民共和国长江保护法》《未成年人保护法》《公司法》《刑法修正案（十一）》"
                         "和《涉外民事关系法律适用法》,开办《以案说法》栏目。")
    assert [c for _s, c, _lv in found] == ["中华人民共和国长江保护法", "中华人民共和国未成年人保护法", "中华人民共和国公司法",
                                           "中华人民共和国刑法修正案（十一）", "中华人民共和国涉外民事关系法律适用法"]


def test_every_registered_law_is_found_by_its_title(nlp):
    from policykg.extract.law_names import load_registry

    names = sorted(e.name for e in load_registry().entries if not e.repealed)
    text = "。".join(f"学习《{n}》" for n in names) + "。"
    found = {c for _s, c, _lv in laws_in(nlp, text)}
    assert [n for n in names if n not in found] == []


@pytest.mark.parametrize("year, edition", [(2019, "法治政府建设实施纲要（2015—2020年）"),
                                           (2022, "法治政府建设实施纲要（2021—2025年）")])
def test_a_plan_cited_without_its_years_is_the_edition_in_force_that_year(nlp, year, edition):
    from policykg.extract.ingest import document_from_text
    from policykg.extract.pipeline import run

    doc = run(nlp, document_from_text(f"三亚市{year}年法治政府建设情况报告\n{year}年,我市认真落实中共中央、国务院"
                                      f"《法治政府建设实施纲要》。", "t.txt"))
    assert [m.canonical for m in doc._.mentions if m.label == LAW] == [edition]
    # its years written, a title means what it says
    assert [c for _s, c, _lv in laws_in(nlp, "落实《法治政府建设实施纲要(2021-2025年)》。")] == [
        "法治政府建设实施纲要（2021—2025年）"]


def test_work_arrangements_key_tasks_and_division_tables_are_normative_titles(nlp):
    found = laws_in(nlp, "印发《许昌市农业农村系统2024年度法治政府建设工作安排》《沈阳市2025年推进更高水平法治政府建设十项重点任务》"
                         "和《鹤龙街专项行动工作分工表》。")
    assert len(found) == 3
