"""The endpoint under hostile or careless clients: SERVICE calls, memory and answer size,
pathological bodies, foreign Hosts and Origins, crowds of slow queries, credentials of remote
endpoints, SIGTERM. Every server here listens on loopback and stops by itself."""
from __future__ import annotations

import base64
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from test_serve import serving

LAW = "https://w3id.org/policykg/id/law/中华人民共和国传染病防治法"
ASK = f"ASK {{ <{LAW}> ?p ?o }}"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# --- small loopback servers standing in for the outside world ---------------------------------

class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with the server's canned reply and records it."""

    def _answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
        status, ctype, reply = self.server.reply
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args):
        pass


@pytest.fixture()
def recorder():
    """A loopback HTTP server that records requests; set ``.reply`` = (status, type, body)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.seen = []
    server.reply = (200, "application/sparql-results+json",
                    b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]}}')
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture()
def silent_port():
    """A loopback port that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture(scope="module")
def endpoint(seeds_build):
    with serving(seeds_build, workers=2, timeout=5, limit=500) as (app, base):
        yield base


# --- 7. SERVICE --------------------------------------------------------------------------------

def test_service_is_refused_and_no_outbound_request_is_made(endpoint, recorder):
    target = recorder.url + "/sparql"
    for query in (f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                  f"select * {{ service silent <{target}> {{ ?s ?p ?o }} }}",
                  f"PREFIX r: <{recorder.url}/> SELECT * {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
                  f"SELECT * {{ ?s ?p true.SERVICE<{target}>{{ ?a ?b ?c }} }}",
                  f"SELECT * {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
                  f"SELECT * {{ SERVICE <{endpoint}/sparql> {{ ?s ?p ?o }} }}"):  # the endpoint itself
        r = requests.post(endpoint + "/sparql", data={"query": query}, timeout=30)
        assert r.status_code == 403 and "SERVICE" in r.text and "--allow-service" in r.text, (query, r.text)
    time.sleep(0.3)
    assert recorder.seen == []
    # the word in a string, an IRI, a comment or a name is no SERVICE call
    r = requests.get(endpoint + "/sparql", timeout=30, params={
        "query": "PREFIX service: <urn:service:> SELECT ?service WHERE { BIND(\"SERVICE <http://x>\" AS ?service) "
                 "FILTER(?service != service:SERVICE) } # SERVICE <http://y> {}"})
    assert r.status_code == 200 and r.json()["results"]["bindings"][0]["service"]["value"] == "SERVICE <http://x>"


def test_an_allowed_service_is_called(seeds_build, recorder):
    target = recorder.url + "/sparql"
    with serving(seeds_build, workers=1, short_workers=0, timeout=10, allow_services=(target,)) as (_, base):
        r = requests.post(base + "/sparql", data={"query": f"SELECT ?x WHERE {{ SERVICE <{target}> {{ ?x ?p ?o }} }}"},
                          timeout=30)
        assert r.status_code == 200, r.text
        assert r.json()["results"]["bindings"] == [{"x": {"type": "literal", "value": "remote"}}]
        assert len(recorder.seen) == 1
        other = requests.post(base + "/sparql", data={"query": f"SELECT * {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}"})
        assert other.status_code == 403 and len(recorder.seen) == 1
        sd = requests.get(base + "/sparql").text
        assert "BasicFederatedQuery" in sd


