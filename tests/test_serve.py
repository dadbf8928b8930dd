"""The SPARQL endpoint and its pages, served from the seeds build and driven by real clients:
SPARQLWrapper, plain HTTP, and headless Chromium."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse

import pytest
import rdflib
import requests
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from page_helpers import SELECTED_IRIS
from policykg.graph.store import load_named_query

TIMEOUT = 3.0
LIMIT = 500
# a cross join of every triple with itself, three times over: far beyond any time limit
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LAW = "https://w3id.org/policykg/id/law/中华人民共和国传染病防治法"


@contextlib.contextmanager
def serving(graph, **options):
    """A policykg server for GRAPH on a free loopback port; yields its App and base URL, and
    stops it, its workers and any temporary store on leaving."""
    from policykg.serve.server import ServeOptions, make_server, serving_app

    with serving_app(graph, ServeOptions(**options)) as app:
        server = make_server(app)
        threading.Thread(target=server.run, daemon=True).start()
        try:
            yield app, f"http://127.0.0.1:{server.effective_port}"
        finally:
            server.close()


@pytest.fixture(scope="module")
def endpoint(seeds_build):
    with serving(seeds_build, workers=2, timeout=TIMEOUT, limit=LIMIT) as (_app, base):
        yield base


def _wrapper(base, query, fmt=JSON):
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def _rows(doc):
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


# --- SPARQLWrapper ------------------------------------------------------------------------

def test_sparqlwrapper_runs_a_named_query(endpoint):
    rows = _rows(_wrapper(endpoint, load_named_query("laws-by-region")).queryAndConvert())
    assert {"regionLabel": "北碚区", "lawLabel": "中华人民共和国传染病防治法", "level": "法律"}.items() <= \
        next(r for r in rows if r["regionLabel"] == "北碚区" and r["lawLabel"] == "中华人民共和国传染病防治法").items()
    # every one of the five reports' regions answers
    assert {"北碚区", "达州市", "东城区", "无锡市"} <= {r["regionLabel"] for r in rows}


def test_get_and_post_give_the_same_answer(endpoint):
    q = load_named_query("laws-by-role")
    get = _wrapper(endpoint, q).queryAndConvert()
    client = _wrapper(endpoint, q)
    client.setMethod(POST)
    assert client.queryAndConvert() == get
    raw = requests.post(endpoint + "/sparql", data=q.encode("utf-8"),
                        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert raw.status_code == 200 and raw.json() == get


def test_select_in_every_results_format(endpoint):
    q = "PREFIX pk: <https://w3id.org/policykg/ontology#> SELECT ?law WHERE { ?law a pk:Law } ORDER BY ?law"
    laws = [r["law"] for r in _rows(_wrapper(endpoint, q).queryAndConvert())]
    assert LAW in laws
    xml = _wrapper(endpoint, q, XML).queryAndConvert()  # a DOM document
    assert [n.firstChild.data for n in xml.getElementsByTagName("uri")] == laws
    text = _wrapper(endpoint, q, CSV).queryAndConvert().decode("utf-8")
    assert [r["law"] for r in csv.DictReader(io.StringIO(text))] == laws
    tsv = _wrapper(endpoint, q, TSV).queryAndConvert().decode("utf-8").splitlines()
    assert tsv[0] == "?law" and tsv[1:] == [f"<{x}>" for x in laws]
    # the format parameter overrides the Accept header
    r = requests.get(endpoint + "/sparql", params={"query": q, "format": "csv"}, headers={"Accept": "application/json"})
    assert r.headers["Content-Type"].startswith("text/csv") and r.text.splitlines()[0] == "law"


def test_ask_construct_and_describe(endpoint):
    assert _wrapper(endpoint, f"ASK {{ <{LAW}> ?p ?o }}").queryAndConvert()["boolean"] is True
    assert _wrapper(endpoint, "ASK { <urn:nothing> ?p ?o }").queryAndConvert()["boolean"] is False
    construct = f"CONSTRUCT {{ <{LAW}> ?p ?o }} WHERE {{ <{LAW}> ?p ?o }}"
    g = _wrapper(endpoint, construct, TURTLE).queryAndConvert()
    g = rdflib.Graph().parse(data=g, format="turtle")
    assert (rdflib.URIRef(LAW), rdflib.namespace.SKOS.prefLabel, rdflib.Literal("中华人民共和国传染病防治法", lang="zh")) in g
    for fmt, parser in (("ntriples", "nt"), ("rdfxml", "xml"), ("jsonld", "json-ld")):
        r = requests.get(endpoint + "/sparql", params={"query": f"DESCRIBE <{LAW}>", "format": fmt})
        assert r.status_code == 200, r.text
        described = rdflib.Graph().parse(data=r.content, format=parser)
        assert len(described) == len(g)


def test_named_query_parameters_are_bound_by_the_endpoint(endpoint):
    r = requests.post(endpoint + "/sparql", data={"query": load_named_query("regions-citing"),
                                                  "param.law": "中华人民共和国传染病防治法"},
                      headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    assert "北碚区" in {row.get("regionLabel") for row in _rows(r.json())}
    missing = requests.post(endpoint + "/sparql", data={"query": load_named_query("regions-citing")})
    assert missing.status_code == 400 and "missing parameter" in missing.text


# --- refusals, limits and time limits -------------------------------------------------------

def test_updates_are_refused_and_change_nothing(endpoint):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = _rows(_wrapper(endpoint, count).queryAndConvert())[0]["n"]
    client = SPARQLWrapper(endpoint + "/sparql", updateEndpoint=endpoint + "/sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    # SPARQLWrapper surfaces a 403 as urllib's HTTPError
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as refused:
        client.query()
    assert getattr(refused.value, "code", 403) == 403
    for body, ctype in (("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
                        ("update=DROP ALL", "application/x-www-form-urlencoded"),
                        ("query=" + urllib.parse.quote("PREFIX x: <urn:x> DELETE WHERE { ?s ?p ?o }"),
                         "application/x-www-form-urlencoded")):
        r = requests.post(endpoint + "/sparql", data=body.encode(), headers={"Content-Type": ctype})
        assert r.status_code == 403 and "read-only" in r.text
    assert _rows(_wrapper(endpoint, count).queryAndConvert())[0]["n"] == before


def test_an_over_long_query_is_cut_off_and_the_server_keeps_serving(endpoint):
    started = time.monotonic()
    r = requests.get(endpoint + "/sparql", params={"query": SLOW}, timeout=60)
    took = time.monotonic() - started
    assert r.status_code == 503 and "time limit" in r.text
    assert TIMEOUT <= took < TIMEOUT + 5
    # both workers still answer, the killed one replaced
    for _ in range(3):
        ok = requests.get(endpoint + "/sparql", params={"query": f"ASK {{ <{LAW}> ?p ?o }}"})
        assert ok.status_code == 200 and ok.json()["boolean"] is True


def test_workers_move_to_an_in_memory_copy_with_the_same_answers(seeds_build):
    """With --memory (the default) a worker answers from the disk store at once and from its
    in-memory copy once that is loaded; --no-memory stays on disk. The answers are the same."""
    query = load_named_query("laws-by-region")
    with serving(seeds_build, workers=1, timeout=10, limit=LIMIT, memory=False) as (_, disk), \
            serving(seeds_build, workers=1, timeout=10, limit=LIMIT) as (_, mem):
        answer = requests.post(disk + "/sparql", data={"query": query, "format": "csv"})
        assert answer.headers["X-Policykg-Store"] == "disk"
        deadline = time.monotonic() + 30
        while True:
            r = requests.post(mem + "/sparql", data={"query": query, "format": "csv"})
            if r.headers["X-Policykg-Store"] == "memory" or time.monotonic() > deadline:
                break
            assert r.text == answer.text  # answered from disk meanwhile
            time.sleep(0.05)
        assert r.headers["X-Policykg-Store"] == "memory"
        assert r.text == answer.text and r.headers["X-Result-Rows"] == answer.headers["X-Result-Rows"] != "0"
        time.sleep(0.2)
        assert requests.post(disk + "/sparql", data={"query": query}).headers["X-Policykg-Store"] == "disk"


def test_the_background_copy_yields_the_cores_to_queries():
    """The thread that copies the store into memory runs at nice 19; the worker's other threads
    (the one answering queries) keep their priority."""
    import os

    from policykg.serve.executor import lower_priority

    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before, seen = priority(), []

    def copy() -> None:
        lower_priority()
        seen.append(priority())

    thread = threading.Thread(target=copy)
    thread.start()
    thread.join()
    assert seen == [19] and priority() == before


def test_the_size_check_counts_quads_in_every_graph_up_to_the_limit():
    import pyoxigraph as ox

    from policykg.serve.executor import holds_more_than

    store = ox.Store()
    a, p = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p")
    store.add(ox.Quad(a, p, ox.Literal("in the default graph")))
    store.add(ox.Quad(a, p, ox.Literal("in a named graph"), ox.NamedNode("http://example.org/g")))
    assert [holds_more_than(store, n) for n in (0, 1, 2, 10)] == [True, True, False, False]


def test_long_results_are_cut_at_the_limit_and_flagged(endpoint):
    r = requests.get(endpoint + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(r.json()["results"]["bindings"]) == LIMIT
    assert r.headers["X-Result-Truncated"].startswith("true")
    small = requests.get(endpoint + "/sparql", params={"query": f"SELECT * WHERE {{ <{LAW}> ?p ?o }}"})
    assert "X-Result-Truncated" not in small.headers


def test_bad_requests_get_clear_messages(endpoint):
    r = requests.get(endpoint + "/sparql", params={"query": "SELEC ?x WHERE {"})
    assert r.status_code == 400 and "syntax error" in r.text
    assert requests.post(endpoint + "/sparql", data={"format": "json"}).status_code == 400  # no query
    r = requests.get(endpoint + "/sparql", params={"query": "ASK {}", "format": "yaml"})
    assert r.status_code == 406 and "unknown format" in r.text
    assert requests.delete(endpoint + "/sparql").status_code == 405
    assert requests.get(endpoint + "/entity", params={"iri": "urn:not-here"}).status_code == 404


# --- pages ----------------------------------------------------------------------------------

def test_entity_page_shows_labels_relations_and_evidence(endpoint, seeds_build):
    r = requests.get(endpoint + "/entity", params={"iri": LAW})
    assert r.status_code == 200
    html = r.text
    assert "中华人民共和国传染病防治法" in html and "传染病防治法" in html  # label and alias
    assert "法律" in html and "/graph#" in html
    # the sentence of a real citation, with its offsets
    g = rdflib.Graph().parse(seeds_build / "graph.ttl")
    PK = rdflib.Namespace("https://w3id.org/policykg/ontology#")
    citation = next(g.subjects(PK.citedLaw, rdflib.URIRef(LAW)))
    sentence = str(g.value(citation, PK.evidenceText))
    assert sentence.replace("&", "&amp;").replace("<", "&lt;") in html
    assert f"{g.value(citation, PK.startOffset)}–{g.value(citation, PK.endOffset)}" in html


def test_pages_use_no_outside_assets(endpoint):
    for path in ("/", "/entity?iri=" + urllib.parse.quote(LAW, safe=""), "/graph"):
        html = requests.get(endpoint + path).text
        assert "http://cdn" not in html and "https://cdn" not in html and "unpkg" not in html
        for src in __import__("re").findall(r'(?:src|href)="(https?://[^"]+)"', html):
            assert src.startswith("https://w3id.org/policykg/"), src


def _wait_until(page, expression, timeout=10.0):
    """Poll ``expression`` from outside the page: wait_for_function evaluates its predicate with
    eval() inside the page, which the served pages' Content-Security-Policy rightly refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.05)


