"""Placeholder for the pk_agencies component (being written)."""
from spacy.language import Language


@Language.factory("pk_agencies")
def make_pk_agencies(nlp, name):
    return lambda doc: doc
