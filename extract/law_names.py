"""Laws and normative documents: canonical names, levels, issuers and jurisdictions.

The registry (``ontology/data/laws.yaml``) gives canonical names, aliases and known
mis-citations; a title not in it keeps its own (cleaned) name and gets its level from its form
(法 / 条例 / 办法 / 规定 / 意见 / 方案 ...) and its issuer from its prefix or document number.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from policykg.graph.vocab import LEVEL_ORDER  # the ontology's vocabulary, without rdflib

from .datafiles import resolve, shared
from .gazetteer import Gazetteer, load_gazetteer

PRC = "中华人民共和国"
LEVELS = LEVEL_ORDER  # the ontology's law levels, written once in graph.vocab

# the forms a title of a law or normative document ends with
LAW_FORMS = (
    "法典", "法", "条例", "规定", "办法", "细则", "规则", "决定", "意见", "通知", "通告", "公告", "方案", "预案",
    "规划", "纲要", "要点", "计划", "制度", "清单", "目录", "指引", "标准", "规范", "准则", "指南", "章程",
    "守则", "决议", "批复", "措施", "解释", "纪要", "实施意见", "责任书", "机制", "协议书", "协议", "手册",
    "规程", "大纲", "修正案", "工作安排", "重点任务", "分工表",
)
# words ending in 法 that are not laws
_NOT_LAW_FA = ("方法", "做法", "司法", "执法", "立法", "普法", "依法", "守法", "用法", "说法", "想法",
               "学法", "知法", "懂法", "违法", "合法", "非法", "犯法", "释法", "讲法", "护法")
_DASHES = str.maketrans({"－": "—", "-": "—", "–": "—", "―": "—", "~": "—", "～": "—"})


# a plan's years written without 年: 纲要(2021-2025) is 纲要（2021—2025年）
_YEARS_WITHOUT_NIAN = re.compile(r"（(\d{4}—\d{4})）")
# the span of years a plan's name ends with, folded: （2021—2025年）
_YEAR_SPAN = re.compile(r"（\d{4}—\d{4}年）$")


def fold(name: str) -> str:
    """A matching key: no spaces, quotes or title marks, one kind of dash and bracket, a year
    range with its 年.

    >>> fold("《法治政府建设实施纲要(2021-2025)》") == fold("法治政府建设实施纲要（2021－2025年）")
    True
    """
    s = unicodedata.normalize("NFKC", name)
    s = re.sub(r"[\s《》〈〉“”\"'‘’「」『』]", "", s)
    s = s.replace("(", "（").replace(")", "）").translate(_DASHES)
    return _YEARS_WITHOUT_NIAN.sub(r"（\1年）", s)


class RegistryError(ValueError):
    """The law registry's data files break the schema (a level, a date, an alias)."""


# a draft or a revision named after the title: 《行政复议法（修订草案）》, 《…条例（2019年修订）》
_VERSION_SUFFIX = re.compile(r"（(?:\d{4}年)?(?:修订|修正)?(?:草案)?(?:征求意见稿|送审稿|修订稿)?本?）$")
# libyaml's loader reads the thousand-entry catalogue ten times faster than the pure-Python one
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMERALS = set("0123456789〇一二三四五六七八九十")


@dataclass
class LawEntry:
    name: str
    level: str
    issuer: str = ""
    date: str = ""
    aliases: list[str] = field(default_factory=list)
    revised: str = ""
    repealed: bool = False

    def names(self) -> list[str]:
        """Canonical name, aliases, and the 中华人民共和国-less form of each (宪法 for 中华人民共和国宪法)."""
        out = []
        for n in (self.name, *self.aliases):
            out.append(n)
            if n.startswith(PRC) and len(n) > len(PRC) + 1:
                out.append(n[len(PRC):])
        return list(dict.fromkeys(out))


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1:] for i in range(len(key))}


