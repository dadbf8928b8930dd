"""Finding agency names and expanding them to full official names.

An agency is written as [中共][region | 省/市/区/县] + organ (北碚区卫生健康委, 区司法局, 中共重庆市委),
as a national body (国务院, 党中央), as an internal unit of the reporting agency (行政审批科), or
as a pronoun (我委, 委机关). The organ lexicon is ``ontology/data/agencies.yaml``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .datafiles import read_yaml, resolve, shared
from .gazetteer import MUNICIPALITIES, Gazetteer, load_gazetteer
from .jieba_dict import word_frequencies
from .matching import NameMatcher

RELATIVE = "省市区县州"
# a relative prefix preceded by one of these is part of a word (全市, 城区, 社区, 各县 ...) or of a
# generic plural (区县司法局, 市州生态环境局, 省市两级政府)
_BLOCK_BEFORE = set("全我本城社超都景园辖片地专山牧老灾街各该两三四城郊矿县乡村镇市区州省")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# a bare organ (司法厅、公安厅) stands after these, not glued to a word (各区县司法局)
_BARE_BEFORE = set("和与及、向由经在对将于被为等同的并暨合助")  # …合, …助: 配合司法局, 协助公安局
_CONJUNCTIONS = set("和与及或并暨")
# a city bureau's branch in one of its districts: 广州市公安局增城区分局, 自然资源和规划局宿城分局
_BRANCH = re.compile(r"[\u4e00-\u9fff]{2,5}?分局")
# bodies written after an organ as part of its name: 县教育局党组, 省政府党组, 局党委会议
_SUB_SUFFIXES = ("机关党委", "党组", "党委", "党工委")
# an organ name directly followed by these is a fragment of a document number (川委发〔2021〕)
_DOCNUM_AFTER = re.compile(r"(?:办)?(?:发|函|字|通|规)?\s*[〔\[［(（]\s*(?:19|20)\d\d")
# an organ name that heads a statistic given with its figure (法院判决执行率100%, 区法院受理案件数
# 同比下降) labels the figure: the text reports a number, it does not name the body as acting
_STATISTIC_AFTER = re.compile(r"[\u4e00-\u9fff]{0,10}?(?:率|数|量)(?=[为达同比较下上增降均是占居列共累]|\s*\d)")
# leading groups: [region | 省/市/区/县] + purpose + 领导小组[办公室] (市法治政府建设工作领导小组)
_LEADING_GROUP = re.compile(r"领导小组(?:办公室)?")
# a congress's term written between its place and its name: 省十三届人大常委会, 市第十六届人民代表大会常务委员会
_TERM_BEFORE = re.compile(r"第?[一二三四五六七八九十]{1,3}届$")


@dataclass
class AgencyMatch:
    start: int  # offsets into the text searched
    end: int
    surface: str
    full_name: str  # canonical full official name
    organ: str  # canonical organ name (司法局), or the national name
    kind: str
    region_code: str  # "" when not resolved
    parent: str = ""  # full name of the parent body, if the text shows one
    pronoun: bool = False
    national: bool = False


@dataclass
class OrganLexicon:
    national: dict[str, tuple[str, str, bool]]  # written form → (canonical, kind, generic)
    organs: dict[str, dict]  # written form → entry
    unit_stems: list[str]
    unit_suffixes: list[str]
    pronouns: list[str]
    sub_bodies: dict[str, dict]

    @functools.cached_property
    def unit_names(self) -> list[str]:
        return [stem + suf for stem in self.unit_stems for suf in [*self.unit_suffixes, "司"]]

    @functools.cached_property
    def _unit_rank(self) -> dict[str, int]:
        rank: dict[str, int] = {}
        for i, name in enumerate(self.unit_names):
            rank.setdefault(name, i)
        return rank

    @functools.cached_property
    def _unit_lengths(self) -> tuple[int, ...]:
        return tuple(sorted({len(name) for name in self.unit_names}))

    def unit_at_start(self, text: str) -> str | None:
        """The unit name ``text`` starts with, the first in ``unit_names`` order (what a scan of
        ``unit_names`` with ``startswith`` finds), by one lookup per name length.

        >>> load_organs().unit_at_start("政策法规司负责")
        '政策法规司'
        """
        found = [(self._unit_rank[text[:k]], text[:k]) for k in self._unit_lengths if text[:k] in self._unit_rank]
        return min(found)[1] if found else None

    def __post_init__(self) -> None:
        entries: dict[str, list[tuple[str, str]]] = {}
        for name in self.national:
            entries.setdefault(name, []).append(("national", name))
        for name in self.organs:
            entries.setdefault(name, []).append(("organ", name))
        for stem in self.unit_stems:
            for suf in self.unit_suffixes:
                entries.setdefault(stem + suf, []).append(("unit", stem + suf))
        for p in self.pronouns:
            entries.setdefault(p, []).append(("pronoun", p))
        for name in self.sub_bodies:
            entries.setdefault(name, []).append(("sub", name))
        # an organ reading (区+法院) is tried before the national one (法院)
        self.readings = {key: sorted(values, key=lambda v: v[0] != "organ") for key, values in entries.items()}
        self.matcher = NameMatcher(self.readings)


def catalogue_entries(catalogue: dict) -> tuple[list[dict], list[dict]]:
    """National bodies and local organ entries (agencies.yaml's shape) of the department catalogue."""
    national, organs = [], []
    for dep in catalogue["departments"]:
        if dep.get("national"):
            national.append({"name": dep["national"]["name"], "kind": "government",
                             "aliases": dep["national"].get("aliases", [])})
        for canonical, short_forms in (dep.get("local") or {}).items():
            for written in [canonical, *short_forms]:
                organs.append({"name": written, "canonical": canonical, "kind": "government",
                               "department": dep["department"], "prefix_only": len(written) <= 2})
    return national, organs


def read_organs(agencies: Path, organ_catalogue: Path) -> OrganLexicon:
    """The lexicon of agencies.yaml laid over the department catalogue (organ_catalogue.yaml)."""
    data = read_yaml(agencies)
    cat_national, cat_organs = catalogue_entries(read_yaml(organ_catalogue))
    national = {}
    for e in [*cat_national, *data["national"]]:  # agencies.yaml's entries win
        for n in [e["name"], *e.get("aliases", [])]:
            national[n] = (e["name"], e["kind"], bool(e.get("generic")))
    organs = {e["name"]: e for e in [*cat_organs, *data["organs"]]}
    return OrganLexicon(
        national=national,
        organs=organs,
        unit_stems=data["units"]["stems"],
        unit_suffixes=data["units"]["suffixes"],
        pronouns=data["pronouns"],
        sub_bodies={e["name"]: e for e in data["sub_bodies"]},
    )


ORGAN_FILES = {"agencies": "agencies.yaml", "organ_catalogue": "organ_catalogue.yaml"}


def organ_lexicon(agencies: str | Path | None = None, organ_catalogue: str | Path | None = None) -> OrganLexicon:
    """The lexicon of these files (None: the bundled ones), shared with whoever reads the same."""
    return shared(read_organs, resolve(agencies, ORGAN_FILES["agencies"]),
                  resolve(organ_catalogue, ORGAN_FILES["organ_catalogue"]))


@functools.lru_cache(maxsize=1)
def load_organs() -> OrganLexicon:
    """The bundled lexicon, kept for the life of the process."""
    return organ_lexicon()


@dataclass
class Context:
    """What the report tells us to resolve relative names: its own region and agency."""

    region_code: str = ""
    agency: str = ""  # full name of the reporting agency
    region_context: tuple[str, ...] = ()  # codes of regions known from the text


def relative_region(gaz: Gazetteer, rel: str, own: str) -> str:
    """The region 省/市/区/县 refers to, seen from the report's own region ``own``."""
    r = gaz.get(own)
    if r is None:
        return ""
    prov = own[:2] + "0000"
    if rel == "省":
        return prov if prov not in MUNICIPALITIES else ""
    if rel == "市":
        if r.level == "city":
            return r.code
        if r.level == "province":
            return r.code if r.code in MUNICIPALITIES else ""
        return r.parent  # a county's city: its prefecture, or the municipality
    if rel in "区县":
        return r.code if r.level == "county" else ""
    if rel == "州":
        return r.parent if r.level == "county" else (r.code if r.level == "city" else "")
    return ""


def region_prefix(gaz: Gazetteer, text: str, end: int) -> tuple[int, str, tuple[str, ...]] | None:
    """A region name ending at ``end`` (longest first): (start, name, codes)."""
    for k in reversed(gaz.name_lengths_ending_at(text, end, 12)):
        name = text[end - k:end]
        codes = gaz.by_name.get(name)
        if not codes and name.endswith("州") and k >= 3:
            codes = gaz.prefecture_forms.get(name)
        if not codes:
            continue
        regions = [gaz.regions[c] for c in codes]
        # a short form (达州, 无锡) is trusted for cities and provinces, not for counties
        if not (any(r.name == name for r in regions) or all(r.level != "county" for r in regions)
                or name.endswith("州")):
            continue
        if k == 2 and _glued(text, end - 2):
            continue  # 办理县人大 is not 理县, 领导和县司法局 not 和县
        return end - k, name, tuple(codes)
    return None


# a township's report names its own bodies after 镇, 乡 or 街道 (镇党委, 乡人民政府, 街道党工委); not
# after a word that ends so (乡镇政府, 城乡, 各镇, 全街道)
_TOWNSHIP_RELATIVE = re.compile(r"(?<![乡镇城各全本我该每村])(?:镇|乡|街道)$")
_TOWNSHIP_OWN = re.compile(r"(.+?(?:镇|乡|街道))(?:人民政府|办事处)$")


def _township_relative(text: str, s: int, entry: dict, ctx: Context) -> tuple[int, str] | None:
    """(start, full name) of a party or government body named after 镇/乡/街道 in a township's
    own report (its agency is a 镇人民政府, 乡人民政府 or 街道办事处), or None."""
    own = _TOWNSHIP_OWN.match(ctx.agency)
    if own is None or entry["kind"] not in ("party", "government"):
        return None
    canonical = entry["canonical"]
    if canonical == "街道党工作委员会":  # the name carries its 街道
        start, level, canonical = s, "街道", "党工作委员会"
    elif canonical in ("委员会", "人民政府", "纪律检查委员会", "人民代表大会"):
        m = _TOWNSHIP_RELATIVE.search(text, max(0, s - 2), s)
        if m is None:
            return None
        start, level = m.start(), m.group()
    else:
        return None
    place = own.group(1)
    if not place.endswith(level):
        return None  # 镇党委 in a 街道's report is not its own
    stem = place[:-len(level)]
    named = next((k for k in range(min(6, len(stem)), 1, -1) if text.endswith(stem[-k:], 0, start)), 0)
    start -= named  # 留下街道党工委: the township's own name, written before its level
    if canonical in ("委员会", "党工作委员会"):  # 中共…镇委员会, 中共…街道工作委员会
        return start, "中共" + place + canonical.removeprefix("党")
    return start, place + canonical


_ZONE_BEFORE = re.compile(r"[\u4e00-\u9fff]{2,12}$")


def _bracketed_region(gaz: Gazetteer, text: str, end: int):
    """A region in brackets right before an organ, after a zone's name: 高新区(新市区)人民政府,
    the development zone and the district it is one with. ((start, name, codes) of the region,
    the zone name's start), or (None, None)."""
    if end < 4 or text[end - 1] not in ")）":
        return None, None
    pre = region_prefix(gaz, text, end - 1)
    if pre is None or pre[0] < 1 or text[pre[0] - 1] not in "(（":
        return None, None
    zone = _ZONE_BEFORE.search(text, max(0, pre[0] - 13), pre[0] - 1)
    return (pre, zone.start()) if zone is not None else (None, None)


def _glued(text: str, start: int) -> bool:
    """A two-character place name read into the word before it (管理|县, 和|县)."""
    if start == 0 or not _CJK.match(text[start - 1]) or text[start - 2:start] == "中共":
        return False
    if text[start] in _CONJUNCTIONS:
        return True
    return bool(_word_freq().get(text[start - 1:start + 1]))


def _word_freq() -> dict[str, int]:
    return word_frequencies()


def full_name(gaz: Gazetteer, code: str, organ_entry: dict) -> str:
    canonical = organ_entry["canonical"]
    place = gaz.full_name(code)
    if organ_entry.get("party"):
        # 区委 → 中共重庆市北碚区委员会, 区委组织部 → 中共重庆市北碚区委员会组织部
        return "中共" + place + canonical
    if canonical == "政协委员会":
        return "中国人民政治协商会议" + place + "委员会"
    return place + canonical


def find_agencies(text: str, ctx: Context, gaz: Gazetteer | None = None, lex: OrganLexicon | None = None) -> list[AgencyMatch]:
    """Agency names in ``text``, leftmost-longest, resolved against the report's context."""
    gaz = gaz or load_gazetteer()
    lex = lex or load_organs()
    out: list[AgencyMatch] = []
    for s, e, name in lex.matcher.every_match(text):
        values = lex.readings[name]
        if _DOCNUM_AFTER.match(text, e):
            continue  # 川委发〔2021〕: a document number's issuer code names no agency
        if _STATISTIC_AFTER.match(text, e):
            continue
        for kind, name in values:
            m = _expand(text, s, e, kind, name, ctx, gaz, lex)
            if m is not None:
                out.append(_with_sub_body(text, m, lex))
                break
    out.extend(_leading_groups(text, ctx, gaz))
    out.sort(key=lambda m: (m.start, -(m.end - m.start)))
    chosen: list[AgencyMatch] = []
    last_end = -1
    for m in out:
        if m.start >= last_end:
            chosen.append(m)
            last_end = m.end
        elif m.end > last_end and chosen and m.start <= chosen[-1].start:
            chosen[-1] = m  # a longer match starting at the same place
            last_end = m.end
    return chosen


def _with_sub_body(text: str, m: AgencyMatch, lex: OrganLexicon) -> AgencyMatch:
    """The longest span: an organ with the body or unit written after it (县教育局党组,
    教育部政策法规司, 中共某县教育局委员会)."""
    if m.pronoun:
        return m
    rest = text[m.end:m.end + 12]
    if m.surface.startswith("中共") and rest.startswith("委员会") and m.kind == "government":
        party = _extended(m, text, m.end + 3, "委员会", "party")
        party.full_name = "中共" + party.full_name
        return party
    for suffix in _SUB_SUFFIXES:
        if rest.startswith(suffix) and not rest.startswith(suffix + "书"):
            return _extended(m, text, m.end + len(suffix), suffix, "party")
    branch = _BRANCH.match(rest)
    if branch is not None and m.kind == "government" and not m.national:
        return _extended(m, text, m.end + branch.end(), branch.group(), "government")
    if m.national or m.kind == "government":
        unit = lex.unit_at_start(rest)
        if unit is not None:
            return _extended(m, text, m.end + len(unit), unit, m.kind)
    return m


def _extended(m: AgencyMatch, text: str, end: int, suffix: str, kind: str) -> AgencyMatch:
    return AgencyMatch(m.start, end, text[m.start:end], m.full_name + suffix, suffix, kind, m.region_code,
                       parent=m.full_name, national=m.national)


def _leading_groups(text: str, ctx: Context, gaz: Gazetteer) -> list[AgencyMatch]:
    """市法治政府建设工作领导小组: a leading group named after its place (a region, or 省/市/区/县
    not glued to a word); a group named without its place is not an agency."""
    out = []
    for mm in _LEADING_GROUP.finditer(text):
        s = mm.start()
        while s > 0 and _CJK.match(text[s - 1]) and text[s - 1] not in _BARE_BEFORE and mm.start() - s < 24:
            s -= 1
        for p in range(s, mm.start() - 2):
            region = next((n for n in gaz.find(text[p:mm.start()]) if n[0] == 0), None)
            if region is not None:
                code, _ = gaz.resolve(region[3], (ctx.region_code, *ctx.region_context))
                full = (gaz.full_name(code) if code else region[2]) + text[p + region[1]:mm.end()]
                out.append(AgencyMatch(p, mm.end(), text[p:mm.end()], full, mm.group(), "party", code))
                break
            if (text[p] in "省市区县" and text[p - 1:p] not in _BLOCK_BEFORE
                    and not _word_freq().get(text[p:p + 2])):
                code = relative_region(gaz, text[p], ctx.region_code) if ctx.region_code else ""
                full = (gaz.full_name(code) if code else text[p]) + text[p + 1:mm.end()]
                out.append(AgencyMatch(p, mm.end(), text[p:mm.end()], full, mm.group(), "party", code))
                break
    return out


def _expand(text, s, e, kind, name, ctx: Context, gaz: Gazetteer, lex: OrganLexicon) -> AgencyMatch | None:
    nxt = text[e] if e < len(text) else "$"
    if kind == "national":
        canonical, k, generic = lex.national[name]
        if name == "中央" and not text.startswith("党中央", max(0, s - 1)):
            # bare 中央 is an adjective (中央全面依法治国工作会议), not an agency
            return None
        return AgencyMatch(s, e, name, canonical, canonical, k, "", national=True)
    if kind == "pronoun":
        if nxt in "员会" and name.endswith("委"):
            return None
        return AgencyMatch(s, e, name, ctx.agency or name, "", "government", ctx.region_code, pronoun=True)
    if kind == "unit":
        if nxt in "室长员":
            return None  # 法规处室, 科长: not the unit itself
        return AgencyMatch(s, e, name, (ctx.agency + name) if ctx.agency else name, name, "government",
                           ctx.region_code, parent=ctx.agency)
    if kind == "sub":
        entry = lex.sub_bodies[name]
        if any(text[s + 1 - k:s + 1] in lex.organs for k in range(3, min(12, s + 1) + 1)):
            return None  # 各市州生态环境局党委: the rest of a generic organ name
        if (s > 0 and text[s - 1] in RELATIVE + "卫健生") or nxt in "书员" or (
                nxt == "会" and name.endswith("党委") and not text.startswith("会议", e)):
            return None  # 委党委会 is a meeting; 局党委会议 is the committee's meeting
        return AgencyMatch(s, e, name, (ctx.agency + entry["canonical"]) if ctx.agency else name,
                           entry["canonical"], entry["kind"], ctx.region_code, parent=ctx.agency)
    entry = lex.organs[name]
    if name.endswith("委") and nxt in "员托":
        return None  # 委员, 委托
    if name == "委" and nxt in "会":
        return None
    if entry["kind"] == "congress":
        # the term is part of how the body is written, not of its name: the place stands before it
        term = _TERM_BEFORE.search(text, max(0, s - 5), s)
        if term is not None:
            s = term.start()
    # region prefix: 北碚区 / 重庆市 / 江苏省 ...
    pre = region_prefix(gaz, text, s)
    zone_start = None
    if pre is None:
        pre, zone_start = _bracketed_region(gaz, text, s)
    if pre is not None:
        ps, pname, codes = pre
        start = ps
        outer = region_prefix(gaz, text, ps)
        if outer is not None and any(gaz.is_within(c, o) for c in codes for o in outer[2]):
            # 杭州市西湖区: the written parent is part of the name and settles an ambiguous one
            start = outer[0]
            code, candidates = gaz.resolve(codes, outer[2])
        else:
            code, candidates = gaz.resolve(codes, (ctx.region_code, *ctx.region_context))
        if zone_start is not None:
            start = zone_start  # 高新区(新市区)人民政府: the zone's name opens the surface
        if start >= 2 and text[start - 2:start] == "中共":
            start -= 2
        if code:
            full = full_name(gaz, code, entry)
        else:
            full = ("中共" if entry.get("party") else "") + pname + entry["canonical"]
        parent = gaz.full_name(code) + entry["parent"] if code and entry.get("parent") else ""
        return AgencyMatch(start, e, text[start:e], full, entry["canonical"], entry["kind"], code, parent=parent)
    if entry.get("township"):
        return _township(text, s, e, entry, ctx, gaz)
    if text.endswith("自治区", 0, s) and entry.get("full_only") is not True:
        # 自治区党委, 自治区政府: the autonomous region's own organs
        code = relative_region(gaz, "省", ctx.region_code) if ctx.region_code else ""
        full = full_name(gaz, code, entry) if code else text[s - 3:e]
        return AgencyMatch(s - 3, e, text[s - 3:e], full, entry["canonical"], entry["kind"], code)
    if s > 0 and text[s - 1] in RELATIVE and entry.get("full_only") is not True:
        rel = text[s - 1]
        before = text[s - 2] if s >= 2 else ""
        if before in _BLOCK_BEFORE:
            return None
        code = relative_region(gaz, rel, ctx.region_code) if ctx.region_code else ""
        surface = text[s - 1:e]
        if code:
            full = full_name(gaz, code, entry)
            parent = gaz.full_name(code) + entry["parent"] if entry.get("parent") else ""
        else:
            full, parent = surface, ""
        return AgencyMatch(s - 1, e, surface, full, entry["canonical"], entry["kind"], code, parent=parent)
    township = _township_relative(text, s, entry, ctx)
    if township is not None:
        start, full = township
        return AgencyMatch(start, e, text[start:e], full, entry["canonical"], entry["kind"], ctx.region_code)
    if entry.get("prefix_only"):
        return None
    if entry["kind"] == "government" and name == entry["canonical"] and (s == 0 or not _CJK.match(text[s - 1]) or text[s - 1] in _BARE_BEFORE):
        # a department named bare (司法厅、公安厅); its place is not written
        return AgencyMatch(s, e, name, entry["canonical"], entry["canonical"], entry["kind"], "")
    if entry["kind"] == "institution" and len(name) >= 5:
        if s > 0 and _CJK.match(text[s - 1]) and text[s - 1] not in "和与及、向由经在对将于被为等同的":
            return None
        code = ctx.region_code
        full = (gaz.full_name(code) + entry["canonical"]) if code else name
        return AgencyMatch(s, e, name, full, entry["canonical"], entry["kind"], code)
    return None


def _township(text, s, e, entry, ctx: Context, gaz: Gazetteer) -> AgencyMatch | None:
    """长沙市天心区坡子街街道办事处: a 街道 (or 乡/镇) named after its county; the township itself is
    not in the gazetteer, so its name is what stands between the county and the organ. The
    county's government may stand between them too (鲤城区人民政府金龙街道办事处: its agency)."""
    for k in range(2, 6):
        name_start = s - k
        under = next((g for g in ("人民政府", "政府") if text.endswith(g, 0, name_start)), "")
        pre = region_prefix(gaz, text, name_start - len(under)) if name_start - len(under) > 0 else None
        if pre is None or not all(_CJK.match(c) for c in text[s - k:s]):
            continue
        ps, _name, codes = pre
        outer = region_prefix(gaz, text, ps)
        start = outer[0] if outer is not None and any(gaz.is_within(c, o) for c in codes for o in outer[2]) else ps
        code, _ = gaz.resolve(codes, (*(outer[2] if outer else ()), ctx.region_code, *ctx.region_context))
        full = (gaz.full_name(code) if code else text[start:ps + len(_name)]) + text[s - k:e]
        return AgencyMatch(start, e, text[start:e], full, entry["canonical"], entry["kind"], code)
    return None
