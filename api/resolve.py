"""Named-query parameters given as a person would write them: 宪法 for 中华人民共和国宪法, a region
by its name, full name or code. Each value is looked up among the graph's entities of the
parameter's kind and replaced by that entity's canonical name (its skos:prefLabel), the value the
named queries match on. The matching is graph.names.find_node's (the views' pickers use it too): exact name, alias or
code first, then a unique substring; an unknown or ambiguous value is an error naming the
candidates or close matches."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    import networkx as nx  # imported when a value is looked up: a query without parameters needs none

# parameter name → the class of the entities its values name
KINDS = {"law": "Law", "region": "Region", "agency": "Agency", "program": "Program"}

_NAMES = """
PREFIX pk: <https://w3id.org/policykg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?node ?label ?alias ?code WHERE {
  ?node a pk:%s ; skos:prefLabel ?label .
  OPTIONAL { ?node skos:altLabel ?alias }
  OPTIONAL { ?node pk:adminCode ?code }
}"""


class ParameterError(ValueError):
    """A parameter value that names no entity, or several."""


def entities_of_kind(store: ox.Store, kind: str) -> nx.MultiDiGraph:
    """The entities of one kind with their names (label, aliases, code), as the nodes find_node
    searches; the query page's name suggestions list them too."""
    import networkx as nx

    G = nx.MultiDiGraph()
    for node, label, alias, code in store.query(_NAMES % kind):
        if node.value not in G:
            G.add_node(node.value, type=kind, label=label.value, aliases=[], code=code.value if code else "")
        if alias is not None and alias.value not in G.nodes[node.value]["aliases"]:
            G.nodes[node.value]["aliases"].append(alias.value)
    return G


def resolve(store: ox.Store, name: str, value: str) -> str:
    """The canonical name of the entity ``value`` names, for parameter ``name``; a value of a
    parameter of no known kind (or an IRI) is returned as given."""
    kind = KINDS.get(name)
    if kind is None or value.startswith(("http://", "https://")):
        return value
    from policykg.graph.names import NameLookupError, find_node

    G = entities_of_kind(store, kind)
    try:
        return G.nodes[find_node(G, value, [kind])]["label"]
    except NameLookupError as e:
        raise ParameterError(f"parameter {name}={value!r}: {e}") from None


def resolve_all(store: ox.Store, params: dict[str, str]) -> dict[str, str]:
    return {name: resolve(store, name, str(value)) for name, value in params.items()}