def test_the_request_check_reads_tokens_not_text():
    from policykg.serve.sparql_text import inspect

    cases = {
        "PREFIX ex: <http://ex.org/> SELECT * { SERVICE ex:sparql {} }": ("query", ["http://ex.org/sparql"]),
        "SELECT * { ?s ?p '''x'''.SERVICE <http://e/> {} }": ("query", ["http://e/"]),
        "SELECT * { ?a ?b ?c FILTER(?a<?b) SERVICE<http://e/>{} }": ("query", ["http://e/"]),
        "SELECT * { SERVICE <relative> {} }": ("query", [None]),
        "PREFIX service: <urn:x:> SELECT ?service { ?service service:SERVICE _:SERVICE ; ?p 'x'@service }": ("query", []),
        "SELECT * { ?s <http://x/SERVICE> \"SERVICE <http://a>\" } # SERVICE <http://b>": ("query", []),
        "# comment\nPREFIX x: <urn:x> BASE <http://b/> INSERT DATA { <a> <b> <c> }": ("update", []),
        "prefix x: <urn:x> delete where { ?s ?p ?o }": ("update", []),
        "SELEC ?x": (None, []),
    }
    assert {q: (r.operation, r.services) for q in cases for r in [inspect(q)]} == cases


# --- 8. memory and answer size ----------------------------------------------------------------

def test_a_query_over_the_memory_limit_is_stopped_and_the_worker_replaced(seeds_build):
    with serving(seeds_build, workers=1, short_workers=0, timeout=60, worker_memory_mb=900) as (app, base):
        pid = app.executor._all[0].process.pid
        limits = Path(f"/proc/{pid}/limits").read_text()
        assert f"{900 * 2**20}" in next(line for line in limits.splitlines() if line.startswith("Max address space"))
        started = time.monotonic()
        # 23 million rows, sorted: many GB if nothing stops it
        r = requests.post(base + "/sparql", data={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"},
                          timeout=120)
        assert r.status_code == 503 and "900 MB" in r.text, r.text
        assert time.monotonic() - started < 50  # stopped by memory, well before the time limit
        deadline = time.monotonic() + 60
        while (ok := requests.get(base + "/sparql", params={"query": ASK})).status_code != 200:
            assert time.monotonic() < deadline, ok.text  # the replacement worker is starting
            time.sleep(0.2)
        assert ok.json()["boolean"] is True and app.executor.restarts == 1


def _doubling(times: int) -> str:
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(times))
    return f'SELECT ?a{times} WHERE {{ BIND("0123456789abcdef" AS ?a0) {binds} }}'


def test_answers_are_bounded_in_bytes(seeds_build):
    limit = 50_000
    with serving(seeds_build, workers=1, short_workers=0, timeout=20, max_response_mb=limit / 2**20) as (_, base):
        # one row of nested CONCATs, 262 kB: refused, not sent
        r = requests.post(base + "/sparql", data={"query": _doubling(14)}, timeout=30)
        assert r.status_code == 507 and "response limit" in r.text and len(r.content) < 1000
        # many rows: cut at a whole row below the limit, in every format, and flagged
        for fmt in ("json", "xml", "csv", "tsv", "turtle"):
            query = "CONSTRUCT WHERE { ?s ?p ?o }" if fmt == "turtle" else "SELECT * WHERE { ?s ?p ?o }"
            r = requests.post(base + "/sparql", data={"query": query, "format": fmt}, timeout=30)
            assert r.status_code == 200, r.text
            assert limit * 0.5 < len(r.content) <= limit, (fmt, len(r.content))
            assert r.headers["X-Result-Truncated"].startswith("true")
        small = requests.post(base + "/sparql", data={"query": _doubling(4)})
        assert small.status_code == 200 and "X-Result-Truncated" not in small.headers


# --- 9. pathological bodies -------------------------------------------------------------------

def test_a_pathological_body_is_refused_without_stalling_other_clients(endpoint):
    body = "PREFIX " + "<" * 200_000  # made the old update check backtrack for 16 s
    answers = {}

    def send(key, **kw):
        started = time.monotonic()
        r = requests.post(endpoint + "/sparql", timeout=60, **kw)
        answers[key] = (r.status_code, time.monotonic() - started)

    hostile = [threading.Thread(target=send, args=(f"bad{i}",), kwargs={"data": {"query": body}}) for i in range(3)]
    for t in hostile:
        t.start()
    time.sleep(0.5)  # the bodies are being checked
    started = time.monotonic()
    ask = requests.get(endpoint + "/sparql", params={"query": ASK}, timeout=60)
    assert ask.status_code == 200 and ask.json()["boolean"] is True
    assert time.monotonic() - started < 2
    for t in hostile:
        t.join(30)
    assert len(answers) == 3 and all(status == 400 and took < 10 for status, took in answers.values()), answers
    # over the request limit (1 MB by default): 413 at once, as a body or as a query parameter
    huge = "ASK {} #" + "x" * 1_100_000
    started = time.monotonic()
    assert requests.post(endpoint + "/sparql", data=huge.encode(), timeout=30,
                         headers={"Content-Type": "application/sparql-query"}).status_code == 413
    assert requests.post(endpoint + "/sparql", data={"query": huge}, timeout=30).status_code == 413
    assert time.monotonic() - started < 5


