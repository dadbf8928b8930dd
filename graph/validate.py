"""SHACL validation of a policykg graph (pySHACL), violations in plain words."""
from __future__ import annotations

from importlib import resources

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from .iris import SH


def shapes_graph() -> Graph:
    g = Graph()
    with resources.files("policykg.ontology").joinpath("shapes.ttl").open("rb") as f:
        g.parse(f, format="turtle")
    return g


def _name(g: Graph, node) -> str:
    label = g.value(node, SKOS.prefLabel)
    if label is not None:
        return f"{label} <{node}>"
    return f"<{node}>" if isinstance(node, URIRef) else str(node)


def _path(p) -> str:
    s = str(p)
    return s.rsplit("#", 1)[-1] if "#" in s else s.rsplit("/", 1)[-1]


def validate(graph: Graph) -> tuple[bool, list[str]]:
    """(conforms, one line per violation: which node, which property, what is wrong)."""
    from pyshacl import validate as shacl

    conforms, report, _ = shacl(graph, shacl_graph=shapes_graph(), inference="none", advanced=True)
    lines = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        line = f"{_name(graph, focus)}: {_path(path) if path is not None else ''}: {message}"
        if value is not None:
            line += f" (found {value})"
        lines.append(line)
    return bool(conforms), sorted(lines)
