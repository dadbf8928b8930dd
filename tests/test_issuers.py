"""Issuer metadata and the organ lexicon, one rule per test, on single invented sentences."""
from __future__ import annotations

import pytest

from policykg.extract.organs import Context, find_agencies


def surfaces(text: str) -> list[str]:
    return [a.surface for a in find_agencies(text, Context())]


def meta_of(nlp, text: str):
    from policykg.extract.ingest import document_from_text
    from policykg.extract.pipeline import run

    doc = run(nlp, document_from_text(text, "t.txt"))
    return doc._.meta


@pytest.mark.parametrize("text, organ", [
    ("市人社局开展专项检查。", "人力资源和社会保障局"),
    ("县住建局牵头整治。", "住房和城乡建设局"),
    ("区自然资源局落实审批。", "自然资源局"),
    ("市医保局加强基金监管。", "医疗保障局"),
    ("省发改委印发方案。", "发展和改革委员会"),
    ("县文广旅局开展执法。", "文化广播电视和旅游局"),
])
def test_catalogue_short_forms_resolve_to_the_official_organ(text, organ):
    assert [a.organ for a in find_agencies(text, Context())] == [organ]


def test_national_bodies_of_the_catalogue():
    assert surfaces("按照应急管理部和国家数据局的部署。") == ["应急管理部", "国家数据局"]
    assert surfaces("中国法学会举办论坛。") == ["中国法学会"]


def test_the_longest_span_takes_the_party_group_and_the_unit():
    assert surfaces("县教育局党组研究部署。") == ["县教育局党组"]
    assert surfaces("会同教育部政策法规司调研。") == ["教育部政策法规司"]


def test_party_offices_after_their_committee():
    assert surfaces("报市委编办审核,省委网信办备案。") == ["市委编办", "省委网信办"]


def test_a_party_committee_of_a_department():
    found = find_agencies("中共茶陵县财政局委员会研究。", Context())
    assert found[0].surface == "中共茶陵县财政局委员会" and found[0].kind == "party"


def test_bare_department_names_in_a_list():
    assert surfaces("会同司法厅、公安厅开展检查。") == ["司法厅", "公安厅"]
    assert surfaces("配合司法局开展清理,协助公安局执法。") == ["司法局", "公安局"]


def test_the_party_group_of_our_bureau_after_its_level():
    found = find_agencies("通过市局党组(扩大)会议部署。", Context(agency="十堰市自然资源和规划局", region_code="420300"))
    assert [(a.surface, a.full_name) for a in found] == [("市局党组", "十堰市自然资源和规划局党组")]


def test_generic_words_make_no_agency():
    assert surfaces("各区县司法局要加强卫生健康部门协作。") == []
    assert surfaces("指导各市州生态环境局党委学法。") == []
    assert surfaces("做好政府领导、卫健委牵头的工作。") == []


def test_document_number_fragments_make_no_agency():
    assert surfaces("印发(湘委发〔2022〕5号)文件。") == []


def test_a_two_character_county_glued_to_a_word_is_not_a_place():
    assert surfaces("牵头办理县人大代表建议。") == ["县人大"]
    assert surfaces("县委的领导和县财政局的支持。") == ["县委", "县财政局"]


def test_autonomous_regions_and_prefectures():
    assert surfaces("在自治区党委领导下。") == ["自治区党委"]
    found = find_agencies("恩施州司法局开展普法。", Context())
    assert found[0].surface == "恩施州司法局" and found[0].full_name == "恩施土家族苗族自治州司法局"


def test_a_street_office_after_its_county():
    found = find_agencies("株洲市荷塘区月塘街道办事处开展普法。", Context())
    assert found[0].surface == "株洲市荷塘区月塘街道办事处"


def test_a_leading_group_after_its_place():
    assert surfaces("召开市依法行政工作领导小组会议。") == ["市依法行政工作领导小组"]
    assert surfaces("成立由局长任组长的普法工作领导小组。") == []


def test_issuer_from_the_title_of_a_department(nlp):
    m = meta_of(nlp, "南京市交通运输局2023年法治政府建设情况报告\n2023年,市交通运输局坚持依法行政,全面推进法治建设。")
    assert (m.agency, m.province, m.city, m.year) == ("南京市交通运输局", "江苏省", "南京市", 2023)


