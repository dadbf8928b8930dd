"""SHACL validation of a policykg graph, violations in plain words, at the scale of the store.

The shapes (ontology/shapes.ttl) are translated into SPARQL, a query or two per property shape,
and run on the pyoxigraph store: a build folder of 5,000 reports (3 million triples) is checked
from its store on disk in about 45 CPU-seconds and 0.3 GB, where pySHACL would first need the
whole graph in rdflib (minutes, gigabytes). Each check joins subqueries (the focus nodes, the
path's pairs, a class's instances), which pyoxigraph joins by hashing scans of its indexes, and
gives back only the violations.
The translation covers the SHACL Core constraints the shapes use (targetClass; sh:class,
minCount, maxCount, datatype, minLength, maxLength, pattern, in, lessThan, minInclusive and the
other ranges, nodeKind, qualifiedValueShape with sh:class and its counts; predicate and inverse
paths) with SHACL's meaning (classes through rdfs:subClassOf, one result per offending value,
none per count); a shape using anything else is refused, naming it, rather than half-checked.
Each violation is reported as pySHACL reported it: the focus node (with its name), the path,
the shape's sh:message, and the offending value.

    >>> conforms, violations = validate(open_store("out"))   # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SKOS, XSD

from .iris import SH

RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_IGNORED = {SH.path, SH.message, SH.name, SH.description, SH.order, SH.group, SH.severity, SH.flags,
            SH.qualifiedMinCount, SH.qualifiedMaxCount, RDF.type}
_NODE_KINDS = {SH.IRI: "isIRI(?v)", SH.BlankNode: "isBlank(?v)", SH.Literal: "isLiteral(?v)",
               SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))", SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
               SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))"}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
# lexical forms a value of these datatypes must have (SHACL's sh:datatype also checks them)
_LEXICAL = {XSD.integer: r"^[+-]?[0-9]+$", XSD.decimal: r"^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$"}


def shapes_graph() -> Graph:
    g = Graph()
    with resources.files("policykg.ontology").joinpath("shapes.ttl").open("rb") as f:
        g.parse(f, format="turtle")
    return g


def _sparql(term) -> str:
    """An rdflib term of the shapes graph in SPARQL syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if term.language:
            return f'"{text}"@{term.language}'
        return f'"{text}"^^<{term.datatype or XSD.string}>'
    raise ValueError(f"a shape names a blank node where a value is expected: {term}")


@dataclass
class _Check:
    """One SPARQL query whose rows (?f, and ?v or ?k) are violations of one constraint."""
    sparql: str
    path: str  # as printed
    message: str
    count: tuple[int | None, int | None] | None = None  # (min, max) when rows give ?k, a count


def _count_check(focus: str, pairs: str, path: str, message: str, low: int | None, high: int | None) -> _Check:
    """The focus nodes whose number of distinct ?v among ``pairs`` (a pattern binding ?f and ?v)
    is out of [low, high], with that number; only they come back, so the store does not spell out
    the IRIs of every conforming node."""
    out = " || ".join(([f"?k < {low}"] if low is not None else []) + ([f"?k > {high}"] if high is not None else []))
    return _Check(f"SELECT ?f ?k WHERE {{ {focus} OPTIONAL {{ SELECT ?f (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {pairs} }} "
                  f"GROUP BY ?f }} BIND(COALESCE(?n, 0) AS ?k) FILTER({out}) }}", path, message, (low, high))


