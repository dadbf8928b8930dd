"""A built graph, for notebooks and scripts: SPARQL and named queries answered as DataFrames,
every citation with its evidence, and the graph as pyoxigraph, rdflib and networkx objects."""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

CITATIONS = """
PREFIX pk: <https://w3id.org/policykg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?citation ?report (MIN(?y) AS ?year) (MIN(?al) AS ?agency) (MIN(?rl) AS ?region)
       (MIN(?rc) AS ?region_code) (MIN(?ll) AS ?law) (MIN(?lv) AS ?level) (MIN(?ro) AS ?role)
       (MIN(?ev) AS ?sentence) ?start ?end (MIN(?tf) AS ?text_file) (MIN(STR(?src)) AS ?source)
WHERE {
  ?report pk:hasCitation ?citation ; pk:issuedBy ?ag .
  ?citation pk:citedLaw ?lawNode ; pk:startOffset ?start ; pk:endOffset ?end .
  ?ag skos:prefLabel ?al .
  ?lawNode skos:prefLabel ?ll .
  OPTIONAL { ?lawNode pk:level ?lvNode . ?lvNode skos:prefLabel ?lv . FILTER(LANG(?lv) = "zh") }
  OPTIONAL { ?citation pk:role ?roNode . ?roNode skos:prefLabel ?ro . FILTER(LANG(?ro) = "zh") }
  OPTIONAL { ?citation pk:evidenceText ?ev }
  OPTIONAL { ?report pk:year ?y }
  OPTIONAL { ?ag pk:locatedIn ?rg . ?rg skos:prefLabel ?rl ; pk:adminCode ?rc . }
  OPTIONAL { ?report pk:textFile ?tf }
  OPTIONAL { ?report dcterms:source ?src }
}
GROUP BY ?citation ?report ?start ?end
ORDER BY ?report ?start ?end
"""
# one row per citation: a value an entity holds twice (an agency placed in two regions) is
# given once, the smallest, so that the rows stay one per citation and the same on every run


class KnowledgeGraph:
    """The graph of a build folder (``policykg.build`` or ``policykg build`` wrote it) or of an RDF
    file, opened read-only.

    ``summary`` is what the build did (reports built, failed and skipped, with the reasons) when
    the graph comes from ``policykg.build``, else None."""

    def __init__(self, path: str | Path, summary=None):
        from policykg.graph.store import open_store

        self.path = Path(path)
        self.summary = summary
        self.store = open_store(self.path)  # pyoxigraph.Store; read-only for a build folder

    def __repr__(self) -> str:
        return f"KnowledgeGraph({str(self.path)!r})"

    @cached_property
    def rdf(self):
        """The graph as an rdflib Graph, copied from the store on first use."""
        from rdflib import Graph

        from policykg.graph.quads import add_to_rdflib

        return add_to_rdflib(Graph(), self.store)

    def to_networkx(self):
        """The networkx projection (a MultiDiGraph: reports, agencies, laws, programs, regions),
        read from the store."""
        from policykg.graph.project import to_networkx

        return to_networkx(self.store)

    def query(self, sparql: str | None = None, *, name: str | None = None, **params):
        """A DataFrame of the answers to ``sparql``, or to the named query ``name`` (see
        ``named_queries()``). ``params`` bind the query's parameters; a law, region, agency or
        program may be given by an alias or a code (law="宪法" is 中华人民共和国宪法)."""
        from policykg.graph import store as st

        from .frames import to_dataframe
        from .resolve import resolve_all

        if (sparql is None) == (name is None):
            raise TypeError("give a SPARQL query or name=, not both")
        text = sparql if name is None else self._named(name)
        return to_dataframe(st.run_query(self.store, text, resolve_all(self.store, params) or None))

    def citations(self):
        """One row per citation of a law: the report (IRI), its year, agency and region (label
        and official code; <NA> when the text leaves the region open), the law, its level, the
        citation's role, the evidence sentence, the start and end offsets of the citation in the
        report's text as read (OUT/``text_file``) and the report's ``source`` URL when known."""
        df = self.query(CITATIONS)
        df["region_code"] = df["region_code"].astype("Int64")  # official codes are numbers (110101)
        return df

    @staticmethod
    def named_queries():
        """The named queries: name → what it answers."""
        from policykg.graph.store import list_named_queries

        return {name: description for name, (_, description) in list_named_queries().items()}

    @staticmethod
    def _named(name: str) -> str:
        from policykg.graph.store import list_named_queries, load_named_query

        try:
            return load_named_query(name)
        except KeyError:
            raise KeyError(f"no named query {name!r}; one of: {', '.join(list_named_queries())}") from None
