"""pk_relations: relations beyond citation — cross-region cooperation and enforcement figures
(cases, fines, inspections, trainings ...) as typed observations with value, unit and evidence."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer import GAZETTEER_FILES
from ..records import REGION, Observation, flat_asdict
from .base import DataComponent, doc_text, document, gazetteer_of, meta, spans

COOPERATION = re.compile(r"联合|合作|协同|跨区|跨省|跨市|毗邻|签订|共建|一体化|协作|联动|互认|通办")
_NUM = r"(\d+(?:\.\d+)?)\s*"
# measure, pattern (a keyword, a short gap without sentence punctuation, the number), units
FIGURES = [
    ("cases", re.compile(r"(?:立案|查处|办结|办理|结案|处理|受理)[^，。；\n]{0,12}?" + _NUM + r"(件|起)")),
    ("fines", re.compile(r"(?:罚款|罚没款|罚没|没收违法所得)[^，。；\n]{0,8}?" + _NUM + r"(万元|元)")),
    ("inspections", re.compile(r"(?:检查|抽查|巡查|监督|督查)[^，。；\n]{0,12}?" + _NUM + r"(户次|家次|家|户|次)")),
    ("trainings", re.compile(r"(?:培训|讲座|学法|宣讲)[^，。；\n]{0,12}?" + _NUM + r"(人次|场次|场|期|次)")),
    ("staff_deployed", re.compile(r"出动[^，。；\n]{0,8}?" + _NUM + r"(人次)")),
    ("materials", re.compile(r"(?:发放|印发|制作)[^，。；\n]{0,10}?" + _NUM + r"(余份|份|余册|册|本)")),
    ("reviews", re.compile(r"(?:审查|审核)[^，。；\n]{0,12}?" + _NUM + r"(件|份|项)")),
]


class RelationFinder(DataComponent):
    """Its data: the gazetteer's files."""

    files = GAZETTEER_FILES

    def load(self, files) -> None:
        self.gaz = gazetteer_of(files)

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_data()
        d = document(doc)
        m = meta(doc)
        own = m.region_code
        own_candidates = m.region_candidates
        partners: dict[str, None] = {}
        for r in spans(doc, REGION):
            code = r._.code
            sentence = d.sentence_at(d.to_raw(r.start_char, r.end_char)[0])
            if not code or sentence is None or not COOPERATION.search(sentence.text):
                continue
            region = self.gaz.get(code)
            if region is None or region.level == "province":
                continue  # a partner is a city or county across a border, not a whole province
            if own and (self.gaz.is_within(code, own) or self.gaz.is_within(own, code)
                        or (region.level == "county" and self.gaz.is_within(code, own[:4] + "00") and own[:2] + "0000" not in ("110000", "120000", "310000", "500000"))):
                continue  # its own region, a part of it, or a neighbour inside its own city
            if any(self.gaz.is_within(code, c) for c in own_candidates):
                continue
            partners.setdefault(r.kb_id_, None)
        doc._.cooperation = list(partners)

        observations: list[Observation] = []
        text = doc_text(doc)
        for measure, pattern in FIGURES:
            for mm in pattern.finditer(text):
                value = float(mm.group(1))
                unit = mm.group(2).replace("余", "")
                if unit == "万元":
                    value, unit = value * 10000, "元"
                rs, re_ = d.to_raw(mm.start(), mm.end())
                sent = d.sentence_at(rs)
                observations.append(Observation(measure=measure, value=value, unit=unit, start=rs, end=re_,
                                                sentence=sent.index if sent else -1, surface=d.raw[rs:re_]))
        doc._.observations = [flat_asdict(o) for o in sorted(observations, key=lambda o: (o.start, o.measure))]
        return doc


@Language.factory(
    "pk_relations",
    default_config={"adcodes": None, "region_abbreviations": None},
    requires=["doc._.report_meta", "span._.code"],
    assigns=["doc._.cooperation", "doc._.observations"],
)
def make_relation_finder(nlp: Language, name: str, adcodes: str | None, region_abbreviations: str | None) -> RelationFinder:
    """``adcodes``, ``region_abbreviations``: the gazetteer's files (null: the bundled ones)."""
    return RelationFinder(adcodes=adcodes, region_abbreviations=region_abbreviations)