def test_the_request_check_is_linear():
    """8 times the text takes about 8 times as long (a quadratic check: 64 times), on the inputs
    that make string, IRI and name patterns backtrack."""
    from policykg.serve.sparql_text import inspect

    def seconds(n: int, unit: str) -> float:
        text = "PREFIX " + unit * n
        best = float("inf")
        for _ in range(5):  # CPU time: other processes on the machine do not count
            started = time.process_time()
            inspect(text)
            best = min(best, time.process_time() - started)
        return best

    for unit in ("<", "a.", "'a\\", '"""a', "<a", "?a ", "#\n"):
        small, large = seconds(40_000, unit), seconds(320_000, unit)
        assert large < max(25 * small, 1.0) and large < 5, (unit, small, large)


# --- 10. Host, Origin and the pages' security headers -----------------------------------------

def test_a_foreign_host_is_refused(endpoint):
    port = endpoint.rsplit(":", 1)[1]
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.nip.io:{port}"):
        r = requests.get(endpoint + "/sparql", params={"query": ASK}, headers={"Host": host})
        assert r.status_code == 400 and "--allow-host" in r.text, host
        assert requests.get(endpoint + "/", headers={"Host": host}).status_code == 400
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        assert requests.get(endpoint + "/sparql", params={"query": ASK}, headers={"Host": host}).status_code == 200


