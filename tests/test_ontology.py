"""The ontology under an OWL reasoner (OWL RL closure of the seeds' graph), its labels, and the
evidence as W3C Web Annotations."""
from __future__ import annotations

import time

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from policykg.graph import iris
from policykg.graph.build import build_graph, ontology_graph
from policykg.graph.iris import OA, PK, PROV
from policykg.graph.validate import validate

# owlrl reports an inconsistency (a node of two disjoint classes) as a node of this class
OWLRL_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
OWLRL_MESSAGE = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
# what every node is, under any reasoner
UNIVERSAL = {OWL.Thing, RDFS.Resource}
EVIDENCE_CLASSES = (PK.Citation, PK.ProgramMention, PK.Observation)


def owl_rl_closure(g: Graph) -> Graph:
    import owlrl

    closure = Graph()
    for t in g:
        closure.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    return closure


def inconsistencies(closure: Graph) -> list[str]:
    return sorted(str(closure.value(e, OWLRL_MESSAGE) or e) for e in closure.subjects(RDF.type, OWLRL_ERROR))


@pytest.fixture(scope="module")
def seeds_closure(seeds_rdf):
    """The OWL RL closure of the whole seeds graph (which includes the ontology)."""
    started = time.perf_counter()
    closure = owl_rl_closure(seeds_rdf)
    seconds = time.perf_counter() - started
    print(f"\nOWL RL closure: {len(seeds_rdf)} → {len(closure)} triples in {seconds:.1f} s")
    return closure


# --- OWL RL --------------------------------------------------------------------------------

def test_owl_rl_closure_types_no_program_adoption_as_a_report(seeds_rdf, seeds_closure):
    adoptions = set(seeds_rdf.subjects(RDF.type, PK.ProgramAdoption))
    assert adoptions and any(seeds_rdf.value(a, PK.year) is not None for a in adoptions)
    assert not {a for a in adoptions if (a, RDF.type, PK.Report) in seeds_closure}


def test_owl_rl_closure_infers_no_wrong_class_for_any_node(seeds_rdf, seeds_closure):
    """Each data node keeps its asserted classes and their superclasses, and nothing else: no
    domain or range of the ontology puts a node into a class it is not of."""
    wrong = {}
    for node in set(seeds_rdf.subjects(RDF.type, None)):
        if not str(node).startswith(iris.ID):
            continue  # the ontology's own terms
        asserted = set(seeds_rdf.objects(node, RDF.type))
        allowed = UNIVERSAL | {sup for c in asserted for sup in seeds_closure.objects(c, RDFS.subClassOf)} | asserted
        inferred = set(seeds_closure.objects(node, RDF.type))
        if inferred - allowed:
            wrong[str(node)] = sorted(map(str, inferred - allowed))
    assert not wrong, f"{len(wrong)} nodes get classes they are not of, e.g. {list(wrong.items())[:3]}"


def test_owl_rl_closure_of_the_seeds_is_consistent(seeds_closure):
    assert not inconsistencies(seeds_closure)


def test_the_main_classes_are_pairwise_disjoint():
    onto = ontology_graph()
    main = [PK.Report, PK.Agency, PK.Law, PK.Program, PK.Region, PK.AmbiguousRegion, PK.Township, PK.Citation,
            PK.ProgramMention, PK.ProgramAdoption, PK.Observation, PK.DocumentNumber, PK.LawLevel, PK.CitationRole]
    missing = [(a, b) for i, a in enumerate(main) for b in main[i + 1:]
               if (a, OWL.disjointWith, b) not in onto and (b, OWL.disjointWith, a) not in onto]
    assert not missing
    # and a reasoner reports a node of two of them
    g = ontology_graph()
    node = URIRef(iris.ID + "test/both")
    g.add((node, RDF.type, PK.Report))
    g.add((node, PK.adoptedProgram, iris.program("双随机一公开")))  # makes it a ProgramAdoption
    assert inconsistencies(owl_rl_closure(g))


def test_every_domain_holds_for_every_use_in_the_seeds(seeds_rdf):
    """Quicker than the closure, and names the property: whoever uses a property with a domain is
    of that class (or a subclass) already."""
    onto = ontology_graph()
    subclasses = {}
    for sub, sup in onto.subject_objects(RDFS.subClassOf):
        subclasses.setdefault(sup, set()).add(sub)

    def instances_of(cls):
        out = set(seeds_rdf.subjects(RDF.type, cls))
        for sub in subclasses.get(cls, ()):
            out |= instances_of(sub)
        return out

    broken = {}
    for prop, domain in onto.subject_objects(RDFS.domain):
        members = instances_of(domain)
        outside = {s for s in seeds_rdf.subjects(prop, None) if s not in members}
        if outside:
            broken[str(prop)] = (str(domain), sorted(map(str, outside))[:2])
    assert not broken


