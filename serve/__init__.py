"""Serving a graph: the SPARQL 1.1 Protocol, a query page and entity pages (``policykg serve``),
and moving a graph to another SPARQL engine (``policykg load``)."""
