"""The project's vocabulary, each piece written once: the namespaces and their prefixes, and the
law levels and citation roles in their order. No rdflib here (see PREFIXES); graph.iris makes
the rdflib namespaces.

The levels and roles are the concepts of the ontology's ``pk:LawLevels`` and ``pk:CitationRoles``
schemes (``ontology/policykg.ttl``, keyed here by their ``skos:prefLabel``@zh); a test checks that
the two agree. The ontology has no order of its own, so the order lives here: levels by legal
force (法律 first), roles from studying a law to applying it, 其他 last in both."""
from __future__ import annotations

BASE = "https://w3id.org/policykg/"

#: prefix → namespace, for every place that writes or shortens IRIs (Turtle, JSON-LD, tables,
#: pages); the project's own first. Plain strings: the endpoint's query workers import this
#: module, and rdflib would add most of a second to each worker's start (graph.iris makes the
#: rdflib namespaces from it).
PREFIXES: dict[str, str] = {
    "pk": BASE + "ontology#",
    "id": BASE + "id/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "oa": "http://www.w3.org/ns/oa#",
    "dctypes": "http://purl.org/dc/dcmitype/",
}

LEVEL_TERMS = {
    "法律": "NationalLaw", "行政法规": "AdministrativeRegulation", "部门规章": "DepartmentalRule",
    "地方性法规": "LocalRegulation", "地方政府规章": "LocalGovernmentRule", "党内法规": "PartyRegulation",
    "规范性文件": "NormativeDocument", "国家规划": "NationalPlan", "其他": "OtherLevel",
}
ROLE_TERMS = {
    "学习培训": "RoleStudied", "普法宣传": "RolePublicised", "执法依据": "RoleEnforced",
    "制定修订": "RoleDrafted", "合法性审查": "RoleReviewed", "其他": "RoleOther",
}
LEVEL_ORDER = tuple(LEVEL_TERMS)  # 法律, 行政法规, … , 其他: the hierarchy of legal force
ROLE_ORDER = tuple(ROLE_TERMS)


def _order_key(order: tuple[str, ...], value: str) -> tuple[int, str]:
    # values outside the vocabulary sort after it, by name
    return (order.index(value), "") if value in order else (len(order), value)


def level_key(level: str) -> tuple[int, str]:
    """Sort key of a law level (its zh label): by legal force."""
    return _order_key(LEVEL_ORDER, level)


def role_key(role: str) -> tuple[int, str]:
    """Sort key of a citation role (its zh label)."""
    return _order_key(ROLE_ORDER, role)


def short_iri(iri: str) -> str:
    """``pk:Law`` for the IRI of pk:Law; an IRI in no known namespace as it is."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def sparql_prefixes(*prefixes: str) -> str:
    """PREFIX declarations for a SPARQL query."""
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in prefixes)
