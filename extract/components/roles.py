"""Placeholder for the pk_citation_roles component (being written)."""
from spacy.language import Language


@Language.factory("pk_citation_roles")
def make_pk_citation_roles(nlp, name):
    return lambda doc: doc
