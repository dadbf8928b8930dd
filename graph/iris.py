"""The only place that mints IRIs. Keys follow docs/ARCHITECTURE.md: the same input always
gives the same IRI. RDF 1.1 IRIs are Unicode, so Chinese names stay readable; only characters
IRIs forbid (and our separators) are percent-encoded."""
from __future__ import annotations

from urllib.parse import quote

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/policykg/"
PK = Namespace(BASE + "ontology#")
ID = BASE + "id/"
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

_FORBIDDEN = set(' <>"{}|\\^`#?/%[]') | {chr(i) for i in range(0x21)} | {"\x7f"}

LEVEL_TERMS = {
    "法律": "NationalLaw", "行政法规": "AdministrativeRegulation", "部门规章": "DepartmentalRule",
    "地方性法规": "LocalRegulation", "地方政府规章": "LocalGovernmentRule", "党内法规": "PartyRegulation",
    "规范性文件": "NormativeDocument", "国家规划": "NationalPlan", "其他": "OtherLevel",
}
ROLE_TERMS = {
    "学习培训": "RoleStudied", "普法宣传": "RolePublicised", "执法依据": "RoleEnforced",
    "制定修订": "RoleDrafted", "合法性审查": "RoleReviewed", "其他": "RoleOther",
}


def key(text: str) -> str:
    """An IRI path segment: the text itself, with forbidden characters percent-encoded."""
    return "".join(quote(c, safe="") if c in _FORBIDDEN else c for c in text.strip())


def safe_iri(url: str) -> str:
    """A URL from a document (a manifest, a page's canonical link) as a valid IRI: characters
    IRIs forbid anywhere are percent-encoded, the URL's own structure is kept."""
    return "".join(quote(c, safe="") if (ord(c) <= 0x20 or c in '<>"{}|\\^`' or 0x7f <= ord(c) <= 0x9f) else c
                   for c in url.strip())


def region(code: str) -> URIRef:
    return URIRef(f"{ID}region/{code}")


def agency(full_name: str) -> URIRef:
    # the full official name already carries the region (重庆市北碚区卫生健康委员会)
    return URIRef(f"{ID}agency/{key(full_name)}")


def law(canonical: str) -> URIRef:
    return URIRef(f"{ID}law/{key(canonical)}")


def program(canonical: str) -> URIRef:
    return URIRef(f"{ID}program/{key(canonical)}")


def adoption(agency_iri: URIRef, year, program_canonical: str) -> URIRef:
    """One agency's adoption of one program in one work year."""
    return URIRef(f"{agency_iri}/adoption/{year or 'undated'}/{key(program_canonical)}")


def doc_number(number: str) -> URIRef:
    return URIRef(f"{ID}docnum/{key(number)}")


def report(region_code: str, agency_name: str, year, sha256: str) -> URIRef:
    # the content hash keeps two reports of one agency and year apart
    return URIRef(f"{ID}report/{region_code or 'unplaced'}/{key(agency_name) or 'unknown'}/{year or 'undated'}-{sha256[:8]}")


def citation(report_iri: URIRef, start: int, end: int) -> URIRef:
    return URIRef(f"{report_iri}/citation/{start}-{end}")


def mention(report_iri: URIRef, kind: str, start: int, end: int) -> URIRef:
    return URIRef(f"{report_iri}/{kind}/{start}-{end}")


def level(label: str) -> URIRef:
    return PK[LEVEL_TERMS.get(label, "OtherLevel")]


def role(label: str) -> URIRef:
    return PK[ROLE_TERMS.get(label, "RoleOther")]
