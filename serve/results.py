"""SPARQL results in the protocol's formats, with a row limit.

pyoxigraph serialises results itself, but only whole result sets; to cut a result off at the
limit we collect the first rows, write them as SPARQL JSON and let pyoxigraph re-serialise that
into XML, CSV or TSV, so every format stays spec-conformant."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from policykg.graph.sparql_json import boolean_doc, solutions_doc
from policykg.graph.vocab import PREFIXES

SOLUTION_FORMATS = {  # media type → (short name, pyoxigraph format)
    "application/sparql-results+json": ("json", ox.QueryResultsFormat.JSON),
    "application/sparql-results+xml": ("xml", ox.QueryResultsFormat.XML),
    "text/csv": ("csv", ox.QueryResultsFormat.CSV),
    "text/tab-separated-values": ("tsv", ox.QueryResultsFormat.TSV),
}
GRAPH_FORMATS = {
    "text/turtle": ("turtle", ox.RdfFormat.TURTLE),
    "application/n-triples": ("ntriples", ox.RdfFormat.N_TRIPLES),
    "application/rdf+xml": ("rdfxml", ox.RdfFormat.RDF_XML),
    "application/ld+json": ("jsonld", ox.RdfFormat.JSON_LD),
}
# the ?format= parameter: short names, plus common aliases
FORMAT_ALIASES = {short: mime for mime, (short, _) in {**SOLUTION_FORMATS, **GRAPH_FORMATS}.items()}
FORMAT_ALIASES.update({"ttl": "text/turtle", "nt": "application/n-triples", "xml-rdf": "application/rdf+xml",
                       "json-ld": "application/ld+json", "application/json": "application/sparql-results+json",
                       "srj": "application/sparql-results+json", "srx": "application/sparql-results+xml"})


@dataclass
class Answer:
    kind: str            # "solutions", "boolean" or "graph"
    content_type: str
    body: bytes
    rows: int            # solutions or triples written
    truncated: bool      # the limit cut the result off
    store: str = "disk"  # which copy of the store answered: "disk" or "memory"


class ResponseTooLarge(Exception):
    """Even one solution or triple is larger than the response size limit."""


def serialize(result, solution_type: str, graph_type: str, limit: int, max_bytes: int | None = None) -> Answer:
    """Serialise a pyoxigraph query result, at most ``limit`` solutions or triples and at most
    ``max_bytes`` bytes: a longer answer is cut at a whole solution or triple and flagged."""
    max_bytes = max_bytes or float("inf")
    if isinstance(result, ox.QueryBoolean):
        doc = json.dumps(boolean_doc(bool(result))).encode()
        return Answer("boolean", solution_type, _convert(doc, solution_type), 1, False)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        solutions, truncated = _take(result, limit, max_bytes)

        def write(rows) -> bytes:
            doc = json.dumps(solutions_doc(variables, ([sol[v] for v in variables] for sol in rows)),
                             ensure_ascii=False).encode("utf-8")
            return _convert(doc, solution_type)

        body, n, truncated = _fit(solutions, write, max_bytes, truncated)
        return Answer("solutions", solution_type, body, n, truncated)
    triples, truncated = _take(result, limit, max_bytes)
    fmt = GRAPH_FORMATS[graph_type][1]
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None

    def write_graph(rows) -> bytes:
        return ox.serialize(rows, format=fmt, prefixes=prefixes) if prefixes else ox.serialize(rows, format=fmt)

    body, n, truncated = _fit(triples, write_graph, max_bytes, truncated)
    return Answer("graph", graph_type, body, n, truncated)


def _take(result, limit: int, max_bytes: float) -> tuple[list, bool]:
    """The first solutions or triples, up to ``limit`` of them and twice ``max_bytes`` of text
    (the length of their terms' values, a rough measure: Turtle is shorter, JSON longer; _fit
    makes it exact); and whether more were left behind."""
    taken, size = [], 0
    max_bytes *= 2
    for item in result:
        if len(taken) >= limit:
            return taken, True
        size += sum(_size(term) for term in item if term is not None)
        if size > max_bytes and taken:
            return taken, True
        taken.append(item)
        if size > max_bytes:  # the first one alone is too large: _fit refuses it
            return taken, True
    return taken, False


def _size(term) -> int:
    """About the length of a term as text, without writing it: escaping a string of hundreds
    of MB would take as much memory again."""
    value = getattr(term, "value", None)
    return len(value) if value is not None else len(str(term))


def _fit(items: list, write, max_bytes: float, truncated: bool) -> tuple[bytes, int, bool]:
    """``write(items)``, dropping items from the end until the body fits in ``max_bytes``
    (formats differ in size, so the estimate of _take may still be over)."""
    body = write(items)
    while len(body) > max_bytes:
        if len(items) <= 1:
            raise ResponseTooLarge(f"the answer is larger than the response limit of {max_bytes:,.0f} bytes, "
                                   f"even with a single {'row' if items else 'header'}")
        items = items[:max(1, int(len(items) * max_bytes / len(body) * 0.9))]
        truncated = True
        body = write(items)
    return body, len(items), truncated


def _convert(json_doc: bytes, content_type: str) -> bytes:
    if content_type == "application/sparql-results+json":
        return json_doc
    parsed = ox.parse_query_results(json_doc, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=SOLUTION_FORMATS[content_type][1])