@dataclass
class Registry:
    entries: list[LawEntry]

    def __post_init__(self) -> None:
        self.index: dict[str, LawEntry] = {}
        for e in self.entries:
            for n in e.names():
                self.index.setdefault(fold(n), e)

    @functools.cached_property
    def _near_index(self) -> dict[str, set[str]]:
        """Every key of six characters or more under each of its one-character deletions (built once)."""
        near: dict[str, set[str]] = {}
        for key in self.index:
            if len(key) >= 6:
                for d in _deletions(key) | {key}:
                    near.setdefault(d, set()).add(key)
        return near

    @functools.cached_property
    def _editions(self) -> dict[str, list[LawEntry]]:
        """Plans issued again under one name for another span of years (法治政府建设实施纲要
        2015—2020 and 2021—2025), by that name without its years, oldest first."""
        by_name: dict[str, list[LawEntry]] = {}
        for e in self.entries:
            m = _YEAR_SPAN.search(fold(e.name))
            if m is not None and e.date:
                by_name.setdefault(fold(e.name)[:m.start()], []).append(e)
        return {k: sorted(v, key=lambda e: e.date) for k, v in by_name.items() if len(v) > 1}

    def edition_in_force(self, title: str, year: int | None) -> LawEntry | None:
        """The edition a title without its years means in a report on ``year``: the last one
        issued by the end of that year (a 2019 report's 《法治政府建设实施纲要》 is the 2015—2020
        one). None when the title names its years, has one edition, or the year is unknown."""
        key = fold(title)
        editions = self._editions.get(key)
        if not editions or year is None or _YEAR_SPAN.search(key):
            return None
        issued = [e for e in editions if e.date[:4] <= str(year)]
        return issued[-1] if issued else editions[0]

    def bare_names(self) -> dict[str, LawEntry]:
        """Names safe to find without book-title marks: the short names of laws (传染病防治法).

        Names of three characters or more ending in 法 / 法典 / 条例; shorter ones (宪法, 刑法) only
        when laws.yaml lists them as an alias, since 水法-like pairs are ordinary words in running text."""
        out = {}
        for e in self.entries:
            for n in e.names():
                if re.search(r"(?:法|法典|条例)$", n) and (len(n) >= 3 or n in e.aliases):
                    out[n] = e
        return out

    def lookup(self, title: str) -> LawEntry | None:
        """The entry a title names exactly, or names with a draft or revision suffix."""
        key = fold(title)
        for k in (key, _VERSION_SUFFIX.sub("", key)):
            hit = self.index.get(k) or self.index.get(k.removeprefix(PRC))
            if hit is not None:
                return hit
        return None

    def near(self, title: str) -> LawEntry | None:
        """The one entry a title misquotes by a single character (突发事件应急法 for 突发事件应对法).

        Only titles of six characters or more, only when one document is that close, never when the
        difference is a numeral (规定（一） and 规定（二） are two documents), and the form the title
        ends with (法, 条例, 办法 ...) must be the entry's."""
        key = _VERSION_SUFFIX.sub("", fold(title)).removeprefix(PRC)
        if len(key) < 6:
            return None
        near = self._near_index
        found = set(near.get(key, ()))
        for d in _deletions(key):
            found |= near.get(d, set())
        hits = {id(self.index[c]): self.index[c] for c in found if _one_edit(c, key) and _same_form(c, key)}
        return next(iter(hits.values())) if len(hits) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """Exactly one character substituted, inserted or dropped, and that character not a numeral."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        ok = a[i + 1:] == b[i + 1:]
        changed = {a[i], b[i]}
    else:
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        ok = longer[i + 1:] == shorter[i:]
        changed = {longer[i]}
    return ok and not changed & _NUMERALS


def _same_form(a: str, b: str) -> bool:
    def form(t: str) -> str:
        return next((f for f in sorted(LAW_FORMS, key=len, reverse=True) if t.endswith(f)), "")
    return form(a) == form(b) != ""


def check_registry(entries: list[LawEntry], source: str = "law registry") -> None:
    """Raise RegistryError unless every entry has a name and a valid level, dates are ISO and no
    name or alias (with or without 中华人民共和国) belongs to two entries."""
    owner: dict[str, str] = {}
    for e in entries:
        if not e.name or not e.level:
            raise RegistryError(f"{source}: an entry lacks its name or level: {e}")
        if e.level not in LEVELS:
            raise RegistryError(f"{source}: {e.name}: level {e.level!r} is not one of {', '.join(LEVELS)}")
        for what, d in (("date", e.date), ("revised", e.revised)):
            if d and not _ISO_DATE.fullmatch(d):
                raise RegistryError(f"{source}: {e.name}: {what} {d!r} is not an ISO date (yyyy-mm-dd)")
        for n in e.names():
            k = fold(n)
            if owner.setdefault(k, e.name) != e.name:
                raise RegistryError(f"{source}: {n!r} names both {owner[k]!r} and {e.name!r}")


def _entry(e: dict) -> LawEntry:
    return LawEntry(name=e.get("name") or "", level=e.get("level") or "", issuer=e.get("issuer") or "",
                    date=str(e.get("date") or ""), aliases=list(e.get("aliases") or []),
                    revised=str(e.get("revised") or ""), repealed=bool(e.get("repealed")))


def _read(path: Path) -> list[LawEntry]:
    with path.open(encoding="utf-8") as f:
        entries = [_entry(e) for e in yaml.load(f, Loader=_YAML_LOADER) or []]
    check_registry(entries, path.name)
    return entries


def merge_entries(catalogue: list[LawEntry], curated: list[LawEntry]) -> list[LawEntry]:
    """The catalogue with the curated entries laid over it: a curated entry takes the place of the
    catalogue entry any of its names names, keeping the catalogue's dates where it gives none."""
    by_key = {fold(n).removeprefix(PRC): e for e in catalogue for n in e.names()}
    replaced: set[int] = set()
    out = []
    for c in curated:
        matches = {id(m): m for n in c.names() if (m := by_key.get(fold(n).removeprefix(PRC)))}
        for m in matches.values():
            replaced.add(id(m))
            c.date = c.date or m.date
            c.revised = c.revised or m.revised
            c.issuer = c.issuer or m.issuer
            if m.name != c.name and m.name not in c.aliases:
                c.aliases.append(m.name)
        out.append(c)
    return out + [e for e in catalogue if id(e) not in replaced]


