"""Placeholder for the pk_doc_numbers component (being written)."""
from spacy.language import Language


@Language.factory("pk_doc_numbers")
def make_pk_doc_numbers(nlp, name):
    return lambda doc: doc