def test_a_place_as_the_subject_is_its_government(nlp):
    m = meta_of(nlp, "2022年,株洲市坚持以法治思想为指导,全面推进依法行政。")
    assert m.agency == "株洲市人民政府" and m.province == "湖南省"


def test_a_relative_issuer_is_completed_from_the_place_named(nlp):
    m = meta_of(nlp, "2023年,省民政厅坚持依法行政。全年在湖南省各地开展检查。")
    assert m.agency == "湖南省民政厅"


def test_our_county_is_the_county_government(nlp):
    m = meta_of(nlp, "2022年,我县坚持依法行政,在茶陵县各乡镇开展普法。")
    assert m.agency.endswith("茶陵县人民政府") and m.county == "茶陵县"


def test_a_sector_names_its_department(nlp):
    m = meta_of(nlp, "2022年,全市司法行政系统在市委的领导下依法履职。株洲市各区共同推进。")
    assert m.agency == "株洲市司法局"


def test_the_government_report_of_a_party_committee_and_government(nlp):
    m = meta_of(nlp, "中共株洲市委 株洲市人民政府\n关于2022年法治政府建设情况的报告\n2022年,全市坚持依法行政。")
    assert m.agency == "株洲市人民政府"


def test_the_work_year_is_not_a_cited_plan_span(nlp):
    m = meta_of(nlp, "株洲市人民政府法治政府建设情况报告\n根据《法治政府建设实施纲要(2021—2025年)》,2023年,市政府坚持依法行政。")
    assert m.year == 2023


@pytest.mark.parametrize("text, surface, full_name", [
    ("省十三届人大常委会第二十次会议审议通过。", "省十三届人大常委会", "江苏省人民代表大会常务委员会"),
    ("向市第十六届人民代表大会常务委员会报告。", "市第十六届人民代表大会常务委员会", "南京市人民代表大会常务委员会"),
    ("区人大常委会开展执法检查。", "区人大常委会", "南京市玄武区人民代表大会常务委员会"),
    ("南京市第十七届人大常委会听取报告。", "南京市第十七届人大常委会", "南京市人民代表大会常务委员会"),
])
def test_standing_committees_with_their_term_are_the_committee_itself(text, surface, full_name):
    """The term (十三届) is written inside the name but is not part of the body: the standing
    committee is one agency from term to term, named without it."""
    found = find_agencies(text, Context(region_code="320102"))  # 南京市玄武区
    assert [(a.surface, a.full_name, a.kind) for a in found] == [(surface, full_name, "congress")]


def test_a_term_without_a_place_names_no_local_committee():
    assert surfaces("各地十三届人大常委会的做法。") == []


@pytest.mark.parametrize("text", [
    "行政机关负责人出庭应诉率100%,法院判决执行率100%。",
    "县法院受理行政诉讼案件数同比下降12%。",
    "全市法院一审行政案件受理数下降。",
    "检察院提起公益诉讼案件数为12件。",
])
def test_an_organ_heading_a_statistic_makes_no_agency(text):
    assert surfaces(text) == []


def test_an_organ_acting_before_a_noun_in_rate_is_still_an_agency():
    """率 or 量 ending an ordinary noun (效率, 质量) with no figure after it is no statistic."""
    assert surfaces("市卫健委提升效率。市市场监管局提升产品质量。县法院审理行政案件42件。") == [
        "市卫健委", "市市场监管局", "县法院"]


def test_a_township_standing_as_the_subject_is_its_government(nlp):
    m = meta_of(nlp, "县委、县政府:\n2025年,下蜀镇坚持以习近平新时代中国特色社会主义思想为指导,推进依法行政。")
    assert m.agency == "下蜀镇人民政府"
    m = meta_of(nlp, "2022年,坡子街街道深入学习贯彻习近平法治思想。")
    assert m.agency == "坡子街街道办事处"


def test_the_whole_town_is_no_township_name(nlp):
    m = meta_of(nlp, "2025年,全镇坚持依法行政,推进法治建设。")
    assert m.agency != "全镇人民政府"


