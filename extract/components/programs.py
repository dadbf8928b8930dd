"""pk_programs: named reforms, systems and campaigns (放管服, 双随机、一公开, 三项制度 ...).

Four sources, from the most to the least certain:

- the program lexicon (``ontology/data/programs.yaml``);
- terms in quote marks, taken when their form is that of a program name (一件事, 通办, 制度,
  改革, 宣传月 ... a "+" formula such as 1+N, a numbered formula such as 四减, 一规划两纲要, 三大战略、
  八大行动) or when the words after the closing quote name what they are (“扫码入企”制度, “湘剑”
  护农行动, “第一议题”“会前学法”制度); quotes of slogans, targets, categories, honours and
  titles are left (``ontology/data/not_programs.yaml`` lists the political formulas and
  ordinary words that are quoted but are not programs: 关键少数, 一刀切, 文山会海);
- campaign names built on a campaign word (…质量管理年, …能力提升行动, …宣传周), and reforms
  named by their kind (…体制改革, …制度改革, 综合窗口2.0改革), delimited on the left with the
  jieba tokens of the spaCy Doc so that a verb before the name stays out of it.

Names are normalised without inner punctuation.
"""
from __future__ import annotations

import functools
import re

import ahocorasick
from spacy.language import Language
from spacy.tokens import Doc

from ..datafiles import bundled_file, read_yaml
from ..gazetteer import GAZETTEER_FILES, load_gazetteer
from ..records import PROGRAM
from .base import DataComponent, add_mentions, doc_text, gazetteer_of

_PUNCT = re.compile(r"[、，,·•\s“”\"'‘’《》]")
QUOTED = re.compile(r"“([^“”\n]{1,24})”")
# the endings of program names
SUFFIXES = ("通办", "网办", "一件事", "一次办", "制度", "审批制", "承诺制", "负责制", "责任制", "追究制", "应诉制",
            "改革", "专项行动", "提升行动", "宣传月", "宣传周", "开放日", "榜", "监管", "普法", "审批", "分离", "合一",
            "管服", "公开", "先行", "即办", "覆盖", "责任", "释法", "七进", "八进", "跑一次", "一扇门", "双责", "综办",
            "快办", "战疫", "跑腿", "尽检", "零报告", "惩戒", "管理年", "质量年", "行动", "工程", "战略", "硬仗")
NUMERALS = "一二三四五六七八九十两双百千万零首单"
# words right after a closing quote that say the quoted term names a program
HEADS = {"改革", "制度", "管理制度", "制", "机制", "工作机制", "工作法", "活动", "行动", "专项行动", "工程", "项目",
         "品牌", "模式", "战略", "部署", "赛道", "体系", "基地", "试点", "清单", "工作"}
# ... and the heads that may come one word later (“湘剑”护农行动, “1+3+X”学法清单); not 工作 or 模式:
# “电子证照”应用工作 is about the thing, “无缝对接”新模式 a manner, not a program
SECOND_HEADS = HEADS - {"工作", "模式"}
# quoted honours, titles and kinds of thing (…示范区, …奖, …培训班, …化) are not programs
_NOT_PROGRAM_ENDINGS = ("力", "性", "量", "精神", "意识", "时间", "一线", "故事", "示范区", "示范市", "示范县",
                        "示范校", "示范单位", "示范项目", "示范点", "奖", "称号", "单位", "培训班", "班", "牌", "化",
                        "经验", "人员", "责任人", "平台", "局", "委", "厅", "节", "秀")
# branded names: a brand word and what it is applied to (法治医保, 阳光执法, 清廉医院, 智慧监管); not the
# goals themselves (法治政府, 法治社会) and not a place (法治达州: the gazetteer rejects it first)
_BRAND = re.compile(r"(?:法治|平安|阳光|智慧|清廉|数字|信用|诚信|书香|满意)[\u4e00-\u9fff]{2}")
_BRAND_GOALS = {"政府", "社会", "国家", "中国", "思维", "方式", "精神", "意识", "理念", "文化", "建设", "环境"}
# a numeral and a measure word: a category or a count (三类人员, 两个首次, 三个全覆盖), not a program
_COUNTED = re.compile(rf"[{NUMERALS}][类个项名次批种条]")
CAMPAIGN = re.compile(r"(?:质量管理年|能力提升行动|专项整治行动|专项行动|攻坚行动|三年行动|百日行动|集中行动|护航行动"
                      r"|法治宣传月|宣传月|宣传周|活动月|活动周|服务月"
                      # a campaign year (作风建设年, 执法规范提升年), not a year's report or term (建设年度, 年报)
                      r"|(?:建设|提升|攻坚|突破|落实)年(?![度份底初末内中终报限龄以])"
                      r"|体制改革|制度改革|机制改革|执法改革|\d(?:\.\d)?版?改革)")