def read_registry(laws: Path, laws_catalogue: Path) -> Registry:
    """The registry of the curated laws laid over the catalogue."""
    entries = merge_entries(_read(laws_catalogue), _read(laws))
    check_registry(entries, f"{laws.name} over {laws_catalogue.name}")
    return Registry(entries)


LAW_FILES = {"laws": "laws.yaml", "laws_catalogue": "laws_catalogue.yaml"}


def law_registry(laws: str | Path | None = None, laws_catalogue: str | Path | None = None) -> Registry:
    """The registry of these files (None: the bundled ones), shared with whoever reads the same."""
    return shared(read_registry, resolve(laws, LAW_FILES["laws"]), resolve(laws_catalogue, LAW_FILES["laws_catalogue"]))


@functools.lru_cache(maxsize=1)
def load_registry() -> Registry:
    """The bundled registry, kept for the life of the process."""
    return law_registry()


class DocNumberCodes(dict):
    """doc_number_codes.yaml: national prefixes and organ codes of document numbers (a dict
    subclass, so that the shared cache can hold it weakly)."""


def read_docnum_codes(path: Path) -> DocNumberCodes:
    with path.open(encoding="utf-8") as f:
        return DocNumberCodes(yaml.load(f, Loader=_YAML_LOADER))


DOCNUM_FILES = {"doc_number_codes": "doc_number_codes.yaml"}


def docnum_codes(doc_number_codes: str | Path | None = None) -> DocNumberCodes:
    return shared(read_docnum_codes, resolve(doc_number_codes, DOCNUM_FILES["doc_number_codes"]))


@functools.lru_cache(maxsize=1)
def _docnum_codes() -> DocNumberCodes:
    return docnum_codes()


def clean_title(title: str) -> str:
    """Trim a title and restore what citations commonly break: unbalanced brackets."""
    t = re.sub(r"\s+", "", title).strip("，。、；：,.;:")
    if t.count("（") > t.count("）"):
        t += "）"
    if t.count("〈") > t.count("〉"):
        t += "〉"
    return t


def is_law_title(title: str) -> bool:
    """Does a 《》 title name a law or normative document (not a newspaper, book or video)?"""
    t = re.sub(r"（[^（）]*）$", "", clean_title(title))  # 规划（2021-2025年） → 规划
    t = re.sub(r"[（(][^)）]*[)）]$", "", t)
    if len(t) < 2:
        return False
    if t.endswith(("日报", "晚报", "报", "杂志", "周刊", "月刊")):
        return False
    if t.endswith(("宪法", "办法", "法典", "保护法")):  # 保护法 before 护法 below: 长江保护法, 个人信息保护法
        return True
    if t.endswith("法"):
        return not t.endswith(_NOT_LAW_FA)
    return t.endswith(LAW_FORMS[2:])


def region_at_start(gaz: Gazetteer, title: str) -> tuple[str, str] | None:
    """(code, name) of a region the title starts with (无锡市社会医疗机构管理条例 → 320200)."""
    t = title.removeprefix("中共").removeprefix("关于")
    for k in range(min(10, len(t)), 1, -1):
        codes = gaz.by_name.get(t[:k])
        if codes:
            regs = [gaz.regions[c] for c in codes]
            full = [r for r in regs if r.name == t[:k]] or [r for r in regs if r.level != "county"]
            if len(full) == 1:
                return full[0].code, t[:k]
            return None
    return None


@dataclass
class LawInfo:
    canonical: str
    level: str
    issuer: str = ""
    jurisdiction: str = ""
    in_registry: bool = False
    aliases: list[str] = field(default_factory=list)