def test_a_prefecture_by_its_short_name_is_the_subject(nlp):
    m = meta_of(nlp, "海西州2020年度法治政府建设工作报告\n2020年,海西州坚持依法行政。")
    assert (m.agency, m.province, m.city) == ("海西蒙古族藏族自治州人民政府", "青海省", "海西蒙古族藏族自治州")


def test_a_ministry_treaty_and_law_department_is_its_unit():
    assert surfaces("邀请财政部条法司领导作专题讲座。") == ["财政部条法司"]


def test_a_bound_of_the_reporting_period_is_no_signing_date():
    from policykg.extract.components.metadata import parse_date

    assert parse_date("本年度报告中所列数据的统计期限自2023年1月1日起至12月31日止。") == ""
    assert parse_date("上海市浦东新区财政局\n2024年1月28日\n") == "2024-01-28"


def test_party_committees_for_law_based_governance_and_education_at_every_level():
    assert surfaces("主持制定市委依法治市委年度工作要点,区委依法治区委、县委依法治县委审议。") == [
        "市委依法治市委", "区委依法治区委", "县委依法治县委"]
    assert surfaces("区委依法治区委员会召开会议,区委依法治区委员会办公室印发。") == [
        "区委依法治区委员会", "区委依法治区委员会办公室"]
    found = find_agencies("中共重庆市荣昌区委教育工作委员会召开会议,区委教育工委部署。", Context())
    assert [(a.surface, a.kind) for a in found] == [("中共重庆市荣昌区委教育工作委员会", "party"), ("区委教育工委", "party")]


def test_a_national_office_under_the_state_council():
    assert [a.full_name for a in find_agencies("接受国务院电子政务办和司法部验收。", Context())] == [
        "国务院办公厅电子政务办公室", "中华人民共和国司法部"]


def test_an_urban_administration_enforcement_bureau():
    assert surfaces("柳州市城市管理行政执法局更名为柳州市城市管理局。") == ["柳州市城市管理行政执法局", "柳州市城市管理局"]


def test_a_transport_bureau_keeps_its_own_name(nlp):
    """交通局 and 交通厅 are names some places kept (重庆市交通局 until 2022), not short forms of
    交通运输局: the issuer is named as written."""
    m = meta_of(nlp, "重庆市交通局2022年度法治政府建设工作情况\n2022年,重庆市交通局坚持依法行政。")
    assert m.agency == "重庆市交通局" and m.city == "重庆市"


def test_a_report_calling_itself_our_bureau_is_by_the_one_bureau_it_names(nlp):
    text = ("按照有关要求,现将我局法治政府建设工作开展情况总结如下:\n一、主要举措\n研究制定了《2024年度霍邱县应急管理局"
            "学法计划》,县应急局所有行政许可事项均进驻县政务大厅。")
    m = meta_of(nlp, text)
    assert (m.agency, m.province, m.city) == ("霍邱县应急管理局", "安徽省", "六安市")
    # two bureaus named: which one is 我局 is not guessed
    two = text.replace("县政务大厅。", "县政务大厅,会同霍邱县公安局开展检查。")
    assert meta_of(nlp, two).agency == ""


def test_peoples_organisations_and_service_centres_after_their_place():
    assert surfaces("会同市妇联、县残联、区科协、市工商联开展普法。") == ["市妇联", "县残联", "区科协", "市工商联"]
    assert surfaces("妇联组织和残联工作") == []  # short forms only after their place
    found = find_agencies("成都市投资促进局、市台办和省地方金融管理局参加。", Context())
    assert [a.organ for a in found] == ["投资促进局", "台湾事务办公室", "地方金融管理局"]


def test_our_city_is_the_city_not_the_first_district_named(nlp):
    m = meta_of(nlp, "2023年,我市坚持依法行政。上党区、武乡县推进综合执法改革,长治市法治建设取得成效。")
    assert (m.agency, m.city, m.county) == ("长治市人民政府", "长治市", "")


def test_a_street_written_as_jie_leading_its_report_is_the_street_office(nlp):
    m = meta_of(nlp, "2023年,万兴街在区委、区政府的正确领导下,认真落实《南开区法治政府建设实施方案》。")
    assert (m.agency, m.city, m.county) == ("天津市南开区万兴街道办事处", "天津市", "南开区")


def test_reform_era_offices():
    found = find_agencies("西藏自治区国防动员办公室、吉林省政务服务和数字化建设管理局。", Context())
    assert [a.organ for a in found] == ["国防动员办公室", "政务服务和数字化建设管理局"]


