"""RDF terms as pyoxigraph makes them, for the builder that writes quads straight into the store
(graph.build), and the way back to rdflib for the code that still reads an rdflib Graph
(SHACL validation, the networkx projection, notebooks).

Literals get the lexical forms rdflib gives the same Python values (xsd:integer, xsd:boolean,
xsd:decimal in plain notation), so a graph is the same whichever library made it. A term the
store would refuse (an invalid IRI, text with a lone surrogate) raises ValueError when it is
made, so a bad report fails at once, before any of its quads reach the store."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .sparql_json import XSD_STRING
from .vocab import PREFIXES


class Namespace:
    """``PK.Report`` (or ``PK["Report"]``): the NamedNode of a term of one namespace, made once."""

    def __init__(self, base: str):
        self._base = base

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("_"):  # copy, pickle and friends probe dunder names
            raise AttributeError(name)
        node = iri(self._base + name)
        setattr(self, name, node)
        return node

    def __getitem__(self, name: str) -> ox.NamedNode:
        return getattr(self, name)


RDF, RDFS, XSD = Namespace(PREFIXES["rdf"]), Namespace(PREFIXES["rdfs"]), Namespace(PREFIXES["xsd"])
SKOS, DCTERMS = Namespace(PREFIXES["skos"]), Namespace(PREFIXES["dcterms"])
PK, ELI, ORG = Namespace(PREFIXES["pk"]), Namespace(PREFIXES["eli"]), Namespace(PREFIXES["org"])
PROV, GEO, OA = Namespace(PREFIXES["prov"]), Namespace(PREFIXES["geo"]), Namespace(PREFIXES["oa"])
DCTYPES = Namespace(PREFIXES["dctypes"])


def iri(value: str) -> ox.NamedNode:
    """The NamedNode of an IRI (a str or rdflib URIRef); ValueError if it is not a valid IRI."""
    try:
        return ox.NamedNode(value)
    except ValueError as e:
        raise ValueError(f"invalid IRI {str(value)!r} ({e})") from None


def _literal(lexical: str, datatype: ox.NamedNode | None = None, language: str | None = None) -> ox.Literal:
    try:
        return ox.Literal(lexical, datatype=datatype, language=language)
    except UnicodeEncodeError:
        raise ValueError(f"text that is not valid Unicode (a lone surrogate) in {lexical!r}") from None


def zh(text: str) -> ox.Literal:
    return _literal(text, language="zh")


# Python type → (lexical form, datatype), as rdflib's Literal(value) writes them; bool before int
_TYPED = ((bool, lambda v: "true" if v else "false", XSD.boolean),
          (int, str, XSD.integer),
          (Decimal, lambda v: f"{v:f}", XSD.decimal))


@lru_cache(maxsize=1 << 16)
def _integer(value: int) -> ox.Literal:
    return _literal(str(value), XSD.integer)


def literal(value, datatype: ox.NamedNode | None = None) -> ox.Literal:
    """A literal of a str (plain, or of ``datatype``), bool, int or Decimal."""
    if type(value) is int and datatype is None:  # offsets and indexes: most of a report's literals
        return _integer(value)
    if isinstance(value, str):
        return _literal(value, datatype)
    for kind, lexical, default in _TYPED:
        if isinstance(value, kind):
            return _literal(lexical(value), datatype or default)
    raise TypeError(f"no RDF literal for a {type(value).__name__} ({value!r})")


class RdflibTerms:
    """pyoxigraph terms → rdflib terms as rdflib's own parser makes them (a plain string stays
    untyped, which SHACL's sh:in and the JSON-LD writer rely on), each distinct term once."""

    def __init__(self):
        self._seen: dict = {}

    def __call__(self, x):
        t = self._seen.get(x)
        if t is None:
            if isinstance(x, ox.NamedNode):
                t = URIRef(x.value)
            elif isinstance(x, ox.BlankNode):
                t = BNode(x.value)
            elif x.language:
                t = Literal(x.value, lang=x.language)
            elif x.datatype.value == XSD_STRING:
                t = Literal(x.value)
            else:
                t = Literal(x.value, datatype=URIRef(x.datatype.value))
            self._seen[x] = t
        return t


def add_to_rdflib(graph: Graph, quads: Iterable[ox.Quad]) -> Graph:
    """Add the quads' triples (all graphs merged) to an rdflib ``graph``; the graph."""
    term, add = RdflibTerms(), graph.add
    for q in quads:
        add((term(q.subject), term(q.predicate), term(q.object)))
    return graph