def test_cross_origin_posts_are_refused_unless_configured(endpoint, seeds_build):
    form = {"query": ASK}
    assert requests.post(endpoint + "/sparql", data=form, headers={"Origin": "http://evil.example"}).status_code == 403
    assert requests.post(endpoint + "/sparql", data=form, headers={"Origin": "null"}).status_code == 403
    assert requests.post(endpoint + "/sparql", data=form, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert requests.post(endpoint + "/sparql", data=form, headers={"Origin": endpoint}).status_code == 200
    assert requests.post(endpoint + "/sparql", data=form).status_code == 200  # not a browser
    app_origin = "http://app.example"
    with serving(seeds_build, workers=1, short_workers=0, cors_origins=(app_origin,)) as (_, base):
        r = requests.post(base + "/sparql", data=form, headers={"Origin": app_origin})
        assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == app_origin
        pre = requests.options(base + "/sparql", headers={"Origin": app_origin, "Access-Control-Request-Method": "POST"})
        assert pre.status_code == 204 and "POST" in pre.headers["Access-Control-Allow-Methods"]
        assert requests.post(base + "/sparql", data=form, headers={"Origin": "http://evil.example"}).status_code == 403


def test_every_answer_carries_the_security_headers(endpoint):
    for path in ("/", "/entity?iri=" + requests.utils.quote(LAW, safe=""), "/graph", "/static/query.js",
                 "/sparql?query=ASK%7B%7D", "/sparql", "/nothing-here", "/queries"):
        r = requests.get(endpoint + path)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["X-Frame-Options"] == "DENY", path
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp, path
    # the graph page runs exactly its own inline scripts, by hash
    assert "'sha256-" in requests.get(endpoint + "/graph").headers["Content-Security-Policy"]


# --- 11. slow queries do not starve short ones ----------------------------------------------

def test_a_short_query_is_answered_while_slow_ones_hold_every_worker(seeds_build):
    with serving(seeds_build, workers=2, short_workers=1, timeout=25, short_timeout=2, queue_wait=0.5) as (app, base):
        slow = []

        def send_slow():
            started = time.monotonic()
            r = requests.get(base + "/sparql", params={"query": SLOW}, timeout=60)
            slow.append((r.status_code, r.headers.get("Retry-After"), time.monotonic() - started))

        threads = [threading.Thread(target=send_slow) for _ in range(50)]
        for t in threads:
            t.start()
        # all but the two on the main workers are told promptly to come back later; the one
        # that took the short lane is stopped after 2 s and its worker replaced
        lanes = app.executor._lanes
        deadline = time.monotonic() + 20
        while len(slow) < 48 or not lanes._idle["short"]:
            assert time.monotonic() < deadline, (len(slow), lanes._idle)
            time.sleep(0.1)
        assert all(status == 503 for status, _, _ in slow)
        assert sum(1 for _, retry, took in slow if retry and took < 2) >= 40
        started = time.monotonic()
        ask = requests.get(base + "/sparql", params={"query": ASK}, timeout=60)
        took = time.monotonic() - started
        assert ask.status_code == 200 and ask.json()["boolean"] is True, ask.text
        assert took < 2 and len(slow) == 48  # answered while the slow ones still hold the main workers
        # and with no free worker at all, a query waits --queue-wait, not the time limit
        held = threading.Thread(target=send_slow)
        held.start()
        time.sleep(0.5)
        started = time.monotonic()
        busy = requests.get(base + "/sparql", params={"query": ASK}, timeout=60)
        assert busy.status_code == 503 and busy.headers["Retry-After"] and time.monotonic() - started < 2
        for t in [*threads, held]:
            t.join(60)


# --- 12. credentials of remote endpoints -------------------------------------------------------

def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_load_takes_credentials_from_the_url_and_never_prints_them(seeds_build, recorder, silent_port):
    from policykg.cli import cli

    runner = CliRunner()
    recorder.reply = (201, "text/plain", b"created")
    url = recorder.url.replace("http://", "http://dba:s3cr%40t@") + "/gsp"
    done = runner.invoke(cli, ["load", str(seeds_build), "--endpoint", url, "--auth", "basic"])
    assert done.exit_code == 0, done.output
    assert "s3cr" not in done.output and "loaded" in done.output and recorder.url + "/gsp" in done.output
    assert recorder.seen[0]["headers"]["Authorization"] == _basic("dba", "s3cr@t")
    # a refusal that echoes the request, and an endpoint that is not there
    recorder.reply = (500, "text/plain", b"cannot store for dba:s3cr@t")
    failed = runner.invoke(cli, ["load", str(seeds_build), "--endpoint", url, "--auth", "basic"])
    assert failed.exit_code == 1 and "HTTP 500" in failed.output and "s3cr" not in failed.output
    gone = runner.invoke(cli, ["load", str(seeds_build), "--endpoint", f"http://dba:s3cr%40t@127.0.0.1:{_closed_port()}/gsp"])
    assert gone.exit_code == 1 and "cannot reach" in gone.output and "s3cr" not in gone.output
    # from the environment
    recorder.reply = (201, "text/plain", b"created")
    recorder.seen.clear()
    env = {"POLICYKG_ENDPOINT_USER": "env-user", "POLICYKG_ENDPOINT_PASSWORD": "env-pass"}
    done = runner.invoke(cli, ["load", str(seeds_build), "--endpoint", recorder.url + "/gsp", "--auth", "basic"], env=env)
    assert done.exit_code == 0 and "env-pass" not in done.output
    assert recorder.seen[0]["headers"]["Authorization"] == _basic("env-user", "env-pass")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_load_gives_up_on_a_hanging_endpoint(seeds_build, silent_port):
    from policykg.cli import cli

    started = time.monotonic()
    done = CliRunner().invoke(cli, ["load", str(seeds_build), "--endpoint", f"http://127.0.0.1:{silent_port}/gsp",
                                    "--timeout", "1"])
    assert done.exit_code == 1 and "no answer within 1 s" in done.output, done.output
    assert time.monotonic() - started < 15


def test_query_endpoint_takes_credentials_from_the_url_option_or_environment(recorder):
    from policykg.cli import cli

    runner = CliRunner()
    recorder.reply = (200, "application/sparql-results+json", b'{"head": {}, "boolean": true}')
    url = recorder.url.replace("http://", "http://reader:pa%24s@") + "/sparql"
    done = runner.invoke(cli, ["query", "--endpoint", url, "ASK {}", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert "true" in done.output and "pa$s" not in done.output
    assert recorder.seen[-1]["headers"]["Authorization"] == _basic("reader", "pa$s")
    assert recorder.seen[-1]["headers"]["Host"] == recorder.url[len("http://"):]
    done = runner.invoke(cli, ["query", "--endpoint", recorder.url + "/sparql", "--user", "u", "ASK {}"],
                         env={"POLICYKG_ENDPOINT_PASSWORD": "from-env"})
    assert done.exit_code == 0 and recorder.seen[-1]["headers"]["Authorization"] == _basic("u", "from-env")
    recorder.reply = (401, "text/plain", b"who are you")
    refused = runner.invoke(cli, ["query", "--endpoint", url, "ASK {}"])
    assert refused.exit_code == 1 and "pa$s" not in refused.output and "pa%24s" not in refused.output


# --- 13. SIGTERM ------------------------------------------------------------------------------

def test_sigterm_removes_the_temporary_store(seeds_build, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-c", "from policykg.cli import main; main()", "serve",
                             str(seeds_build / "graph.ttl"), "--port", "0", "--workers", "1", "--no-memory"],
                            env=env, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 90
        while "serving" not in line:
            assert time.monotonic() < deadline and proc.poll() is None, line
            line = proc.stderr.readline()
        assert list(tmp.glob("policykg-store-*"))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert list(tmp.glob("policykg-store-*")) == []


# --- 14. the SPARQL 1.1 Protocol, as the W3C protocol test cases for a read-only endpoint --------

EX = "http://example.org/"
DATASET = f"""@prefix ex: <{EX}> .
ex:d ex:p "in the default graph" .
GRAPH <{EX}data0.rdf> {{ <{EX}data0.rdf> ex:title "data0" . }}
GRAPH <{EX}data1.rdf> {{ <{EX}data1.rdf> ex:title "data1" . ex:s1 ex:p "shared-1" . }}
GRAPH <{EX}data2.rdf> {{ <{EX}data2.rdf> ex:title "data2" . ex:s2 ex:p "shared-2" . }}
GRAPH <{EX}data3.rdf> {{ ex:x3 ex:y "shared-1" . }}
"""
RESULTS_JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def protocol(tmp_path_factory):
    """An endpoint over four named graphs, like the W3C protocol tests' data0-3.rdf."""
    path = tmp_path_factory.mktemp("protocol") / "dataset.trig"
    path.write_text(DATASET, encoding="utf-8")
    with serving(path, workers=1, timeout=10) as (_, base):
        yield base + "/sparql"


def _direct(url, query, params=None, ctype="application/sparql-query", accept=RESULTS_JSON, encoding="utf-8"):
    headers = {"Accept": accept} if accept else {}
    if ctype:
        headers["Content-Type"] = ctype
    return requests.post(url, params=params, data=query.encode(encoding), headers=headers, timeout=30)


def _boolean(r) -> bool:
    assert r.status_code == 200, r.text
    return r.json()["boolean"]


def _solutions(r) -> list[dict]:
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def test_query_get_post_form_and_post_direct(protocol):
    # query_get, query_post_form, query_post_direct
    assert _boolean(requests.get(protocol, params={"query": "ASK {}"})) is True
    assert _boolean(requests.post(protocol, data={"query": "ASK {}"})) is True
    assert _boolean(_direct(protocol, "ASK {}")) is True


def test_query_dataset_default_graph(protocol):
    ask = f"ASK {{ <{EX}data1.rdf> ?p ?o }}"
    assert _boolean(_direct(protocol, ask)) is False  # not in the store's default graph
    assert _boolean(_direct(protocol, ask, {"default-graph-uri": EX + "data1.rdf"})) is True


def test_query_dataset_default_graphs_get_and_post(protocol):
    ask = f"ASK {{ <{EX}data1.rdf> ?p ?o1 . <{EX}data2.rdf> ?p ?o2 }}"
    graphs = {"default-graph-uri": [EX + "data1.rdf", EX + "data2.rdf"]}
    assert _boolean(requests.get(protocol, params={"query": ask, **graphs})) is True
    assert _boolean(_direct(protocol, ask, graphs)) is True
    assert _boolean(requests.post(protocol, data={"query": ask, **graphs})) is True
    assert _boolean(_direct(protocol, ask, {"default-graph-uri": EX + "data1.rdf"})) is False


def test_query_dataset_named_graphs_get_and_post(protocol):
    select = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    graphs = {"named-graph-uri": [EX + "data1.rdf", EX + "data2.rdf"]}
    want = [{"g": EX + "data1.rdf"}, {"g": EX + "data2.rdf"}]
    assert _solutions(requests.get(protocol, params={"query": select, **graphs})) == want
    assert _solutions(_direct(protocol, select, graphs)) == want
    assert len(_solutions(_direct(protocol, select))) == 4  # without a protocol dataset: every graph
    # named graphs only: the default graph is empty
    assert _boolean(_direct(protocol, "ASK { ?s ?p ?o }", graphs)) is False


def test_query_dataset_full(protocol):
    select = "SELECT ?g ?x ?s WHERE { ?x ?y ?o GRAPH ?g { ?s ?p ?o } }"
    graphs = {"default-graph-uri": EX + "data3.rdf", "named-graph-uri": [EX + "data1.rdf", EX + "data2.rdf"]}
    assert _solutions(_direct(protocol, select, graphs)) == [{"g": EX + "data1.rdf", "x": EX + "x3", "s": EX + "s1"}]


def test_query_multiple_dataset_uses_the_protocol_dataset(protocol):
    ask = f"ASK FROM <{EX}data1.rdf> {{ <{EX}data1.rdf> ?p ?o }}"
    assert _boolean(_direct(protocol, ask)) is True
    assert _boolean(_direct(protocol, ask, {"default-graph-uri": EX + "data2.rdf"})) is False


def test_default_graph_uri_is_kept_on_the_seeds(endpoint):
    # the issue's case: an unknown default graph is an empty one
    r = requests.get(endpoint + "/sparql", params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": "urn:nothing"})
    assert _boolean(r) is False
    assert _boolean(requests.get(endpoint + "/sparql", params={"query": "ASK { ?s ?p ?o }"})) is True
    bad = requests.get(endpoint + "/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert bad.status_code == 400


@pytest.mark.parametrize("accept, query, media_type", [
    # query_content_type_select: one of XML, JSON, CSV, TSV
    (None, "SELECT (1 AS ?value) {}", RESULTS_JSON),
    ("application/sparql-results+xml", "SELECT (1 AS ?value) {}", "application/sparql-results+xml"),
    ("text/csv", "SELECT (1 AS ?value) {}", "text/csv"),
    ("text/tab-separated-values", "SELECT (1 AS ?value) {}", "text/tab-separated-values"),
    # query_content_type_ask: XML or JSON
    (None, "ASK {}", RESULTS_JSON),
    ("application/sparql-results+xml", "ASK {}", "application/sparql-results+xml"),
    # query_content_type_describe and _construct: RDF/XML, Turtle, N-Triples
    (None, f"DESCRIBE <{EX}d>", "text/turtle"),
    ("application/rdf+xml", f"DESCRIBE <{EX}d>", "application/rdf+xml"),
    ("application/n-triples", "CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples"),
    (None, "CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}", "text/turtle"),
])
def test_query_content_types(protocol, accept, query, media_type):
    r = _direct(protocol, query, accept=accept)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == media_type


@pytest.mark.parametrize("case, send, status", [
    ("bad_query_method", lambda u: requests.put(u, params={"query": "ASK {}"}), 405),
    ("bad_multiple_queries", lambda u: requests.get(u, params={"query": ["ASK {}", "SELECT * {}"]}), 400),
    ("bad_multiple_queries_post", lambda u: requests.post(u, data={"query": ["ASK {}", "SELECT * {}"]}), 400),
    ("bad_query_in_url_and_body", lambda u: _direct(u, "ASK {}", {"query": "ASK {}"}), 400),
    ("bad_query_wrong_media_type", lambda u: _direct(u, "ASK {}", ctype="text/plain"), 415),
    ("bad_query_missing_form_type", lambda u: _direct(u, "query=ASK%20%7B%7D", ctype=None), 415),
    ("bad_query_missing_direct_type", lambda u: _direct(u, "ASK {}", ctype=None), 415),
    ("bad_query_non_utf8", lambda u: _direct(u, "ASK {}", ctype="application/sparql-query; charset=UTF-16",
                                            encoding="utf-16"), 415),
    ("bad_query_syntax", lambda u: requests.get(u, params={"query": "ASK {"}), 400),
    ("bad_update_get", lambda u: requests.get(u, params={"update": "CLEAR ALL"}), 403),
    ("bad_multiple_updates", lambda u: requests.post(u, data={"update": ["CLEAR NAMED", "CLEAR DEFAULT"]}), 403),
    ("bad_update_wrong_media_type", lambda u: _direct(u, "CLEAR NAMED", ctype="text/plain"), 415),
    ("bad_update_missing_form_type", lambda u: _direct(u, "update=CLEAR%20NAMED", ctype=None), 415),
    ("bad_update_non_utf8", lambda u: _direct(u, "CLEAR NAMED", ctype="application/sparql-update; charset=UTF-16",
                                             encoding="utf-16"), 403),
    ("bad_update_syntax", lambda u: requests.post(u, data={"update": "CLEAR XYZ"}), 403),
    ("bad_update_dataset_conflict", lambda u: requests.post(u, data={
        "using-named-graph-uri": "http://example/people",
        "update": "WITH <http://example/addresses> DELETE { ?p <urn:n> 'Bill' } WHERE { ?p <urn:n> 'Bill' }"}), 403),
    # a read-only endpoint refuses the update cases however they come
    ("update_post_form", lambda u: requests.post(u, data={"update": "CLEAR ALL"}), 403),
    ("update_post_direct", lambda u: _direct(u, "CLEAR ALL", ctype="application/sparql-update"), 403),
    ("update_as_query", lambda u: requests.post(u, data={"query": "CLEAR ALL"}), 403),
])
def test_refused_requests(protocol, case, send, status):
    r = send(protocol)
    assert r.status_code == status, (case, r.status_code, r.text)
    assert _boolean(_direct(protocol, f"ASK {{ GRAPH <{EX}data1.rdf> {{ ?s ?p ?o }} }}")) is True  # nothing changed


def test_service_description(protocol):
    import rdflib

    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    r = requests.get(protocol)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    service = g.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert g.value(service, SD.endpoint) == rdflib.URIRef(protocol)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.resultFormat, rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in g
    assert (service, SD.feature, SD.BasicFederatedQuery) not in g
    dataset = g.value(service, SD.defaultDataset)
    names = {str(g.value(n, SD.name)) for n in g.objects(dataset, SD.namedGraph)}
    assert names == {f"{EX}data{i}.rdf" for i in range(4)}
    xml = requests.get(protocol, headers={"Accept": "application/rdf+xml"})
    assert xml.headers["Content-Type"].startswith("application/rdf+xml")
    assert len(rdflib.Graph().parse(data=xml.content, format="xml")) == len(g)
