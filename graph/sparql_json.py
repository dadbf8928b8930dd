"""SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/): pyoxigraph
terms to JSON and back, and the result documents. The one encoder of the project: the CLI's
``--format json``, the endpoint's answers and the remote client all go through it."""
from __future__ import annotations

from typing import Iterable, Sequence

import pyoxigraph as ox

from .vocab import PREFIXES

XSD_STRING = PREFIXES["xsd"] + "string"


def term_json(term) -> dict:
    """A term as SPARQL JSON: {"type": "uri" | "bnode" | "literal", "value", "xml:lang" | "datatype"}.
    A plain string has no datatype (xsd:string is implied)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):  # RDF-star; not produced by policykg, kept readable
        return {"type": "triple", "value": {k: term_json(getattr(term, k)) for k in ("subject", "predicate", "object")}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def term_from_json(binding: dict | None):
    """The pyoxigraph term of a SPARQL JSON binding (None for an unbound variable)."""
    if binding is None:
        return None
    kind = binding.get("type")
    if kind == "uri":
        return ox.NamedNode(binding["value"])
    if kind == "bnode":
        return ox.BlankNode(binding["value"])
    if binding.get("xml:lang"):
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    if binding.get("datatype"):
        return ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(binding["value"])


def solutions_doc(variables: list[str], rows: Iterable[Sequence]) -> dict:
    """The document of a SELECT result; each row holds one term (or None) per variable."""
    bindings = [{v: term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    return {"head": {"vars": variables}, "results": {"bindings": bindings}}


def boolean_doc(value: bool) -> dict:
    """The document of an ASK result."""
    return {"head": {}, "boolean": bool(value)}