@pytest.mark.parametrize("text, agency", [
    ("一年来,周溪乡在县委、县政府的正确领导下,深入学习贯彻习近平法治思想。", "周溪乡人民政府"),
    ("2025年,中村乡法治政府建设工作在市委、市人民政府的正确领导下,认真落实上级部署。", "中村乡人民政府"),
])
def test_a_township_opening_its_report_after_a_lead_or_with_its_work(nlp, text, agency):
    assert meta_of(nlp, text).agency == agency


def test_a_county_bureau_of_culture_sports_and_tourism_keeps_its_name(nlp):
    m = meta_of(nlp, "明溪县文体和旅游局2025年度法治政府建设情况报告\n2025年,明溪县文体和旅游局深入贯彻落实纲要。")
    assert m.agency == "明溪县文体和旅游局"


def test_a_zone_and_its_district_in_brackets_before_the_organ():
    found = find_agencies("高新区(新市区)人民政府2024年法治政府建设工作报告", Context())
    assert [(a.surface, a.organ) for a in found] == [("高新区(新市区)人民政府", "人民政府")]


def test_a_townships_report_names_its_own_bodies_after_its_level(nlp):
    """In a township's report, 镇党委 and 镇政府 are its own committee and government, and
    留下街道党工委 its street's party working committee; 乡镇政府 and 城乡 are not, and another
    agency's report leaves a bare 镇党委 alone."""
    from policykg.extract.ingest import document_from_text
    from policykg.extract.pipeline import run

    def agencies(text):
        doc = run(nlp, document_from_text(text, "t.txt"))
        return [(m.surface, m.canonical) for m in doc._.mentions if m.label == "AGENCY"]

    assert agencies("2025年,下蜀镇坚持以习近平法治思想为指导。镇党委研究部署,镇政府落实,乡镇政府和城乡建设。") == [
        ("镇党委", "中共下蜀镇委员会"), ("镇政府", "下蜀镇人民政府")]
    assert agencies("杭州市西湖区留下街道办事处2022年报告\n2022年,留下街道深入贯彻法治思想。召开留下街道党工委会议。")[-1] == (
        "留下街道党工委", "中共杭州市西湖区留下街道工作委员会")
    assert agencies("2023年,嘉善县司法局坚持依法行政。镇党委和镇政府配合。") == [("嘉善县司法局", "嘉兴市嘉善县司法局")]


def test_a_town_named_after_its_county_in_the_title_is_the_issuer(nlp):
    m = meta_of(nlp, "平湖市新仓镇2024年度法治政府建设情况报告\n中共平湖市委、平湖市人民政府:\n2024年,新仓镇坚持依法行政。")
    assert (m.agency, m.city, m.county) == ("平湖市新仓镇人民政府", "嘉兴市", "平湖市")


def test_a_city_inside_a_slogan_is_not_named_for_a_countys_agency(nlp):
    """信用云浮 is a platform's name: 郁南县's bureau is not given 云浮市 for it; a city named as a
    place is given."""
    text = "2023年,郁南县自然资源局坚持依法行政,依托“信用云浮”平台公示。"
    assert meta_of(nlp, text).agency == "郁南县自然资源局"
    assert meta_of(nlp, text + "云浮市自然资源局部署专项检查。").agency == "云浮市郁南县自然资源局"


def test_a_city_bureaus_branch_in_a_district():
    assert surfaces("广州市公安局增城区分局2023年法治政府建设情况报告") == ["广州市公安局增城区分局"]


@pytest.mark.parametrize("text, agency", [
    ("中共将乐县委员会,将乐县人民政府:\n2024年,古镛镇法治政府建设工作在县委、县政府的有力指导下,围绕年度工作要点推进。",
     "将乐县古镛镇人民政府"),  # the addressees' line is not the opening (it names the county)
    ("六郎镇2024年法治政府建设年度报告\n2024年,在区委、区政府的坚强领导下,我镇深入贯彻落实法治建设要求。", "六郎镇人民政府"),
])
def test_a_towns_report_after_its_addressees_or_under_its_title(nlp, text, agency):
    assert meta_of(nlp, text).agency == agency
