"""Moving to a server engine: push a graph into an existing SPARQL store over the SPARQL 1.1
Graph Store Protocol, and run the same (named) queries there through SPARQLWrapper."""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import pyoxigraph as ox
import requests

from policykg.graph.sparql_json import term_from_json
from policykg.graph.store import Result, bind_parameters, open_store
from policykg.graph.vocab import BASE

DEFAULT_GRAPH = BASE + "graph"
CHUNK_TRIPLES = 50_000  # one request per chunk keeps each upload well under server body limits


USER_ENV, PASSWORD_ENV = "POLICYKG_ENDPOINT_USER", "POLICYKG_ENDPOINT_PASSWORD"


class RemoteError(Exception):
    """A clear message about an endpoint that refused or failed."""


@dataclass(frozen=True)
class Endpoint:
    """An endpoint URL without credentials, and the credentials to send it. ``str()`` and
    ``repr()`` never show the password."""
    url: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: str = "digest"  # or "basic"

    @classmethod
    def parse(cls, url: str, user: str | None = None, password: str | None = None, auth: str = "digest") -> "Endpoint":
        """Credentials from ``user``/``password``, else from ``user:password@`` in the URL, else
        from $POLICYKG_ENDPOINT_USER / $POLICYKG_ENDPOINT_PASSWORD."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RemoteError(f"{_redact_url(url)}: not an http(s) URL")
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port:
            netloc += f":{parts.port}"
        user = user or (unquote(parts.username) if parts.username else None) or os.environ.get(USER_ENV) or None
        password = password or (unquote(parts.password) if parts.password else None) or os.environ.get(PASSWORD_ENV)
        return cls(urlunsplit(parts._replace(netloc=netloc)), user, password, auth)

    def __str__(self) -> str:
        return self.url

    def requests_auth(self):
        if not self.user:
            return None
        if self.auth == "digest":
            return requests.auth.HTTPDigestAuth(self.user, self.password or "")
        return requests.auth.HTTPBasicAuth(self.user, self.password or "")

    def scrub(self, message: str) -> str:
        """``message`` with the password taken out, wherever a library may have put it."""
        return message.replace(self.password, "***") if self.password else message


def _redact_url(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def _chunks(store: ox.Store, size: int):
    batch = []
    for q in store.quads_for_pattern(None, None, None):
        batch.append(ox.Triple(q.subject, q.predicate, q.object))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_graph(graph: Path, endpoint: Endpoint | str, graph_iri: str = DEFAULT_GRAPH, user: str | None = None,
               password: str | None = None, auth: str = "digest", replace: bool = True,
               chunk: int = CHUNK_TRIPLES, timeout: float = 30.0) -> int:
    """Upload GRAPH (a build folder or RDF file) into ``graph_iri`` at a Graph Store Protocol
    endpoint (for Virtuoso: http://HOST:8890/sparql-graph-crud-auth). The first request
    replaces the named graph (PUT) unless ``replace`` is false; later ones append (POST).
    Each request must be answered within ``timeout`` seconds. Returns the number of triples sent."""
    if not isinstance(endpoint, Endpoint):
        endpoint = Endpoint.parse(endpoint, user, password, auth)
    store = open_store(graph)
    session = requests.Session()
    session.auth = endpoint.requests_auth()
    sent = 0
    for i, batch in enumerate(_chunks(store, chunk)):
        body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
        method = "PUT" if (i == 0 and replace) else "POST"
        try:
            r = session.request(method, endpoint.url, params={"graph": graph_iri}, data=body,
                                timeout=(min(timeout, 10.0), timeout),
                                headers={"Content-Type": "application/n-triples; charset=utf-8"})
        except requests.Timeout:
            raise RemoteError(f"{endpoint}: no answer within {timeout:g} s (after {sent} triples); "
                              f"is the server up? (--timeout sets the wait)")
        except requests.RequestException as e:
            raise RemoteError(endpoint.scrub(f"{endpoint}: cannot reach the Graph Store endpoint ({e})"))
        if r.status_code == 401:
            raise RemoteError(f"{endpoint}: the server asks for credentials (give --user and --password; "
                              f"Virtuoso's writable endpoint is /sparql-graph-crud-auth with digest auth)")
        if r.status_code >= 300:
            raise RemoteError(endpoint.scrub(f"{endpoint}: {method} refused with HTTP {r.status_code}: "
                                             f"{r.text.strip()[:300]}"))
        sent += len(batch)
    return sent


def run_remote(endpoint: Endpoint | str, text: str, bindings: dict[str, str] | None = None, timeout: float = 60.0,
               user: str | None = None, password: str | None = None, auth: str = "basic") -> Result:
    """Run a SELECT or ASK query at a SPARQL endpoint, with the same parameter binding as the
    local store, and give the answer in the same Result form."""
    from SPARQLWrapper import BASIC, DIGEST, JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if not isinstance(endpoint, Endpoint):
        endpoint = Endpoint.parse(endpoint, user, password, auth)
    text = bind_parameters(text, bindings)
    client = SPARQLWrapper(endpoint.url)
    with warnings.catch_warnings():
        # SPARQLWrapper warns about query forms it cannot guess; the endpoint's answer says more
        warnings.simplefilter("ignore", RuntimeWarning)
        client.setQuery(text)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(int(timeout))
    if endpoint.user:
        client.setHTTPAuth(DIGEST if endpoint.auth == "digest" else BASIC)
        client.setCredentials(endpoint.user, endpoint.password or "")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            doc = client.queryAndConvert()
    except SPARQLWrapperException as e:
        raise RemoteError(endpoint.scrub(f"{endpoint}: the query was refused: {str(e).strip()[:500]}"))
    except OSError as e:
        raise RemoteError(endpoint.scrub(f"{endpoint}: cannot reach the SPARQL endpoint ({e})"))
    if not isinstance(doc, dict):
        raise RemoteError(f"{endpoint}: the answer is not SPARQL JSON (was it a CONSTRUCT query?)")
    if "boolean" in doc:
        return Result(boolean=bool(doc["boolean"]))
    variables = doc["head"]["vars"]
    return Result(variables, [[term_from_json(b.get(v)) for v in variables] for b in doc["results"]["bindings"]])
