"""Placeholder for the pk_laws component (being written)."""
from spacy.language import Language


@Language.factory("pk_laws")
def make_pk_laws(nlp, name):
    return lambda doc: doc
