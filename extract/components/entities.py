"""pk_entities: the mentions that do not overlap go to ``doc.ents`` too, for the spaCy tools that
read entities (displaCy's "ent" style, ``Doc.ents``-based evaluation). Where mentions overlap (a
region inside an agency's name, 北碚区 in 北碚区司法局) the longest is kept; ``doc.spans``
keeps them all."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from .base import LABELS, spans


class EntitySetter:
    def __init__(self, labels: list[str]):
        self.labels = tuple(labels)

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = filter_spans(spans(doc, *self.labels))
        return doc


@Language.factory(
    "pk_entities",
    default_config={"labels": list(LABELS)},
    requires=["doc.spans"],
    assigns=["doc.ents"],
)
def make_entity_setter(nlp: Language, name: str, labels: list[str]) -> EntitySetter:
    return EntitySetter(labels)
