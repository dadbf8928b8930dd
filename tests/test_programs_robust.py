"""Programs, regions and document numbers on single sentences of the kind real reports write:
quoted local and branded program names and their boundaries, terms in quotes that are not
programs, place names inside ordinary words, and document numbers that lost a bracket.
The sentences are made up for these tests."""
from __future__ import annotations

import pytest

from policykg.extract.records import DOCNUM, PROGRAM, REGION


def found(nlp, text: str, label: str) -> list[str]:
    return [m.canonical for m in nlp(text)._.mentions if m.label == label]


def programs(nlp, text: str) -> list[str]:
    return found(nlp, text, PROGRAM)


def regions(nlp, text: str) -> list[str]:
    return found(nlp, text, REGION)


# ---------------------------------------------------------------- programs: the lexicon

@pytest.mark.parametrize("text, name", [
    ("局党组严格执行重大事项请示报告制度，及时报告年度工作。", "重大事项请示报告制度"),
    ("修订完善三重一大决策制度，重大决策前必经合法性审查。", "三重一大"),
    ("党组会议坚持把第一议题作为首要任务。", "第一议题"),
    ("认真学习一规划两纲要，推动各项任务落地。", "一规划两纲要"),
    ("今年共推出12个法治为民办实事项目。", "法治为民办实事"),
    # the links between government, courts and procuratorates, and the Outline's systems
    ("印发《关于深化府院联动工作机制的意见》，府检联动机制同步建立。", "府院联动"),
    ("印发《关于深化府院联动工作机制的意见》，府检联动机制同步建立。", "府检联动"),
    ("以推进服务型行政执法建设为重点，不断加强执法队伍建设。", "服务型行政执法"),
    ("健全首问负责、一次告知等制度。", "首问负责制"),
    ("健全首问负责、一次告知等制度。", "一次告知"),
    ("为辖区中小微企业开展“法律体检”。", "法律体检"),
    ("白云区入选全国河湖长制激励市县。", "河湖长制"),
])
def test_common_systems_of_party_and_government_work_are_in_the_lexicon(nlp, text, name):
    assert name in programs(nlp, text)


# ---------------------------------------------------------------- programs: quoted names

@pytest.mark.parametrize("text, name", [
    # the word after the quote says what the term is
    ("全面推行涉企检查“亮码检查”制度，检查全程留痕。", "亮码检查"),
    ("开展农资打假“春雷”护农行动，查办案件二十起。", "春雷"),
    ("严格落实“每周一学”“季度一考”制度。", "季度一考"),
    ("严格落实“每周一学”“季度一考”制度。", "每周一学"),
    ("打造“邑心办”服务品牌。", "邑心办"),
    # branded local names
    ("全力打造“法治医保”，基金监管持续加强。", "法治医保"),
    ("推行“阳光执法”，执法过程全程公开。", "阳光执法"),
    # "+" formulas and numbered formulas
    ("建立“1+N”学法清单，覆盖全部科室。", "1+N"),
    ("探索“检察长+河长”协作机制。", "检察长+河长"),
    ("“行政复议+”工作体系获评全省创新案例。", "行政复议+"),
    ("围绕市委“两大战略、六大工程”部署推进工作。", "两大战略六大工程"),
    ("推动“一表两清单”落地见效。", "一表两清单"),
    ("以“五个年”活动为抓手推动工作。", "五个年"),
    # named campaigns ending in 行动, 年, 周, 月
    ("启动“法润乡村”三年行动，覆盖全部行政村。", "法润乡村"),
    ("组织开展“作风建设年”，整改问题十项。", "作风建设年"),
])
def test_quoted_names_are_programs_by_their_form_or_the_word_after_them(nlp, text, name):
    assert name in programs(nlp, text)


@pytest.mark.parametrize("text, quoted", [
    ("坚决杜绝“一刀切”，防止层层加码。", "一刀切"),
    ("大力精简“文山会海”，为基层减负。", "文山会海"),
    ("坚决纠正“短平快”的做法。", "短平快"),
    ("抓住领导干部这个“关键少数”。", "关键少数"),
    ("组织“三类人员”参加考法。", "三类人员"),
    ("实现案卷评查“两个全覆盖”。", "两个全覆盖"),
    ("我市获评“全省法治政府建设示范市”。", "全省法治政府建设示范市"),
    ("推进执法“规范化”建设。", "规范化"),
    ("开展“学习宪法 尊崇宪法”主题征文活动。", "学习宪法尊崇宪法"),
    ("坚持“守正创新、久久为功”的工作原则。", "守正创新久久为功"),
    ("通过“线上+线下”模式开展培训。", "线上+线下"),
    ("举办“法律进社区”等活动，发放资料千余份。", "法律进社区"),
    ("开展“2023年度法治人物”评选。", "2023年度法治人物"),
    ("加快建设“法治政府”。", "法治政府"),
    ("助力“法治江城”建设。", "法治江城"),
    ("真正做到“应公开，尽公开”。", "应公开尽公开"),
])
def test_quoted_words_that_are_not_programs_are_left(nlp, text, quoted):
    assert quoted not in programs(nlp, text)


