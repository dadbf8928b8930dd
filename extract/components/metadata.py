"""pk_metadata: the report's title, issuing agency (full official name), its region, the work
year, the signing date and the addressees."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..datafiles import shared
from ..gazetteer import GAZETTEER_FILES, MUNICIPALITIES
from ..law_names import region_at_start
from ..organs import ORGAN_FILES, AgencyMatch, Context, find_agencies, read_organs, relative_region
from ..records import REGION
from .base import DataComponent, doc_text, document, gazetteer_of, meta, region_context, spans
from .regions import SUBJECT_VERBS, TOWNSHIP

HEALTH_ORGANS = ("卫生健康委员会", "卫生健康局", "卫生和计划生育委员会", "卫生局")
_YEAR = re.compile(r"(20\d\d)\s*年")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(r"((?:19|20)\d\d|[二〇○零O一三四五六七八九]{4})\s*年\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日")
HEADING_CHARS = 700
# asides that name other bodies before the subject: 在市委、市政府的坚强领导下, cited titles, quotes
_ASIDE = re.compile(r"在[^，,。；]{0,60}?(?:领导|指导|监督|支持)[^，,。；]{0,4}下[，,]?|《[^》]*》|“[^”]*”|[（(][^）)]*[）)]")
_LEAD = re.compile(r"\s*(?:(?:(?:19|20)\d\d\s*年(?:度|以来)?|一年来|今年以来)[，,]?\s*)?")
_SUBJECT_PRONOUN = re.compile(r"(?:我|本|全)(省|市|区|县|州)")
_REPORT_INTRO = re.compile(r"现将(.{2,30}?)(?:(?:19|20)\d\d|关于|法治)")
# a place after one of these is a slogan's (信用云浮, 法治沈阳, 平安金平), not the report's naming it
_SLOGAN_BEFORE = re.compile(r"(?:法治|平安|阳光|智慧|清廉|数字|信用|诚信|书香|满意|美丽|健康|幸福|文明)$")
# a department naming itself only as 我局 / 本厅 / 我委 in its opening
_SELF_PRONOUN = re.compile(r"[我本](局|厅|委)")
# a township standing as the subject (2025年,下蜀镇坚持…): the gazetteer stops at counties, so its
# name is what stands before 镇/乡/街道 when a verb of the opening sentence follows
_TOWNSHIP_SUBJECT = re.compile(r"([\u4e00-\u9fff]{1,4}?)(镇|乡|街道|街)(?:人民政府|办事处)?"
                               r"(?=" + SUBJECT_VERBS + r"|\s*(?:19|20)\d\d\s*年)")  # or a title: 六郎镇2024年…报告
# a township named after its county in a title (平湖市新仓镇2024年度…报告)
_TOWNSHIP_AFTER_PLACE = re.compile(TOWNSHIP + r"(?=人民政府|办事处|\s*(?:19|20)\d\d|关于|法治)")
# 街 is how some write their 街道 (万兴街 for 万兴街道)
_TOWNSHIP_ORGAN = {"镇": "镇人民政府", "乡": "乡人民政府", "街道": "街道办事处", "街": "街道办事处"}
SIGNATURE_CHARS = 300


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
    """The last date written in ``text``, ISO formatted, or "": a signing date, so not a bound of a
    period (统计期限自2023年1月1日起至12月31日止).

    >>> parse_date("数据统计期限自2023年1月1日起至12月31日止。")
    ''
    >>> parse_date("某市司法局\n2024年1月28日")
    '2024-01-28'
    """
    found = [m for m in _DATE.finditer(text)
             if text[m.start() - 1:m.start()] not in ("自", "至", "从", "到") and text[m.end():m.end() + 1] not in ("起", "止", "至", "到")]
    for m in reversed(found):
        y, mo, d = (_cn_number(g) for g in m.groups())
        if 1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return ""


class MetadataReader(DataComponent):
    """Its data: the gazetteer's files and the organ lexicon's."""

    files = {**GAZETTEER_FILES, **ORGAN_FILES}

    def __init__(self, heading_chars: int = HEADING_CHARS, signature_chars: int = SIGNATURE_CHARS, **paths):
        super().__init__(**paths)
        self.heading_chars, self.signature_chars = heading_chars, signature_chars

    def load(self, files) -> None:
        self.gaz = gazetteer_of(files)
        self.lex = shared(read_organs, files["agencies"], files["organ_catalogue"])

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_data()
        d = document(doc)
        m = meta(doc)
        text = doc_text(doc)
        ctx_regions = region_context(doc)
        heading = text[:self.heading_chars]
        lines = [(mm.start(), mm.group()) for mm in re.finditer(r"[^\n]+", heading)]
        title_lines = [(s, l) for s, l in lines[:8] if re.search(r"报告|总结|情况", l) and not l.rstrip().endswith(("：", ":"))]
        m.title = (title_lines[0][1] if title_lines else (lines[0][1] if lines else "")).strip()

        body_regions = named_in_body(doc, text)
        issuer = self._issuer(text, lines, ctx_regions, body_regions)
        if issuer is not None:
            m.agency, m.agency_surface, m.organ = issuer.full_name, issuer.surface, issuer.organ
            m.region_code = issuer.region_code
            if not issuer.region_code:
                pre = issuer.surface.removeprefix("中共")
                codes = [c for _n, cs in self.gaz.official_names_at_start(pre) for c in cs]
                m.region_candidates = sorted(set(codes))
        if m.region_code:
            h = self.gaz.hierarchy(m.region_code)
            m.province, m.city, m.county = h["province"], h["city"], h["county"]
        elif m.region_candidates:
            levels = {self.gaz.regions[c].level for c in m.region_candidates}
            names = {self.gaz.regions[c].name for c in m.region_candidates}
            if len(levels) == 1 and len(names) == 1:
                setattr(m, levels.pop(), names.pop())

        # a cited plan's span (纲要(2021—2025年)) is not the work year
        years = [int(y) for y in _YEAR.findall(_ASIDE.sub("", m.title))] or [
            int(y) for y in _YEAR.findall(_ASIDE.sub("", heading[:300]))]
        m.year = years[0] if years else None
        m.date = parse_date(text[-self.signature_chars:])
        self._apply_overrides(m, d.source.overrides)

        ctx = Context(region_code=m.region_code, agency=m.agency, region_context=ctx_regions)
        doc._.agency_context = {"region_code": ctx.region_code, "agency": ctx.agency,
                                "region_context": list(ctx.region_context)}
        m.addressed_to = []
        doc._.addressees = []
        for s, line in lines[:10]:
            stripped = line.strip()
            if stripped.endswith(("：", ":")) and len(stripped) <= 40 and not re.search(r"[，。；]", stripped):
                found = find_agencies(stripped[:-1], ctx, self.gaz, self.lex)
                if found and sum(len(a.surface) for a in found) >= len(stripped[:-1].replace("、", "")) - 2:
                    m.addressed_to = [a.surface for a in found]
                    doc._.addressees = [
                        {"surface": a.surface, "name": a.full_name, "region_code": a.region_code} for a in found
                    ]
                    break
        doc._.meta = m
        return doc

    def _apply_overrides(self, m, overrides: dict) -> None:
        """What the manifest says wins over the text: agency, region (a code), year."""
        if overrides.get("agency"):
            m.agency = m.agency_surface = overrides["agency"]
            found = find_agencies(m.agency, Context(region_context=()), self.gaz, self.lex)
            if found and found[0].surface == m.agency:
                m.organ = found[0].organ
                if found[0].region_code and not overrides.get("region_code"):
                    m.region_code, m.region_candidates = found[0].region_code, []
            elif not overrides.get("region_code"):
                # an organ the lexicon does not know (陕西省西咸新区泾河新城管理委员会): its leading place
                place = region_at_start(self.gaz, m.agency)
                if place is not None:
                    m.region_code, m.region_candidates = place[0], []
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

    def _issuer(self, text: str, lines, ctx_regions, body_regions: set[str]) -> AgencyMatch | None:
        """The issuer from, in this order: the title lines, the opening sentence's subject, a
        "现将…报告如下" sentence, the signature; a short or relative name is completed from the
        place the report names."""
        body = next((i for i, (_s, l) in enumerate(lines[:12]) if (len(l) > 60 or re.search(r"[，,]", l))
                     and not (l.rstrip().endswith(("：", ":")) and "如下" not in l)), 0)  # not the addressees' line
        title = [l for i, (_s, l) in enumerate(lines[:12]) if not l.rstrip().endswith(("：", ":")) and (
            i < body or (len(l) <= 60 and not re.search(r"[，,。]", l) and re.search(r"报告|总结|^\s*\S{2,20}\s*$", l)))]
        opening = _ASIDE.sub("", re.split(r"[。；]", lines[body][1])[0]) if lines else ""
        intro = [m.group(1) for m in _REPORT_INTRO.finditer(text[:600])]
        tail = text[max(0, len(text) - self.signature_chars):]
        signature = [l for l in re.findall(r"[^\n]+", tail) if len(l.strip()) <= 30][::-1]
        for zone in ([*title], [opening], intro, signature):
            for line in zone:
                found = self._subject(line.strip(), ctx_regions, leading_only=zone is not title and zone is not signature)
                if found is not None:
                    return self._completed(found, ctx_regions, body_regions)
        return self._only_department_of_its_kind(text, ctx_regions, body_regions)

    def _only_department_of_its_kind(self, text: str, ctx_regions, body_regions: set[str]) -> AgencyMatch | None:
        """A report that calls itself only 我局 (or 本厅, 我委) in its opening is by the department the
        text names in full, when it names one department of that kind only (霍邱县应急管理局, in
        the titles of its own plans, beside 县应急局): with two or more, nothing is guessed."""
        pronoun = _SELF_PRONOUN.search(text, 0, self.heading_chars)
        if pronoun is None:
            return None
        organs = [a for a in find_agencies(text, Context(region_context=tuple(ctx_regions)), self.gaz, self.lex)
                  if a.kind == "government" and not (a.national or a.pronoun) and a.organ.endswith(pronoun.group(1))]
        if len({a.organ for a in organs}) != 1:
            return None
        full = [a for a in organs if a.region_code]
        return self._completed(full[0] if full else organs[0], ctx_regions, body_regions)

    def _subject(self, line: str, ctx_regions, leading_only: bool) -> AgencyMatch | None:
        """The first issuing body named in ``line``: a government organ, or a place (or 我县, 全市, or a
        township the gazetteer does not hold) standing as the subject, which is the place's government."""
        probe = Context(region_context=tuple(ctx_regions))
        organs = [a for a in find_agencies(line, probe, self.gaz, self.lex)
                  if a.kind == "government" and not (a.national or a.pronoun) and a.surface not in self.lex.unit_names]
        lead = _LEAD.match(line).end()
        place = next(iter(self.gaz.find(line[lead:lead + 14])), None)
        subject: AgencyMatch | None = None
        if place is not None and place[0] == 0 and not any(a.start == lead for a in organs):
            after = line[lead + place[1]:]
            if not re.match(r"[\u4e00-\u9fff]{0,8}系统", after):
                name = line[lead:lead + place[1]]
                subject = next(iter(find_agencies(name + "人民政府", probe, self.gaz, self.lex)), None)
                if subject is not None:
                    subject.start = lead
                    town = _TOWNSHIP_AFTER_PLACE.match(after)
                    if town is not None:  # 平湖市新仓镇2024年度…报告: the town's, not the city's
                        organ = town.group(1) + _TOWNSHIP_ORGAN[town.group(2)]
                        subject = AgencyMatch(lead, lead + place[1] + town.end(), name + town.group(0), "",
                                              organ, "government", subject.region_code)
                        subject.full_name = self.gaz.full_name(subject.region_code) + organ if subject.region_code else name + organ
        pronoun = _SUBJECT_PRONOUN.match(line, lead)
        if subject is None and pronoun:
            rel = pronoun.group(1)
            system = re.match(r"([\u4e00-\u9fff]{2,8})系统", line[pronoun.end():])
            organ = self._organ_of_system(system.group(1), rel) if system else "人民政府"
            if organ:
                subject = AgencyMatch(lead, pronoun.end(), pronoun.group(), rel + organ, organ, "government", "")
        township = _TOWNSHIP_SUBJECT.match(line, lead)
        if subject is None and township and township.group(1)[0] not in "全我本各该每城":
            organ = township.group(1) + _TOWNSHIP_ORGAN[township.group(2)]
            subject = AgencyMatch(lead, township.end(), township.group(), organ, organ, "government", "")
        if leading_only and organs and organs[0].start > lead + 2 and subject is None:
            organs = organs[:1]
        candidates = sorted([*organs, *([subject] if subject else [])], key=lambda a: a.start)
        return candidates[0] if candidates else None

    def _organ_of_system(self, domain: str, rel: str) -> str:
        """全市司法行政系统 → 司法局, 全省教育系统 → 教育厅: the department heading a sector."""
        suffix = "厅" if rel == "省" else "局"
        names = sorted({e["canonical"] for e in self.lex.organs.values() if e["kind"] == "government"})
        return next((n for n in names if n.endswith(suffix) and n.startswith(domain[:2])
                     and len(n) <= len(domain) + 3), "")

    def _completed(self, a: AgencyMatch, ctx_regions, body_regions: set[str]) -> AgencyMatch:
        """A relative or bare issuer (市应急管理局, 我县, 教育局) placed in the report's own region,
        and a county's name given its city only where the report names the city as a place
        (``body_regions``: not only inside a slogan such as 信用云浮)."""
        code = a.region_code
        if not code and not self._has_own_place(a):
            level = a.surface[1:2] if a.surface[:1] in "我本全" else a.surface[:1]  # 我市 is a city's
            rel = "省" if a.surface.startswith("自治区") else level if level in "省市区县州" else ""
            if not rel and a.organ.endswith("厅"):
                rel = "省"
            code = self._place(rel, ctx_regions)
        if not code:
            return a
        place = self._place_name(code, body_regions, a.surface)
        full = a.full_name if a.region_code and a.full_name.startswith(self.gaz.full_name(code)) else ""
        organ_part = full[len(self.gaz.full_name(code)):] if full else a.organ
        return AgencyMatch(a.start, a.end, a.surface, place + organ_part, a.organ, a.kind, code, parent=a.parent)

    def _place_name(self, code: str, body_regions: set[str], surface: str = "") -> str:
        """How an issuer's name writes its place: a county with its city only where the report
        names the city as a place (or the issuer's name does); a province or a city by its name."""
        r = self.gaz.get(code)
        parent = self.gaz.get(r.parent) if r.level == "county" else None
        named = parent is not None and (parent.code[:2] + "0000" in MUNICIPALITIES or parent.code in body_regions
                                         or parent.name in surface)
        return (parent.name + r.name) if named else r.name

    def _has_own_place(self, a: AgencyMatch) -> bool:
        """A name that carries a place the gazetteer could not settle (市中区卫生健康局)."""
        pre = a.surface.removeprefix("中共")
        return any(len(n) >= 2 for n, _cs in self.gaz.official_names_at_start(pre))

    def _place(self, rel: str, ctx_regions) -> str:
        """The report's own region at the level 省/市/区/县 names (the first one the text names),
        or, with no level, the most specific of the first places named."""
        regions = [self.gaz.get(c) for c in ctx_regions if self.gaz.get(c)]
        if not regions:
            return ""
        if not rel:
            return max(regions[:3], key=lambda r: ("province", "city", "county").index(r.level)).code
        for r in regions:
            if relative_region(self.gaz, rel, r.code) == r.code:
                return r.code
        for r in regions:
            code = relative_region(self.gaz, rel, r.code)
            if code:
                return code
        return ""