class _Compiler:
    def __init__(self, shapes: Graph, store: ox.Store):
        self.shapes, self.store = shapes, store

    def classes(self, cls, sep: str = " ") -> str:
        """A VALUES list of ``cls`` and its subclasses (in the data, as SHACL's sh:class reads them);
        with ``sep=", "`` an IN list."""
        rows = self.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS_SUBCLASS}>* <{cls}> }}")
        return sep.join(sorted({f"<{r[0].value}>" for r in rows} | {f"<{cls}>"}))

    def instances(self, cls) -> str:
        """A subquery of the instances ?v of ``cls`` (or a subclass). Each part of a check is such a
        subquery, joined on its variables: pyoxigraph then joins them by hashing two scans of its
        indexes, where a plain pattern is looked up once per row on disk (4 times slower), and a
        VALUES block inside OPTIONAL was matched against every instance for every row (the
        qualified selector count ran for over 15 CPU-minutes at 1,000 reports)."""
        return f"{{ SELECT DISTINCT ?v WHERE {{ ?v a ?c . FILTER(?c IN ({self.classes(cls, ', ')})) }} }}"

    def focus(self, shape) -> str | None:
        targets = sorted(self.shapes.objects(shape, SH.targetClass))
        if not targets:
            return None
        classes = " ".join(self.classes(c) for c in targets)
        return f"{{ SELECT DISTINCT ?f WHERE {{ VALUES ?cls {{ {classes} }} ?f a ?cls }} }}"

    def path(self, p) -> tuple[str, str]:
        """(SPARQL path, as printed)."""
        if isinstance(p, URIRef):
            return f"<{p}>", _short(p)
        inverse = self.shapes.value(p, SH.inversePath)
        if isinstance(inverse, URIRef):
            return f"^<{inverse}>", "^" + _short(inverse)
        raise ValueError(f"shapes.ttl: a path the validation does not translate: {p}")

    def node_checks(self, shape, focus: str) -> list[_Check]:
        checks = []
        message = str(self.shapes.value(shape, SH.message) or "")
        for p, o in self.shapes.predicate_objects(shape):
            if p in (SH.targetClass, SH.property) or p in _IGNORED:
                continue
            if p != SH.nodeKind:
                raise ValueError(f"shapes.ttl: {_short(shape)} uses {_short(p)}, which the validation does not translate")
            checks.append(_Check(f"SELECT ?f ?v WHERE {{ {focus} BIND(?f AS ?v) FILTER(!{_NODE_KINDS[o]}) }}", "",
                                 message or f"Value is not of Node Kind sh:{_short(o)}"))
        return checks

    def property_checks(self, prop, focus: str) -> list[_Check]:
        path, shown = self.path(self.shapes.value(prop, SH.path))
        message = str(self.shapes.value(prop, SH.message) or "")
        pairs = f"{{ SELECT ?f ?v WHERE {{ ?f {path} ?v }} }}"
        values = f"{focus} {pairs}"
        checks = []

        def value_check(condition: str, generic: str, extra: str = "") -> None:
            checks.append(_Check(f"SELECT ?f ?v WHERE {{ {values} {extra} FILTER({condition}) }}", shown,
                                 message or generic))

        given = dict(self.shapes.predicate_objects(prop))
        low, high = given.get(SH.minCount), given.get(SH.maxCount)
        if low is not None or high is not None:
            checks.append(_count_check(focus, pairs, shown, message or "wrong number of values",
                                       None if low is None else int(low), None if high is None else int(high)))
        for p, o in self.shapes.predicate_objects(prop):
            if p in _IGNORED or p in (SH.minCount, SH.maxCount):
                continue
            if p == SH["class"]:
                value_check("!BOUND(?t)", f"Value does not have class {_short(o)}",
                            f"OPTIONAL {{ {self.instances(o)} BIND(true AS ?t) }}")
            elif p == SH.datatype:
                ok = f"isLiteral(?v) && DATATYPE(?v) = <{o}>"
                if o in _LEXICAL:
                    ok += f' && REGEX(STR(?v), "{_LEXICAL[o]}")'
                value_check(f"!({ok})", f"Value is not Literal with datatype {_short(o)}")
            elif p in (SH.minLength, SH.maxLength):
                op = "<" if p == SH.minLength else ">"
                value_check(f"isBlank(?v) || STRLEN(STR(?v)) {op} {int(o)}", f"{_short(p)} {int(o)} not met")
            elif p == SH.pattern:
                flags = self.shapes.value(prop, SH.flags)
                regex = f"REGEX(STR(?v), {_sparql(Literal(str(o)))}" + (f", {_sparql(Literal(str(flags)))})" if flags else ")")
                value_check(f"isBlank(?v) || !{regex}", f"Value does not match pattern {o}")
            elif p == SH["in"]:
                allowed = " || ".join(f"sameTerm(?v, {_sparql(t)})" for t in Collection(self.shapes, o))
                value_check(f"!({allowed or 'false'})", "Value is not in the allowed list")
            elif p in _RANGES:
                value_check(f"!COALESCE(?v {_RANGES[p]} {_sparql(o)}, false)", f"Value is not {_RANGES[p]} {o}")
            elif p == SH.lessThan:
                value_check("!COALESCE(?v < ?w, false)", f"Value is not < value of {_short(o)}",
                            f"{{ SELECT ?f ?w WHERE {{ ?f <{o}> ?w }} }}")
            elif p == SH.nodeKind:
                value_check(f"!{_NODE_KINDS[o]}", f"Value is not of Node Kind sh:{_short(o)}")
            elif p == SH.qualifiedValueShape:
                cls = self.shapes.value(o, SH["class"])
                if cls is None or set(self.shapes.predicates(o)) - {SH["class"]}:
                    raise ValueError(f"shapes.ttl: a qualified value shape other than one sh:class ({shown})")
                qmin, qmax = given.get(SH.qualifiedMinCount), given.get(SH.qualifiedMaxCount)
                checks.append(_count_check(
                    focus, f"{pairs} {self.instances(cls)}", shown,
                    message or "wrong number of qualified values",
                    None if qmin is None else int(qmin), None if qmax is None else int(qmax)))
            else:
                raise ValueError(f"shapes.ttl: {shown} uses {_short(p)}, which the validation does not translate")
        return checks

    def checks(self) -> list[_Check]:
        out = []
        for shape in sorted(set(self.shapes.subjects(RDF.type, SH.NodeShape))):
            focus = self.focus(shape)
            if focus is None:
                continue
            out.extend(self.node_checks(shape, focus))
            for prop in self.shapes.objects(shape, SH.property):
                out.extend(self.property_checks(prop, focus))
        return out


