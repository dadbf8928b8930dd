"""pk_agencies: every named agency — government organs, party organs, people's congresses and
CPPCC bodies, courts, procuratorates, public institutions, internal units — with relative forms
(区司法局, 市人大, 委机关) resolved against the report's own region and agency."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer import GAZETTEER_FILES
from ..organs import ORGAN_FILES, find_agencies, read_organs
from ..records import AGENCY
from ..datafiles import shared
from .base import DataComponent, add_mentions, agency_context, doc_text, gazetteer_of


class AgencyFinder(DataComponent):
    """Its data: the gazetteer's files and the organ lexicon's."""

    files = {**GAZETTEER_FILES, **ORGAN_FILES}

    def load(self, files) -> None:
        self.gaz = gazetteer_of(files)
        self.lex = shared(read_organs, files["agencies"], files["organ_catalogue"])

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_data()
        ctx = agency_context(doc)
        add_mentions(doc, [(AGENCY, a.start, a.end, a.full_name,
                            {"full_name": a.full_name, "organ": a.organ, "kind": a.kind, "region_code": a.region_code,
                             "parent": a.parent, "pronoun": a.pronoun})
                           for a in find_agencies(doc_text(doc), ctx, self.gaz, self.lex)])
        return doc


@Language.factory(
    "pk_agencies",
    retokenizes=True,  # splits tokens at the mentions' edges
    default_config={"adcodes": None, "region_abbreviations": None, "agencies": None, "organ_catalogue": None},
    requires=["doc._.agency_context"],
    assigns=["doc.spans", "span._.full_name", "span._.organ", "span._.kind", "span._.region_code", "span._.parent", "span._.pronoun"],
)
def make_agency_finder(nlp: Language, name: str, adcodes: str | None, region_abbreviations: str | None,
                       agencies: str | None, organ_catalogue: str | None) -> AgencyFinder:
    """``agencies``, ``organ_catalogue``: YAML files like the package's agencies.yaml and
    organ_catalogue.yaml; ``adcodes``, ``region_abbreviations``: the gazetteer's (null: bundled)."""
    return AgencyFinder(adcodes=adcodes, region_abbreviations=region_abbreviations, agencies=agencies, organ_catalogue=organ_catalogue)
