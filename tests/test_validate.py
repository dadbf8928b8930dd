"""The SHACL validation translated to SPARQL on the store reports exactly what pySHACL reports
(kept here as the reference), in the same plain words, on the seeds' graph broken in every way the
shapes check: missing and extra values, wrong classes, datatypes, lengths, patterns, lists, ranges,
offsets out of order, node kinds, qualified counts and inverse paths."""
from __future__ import annotations

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SKOS, XSD

from policykg.graph import iris
from policykg.graph.iris import OA, PK, SH
from policykg.graph.validate import shapes_graph, validate


# constraints the validation translates that our own shapes no longer use (a user's shapes may):
# checked against pySHACL too, on shapes added for the test
EXTRA_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pk: <https://w3id.org/policykg/ontology#> .
pk:TestSurfaceShape a sh:NodeShape ; sh:targetClass pk:Citation ;
  sh:property [ sh:path pk:surface ; sh:maxLength 40 ; sh:minLength 2 ;
                sh:message "a citation's surface has 2 to 40 characters" ] .
pk:TestIssuerShape a sh:NodeShape ; sh:targetClass pk:Report ;
  sh:property [ sh:path pk:issuedBy ; sh:qualifiedValueShape [ sh:class pk:Agency ] ;
                sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ;
                sh:message "a report is issued by exactly one agency" ] .
"""


@pytest.fixture
def extra_shapes(monkeypatch):
    """shapes_graph() with EXTRA_SHAPES, for the validation and for pySHACL alike."""
    from policykg.graph import validate as v

    shapes = shapes_graph()
    shapes.parse(data=EXTRA_SHAPES, format="turtle")
    monkeypatch.setattr(v, "shapes_graph", lambda: shapes)
    monkeypatch.setitem(globals(), "shapes_graph", lambda: shapes)


def pyshacl_validate(graph: Graph) -> tuple[bool, list[str]]:
    """The validation as it was (pySHACL on an rdflib Graph); an inverse path printed as ^name."""
    from pyshacl import validate as shacl

    def name(node) -> str:
        label = graph.value(node, SKOS.prefLabel)
        if label is not None:
            return f"{label} <{node}>"
        return f"<{node}>" if isinstance(node, URIRef) else str(node)

    def path(p) -> str:
        if isinstance(p, BNode):
            return "^" + path(report.value(p, SH.inversePath))
        s = str(p)
        return s.rsplit("#", 1)[-1] if "#" in s else s.rsplit("/", 1)[-1]

    conforms, report, _ = shacl(graph, shacl_graph=shapes_graph(), inference="none", advanced=True)
    lines = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus, p = report.value(result, SH.focusNode), report.value(result, SH.resultPath)
        line = f"{name(focus)}: {path(p) if p is not None else ''}: {report.value(result, SH.resultMessage)}"
        value = report.value(result, SH.value)
        if value is not None:
            line += f" (found {value})"
        lines.append(line)
    return bool(conforms), sorted(lines)


@pytest.fixture(scope="module")
def graph(seeds_build):
    from policykg.graph.store import read_rdf

    return read_rdf(seeds_build / "graph.ttl")


def test_the_seeds_build_conforms_from_its_store(seeds_build):
    assert validate(seeds_build) == (True, [])


def _broken(graph: Graph) -> Graph:
    g = Graph()
    for t in graph:
        g.add(t)
    citations = sorted(g.subjects(RDF.type, PK.Citation))
    c1, c2, c3, c4 = citations[:4]
    g.remove((c1, PK.role, None))  # minCount
    g.add((c2, PK.role, PK.RoleOther))  # maxCount (a second role)
    g.set((c3, PK.citedLaw, URIRef("https://w3id.org/policykg/id/region/500109")))  # class
    g.set((c3, PK.startOffset, Literal(-5)))  # minInclusive
    g.set((c4, PK.startOffset, Literal(10_000)))  # lessThan
    g.set((c4, PK.evidenceText, Literal("")))  # minLength
    report = sorted(g.subjects(RDF.type, PK.Report))[0]
    g.set((report, PK.year, Literal("二〇二一")))  # datatype
    region = URIRef("https://w3id.org/policykg/id/region/500109")
    g.set((region, PK.adminCode, Literal("05001")))  # pattern
    g.set((region, PK.regionLevel, Literal("town")))  # in
    ann = iris.annotation(c1)
    target = g.value(ann, OA.hasTarget)
    g.set((ann, OA.hasTarget, URIRef(str(target).replace("#char=", "#line="))))  # pattern of an IRI
    g.add((iris.annotation(c3), OA.hasTarget, target))  # maxCount
    g.set((c4, PK.surface, Literal("《" + "法" * 50 + "》")))  # maxLength (EXTRA_SHAPES)
    reports = sorted(g.subjects(RDF.type, PK.Report))
    g.remove((reports[0], PK.issuedBy, None))  # qualifiedMinCount (EXTRA_SHAPES)
    g.add((reports[1], PK.issuedBy, g.value(reports[2], PK.issuedBy)))  # qualifiedMaxCount (EXTRA_SHAPES)
    g.remove((iris.annotation(c2), OA.hasBody, c2))  # inverse path: the evidence of no annotation
    g.add((iris.annotation(c2), OA.hasBody, Literal("not a node")))  # nodeKind
    g.add((BNode("anon"), RDF.type, OA.Annotation))  # node shape's nodeKind
    g.set((sorted(g.subjects(RDF.type, PK.Law))[0], PK.level, Literal(3, datatype=XSD.integer)))  # class of a literal
    return g


def test_every_violation_is_reported_as_pyshacl_reports_it(graph, extra_shapes):
    g = _broken(graph)
    expected = pyshacl_validate(g)
    assert not expected[0] and len(expected[1]) >= 15
    got = validate(g)
    assert got == expected
    text = "\n".join(got[1])
    for words in ("exactly one role", "one non-negative start offset", "start offset must be before its end",
                  "must point to exactly one law", "at most one work year, an integer",
                  "6-digit administrative division code", "province, city or county",
                  "a span of the report's text", "2 to 40 characters", "issued by exactly one agency",
                  "the body of exactly one web annotation"):
        assert words in text, words


def test_a_shape_the_validation_cannot_translate_is_refused(monkeypatch, graph):
    from policykg.graph import validate as v

    shapes = shapes_graph()
    prop = next(shapes.objects(PK.ReportShape, SH.property))
    shapes.add((prop, SH.uniqueLang, Literal(True)))
    monkeypatch.setattr(v, "shapes_graph", lambda: shapes)
    with pytest.raises(ValueError, match="uniqueLang"):
        v.validate(graph)


def test_the_store_returns_violations_only(graph, extra_shapes):
    """Each check's query gives back only the offending focus nodes (a count out of bounds, a bad
    value), not one row per conforming node, so a large conforming store costs no decoding."""
    from policykg.graph import validate as v
    from policykg.graph.store import as_store

    store = as_store(_broken(graph))
    checks = v._Compiler(shapes_graph(), store).checks()
    counts = [c for c in checks if c.count is not None]
    assert counts and any("qualified" not in c.sparql for c in counts)
    for check in counts:
        low, high = check.count
        for focus, k in store.query(check.sparql):
            k = int(k.value)
            assert (low is not None and k < low) or (high is not None and k > high), check.sparql
    assert sum(1 for c in counts for _ in store.query(c.sparql)) >= 5
    assert not any("VALUES ?c {" in c.sparql for c in checks)  # class tests are FILTER IN subqueries
