"""Finding agency names and expanding them to full official names.

An agency is written as [中共][region | 省/市/区/县] + organ (北碚区卫生健康委, 区司法局, 中共重庆市委),
as a national body (国务院, 党中央), as an internal unit of the reporting agency (行政审批科), or
as a pronoun (我委, 委机关). The organ lexicon is ``ontology/data/agencies.yaml``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import ahocorasick
import yaml

from .gazetteer import MUNICIPALITIES, Gazetteer, load_gazetteer

RELATIVE = "省市区县州"
# a relative prefix preceded by one of these is part of a word (全市, 城区, 社区, 各县 ...)
_BLOCK_BEFORE = set("全我本城社超都景园辖片地专山牧老灾街各该两三四城郊矿县乡村镇")
_CJK = re.compile(r"[\u4e00-\u9fff]")


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

    def __post_init__(self) -> None:
        self.automaton = ahocorasick.Automaton()
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
        for key, values in entries.items():
            # an organ reading (区+法院) is tried before the national one (法院)
            self.automaton.add_word(key, sorted(values, key=lambda v: v[0] != "organ"))
        self.automaton.make_automaton()


def _read_yaml(name: str) -> dict:
    with resources.files("policykg.ontology").joinpath(f"data/{name}").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


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


@functools.lru_cache(maxsize=1)
def load_organs() -> OrganLexicon:
    data = _read_yaml("agencies.yaml")
    cat_national, cat_organs = catalogue_entries(_read_yaml("organ_catalogue.yaml"))
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
    for k in range(min(12, end), 1, -1):
        name = text[end - k:end]
        codes = gaz.by_name.get(name)
        if not codes:
            continue
        regions = [gaz.regions[c] for c in codes]
        # a short form (达州, 无锡) is trusted for cities and provinces, not for counties
        if any(r.name == name for r in regions) or all(r.level != "county" for r in regions):
            return end - k, name, tuple(codes)
    return None


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
    raw: list[tuple[int, int, str, str]] = []
    for end, values in lex.automaton.iter(text):
        raw.append((end - len(values[0][1]) + 1, end + 1, values))
    out: list[AgencyMatch] = []
    for s, e, values in raw:
        for kind, name in values:
            m = _expand(text, s, e, kind, name, ctx, gaz, lex)
            if m is not None:
                out.append(m)
                break
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
        if (s > 0 and text[s - 1] in RELATIVE + "卫健生") or nxt in "书员" or (nxt == "会" and name.endswith("党委")):
            return None  # 委党委会 is a meeting
        return AgencyMatch(s, e, name, (ctx.agency + entry["canonical"]) if ctx.agency else name,
                           entry["canonical"], entry["kind"], ctx.region_code, parent=ctx.agency)
    entry = lex.organs[name]
    if name.endswith("委") and nxt in "员托":
        return None  # 委员, 委托
    if name == "委" and nxt in "会":
        return None
    # region prefix: 北碚区 / 重庆市 / 江苏省 ...
    pre = region_prefix(gaz, text, s)
    if pre is not None:
        ps, pname, codes = pre
        start = ps
        outer = region_prefix(gaz, text, ps) if len(codes) > 1 else None
        if outer is not None:
            # 杭州市西湖区: the written parent settles an ambiguous name
            start = outer[0]
            code, candidates = gaz.resolve(codes, outer[2])
        else:
            code, candidates = gaz.resolve(codes, (ctx.region_code, *ctx.region_context))
        if start >= 2 and text[start - 2:start] == "中共":
            start -= 2
        if code:
            full = full_name(gaz, code, entry)
        else:
            full = ("中共" if entry.get("party") else "") + pname + entry["canonical"]
        parent = gaz.full_name(code) + entry["parent"] if code and entry.get("parent") else ""
        return AgencyMatch(start, e, text[start:e], full, entry["canonical"], entry["kind"], code, parent=parent)
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
    if entry.get("prefix_only"):
        return None
    if entry["kind"] == "institution" and len(name) >= 5:
        if s > 0 and _CJK.match(text[s - 1]) and text[s - 1] not in "和与及、向由经在对将于被为等同的":
            return None
        code = ctx.region_code
        full = (gaz.full_name(code) + entry["canonical"]) if code else name
        return AgencyMatch(s, e, name, full, entry["canonical"], entry["kind"], code)
    return None
