"""Each component on single sentences: citation roles, dates, program boundaries, document
numbers in every bracket form. The sentences are made up for these tests."""
from __future__ import annotations

import pytest

from policykg.extract.components.base import SPANS_KEY
from policykg.extract.components.metadata import parse_date
from policykg.extract.components.roles import RoleClassifier


def spans_of(nlp, text: str, label: str):
    doc = nlp(text)
    return [s for s in doc.spans[SPANS_KEY] if s.label_ == label]


# ---------------------------------------------------------------- citation roles

@pytest.mark.parametrize("text, role", [
    ("组织全体干部集中学习《中华人民共和国行政处罚法》。", "学习培训"),
    ("依据《中华人民共和国行政处罚法》对违法行为给予罚款。", "执法依据"),
    ("开展《中华人民共和国民法典》宣传活动。", "普法宣传"),
    ("起草《重庆市卫生健康行政执法办法》。", "制定修订"),
    ("围绕《法治政府建设实施纲要（2021－2025年）》部署工作。", "其他"),
    # 新修订的 only describes the law; the action is 实施
    ("新修订的《中华人民共和国行政处罚法》实施后，加强执法。", "执法依据"),
    ("全年召开两次会议。", None),
])
def test_the_nearest_trigger_decides_the_role(nlp, text, role):
    laws = spans_of(nlp, text, "LAW")
    assert [s._.role for s in laws] == ([role] if role else [])
    if role and role != "其他":
        assert laws[0]._.triggers


def test_a_trigger_in_another_clause_weighs_less():
    sentence = "组织学习，《中华人民共和国行政处罚法》规定的程序。"
    start, end = sentence.index("《"), sentence.index("》") + 1
    assert RoleClassifier().classify(sentence, start, end) == ("执法依据", ["规定"])
    # the clause penalty is the component's configuration
    assert RoleClassifier(clause_penalty=0).classify(sentence, start, end) == ("学习培训", ["学习"])


def test_words_inside_another_cited_title_are_not_triggers():
    sentence = "《中华人民共和国行政处罚法》《重庆市普法宣传条例》。"
    second = sentence.index("《", 1)
    assert RoleClassifier().classify(sentence, 0, second, [(second, len(sentence) - 1)]) == ("其他", [])


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("text, date", [
    ("2023年1月5日", "2023-01-05"),
    ("二〇二二年十二月三十日", "2022-12-30"),
    ("二○二一年三月二十一日", "2021-03-21"),
    ("二〇二三年一月十日", "2023-01-10"),
    ("2023年1月5日印发，2023年2月1日施行", "2023-02-01"),  # the last date: the signature's
    ("2023年13月1日", ""),
    ("2023年", ""),
])
def test_dates_in_digits_and_chinese_numerals(text, date):
    assert parse_date(text) == date


def test_the_report_date_is_read_from_the_signature(nlp):
    doc = nlp("关于2022年法治政府建设情况的报告\n2022年，我局坚持依法行政。\n重庆市北碚区司法局\n2023年1月16日")
    assert doc._.meta.date == "2023-01-16"


# ---------------------------------------------------------------- program boundaries

@pytest.mark.parametrize("text, surface, name", [
    ("全面推行“双随机、一公开”监管。", "双随机、一公开", "双随机一公开"),
    ("积极推行“首违不罚”制度。", "首违不罚", "首违不罚"),
    ("扎实开展安全生产专项整治行动。", "安全生产专项整治行动", "安全生产专项整治行动"),
    ("深化行政审批制度改革，精简审批事项。", "行政审批制度改革", "行政审批制度改革"),
])
def test_a_program_span_covers_its_name_and_no_more(nlp, text, surface, name):
    programs = spans_of(nlp, text, "PROGRAM")
    assert [(s.text, s.kb_id_) for s in programs] == [(surface, name)]


def test_a_quoted_slogan_before_an_activity_is_no_program(nlp):
    assert spans_of(nlp, "开展“学习宪法 尊崇宪法”主题征文活动。", "PROGRAM") == []


# ---------------------------------------------------------------- document numbers

