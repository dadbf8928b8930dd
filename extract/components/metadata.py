"""pk_metadata: the report's title, issuing agency (full official name), its region, the work
year, the signing date and the addressees."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer import load_gazetteer
from ..organs import AgencyMatch, Context, find_agencies, load_organs
from .base import document, meta
from .regions import region_context

HEALTH_ORGANS = ("卫生健康委员会", "卫生健康局", "卫生和计划生育委员会", "卫生局")
_YEAR = re.compile(r"(20\d\d)\s*年")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(r"((?:19|20)\d\d|[二〇○零O一三四五六七八九]{4})\s*年\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日")
HEADING_CHARS = 700
SIGNATURE_CHARS = 300


def agency_context(doc: Doc) -> Context:
    """The report's own region and agency, to resolve 区政府, 我委 ... (set by pk_metadata)."""
    return doc.user_data.get("pk_agency_context") or Context()


def _cn_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 4 and all(c in _CN_DIGITS for c in s):  # 二〇二二
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS.get(s[1], 0)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(s, 0)


def parse_date(text: str) -> str:
    """The last date written in ``text``, ISO formatted, or ""."""
    found = list(_DATE.finditer(text))
    for m in reversed(found):
        y, mo, d = (_cn_number(g) for g in m.groups())
        if 1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return ""


class MetadataReader:
    def __init__(self):
        self.gaz = load_gazetteer()
        self.lex = load_organs()

    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        m = meta(doc)
        text = doc.text
        ctx_regions = region_context(doc)
        heading = text[:HEADING_CHARS]
        lines = [(mm.start(), mm.group()) for mm in re.finditer(r"[^\n]+", heading)]
        title_lines = [(s, l) for s, l in lines[:8] if re.search(r"报告|总结|情况", l) and not l.rstrip().endswith(("：", ":"))]
        m.title = (title_lines[0][1] if title_lines else (lines[0][1] if lines else "")).strip()

        issuer = self._issuer(text, lines, ctx_regions)
        if issuer is not None:
            m.agency, m.agency_surface, m.organ = issuer.full_name, issuer.surface, issuer.organ
            m.region_code = issuer.region_code
            if not issuer.region_code:
                pre = issuer.surface.removeprefix("中共")
                codes = [c for n, cs in self.gaz.by_name.items() if pre.startswith(n) for c in cs if self.gaz.regions[c].name == n]
                m.region_candidates = sorted(set(codes))
        if m.region_code:
            h = self.gaz.hierarchy(m.region_code)
            m.province, m.city, m.county = h["province"], h["city"], h["county"]
        elif m.region_candidates:
            levels = {self.gaz.regions[c].level for c in m.region_candidates}
            names = {self.gaz.regions[c].name for c in m.region_candidates}
            if len(levels) == 1 and len(names) == 1:
                setattr(m, levels.pop(), names.pop())

        years = [int(y) for y in _YEAR.findall(m.title)] or [int(y) for y in _YEAR.findall(heading[:300])]
        m.year = years[0] if years else None
        m.date = parse_date(text[-SIGNATURE_CHARS:])
        self._apply_overrides(m, d.source.overrides)

        ctx = Context(region_code=m.region_code, agency=m.agency, region_context=ctx_regions)
        doc.user_data["pk_agency_context"] = ctx
        m.addressed_to = []
        doc.user_data["pk_addressees"] = []
        for s, line in lines[:10]:
            stripped = line.strip()
            if stripped.endswith(("：", ":")) and len(stripped) <= 40 and not re.search(r"[，。；]", stripped):
                found = find_agencies(stripped[:-1], ctx, self.gaz)
                if found and sum(len(a.surface) for a in found) >= len(stripped[:-1].replace("、", "")) - 2:
                    m.addressed_to = [a.surface for a in found]
                    doc.user_data["pk_addressees"] = [
                        {"surface": a.surface, "name": a.full_name, "region_code": a.region_code} for a in found
                    ]
                    break
        return doc

    def _apply_overrides(self, m, overrides: dict) -> None:
        """What the manifest says wins over the text: agency, region (a code), year."""
        if overrides.get("agency"):
            m.agency = m.agency_surface = overrides["agency"]
            found = find_agencies(m.agency, Context(region_context=()), self.gaz)
            if found and found[0].surface == m.agency:
                m.organ = found[0].organ
                if found[0].region_code and not overrides.get("region_code"):
                    m.region_code, m.region_candidates = found[0].region_code, []
        if overrides.get("region_code"):
            m.region_code, m.region_candidates = overrides["region_code"], []
            if not overrides.get("agency") and m.organ:
                # the text's short or ambiguous name, completed by the settled place (市中区卫生健康局)
                m.agency = self.gaz.full_name(m.region_code) + m.organ
        if overrides.get("region_code") or overrides.get("agency"):
            h = self.gaz.hierarchy(m.region_code) if m.region_code else {"province": "", "city": "", "county": ""}
            m.province, m.city, m.county = h["province"], h["city"], h["county"]
        if overrides.get("year"):
            m.year = overrides["year"]

    def _issuer(self, text: str, lines, ctx_regions) -> AgencyMatch | None:
        candidates: list[tuple[tuple, AgencyMatch]] = []
        probe = Context(region_context=())
        zones = [(s, l, True) for s, l in lines[:12]]
        tail_start = max(0, len(text) - SIGNATURE_CHARS)
        zones += [(tail_start + mm.start(), mm.group(), False) for mm in re.finditer(r"[^\n]+", text[tail_start:])]
        for order, (s, line, in_heading) in enumerate(zones):
            stripped = line.rstrip()
            if stripped.endswith(("：", ":")):
                continue  # an addressee line
            for a in find_agencies(line, probe, self.gaz):
                if a.organ not in HEALTH_ORGANS or a.national:
                    continue
                has_region = a.region_code or not (a.surface[:1] in "省市区县州" and a.surface[1:] in self.lex.organs)
                full_form = a.surface.endswith(a.organ)
                title_like = bool(re.search(r"报告|总结", line)) and not line.lstrip().startswith("附件")
                score = (bool(has_region), in_heading, full_form or title_like, title_like, -order)
                candidates.append((score, a))
        if not candidates:
            return None
        best = max(candidates, key=lambda c: c[0])[1]
        if not best.region_code and best.surface[:1] in "省市区县州" and best.surface[1:] in self.lex.organs and ctx_regions:
            # 市卫生健康委 in the title: the report's region is the one the text names first
            best = find_agencies(self.gaz.get(ctx_regions[0]).name + best.surface[1:], probe, self.gaz)[0]
        return best


@Language.factory("pk_metadata")
def make_metadata_reader(nlp: Language, name: str) -> MetadataReader:
    return MetadataReader()
