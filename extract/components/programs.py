"""pk_programs: named reforms, systems and campaigns (放管服, 双随机、一公开, 三项制度 ...).

Three sources, from the most to the least certain: the program lexicon
(``ontology/data/programs.yaml``), terms in quote marks whose form is that of a program name
(一件事, 通办, 制度, 改革, 宣传月 ... or a short numbered formula such as 四减, 两证合一), and
campaign names built on a campaign word (…质量管理年, …能力提升行动), delimited with the jieba
tokens of the spaCy Doc. Names are normalised without inner punctuation.
"""
from __future__ import annotations

import functools
import re
from importlib import resources

import ahocorasick
import yaml
from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer import load_gazetteer
from ..records import PROGRAM
from .base import add_mention

_PUNCT = re.compile(r"[、，,·•\s“”\"'‘’《》]")
QUOTED = re.compile(r"“([^“”\n]{2,24})”")
# the endings of program names
SUFFIXES = ("通办", "网办", "一件事", "一次办", "制度", "审批制", "承诺制", "负责制", "责任制", "改革", "专项行动", "提升行动",
            "宣传月", "宣传周", "开放日", "榜", "监管", "普法", "审批", "分离", "合一", "管服", "公开", "先行",
            "即办", "覆盖", "责任", "释法", "七进", "八进", "跑一次", "一扇门", "双责", "综办", "快办", "战疫",
            "跑腿", "尽检", "零报告", "惩戒", "管理年", "质量年")
NUMERALS = "一二三四五六七八九十两双百千万零首单"
CAMPAIGN = re.compile(r"(?:质量管理年|能力提升行动|专项整治行动|专项行动|三年行动|法治宣传月|宣传月|宣传周)")
# tokens that end a campaign name on the left: verbs and function words
_LEFT_STOP = {"开展", "组织", "推进", "实施", "深化", "启动", "举办", "持续", "深入", "以", "在", "和", "与", "及",
              "的", "了", "为", "将", "通过", "结合", "利用", "借助", "围绕", "抓住", "全面", "积极", "认真", "等"}
_BAD_ENDINGS = ("力", "性", "量", "精神", "意识", "时间", "一线", "故事")


def canonical_program(name: str) -> str:
    return _PUNCT.sub("", name)


@functools.lru_cache(maxsize=1)
def load_programs() -> dict[str, str]:
    """written form → canonical name."""
    with resources.files("policykg.ontology").joinpath("data/programs.yaml").open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    out = {}
    for e in data:
        for n in (e["name"], *e.get("aliases", [])):
            out[n] = canonical_program(e["name"])
            out[canonical_program(n)] = canonical_program(e["name"])
    return out


def looks_like_program(term: str, gazetteer=None) -> bool:
    """Is a quoted term the name of a program, judged by its form?"""
    items = [x for x in re.split(r"[、，,]", term) if x]
    flat = canonical_program(term)
    if len(items) > 2 or not 2 <= len(flat) <= 10 or re.search(r"\d|年|（|\(|的", flat):
        return False
    if flat.endswith(_BAD_ENDINGS) or re.fullmatch(r"[一二三四五六七八九十]+五", flat):
        return False
    gaz = gazetteer or load_gazetteer()
    if any(True for _ in gaz.find(flat)):
        return False  # 信用北碚, 法治达州: a slogan about a place
    if "+" in flat:
        left, _, right = flat.partition("+")
        return len(left) >= 2 and len(right) >= 2 and right not in ("线下",)
    if flat.startswith("谁") and flat.count("谁") == 2:
        return True
    if flat.endswith(SUFFIXES):
        return True
    if len(items) == 2:
        return False
    # short numbered formulas: 四减, 三合理, 两证合一, 双公示 (not 三个全覆盖, 一把手)
    return flat[0] in NUMERALS and len(flat) <= 4 and flat[1] not in "个把"


class ProgramFinder:
    def __init__(self):
        self.lexicon = load_programs()
        self.automaton = ahocorasick.Automaton()
        for written, canonical in self.lexicon.items():
            self.automaton.add_word(written, (written, canonical))
        self.automaton.make_automaton()
        self.gaz = load_gazetteer()

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        taken = bytearray(len(text))
        found: list[tuple[int, int, str]] = []
        hits = sorted(((end - len(w) + 1, end + 1, c) for end, (w, c) in self.automaton.iter(text)),
                      key=lambda h: (h[0], -(h[1] - h[0])))
        last = -1
        for s, e, c in hits:
            if s >= last:
                found.append((s, e, c))
                last = e
        for s, e, _ in found:
            taken[s:e] = b"\x01" * (e - s)
        for m in QUOTED.finditer(text):
            s, e = m.start(1), m.end(1)
            if any(taken[s:e]):
                continue
            joined = self._joined(text, m)
            if joined is not None:
                found.append(joined)
                taken[joined[0]:joined[1]] = b"\x01" * (joined[1] - joined[0])
                continue
            if looks_like_program(m.group(1), self.gaz):
                found.append((s, e, canonical_program(m.group(1))))
                taken[s:e] = b"\x01" * (e - s)
        for m in CAMPAIGN.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            start = self._left_edge(doc, m.start())
            name = text[start:m.end()]
            if start < m.start() and 4 <= len(name) <= 16 and not re.search(r"[，。、；：“”《》\d]", name):
                found.append((start, m.end(), canonical_program(name)))
        for s, e, c in sorted(found):
            add_mention(doc, PROGRAM, s, e, c)
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
    def _left_edge(doc: Doc, char: int) -> int:
        """Walk left over jieba tokens until a verb, a function word or punctuation."""
        span = doc.char_span(char, char, alignment_mode="expand")
        i = span.start if span is not None else None
        if i is None:
            return char
        start, n = char, 0
        while i > 0 and n < 4:
            tok = doc[i - 1]
            if tok.is_punct or tok.text in _LEFT_STOP or not re.fullmatch(r"[\u4e00-\u9fff+]+", tok.text):
                break
            start = tok.idx
            i -= 1
            n += 1
        return start


@Language.factory("pk_programs")
def make_program_finder(nlp: Language, name: str) -> ProgramFinder:
    return ProgramFinder()
