"""The SPARQL 1.1 Service Description of the endpoint, answered to a GET of /sparql without a
query (https://www.w3.org/TR/sparql11-service-description/)."""
from __future__ import annotations

import pyoxigraph as ox

from policykg.graph.vocab import PREFIXES

from .results import GRAPH_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
# every media type the endpoint answers in, as the W3C's format IRIs
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "RDF_XML", "JSON-LD")


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe(endpoint: str, title: str, named_graphs: list[str], federated: bool) -> list[ox.Triple]:
    """The description's triples: a read-only SPARQL 1.1 Query service at ``endpoint`` over the
    store's default graph and ``named_graphs``; ``federated`` when some SERVICE is allowed."""
    service, dataset, default_graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
    out = [ox.Triple(service, RDF_TYPE, _sd("Service")),
           ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
           ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
           ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
           ox.Triple(service, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal(title)),
           ox.Triple(service, _sd("defaultDataset"), dataset),
           ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
           ox.Triple(dataset, _sd("defaultGraph"), default_graph),
           ox.Triple(default_graph, RDF_TYPE, _sd("Graph"))]
    out += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS]
    if federated:
        out.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for i, name in enumerate(named_graphs):
        node = ox.BlankNode(f"graph{i}")
        out += [ox.Triple(dataset, _sd("namedGraph"), node), ox.Triple(node, RDF_TYPE, _sd("NamedGraph")),
                ox.Triple(node, _sd("name"), ox.NamedNode(name))]
    return out


def serialize_description(triples: list[ox.Triple], media_type: str) -> bytes:
    fmt = GRAPH_FORMATS[media_type][1]
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return ox.serialize(triples, format=fmt, prefixes={"sd": SD, "formats": FORMATS, **PREFIXES})
    return ox.serialize(triples, format=fmt)
