"""Placeholder for the pk_programs component (being written)."""
from spacy.language import Language


@Language.factory("pk_programs")
def make_pk_programs(nlp, name):
    return lambda doc: doc
