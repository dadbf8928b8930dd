"""The only place that mints IRIs. Keys follow docs/ARCHITECTURE.md: the same input always
gives the same IRI. RDF 1.1 IRIs are Unicode, so Chinese names stay readable; every character an
RFC 3987 IRI path may not hold (and our separators) is percent-encoded as UTF-8, so that no text
of a report, however odd, can mint an IRI the store rejects."""
from __future__ import annotations

import re
from urllib.parse import quote

from rdflib import Namespace, URIRef

from .vocab import LEVEL_TERMS, PREFIXES, ROLE_TERMS

# the namespaces of graph.vocab's prefix table, as rdflib namespaces
PK = Namespace(PREFIXES["pk"])
ID = PREFIXES["id"]
ELI = Namespace(PREFIXES["eli"])
ORG = Namespace(PREFIXES["org"])
PROV = Namespace(PREFIXES["prov"])
GEO = Namespace(PREFIXES["geo"])
SH = Namespace(PREFIXES["sh"])
OA = Namespace(PREFIXES["oa"])
DCTYPES = Namespace(PREFIXES["dctypes"])

# ASCII an IRI path segment may not hold, or that we use as separators (/, #, ?, %): what is left
# is RFC 3987's iunreserved, sub-delims, ":" and "@"
_FORBIDDEN_ASCII = ' <>"{}|\\^`#?/%[]' + "".join(map(chr, range(0x21))) + "\x7f"
# non-ASCII outside RFC 3987's ucschar: C1 controls, surrogates, private use (U+E000–F8FF and the
# planes 15–16), non-characters (U+FDD0–FDEF, U+xFFFE/xFFFF), specials U+FFF0–FFFD, tags U+E0000–E0FFF
_FORBIDDEN_RANGES = [(0x80, 0x9F), (0xD800, 0xF8FF), (0xFDD0, 0xFDEF), (0xFFF0, 0xFFFF),
                     *((plane + 0xFFFE, plane + 0xFFFF) for plane in range(0x10000, 0xE0000, 0x10000)),
                     (0xE0000, 0xE0FFF), (0xEFFFE, 0x10FFFF)]
_NON_ASCII_FORBIDDEN = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in _FORBIDDEN_RANGES)
_FORBIDDEN = re.compile("[" + re.escape(_FORBIDDEN_ASCII) + _NON_ASCII_FORBIDDEN + "]+")
# in a whole URL the separators are its own structure: only what an IRI forbids anywhere is encoded
_FORBIDDEN_IN_URL = re.compile("[" + re.escape(' <>"{}|\\^`' + "".join(map(chr, range(0x21))) + "\x7f")
                               + _NON_ASCII_FORBIDDEN + "]+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def _percent_encode(match: re.Match) -> str:
    # a lone surrogate has no UTF-8; surrogatepass still gives it a stable, valid escape
    return quote(match.group(), safe="", errors="surrogatepass")


def key(text) -> str:
    """An IRI path segment: the text itself, with every character an IRI forbids percent-encoded."""
    return _FORBIDDEN.sub(_percent_encode, str(text).strip())


def source_iri(url: str) -> URIRef | None:
    """A URL from a document (a manifest, a page's canonical link) as a valid absolute IRI, or
    None when it is not absolute: characters IRIs forbid are percent-encoded, the rest is kept."""
    url = url.strip()
    if not _SCHEME.match(url):
        return None
    return URIRef(_FORBIDDEN_IN_URL.sub(_percent_encode, url))


def _minted(value: str) -> URIRef:
    """A URIRef of an IRI minted here. What an IRI forbids is percent-encoded by ``key``, so
    rdflib's own check of every new URIRef (a fifth of a report's graph-building time) is skipped."""
    return str.__new__(URIRef, value)


def _entity(kind: str):
    """The IRI minter of one kind of entity keyed by a name: ``ID/kind/<key(name)>``."""

    def mint(name) -> URIRef:
        return _minted(f"{ID}{kind}/{key(name)}")

    mint.__name__ = mint.__qualname__ = kind
    return mint


region = _entity("region")  # by official division code
agency = _entity("agency")  # by full official name, which carries the region (重庆市北碚区卫生健康委员会)
law = _entity("law")  # by canonical name
program = _entity("program")  # by normalised name


def township(county_code: str, name: str, report_iri: str = "") -> URIRef:
    """A township (乡, 镇, 街道) by its county's code and its name: the gazetteer has no code for it,
    and one name recurs across counties (城关镇). ``ID/township/<county>/<name>``; with no county,
    it is the report's own (``<report>/township/<name>``), so that two reports' 城关镇 stay apart."""
    if not county_code:
        return _minted(f"{report_iri}/township/{key(name)}")
    return _minted(f"{ID}township/{key(county_code)}/{key(name)}")


def adoption(agency_iri: URIRef, year, program_canonical: str) -> URIRef:
    """One agency's adoption of one program in one work year."""
    return _minted(f"{agency_iri}/adoption/{key(year or 'undated')}/{key(program_canonical)}")


doc_number = _entity("docnum")  # as written, brackets normalised


def report(region_code: str, agency_name: str, year, sha256: str) -> URIRef:
    # the content hash keeps two reports of one agency and year apart
    return _minted(f"{ID}report/{key(region_code or 'unplaced')}/{key(agency_name) or 'unknown'}/"
                  f"{key(year or 'undated')}-{key(sha256[:8])}")


def citation(report_iri: URIRef, start: int, end: int) -> URIRef:
    return _minted(f"{report_iri}/citation/{int(start)}-{int(end)}")


def mention(report_iri: URIRef, kind: str, start: int, end: int) -> URIRef:
    return _minted(f"{report_iri}/{key(kind)}/{int(start)}-{int(end)}")


def _part(suffix: str, doc: str):
    """The IRI minter of a part of a node: ``<node>/suffix``."""

    def mint(node_iri: URIRef) -> URIRef:
        return _minted(f"{node_iri}/{suffix}")

    mint.__doc__ = doc
    return mint


report_text = _part("text", "The plain text the report was read as: the source every evidence offset indexes into.")
annotation = _part("annotation", "The Web Annotation of one evidence node.")


def text_span(text_iri: URIRef, start: int, end: int) -> URIRef:
    """The characters ``start`` to ``end`` of a report's text, as an RFC 5147 fragment of the
    text's IRI: what a Web Annotation of an evidence targets.

        >>> str(text_span("https://w3id.org/policykg/id/report/x/text", 12, 18))
        'https://w3id.org/policykg/id/report/x/text#char=12,18'
    """
    return _minted(f"{text_iri}#char={int(start)},{int(end)}")


def level(label: str) -> URIRef:
    return PK[LEVEL_TERMS.get(label, "OtherLevel")]


def role(label: str) -> URIRef:
    return PK[ROLE_TERMS.get(label, "RoleOther")]