def named_in_body(doc: Doc, text: str) -> set[str]:
    """Codes of the regions the report names as places: not only inside a slogan (信用云浮,
    法治沈阳), where the place is a brand's."""
    return {r._.code for r in spans(doc, REGION) if r._.code
            and not _SLOGAN_BEFORE.search(text, max(0, r.start_char - 2), r.start_char)}


@Language.factory(
    "pk_metadata",
    default_config={"heading_chars": HEADING_CHARS, "signature_chars": SIGNATURE_CHARS,
                    "adcodes": None, "region_abbreviations": None, "agencies": None, "organ_catalogue": None},
    requires=["doc._.region_context"],
    assigns=["doc._.report_meta", "doc._.agency_context", "doc._.addressees"],
)
def make_metadata_reader(nlp: Language, name: str, heading_chars: int, signature_chars: int,
                         adcodes: str | None, region_abbreviations: str | None, agencies: str | None,
                         organ_catalogue: str | None) -> MetadataReader:
    """``heading_chars``: where the title and addressees are looked for; ``signature_chars``: the
    signature (date, issuer) at the end; the files as pk_agencies' (null: the bundled ones)."""
    return MetadataReader(heading_chars, signature_chars, adcodes=adcodes, region_abbreviations=region_abbreviations,
                          agencies=agencies, organ_catalogue=organ_catalogue)