# tokens that end a campaign name on the left: verbs and function words
_LEFT_STOP = {"开展", "组织", "推进", "实施", "深化", "启动", "举办", "持续", "深入", "以", "在", "和", "与", "及",
              "的", "了", "为", "将", "通过", "结合", "利用", "借助", "围绕", "抓住", "积极", "认真", "等", "纳入",
              "完成", "落实", "推动", "加快", "对", "把", "按照", "参与", "参加", "助力", "全面深化",
              "深入开展", "扎实开展", "全面落实", "全面推进", "全面推行", "推行", "坚持", "根据", "是", "有"}
# quoted terms chained to a closing quote: “A”“B”制度, “A”和“B”机制
_CHAINED_QUOTES = re.compile(r"(?:[、和及与]?“[^“”\n]{1,24}”)*")
_GENERIC_CAMPAIGN = {"体制改革", "制度改革", "机制改革", "执法改革", "专项行动", "宣传月", "宣传周", "三年行动", "百日行动",
                     "集中行动", "活动月", "活动周", "服务月"}


def canonical_program(name: str) -> str:
    return _PUNCT.sub("", name)


def program_lexicon(entries: list[dict]) -> dict[str, str]:
    """written form → canonical name, from the entries of programs.yaml (name, aliases)."""
    out = {}
    for e in entries:
        for n in (e["name"], *e.get("aliases", [])):
            out[n] = canonical_program(e["name"])
            out[canonical_program(n)] = canonical_program(e["name"])
    return out


def not_program_terms(groups: dict[str, list[str]]) -> frozenset[str]:
    """Quoted terms that are not programs (political formulas, targets, categories, idioms)."""
    return frozenset(canonical_program(n) for group in groups.values() for n in group)


@functools.lru_cache(maxsize=1)
def load_not_programs() -> frozenset[str]:
    """The package's own list (not_programs.yaml)."""
    return not_program_terms(read_yaml(bundled_file("not_programs.yaml")))


def _is_count(flat: str) -> bool:
    """三类人员, 两个首次, 三个全覆盖: a short counted noun (三个年 is a campaign year, 百名机关党员进校园 a
    campaign)."""
    return bool(_COUNTED.match(flat)) and len(flat) <= 5 and not flat.endswith("年")


def _numbered(item: str) -> bool:
    return item[0] in NUMERALS and not _COUNTED.match(item)


def looks_like_program(term: str, gazetteer=None, not_programs: frozenset[str] | None = None) -> bool:
    """Is a quoted term the name of a program, judged by its form alone?"""
    items = [x for x in re.split(r"[、，,]", term) if x]
    flat = canonical_program(term)
    if not is_candidate(term, gazetteer, not_programs):
        return False
    if "+" in flat:  # 1+N, 互联网+监管; and a brand open to what it joins: 行政复议+, 互联网+
        return all(flat.rstrip("+").split("+")) and len(flat) >= 3
    if flat.startswith("谁") and flat.count("谁") == 2:
        return True
    if len(flat) > 10:
        return False
    if len(items) >= 2 and all(len(x) >= 4 and x[0] in NUMERALS for x in items):
        return True  # 三大战略、八大行动, 一个统筹、四大职能
    if (len(items) <= 2 and flat.endswith(SUFFIXES)) or (re.fullmatch(r"[^\d]+年", flat) and len(flat) >= 3):
        return True
    if _BRAND.fullmatch(flat) and flat[2:] not in _BRAND_GOALS:
        return True
    if len(items) >= 2:
        return False
    # numbered formulas: 四减, 三合理, 两证合一, 双公示, 一规划两纲要, 一二三六 (not 三类人员, 一把手)
    if _numbered(flat):
        numerals = sum(ch in NUMERALS for ch in flat)
        return len(flat) <= 4 and flat[1] not in "把" or numerals >= 2 and len(flat) <= 8
    return False


def is_candidate(term: str, gazetteer=None, not_programs: frozenset[str] | None = None) -> bool:
    """The quoted term could be a program at all: not a sentence, title, honour, category,
    year or date, or a slogan about a place (信用北碚, 法治达州)."""
    items = [x for x in re.split(r"[、，,]", term) if x]
    flat = canonical_program(term)
    formula = "+" in flat  # 1+N, 河(湖)长+检察长, 委机关+基层单位+执法单位
    if not 2 <= len(flat) <= 16 or len(items) > 3 or re.search(r"的|\s" if formula else r"[（(的\s]", term.strip()):
        return False
    if not_programs is None:
        not_programs = load_not_programs()
    if flat in not_programs or not formula and flat.endswith(_NOT_PROGRAM_ENDINGS):
        return False
    if re.search(r"年", flat) and re.search(r"\d", flat) or re.search(r"[·.]\d|\d[·.]", flat):
        return False  # 2022年开年第一讲, 12·4
    if re.fullmatch(rf"[{NUMERALS}]+五", flat) or len(items) == 1 and _is_count(flat):
        return False
    gaz = gazetteer or load_gazetteer()
    return not any(True for _ in gaz.find(flat))