@pytest.mark.parametrize("written", [
    "渝卫发〔2019〕85号", "渝卫发[2019]85号", "渝卫发［2019］85号", "渝卫发（2019）85号", "渝卫发【2019】85号",
    "渝卫发(2019)85号",
])
def test_every_bracket_form_gives_one_number(nlp, written):
    doc = nlp(f"印发《关于加强卫生健康行政执法工作的通知》（{written}）。")
    numbers = [s for s in doc.spans[SPANS_KEY] if s.label_ == "DOCNUM"]
    assert [s.kb_id_ for s in numbers] == ["渝卫发〔2019〕85号"]
    # the span covers the number as written (the normaliser turns "(" into "（")
    assert numbers[0].text.replace("（", "(").replace("）", ")") == written.replace("（", "(").replace("）", ")")
    law = next(s for s in doc.spans[SPANS_KEY] if s.label_ == "LAW")
    assert law._.doc_number == "渝卫发〔2019〕85号" and numbers[0]._.law == law.kb_id_


@pytest.mark.parametrize("written, restored", [
    ("渝卫发〔201985号", "渝卫发〔2019〕85号"),
    ("渝卫发2019〕85号", "渝卫发〔2019〕85号"),
])
def test_a_number_that_lost_a_bracket_is_kept_as_written_and_restored(nlp, written, restored):
    numbers = spans_of(nlp, f"转发{written}文件。", "DOCNUM")
    assert [(s.text, s.kb_id_, s._.restored) for s in numbers] == [(written, written, restored)]


# ---------------------------------------------------------------- reference data

def test_a_component_added_without_initialize_reads_its_data_at_its_first_doc():
    import spacy

    blank = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    finder = blank.add_pipe("pk_regions")
    assert finder.sources is None
    assert [(s.text, s._.code) for s in spans_of(blank, "重庆市北碚区开展普法。", "REGION")] == [
        ("重庆市", "500000"), ("北碚区", "500109")]
    assert finder.sources["adcodes"].name == "adcodes.csv"


@pytest.mark.parametrize("pattern_name", ["DOC_NUMBER", "LOST_BRACKET", "ORDER_NUMBER"])
def test_document_numbers_are_found_near_their_anchors_as_by_a_full_scan(seed_documents, pattern_name):
    """find_numbers scans only the text before each 〔year〕…号 / 令第…号: the same matches as the
    pattern's own scan of the whole text, prefixes of full length and whitespace included."""
    from policykg.extract.components import doc_numbers

    pattern = getattr(doc_numbers, pattern_name)
    texts = [d.text for d in seed_documents.values()] + [
        "的一二三四五六七八九十一二人民政府令第3号", "一二三四五六七八九十一二  （2021）3号，川市监发2020〕41号、渝卫发〔201985号",
        "印发《办法》（渝府发〔2021〕 3号）（2022）5号"]
    for text in texts:
        assert ([(m.span(), m.groups()) for m in doc_numbers.find_numbers(pattern, text)]
                == [(m.span(), m.groups()) for m in pattern.finditer(text)])


# ---------------------------------------------------------------- writing mentions

def test_mentions_split_tokens_at_their_edges_keep_earlier_spans_and_carry_their_attributes(nlp):
    from policykg.extract.components.base import add_mentions, spans

    text = "重庆市北碚区司法局依据行政处罚法开展执法。"
    doc = nlp.make_doc(text)
    add_mentions(doc, [("REGION", 0, 3, "重庆市", {"code": "500000", "level": "province"}),
                       ("REGION", 3, 5, "北碚区", {"code": "500109", "level": "county", "candidates": []})])
    # a later mention inside earlier tokens: the earlier spans stay on their characters
    add_mentions(doc, [("AGENCY", 1, 9, "重庆市北碚区司法局", {"full_name": "重庆市北碚区司法局"}),
                       ("LAW", 11, 16, "中华人民共和国行政处罚法", {"level": "法律"})])
    got = [(s.label_, s.start_char, s.end_char, s.text, s.kb_id_) for s in spans(doc)]
    assert got == [("REGION", 0, 3, "重庆市", "重庆市"), ("REGION", 3, 5, "北碚", "北碚区"),
                   ("AGENCY", 1, 9, "庆市北碚区司法局", "重庆市北碚区司法局"),
                   ("LAW", 11, 16, "行政处罚法", "中华人民共和国行政处罚法")]
    region, county, agency, law = spans(doc)
    assert (region._.code, region._.level, region._.candidates) == ("500000", "province", None)
    assert (county._.code, county._.candidates) == ("500109", [])
    assert agency._.full_name == "重庆市北碚区司法局" and law._.level == "法律"
    assert doc.text == text and "".join(t.text_with_ws for t in doc) == text
    with pytest.raises(AttributeError):
        add_mentions(doc, [("LAW", 0, 3, "x", {"no_such_attribute": 1})])