def _ran(page):
    """Wait for the query page's answer (or error) to be on screen."""
    _wait_until(page, "window.pkq && !document.querySelector('#status').classList.contains('running') && "
                      "document.querySelector('#status').textContent !== ''")


def test_query_page_in_a_browser(endpoint, page):
    page.goto(endpoint + "/")
    _wait_until(page, "window.pkq && window.pkq.ready === true")
    page.click("button.named[data-name='laws-by-region']")
    assert "SELECT" in page.evaluate("pkq.yasqe.getValue()")
    page.click("#run")
    _ran(page)
    headers = page.locator(".yasr thead th").all_inner_texts()
    assert headers[:2] == ["region", "regionLabel"]
    text = page.inner_text(".yasr table")
    assert "北碚区" in text and "中华人民共和国传染病防治法" in text
    # follow an entity link to its page
    page.locator(".yasr a.entity-link", has_text="law/中华人民共和国传染病防治法").first.click()
    page.wait_for_selector("#entity-name")
    assert page.inner_text("#entity-name") == "中华人民共和国传染病防治法"
    assert page.locator("#evidence tbody tr").count() >= 1
    assert "法律" in page.inner_text("#relations-out")
    page.go_back()
    _wait_until(page, "window.pkq && window.pkq.ready === true")
    # a named query with a parameter, then a report's page with the sentences of its citations
    page.click("button.named[data-name='regions-citing']")
    page.fill("input[name='param.law']", "中华人民共和国传染病防治法")
    page.press("input[name='param.law']", "Escape")
    page.click("#run")
    _ran(page)
    assert "北碚区" in page.inner_text(".yasr table")
    page.locator(".yasr a.entity-link", has_text="report/500109").first.click()
    page.wait_for_selector("#entity-name")
    assert page.inner_text("#entity-name").startswith("重庆市北碚区卫生健康委员会")
    assert page.locator("#evidence tbody tr").count() >= 5
    # and on to the place of the entity in the HTML graph
    report_iri = page.inner_text(".iri code")
    page.click("#graph-link")
    page.wait_for_load_state("load")
    assert page.url.split("#")[0].endswith("/graph")
    _wait_until(page, "window.policykg && window.policykg.ready === true", timeout=20)
    assert page.evaluate(SELECTED_IRIS) == [report_iri]
    assert page.inner_text("#panel-title").startswith("重庆市北碚区卫生健康委员会")
    # an error is shown, not thrown
    page.goto(endpoint + "/")
    _wait_until(page, "window.pkq && window.pkq.ready === true")
    page.evaluate("pkq.yasqe.setValue('SELECT ?x WHERE {')")
    page.click("#run")
    page.wait_for_selector("#status.error")
    assert "syntax error" in page.inner_text("#status")
    assert page.errors == [] or all("400" in e for e in page.errors)


def test_an_rdf_file_is_served_too(seeds_build):
    with serving(seeds_build / "graph.ttl", workers=1, timeout=10, limit=10) as (_, base):
        r = requests.get(base + "/sparql", params={"query": f"ASK {{ <{LAW}> ?p ?o }}"})
        assert r.json()["boolean"] is True
        assert requests.get(base + "/graph").status_code == 404  # no page beside a bare file


def test_closing_the_server_while_its_loop_waits_leaves_its_thread_quiet(seeds_build, monkeypatch):
    # With select(), closing from another thread between the loop's fd list and its wait raised
    # EBADF in the server's thread about one time in ten with a loop that does not wait.
    from policykg.serve.server import ServeOptions, make_server, serving_app

    errors = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    with serving_app(seeds_build, ServeOptions(workers=1, timeout=10, limit=10)) as app:
        for _ in range(100):
            server = make_server(app)
            server.adj.asyncore_loop_timeout = 0  # the loop lists its fds again and again
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            time.sleep(0.002)
            server.close()
            thread.join(5)
            assert not thread.is_alive()
    assert errors == []