def _short(p) -> str:
    s = str(p)
    return s.rsplit("#", 1)[-1] if "#" in s else s.rsplit("/", 1)[-1]


def _names(store: ox.Store, nodes: set[str]) -> dict[str, str]:
    """Each IRI's skos:prefLabel (the smallest, when it has several), in batches."""
    names: dict[str, str] = {}
    iris = sorted(nodes)
    for i in range(0, len(iris), 500):
        values = " ".join(f"<{n}>" for n in iris[i:i + 500])
        for n, label in store.query(f"SELECT ?n (MIN(STR(?l)) AS ?label) WHERE {{ VALUES ?n {{ {values} }} "
                                    f"?n <{SKOS.prefLabel}> ?l }} GROUP BY ?n"):
            names[n.value] = label.value
    return names


def validate(source) -> tuple[bool, list[str]]:
    """(conforms, one line per violation: which node, which property, what is wrong), for a
    pyoxigraph Store (a build's store on disk), an rdflib Graph or a build folder or RDF file."""
    from .store import as_store

    store = as_store(source)
    found: list[tuple[object, str, str, object]] = []  # focus, path, message, value
    for check in _Compiler(shapes_graph(), store).checks():
        for row in store.query(check.sparql):
            focus, other = row[0], row[1]
            if check.count is not None:
                k, (low, high) = int(other.value), check.count
                if (low is not None and k < low) or (high is not None and k > high):
                    found.append((focus, check.path, check.message, None))
            else:
                found.append((focus, check.path, check.message, other))
    names = _names(store, {f.value for f, *_ in found if isinstance(f, ox.NamedNode)})
    lines = []
    for focus, path, message, value in found:
        if isinstance(focus, ox.NamedNode):
            name = f"{names[focus.value]} <{focus.value}>" if focus.value in names else f"<{focus.value}>"
        else:
            name = focus.value
        line = f"{name}: {path}: {message}"
        if value is not None:
            line += f" (found {value.value})"
        lines.append(line)
    return not lines, sorted(lines)