def test_the_builder_uses_no_term_the_ontology_does_not_declare(seeds_rdf):
    onto = ontology_graph()
    declared = set(onto.subjects(RDF.type, None))
    used = {p for p in seeds_rdf.predicates() if str(p).startswith(str(PK))}
    used |= {c for c in seeds_rdf.objects(None, RDF.type) if str(c).startswith(str(PK))}
    assert used and not used - declared


def test_the_graph_has_no_blank_nodes(seeds_rdf):
    assert not [t for t in seeds_rdf if any(isinstance(x, BNode) for x in t)]


# --- labels --------------------------------------------------------------------------------

def test_every_term_has_a_chinese_and_an_english_label():
    onto = ontology_graph()
    terms = set()
    for cls in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme, OWL.Ontology):
        terms |= {(t, RDFS.label) for t in onto.subjects(RDF.type, cls)}
    for scheme_class in (PK.LawLevel, PK.CitationRole):
        terms |= {(t, SKOS.prefLabel) for t in onto.subjects(RDF.type, scheme_class)}
    assert len(terms) >= 80  # 80 terms in version 0.2
    missing = sorted(f"{t} {lang}" for t, p in terms for lang in ("zh", "en")
                     if not any(getattr(v, "language", None) == lang for v in onto.objects(t, p)))
    assert not missing


# --- Web Annotation ------------------------------------------------------------------------

def _one(g: Graph, s, p):
    values = list(g.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return values[0]


def _char_range(target: URIRef) -> tuple[str, int, int]:
    """An RFC 5147 fragment IRI taken apart: the text's IRI, start and end."""
    text, _, fragment = str(target).partition("#char=")
    start, end = fragment.split(",")
    return text, int(start), int(end)


def test_every_evidence_is_a_web_annotation_on_the_report_text(seeds_rdf, seed_documents):
    raw_of = {}
    for report in seeds_rdf.subjects(RDF.type, PK.Report):
        raw_of[report] = seed_documents[str(seeds_rdf.value(report, PK.sourceFile))].raw
    checked = 0
    for cls in EVIDENCE_CLASSES:
        for node in seeds_rdf.subjects(RDF.type, cls):
            ann = iris.annotation(node)
            assert (ann, RDF.type, OA.Annotation) in seeds_rdf and (ann, OA.hasBody, node) in seeds_rdf
            assert _one(seeds_rdf, ann, OA.motivatedBy) == (OA.describing if cls == PK.Observation else OA.identifying)
            report = _one(seeds_rdf, node, PROV.wasDerivedFrom)
            text, start, end = _char_range(_one(seeds_rdf, ann, OA.hasTarget))
            assert text == str(iris.report_text(report))
            assert (start, end) == (int(seeds_rdf.value(node, PK.startOffset)), int(seeds_rdf.value(node, PK.endOffset)))
            # the fragment selects the evidence's surface in the report's text file
            assert raw_of[report][start:end] == str(seeds_rdf.value(node, PK.surface))
            checked += 1
    assert checked > 100
    # four triples per annotation, and nothing hangs off its target
    anns = set(seeds_rdf.subjects(RDF.type, OA.Annotation))
    assert len(anns) == checked
    assert all(len(list(seeds_rdf.predicate_objects(a))) == 4 for a in anns)
    assert not any(True for a in anns for t in seeds_rdf.objects(a, OA.hasTarget) for _ in seeds_rdf.predicate_objects(t))


def test_the_report_text_is_the_annotations_source(seeds_rdf):
    from policykg.graph.iris import DCTYPES
    from rdflib.namespace import DCTERMS

    for report in seeds_rdf.subjects(RDF.type, PK.Report):
        text = iris.report_text(report)
        assert (text, RDF.type, DCTYPES.Text) in seeds_rdf
        assert (text, DCTERMS.isFormatOf, report) in seeds_rdf


def test_annotation_shapes_report_a_broken_target(seed_records):
    g = build_graph(seed_records[:1])
    conforms, violations = validate(g)
    assert conforms, violations[:5]
    c1, c2 = list(g.subjects(RDF.type, PK.Citation))[:2]
    target = _one(g, iris.annotation(c1), OA.hasTarget)
    g.remove((iris.annotation(c1), OA.hasTarget, target))
    g.add((iris.annotation(c1), OA.hasTarget, URIRef(str(target).replace("#char=", "#line="))))
    g.remove((iris.annotation(c2), OA.hasBody, c2))
    conforms, violations = validate(g)
    assert not conforms
    text = "\n".join(violations)
    assert "a span of the report's text" in text
    assert "an evidence must be the body of exactly one web annotation" in text


def test_the_annotations_survive_the_store(seeds_build):
    """What the store and graph.ttl keep of the annotations still conforms (the store turns
    derived integer types into xsd:integer, for one)."""
    from policykg.graph.store import read_rdf

    g = read_rdf(seeds_build / "graph.ttl")
    assert len(list(g.subjects(RDF.type, OA.Annotation))) > 100
    conforms, violations = validate(g)
    assert conforms, violations[:5]