class ProgramFinder(DataComponent):
    """Its data: the program lexicon, the quoted terms that are not programs, and the gazetteer's
    files (a quoted place name is a slogan, not a program)."""

    files = {"programs": "programs.yaml", "not_programs": "not_programs.yaml", **GAZETTEER_FILES}

    def load(self, files) -> None:
        self.gaz = gazetteer_of(files)
        self.lexicon = program_lexicon(read_yaml(files["programs"]))
        self.not_programs = not_program_terms(read_yaml(files["not_programs"]))
        self.automaton = ahocorasick.Automaton()
        for written, canonical in self.lexicon.items():
            self.automaton.add_word(written, (written, canonical))
        self.automaton.make_automaton()

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_data()
        text = doc_text(doc)
        taken = bytearray(len(text))
        found: list[tuple[int, int, str]] = []

        def take(s: int, e: int, name: str) -> None:
            found.append((s, e, name))
            taken[s:e] = b"\x01" * (e - s)

        hits = sorted(((end - len(w) + 1, end + 1, c) for end, (w, c) in self.automaton.iter(text)),
                      key=lambda h: (h[0], -(h[1] - h[0])))
        last = -1
        for s, e, c in hits:
            if s >= last:
                take(s, e, c)
                last = e
        for m in QUOTED.finditer(text):
            s, e = m.start(1), m.end(1)
            if any(taken[s:e]):
                continue
            joined = self._joined(text, m)
            if joined is not None:
                take(*joined)
                continue
            term = m.group(1)
            if re.fullmatch(r"\d{3,6}", term):  # a numeric formula (“15336”部署) only by what follows
                if not re.fullmatch(r"(?:19|20)\d\d", term) and self._head_follows(doc, m.end()):
                    take(s, e, term)
                continue
            if looks_like_program(term, self.gaz, self.not_programs) or (
                    is_candidate(term, self.gaz, self.not_programs)
                                                      and self._head_follows(doc, m.end())):
                take(s, e, canonical_program(term))
        for m in CAMPAIGN.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            start = self._left_edge(doc, m.start())
            name = text[start:m.end()]
            if (start < m.start() and 4 <= len(name) <= 16 and not re.search(r"[，。、；：“”《》]", name)
                    and canonical_program(name) not in _GENERIC_CAMPAIGN):
                take(start, m.end(), canonical_program(name))
        add_mentions(doc, [(PROGRAM, s, e, c, {}) for s, e, c in sorted(found)])
        return doc

    def _joined(self, text: str, m: re.Match) -> tuple[int, int, str] | None:
        """“八五”普法: a lexicon name split by its quote marks."""
        e = m.end()
        for k in range(4, 0, -1):
            name = canonical_program(m.group(1) + text[e:e + k])
            if name in self.lexicon:
                return m.start(1), e + k, self.lexicon[name]
        return None

    @staticmethod
    def _head_follows(doc: Doc, char: int) -> bool:
        """After a closing quote (and any quoted terms chained to it: “A”“B”制度, “A”和“B”机制),
        the next word, or the one after it, is a program head (制度, 改革, 行动 ...)."""
        char = _CHAINED_QUOTES.match(doc_text(doc), char).end()
        span = doc.char_span(char, char, alignment_mode="expand")
        if span is None or span.start >= len(doc) or doc[span.start].idx != char:
            return False
        words = [t.text for t in doc[span.start:span.start + 2]]
        if words[:1] == ["工作"]:  # “七进”工作, but not “…”工作流程
            return len(words) == 1 or doc[span.start + 1].is_punct
        # “医师节”“护士节”等活动: examples of activities, not the name of one
        return bool(words) and (words[0] in HEADS or len(words) == 2 and words[1] in SECOND_HEADS
                                and not doc[span.start].is_punct and words[0] != "等")

    @staticmethod
    def _left_edge(doc: Doc, char: int) -> int:
        """Walk left over jieba tokens until a verb, a function word or punctuation."""
        span = doc.char_span(char, char, alignment_mode="expand")
        i = span.start if span is not None else None
        if i is None:
            return char
        start, n = char, 0
        while i > 0 and n < 5:
            tok = doc[i - 1]
            if tok.is_punct or tok.text in _LEFT_STOP or not re.fullmatch(r"[\u4e00-\u9fff+]+", tok.text):
                break
            start = tok.idx
            i -= 1
            n += 1
        return start


@Language.factory(
    "pk_programs",
    retokenizes=True,  # splits tokens at the mentions' edges
    default_config={"programs": None, "not_programs": None, "adcodes": None, "region_abbreviations": None},
    assigns=["doc.spans"],
)
def make_program_finder(nlp: Language, name: str, programs: str | None, not_programs: str | None,
                        adcodes: str | None, region_abbreviations: str | None) -> ProgramFinder:
    """``programs``, ``not_programs``: YAML files like the package's programs.yaml and not_programs.yaml;
    ``adcodes``, ``region_abbreviations``: the gazetteer's (null: the bundled files)."""
    return ProgramFinder(programs=programs, not_programs=not_programs, adcodes=adcodes,
                         region_abbreviations=region_abbreviations)
