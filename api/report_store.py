"""The store a build writes, one report at a time, so that a later build can take a report out.

A graph is the union of its reports' graphs (graph.build.QuadBuilder.triples makes each report's
triples from that report alone). A triple about the report's own nodes (the report, its
citations, mentions, annotations) belongs to that report only. A triple about an entity reports
share (a law's label, an agency's region, a program adoption) is counted in the build state by
the reports that make it: it enters the store with the first and leaves with the last. So a
report's removal (its triples made again from its record) leaves the store exactly as a build
without that report would have made it, and entities other reports still name keep their labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import pyoxigraph as ox

from policykg.graph.build import QuadBuilder, also_read_from_triples, ontology_quads

from .build_state import BuildState, triple_digest


@dataclass
class ReportTriples:
    """A report's triples, as made from its record alone."""
    iri: str
    own: list[tuple]  # about the report's own nodes
    shared: list[tuple]  # about entities other reports may name too
    digests: list[bytes]  # of the shared ones (build_state.triple_digest), in their order


class ReportStore:
    """``split`` makes a report's triples, ``add`` counts them in and gives the quads the report
    brings (for the caller to store: in bulk when the store is new); ``remove`` and
    ``set_also_read_from`` change the store themselves."""

    def __init__(self, store: ox.Store, state: BuildState):
        self.store, self.state = store, state
        self._builder = QuadBuilder()
        # the ontology's own triples are the store's, whatever reports come and go
        self._ontology = {triple_digest(q.triple) for q in ontology_quads()}
        self.change = 0  # triples the store gained (the quads ``add`` gave count as stored)
        self.touched = False  # whether any report went in or out

    def split(self, record: dict[str, Any]) -> ReportTriples:
        """The report's triples, own and shared. Raises when the record cannot be made into
        triples (graph.build: a term the store would refuse, a malformed record)."""
        report, triples = self._builder.triples(record)
        own, shared, digests = [], [], []
        under = report + "/"
        for t in triples:
            subject = t[0].value  # graph.build.is_own, inlined: it runs for every triple
            if subject == report or subject.startswith(under):
                own.append(t)
            else:
                digest = triple_digest(t)
                if digest not in self._ontology:
                    shared.append(t)
                    digests.append(digest)
        return ReportTriples(report, own, shared, digests)

    def add(self, triples: ReportTriples) -> list[ox.Quad]:
        """The quads a new report brings to the store: its own, and the shared ones no report in
        the store made yet (the state counts the report in)."""
        first = self.state.count_up(triples.digests)
        quads = [ox.Quad(*t) for t in triples.own] + [ox.Quad(*t) for t, new in zip(triples.shared, first) if new]
        self.change += len(quads)
        self.touched = True
        return quads

    def remove(self, record: dict[str, Any]) -> None:
        """Take out of the store the report of ``record`` (as it was added, with the files it was
        also read from): its own triples, and the shared ones no other report makes."""
        triples = self.split(record)
        gone = self.state.count_down(triples.digests)
        leaving = triples.own + [t for t, last in zip(triples.shared, gone) if last]
        for t in leaving:
            self.store.remove(ox.Quad(*t))
        self.change -= len(leaving)
        self.touched = True

    def set_also_read_from(self, report: str, before: Iterable[str], after: Iterable[str]) -> None:
        """Name other files the report was also read from: ``after`` instead of ``before``."""
        before, after = list(before), list(after)
        leaving = also_read_from_triples(report, [p for p in before if p not in after])
        coming = also_read_from_triples(report, [p for p in after if p not in before])
        for t in leaving:
            self.store.remove(ox.Quad(*t))
        self.store.extend([ox.Quad(*t) for t in coming])
        self.change += len(coming) - len(leaving)
        self.touched = self.touched or bool(coming or leaving)