def docnum_issuer(number: str, gaz: Gazetteer | None = None, context: tuple[str, ...] = (),
                  codes: DocNumberCodes | None = None) -> tuple[str, str]:
    """(issuer full name, region code) read from a document number's prefix, or ("", "")."""
    gaz = gaz or load_gazetteer()
    codes = _docnum_codes() if codes is None else codes
    m = re.match(r"(.+?)令第?\s*\d+\s*号", number)
    if m:  # 重庆市人民政府令第329号
        name = m.group(1)
        r = region_at_start(gaz, name)
        return name, (r[0] if r else "")
    prefix = re.split(r"[〔\[（(【]", number)[0]
    for p, issuer in sorted(codes["national_prefixes"].items(), key=lambda kv: -len(kv[0])):
        if prefix.startswith(p):
            return issuer, ""
    for k in (2, 1):
        abbr, rest = prefix[:k], prefix[k:]
        regions = gaz.by_abbreviation(abbr)
        if not regions or not rest:
            continue
        if len(regions) > 1:
            ctx = [r for r in regions if any(gaz.is_within(c, r.code) or c[:2] == r.code[:2] for c in context)]
            regions = ctx[:1] if len(ctx) == 1 else regions[:1] if len({r.code for r in regions}) == 1 else []
        if not regions:
            continue
        region = regions[0]
        for oc, organ in sorted(codes["organ_codes"].items(), key=lambda kv: -len(kv[0])):
            if rest.startswith(oc):
                office = "办公厅" if region.level == "province" else "办公室"
                organ_name = organ.replace("{office}", office)
                if "{party}" in organ_name:
                    return "中共" + gaz.full_name(region.code) + organ_name.replace("{party}", ""), region.code
                return gaz.full_name(region.code) + organ_name, region.code
    return "", ""


def describe(title: str, doc_number: str = "", gaz: Gazetteer | None = None,
             context: tuple[str, ...] = (), registry: Registry | None = None,
             codes: DocNumberCodes | None = None) -> LawInfo:
    """Canonical name, level, issuer and jurisdiction of a cited title (with the bundled data
    where ``gaz``, ``registry`` and ``codes`` are not given)."""
    gaz = gaz or load_gazetteer()
    t = clean_title(title)
    registry = registry or load_registry()
    entry = registry.lookup(t)
    if entry is not None:
        return _registered(entry)
    info = _described_by_form(t, doc_number, gaz, context, codes)
    near = registry.near(t) if not info.jurisdiction else None
    if near is not None and (near.level == info.level or _long_misprint(near, t)):
        return _registered(near)  # a misquoted word: 《突发事件应急法》
    return info


def _registered(entry: LawEntry) -> LawInfo:
    return LawInfo(entry.name, entry.level, entry.issuer, "", True, list(entry.aliases))


def _long_misprint(entry: LawEntry, title: str) -> bool:
    """One wrong character in a long title is a misprint whatever its form says (移送步嫌犯罪)."""
    key = fold(title).removeprefix(PRC)
    return len(key) >= 8 and any(len(fold(n)) == len(key) for n in entry.names())


def _described_by_form(t: str, doc_number: str, gaz: Gazetteer, context: tuple[str, ...],
                       codes: DocNumberCodes | None) -> LawInfo:
    """A title the registry lacks: level from its form, issuer from its prefix or document number."""
    canonical = t
    region = region_at_start(gaz, t)
    issuer, number_region = docnum_issuer(doc_number, gaz, context, codes) if doc_number else ("", "")
    core = re.sub(r"（[^（）]*）$", "", t)
    if core.endswith("法") and not core.endswith((*_NOT_LAW_FA, "办法")) and not region and "关于" not in core:
        if not core.startswith(PRC):
            canonical = PRC + t
        level = "法律"
    elif t.startswith(("中共", "中国共产党")) or "党内" in t or t.startswith("党政"):
        level = "党内法规"
    elif core.endswith("条例"):
        level = "地方性法规" if region else "行政法规"
    elif re.search(r"人民政府令|政府令", doc_number) and core.endswith(("办法", "规定", "细则")):
        level = "地方政府规章" if (region or number_region) else "部门规章"
    elif core.endswith(("规划", "纲要")) and not region and not re.match(r"\d{4}", core):
        level = "国家规划"
    elif core.endswith(("协议", "协议书", "备忘录", "倡议书", "责任书")):
        level = "其他"  # agreements and pledges bind their parties, they are not normative documents
    else:
        level = "规范性文件"
    if not issuer and region:
        # 重庆市人民政府办公厅关于... / 中共重庆市委关于...: the issuer is written before 关于
        head = t.split("关于")[0] if "关于" in t else ""
        if head and len(head) > len(region[1]):
            issuer = head
    jurisdiction = region[0] if region else number_region
    return LawInfo(canonical, level, issuer, jurisdiction, False, [])