# ---------------------------------------------------------------- regions

def test_a_document_numbers_issuer_code_is_no_place(nlp):
    """柳城管党组〔2025〕1号 abbreviates 柳州 城管: 柳城 (柳城县) is not named."""
    text = "柳州市城市管理局印发通知(柳城管党组〔2025〕1号)。"
    assert [s.kb_id_ for s in spans_of(nlp, text, "REGION")] == ["柳州市"]


def test_a_provinces_familiar_name_is_not_its_county(nlp):
    """法治龙江 is rule-of-law 黑龙江, not 龙江县 (a county of 黑龙江)."""
    text = "黑龙江省司法厅组织学习《运用法治思维推进法治龙江建设》。"
    assert [s.kb_id_ for s in spans_of(nlp, text, "REGION")] == ["黑龙江省"]
    assert [s.kb_id_ for s in spans_of(nlp, "黑龙江省龙江县司法局开展普法。", "REGION")] == ["黑龙江省", "龙江县"]


def test_a_position_and_a_level_is_no_place_on_its_own(nlp):
    """中区 is a district of 台中, and an ordinary word (城中区 calls itself 中区)."""
    assert spans_of(nlp, "为建设提供中区有力法治保障。", "REGION") == []


def test_a_street_named_after_a_city_is_not_that_city(nlp):
    """杭州道街道 is a street of 天津's 滨海新区; 浙江道路 is a road in 浙江."""
    text = "天津市滨海新区杭州道街道办事处开展普法。"
    assert [s.kb_id_ for s in spans_of(nlp, text, "REGION")] == ["天津市", "滨海新区", "杭州道街道"]
    assert [s.kb_id_ for s in spans_of(nlp, "加强浙江道路运输管理。", "REGION")] == ["浙江省"]


def test_townships_after_their_county_or_opening_a_sentence(nlp):
    """乡, 镇 and 街道 are not in the gazetteer: named after their county, or as the subject that opens
    a sentence, then wherever the text names them again; their county is their parent."""
    doc = nlp("长沙市天心区坡子街街道办事处2022年报告。在区委的领导下,坡子街街道深入贯彻法治思想。"
              "嘉善县司法局制定任务清单。姚庄镇成功入选全省示范。")
    towns = [(s.text, s._.level, s._.code, s._.parent) for s in doc.spans[SPANS_KEY]
             if s.label_ == "REGION" and s._.level == "township"]
    assert towns == [("坡子街街道", "township", "", "430103"), ("坡子街街道", "township", "", "430103"),
                     ("姚庄镇", "township", "", "")]  # two counties named: 姚庄镇's is not guessed
    # 东城 (北京's 东城区) inside 东城街道 gives way to the township
    assert [s.kb_id_ for s in spans_of(nlp, "清城区东城街道深入学习贯彻。", "REGION")] == ["清城区", "东城街道"]
    # determiners and generic words are no townships; 城关镇 is one
    assert spans_of(nlp, "各镇、全乡推进城乡一体化。城区街道深入推进。", "REGION") == []
    assert [s.kb_id_ for s in spans_of(nlp, "2022年,城关镇坚持依法行政。", "REGION")] == ["城关镇"]


def test_an_autonomous_county_as_reports_write_it(nlp):
    """金平县 is 金平苗族瑶族傣族自治县: its place name and 县, without the peoples it is named after."""
    assert [s.kb_id_ for s in spans_of(nlp, "金平县坚持依法行政。", "REGION")] == ["金平苗族瑶族傣族自治县"]


def test_xinjiangs_prefectures_by_their_first_character(nlp):
    """巴州 is how 新疆 writes 巴音郭楞蒙古自治州; 巴中's 巴州区 keeps its own name."""
    assert [s.kb_id_ for s in spans_of(nlp, "2023年,巴州坚持依法行政。", "REGION")] == ["巴音郭楞蒙古自治州"]
    assert [s.kb_id_ for s in spans_of(nlp, "四川省巴中市巴州区推进执法。", "REGION")] == ["四川省", "巴中市", "巴州区"]


def test_a_pronoun_or_a_time_word_is_no_townships_name(nlp):
    assert spans_of(nlp, "深入推进法治宣传教育。今年我镇紧紧围绕扫黑除恶开展宣传。", "REGION") == []
