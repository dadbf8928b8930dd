"""pk_agencies: every named agency — government organs, party organs, people's congresses and
CPPCC bodies, courts, procuratorates, public institutions, internal units — with relative forms
(区司法局, 市人大, 委机关) resolved against the report's own region and agency."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer import load_gazetteer
from ..organs import find_agencies, load_organs
from ..records import AGENCY
from .base import add_mentions, agency_context


class AgencyFinder:
    def __init__(self):
        self.gaz = load_gazetteer()
        self.lex = load_organs()

    def __call__(self, doc: Doc) -> Doc:
        ctx = agency_context(doc)
        add_mentions(doc, [(AGENCY, a.start, a.end, a.full_name,
                            {"full_name": a.full_name, "organ": a.organ, "kind": a.kind, "region_code": a.region_code,
                             "parent": a.parent, "pronoun": a.pronoun})
                           for a in find_agencies(doc.text, ctx, self.gaz, self.lex)])
        return doc


@Language.factory(
    "pk_agencies",
    retokenizes=True,  # splits tokens at the mentions' edges
    requires=["doc._.agency_context"],
    assigns=["doc.spans", "span._.full_name", "span._.organ", "span._.kind", "span._.region_code", "span._.parent", "span._.pronoun"],
)
def make_agency_finder(nlp: Language, name: str) -> AgencyFinder:
    return AgencyFinder()