def test_a_quoted_name_followed_by_a_thing_not_a_program_is_left(nlp):
    assert programs(nlp, "推进“电子证照”应用工作。") == []
    assert programs(nlp, "形成“无缝对接”新模式。") == []


# ---------------------------------------------------------------- programs: boundaries

@pytest.mark.parametrize("text, name", [
    ("纳入全面振兴新突破三年行动，统筹推进。", "全面振兴新突破三年行动"),
    ("深化行政审批制度改革，精简审批事项。", "行政审批制度改革"),
    ("以深化执法权力运行机制改革为动力。", "执法权力运行机制改革"),
    ("对公共法律服务体制改革作出部署。", "公共法律服务体制改革"),
    ("持续推进政务服务3.0版改革。", "政务服务3.0版改革"),
    ("扎实开展作风建设年，整改问题十项。", "作风建设年"),
    ("组织开展食品安全百日行动。", "食品安全百日行动"),
    ("举办消费维权服务月，受理投诉百余件。", "消费维权服务月"),
])
def test_a_named_campaign_or_reform_does_not_swallow_the_verb_before_it(nlp, text, name):
    assert programs(nlp, text) == [name]


def test_a_bare_kind_of_reform_is_not_a_program(nlp):
    assert programs(nlp, "持续深化体制改革。") == []


def test_a_year_of_a_report_is_not_a_campaign_year(nlp):
    assert programs(nlp, "报送法治政府建设年度报告。") == []
    assert programs(nlp, "公开法治政府建设年报。") == []


# ---------------------------------------------------------------- regions inside ordinary words

@pytest.mark.parametrize("text, place", [
    ("坚决整治文山会海，切实为基层减负。", "文山"),
    ("加强沟通化解矛盾纠纷。", "通化"),
    ("我县被评为全国法治政府建设示范县。", "范县"),
    ("全年办理县人大代表建议二十件。", "理县"),
    ("在县委的领导和县人大的监督下开展工作。", "和县"),
    ("深入学习推动东北全面振兴座谈会精神。", "振兴区"),
])
def test_a_place_name_inside_an_ordinary_word_is_not_a_region(nlp, text, place):
    assert not any(place in r for r in regions(nlp, text))


@pytest.mark.parametrize("text, place", [
    ("通化市人民政府召开常务会议。", "通化市"),
    ("重庆市北碚、万州等地联合开展执法。", "北碚区"),
    ("重庆市北碚区卫生健康委员会印发通知。", "北碚区"),
    ("安徽省和县人民政府召开会议。", "和县"),
])
def test_place_names_standing_as_places_are_kept(nlp, text, place):
    assert place in regions(nlp, text)


# ---------------------------------------------------------------- document numbers with a lost bracket

@pytest.mark.parametrize("text, number, restored", [
    ("印发《实施意见》(川市监发〔202041号),切实推进。", "川市监发〔202041号", "川市监发〔2020〕41号"),
    ("转发《工作要点》（苏卫发2021〕7号）。", "苏卫发2021〕7号", "苏卫发〔2021〕7号"),
])
def test_a_document_number_that_lost_a_bracket_is_kept_as_written_and_restored(nlp, text, number, restored):
    found_numbers = [m for m in nlp(text)._.mentions if m.label == DOCNUM]
    assert [m.canonical for m in found_numbers] == [number]
    assert found_numbers[0].attrs["restored"] == restored


def test_a_whole_document_number_is_not_read_twice(nlp):
    assert found(nlp, "依据《通知》（渝卫发〔2019〕85号）执行。", DOCNUM) == ["渝卫发〔2019〕85号"]


@pytest.mark.parametrize("text, place", [
    ("2020年,海西州坚持以习近平法治思想为指导。", "海西蒙古族藏族自治州"),
    ("伊犁州水利局持续深入学习宣传宪法。", "伊犁哈萨克自治州"),
])
def test_an_autonomous_prefecture_by_its_short_name_is_a_region(nlp, text, place):
    assert place in regions(nlp, text)


def test_the_annual_sessions_and_figures_of_speech_are_not_programs(nlp):
    assert programs(nlp, "学习贯彻全国“两会”精神,发挥“法治外脑”作用。") == []
