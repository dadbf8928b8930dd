"""Moving to a server engine: push a graph into an existing SPARQL store over the SPARQL 1.1
Graph Store Protocol, and run the same (named) queries there through SPARQLWrapper."""
from __future__ import annotations

import warnings
from pathlib import Path

import pyoxigraph as ox
import requests

from policykg.graph.store import Result, bind_parameters, open_store

DEFAULT_GRAPH = "https://w3id.org/policykg/graph"
CHUNK_TRIPLES = 50_000  # one request per chunk keeps each upload well under server body limits


class RemoteError(Exception):
    """A clear message about an endpoint that refused or failed."""


def _auth(user: str | None, password: str | None, scheme: str):
    if not user:
        return None
    if scheme == "digest":
        return requests.auth.HTTPDigestAuth(user, password or "")
    return requests.auth.HTTPBasicAuth(user, password or "")


def _chunks(store: ox.Store, size: int):
    batch = []
    for q in store.quads_for_pattern(None, None, None):
        batch.append(ox.Triple(q.subject, q.predicate, q.object))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_graph(graph: Path, endpoint: str, graph_iri: str = DEFAULT_GRAPH, user: str | None = None,
               password: str | None = None, auth: str = "digest", replace: bool = True,
               chunk: int = CHUNK_TRIPLES, timeout: float = 300.0) -> int:
    """Upload GRAPH (a build folder or RDF file) into ``graph_iri`` at a Graph Store Protocol
    endpoint (for Virtuoso: http://HOST:8890/sparql-graph-crud-auth). The first request
    replaces the named graph (PUT) unless ``replace`` is false; later ones append (POST).
    Returns the number of triples sent."""
    store = open_store(graph)
    session = requests.Session()
    session.auth = _auth(user, password, auth)
    sent = 0
    for i, batch in enumerate(_chunks(store, chunk)):
        body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
        method = "PUT" if (i == 0 and replace) else "POST"
        try:
            r = session.request(method, endpoint, params={"graph": graph_iri}, data=body, timeout=timeout,
                                headers={"Content-Type": "application/n-triples; charset=utf-8"})
        except requests.RequestException as e:
            raise RemoteError(f"{endpoint}: cannot reach the Graph Store endpoint ({e})")
        if r.status_code == 401:
            raise RemoteError(f"{endpoint}: the server asks for credentials (give --user and --password; "
                              f"Virtuoso's writable endpoint is /sparql-graph-crud-auth with digest auth)")
        if r.status_code >= 300:
            raise RemoteError(f"{endpoint}: {method} refused with HTTP {r.status_code}: {r.text.strip()[:300]}")
        sent += len(batch)
    return sent


def _term(b: dict | None):
    if b is None:
        return None
    t = b.get("type")
    if t == "uri":
        return ox.NamedNode(b["value"])
    if t == "bnode":
        return ox.BlankNode(b["value"])
    if b.get("xml:lang"):
        return ox.Literal(b["value"], language=b["xml:lang"])
    if b.get("datatype"):
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


def run_remote(endpoint: str, text: str, bindings: dict[str, str] | None = None, timeout: float = 60.0,
               user: str | None = None, password: str | None = None) -> Result:
    """Run a SELECT or ASK query at a SPARQL endpoint, with the same parameter binding as the
    local store, and give the answer in the same Result form."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    text = bind_parameters(text, bindings)
    client = SPARQLWrapper(endpoint)
    with warnings.catch_warnings():
        # SPARQLWrapper warns about query forms it cannot guess; the endpoint's answer says more
        warnings.simplefilter("ignore", RuntimeWarning)
        client.setQuery(text)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(int(timeout))
    if user:
        client.setCredentials(user, password or "")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            doc = client.queryAndConvert()
    except SPARQLWrapperException as e:
        raise RemoteError(f"{endpoint}: the query was refused: {str(e).strip()[:500]}")
    except OSError as e:
        raise RemoteError(f"{endpoint}: cannot reach the SPARQL endpoint ({e})")
    if not isinstance(doc, dict):
        raise RemoteError(f"{endpoint}: the answer is not SPARQL JSON (was it a CONSTRUCT query?)")
    if "boolean" in doc:
        return Result(boolean=bool(doc["boolean"]))
    variables = doc["head"]["vars"]
    return Result(variables, [[_term(b.get(v)) for v in variables] for b in doc["results"]["bindings"]])
