"""The query workbench of `policykg serve` on the seeds build: names resolved and suggested by
the server, plain-words errors, CORS for one configured origin, and the page itself in a headless
Chromium, offline: highlighting, prefix completion, a named query with an alias for its law,
sorting, the chart, history, share links, clearing, and the language switch.

Screenshots go to $POLICYKG_SCREENSHOTS/query-*.png when that is set (docs/screenshots/ holds them)."""
from __future__ import annotations

import json
import time
import urllib.parse

import pytest
import requests

from policykg.graph.store import load_named_query
from test_browser_views import screenshot_path
from test_serve import serving

CONSTITUTION = "中华人民共和国宪法"
ACCEPT_JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def bench(seeds_build):
    with serving(seeds_build, workers=2, timeout=20, limit=5000) as (_app, base):
        yield base


def _bindings(r):
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def _regions_citing(base, law):
    return requests.post(base + "/sparql", data={"query": load_named_query("regions-citing"), "param.law": law},
                         headers=ACCEPT_JSON)


# --- the server's side ------------------------------------------------------------------------

def test_names_are_suggested_with_their_aliases(bench):
    found = requests.get(bench + "/names", params={"type": "law", "q": "宪"}).json()
    assert found[0] == {"value": CONSTITUTION, "label": CONSTITUTION, "match": "宪法",
                        "iri": "https://w3id.org/policykg/id/law/" + CONSTITUTION}
    # a name containing the text comes after names that start with it
    found = requests.get(bench + "/names", params={"type": "law", "q": "中华人民共和国"}).json()
    assert len(found) > 3 and all(f["label"].startswith("中华人民共和国") for f in found)
    regions = requests.get(bench + "/names", params={"type": "region", "q": "北碚"}).json()
    assert [r["label"] for r in regions] == ["北碚区"]
    assert requests.get(bench + "/names", params={"type": "report", "q": "x"}).status_code == 400


def test_a_parameter_takes_an_alias_as_the_cli_does(bench, seeds_build):
    from policykg.graph.store import open_store, run_query
    from policykg.resolve import resolve_all

    by_alias = _regions_citing(bench, "宪法")
    by_name = _regions_citing(bench, CONSTITUTION)
    assert _bindings(by_alias) == _bindings(by_name) != []
    bound = json.loads(urllib.parse.unquote(by_alias.headers["X-Policykg-Parameters"]))
    assert bound == {"law": CONSTITUTION}
    # the same rows as `policykg query -p law=宪法`
    store = open_store(seeds_build)
    cli = run_query(store, load_named_query("regions-citing"), resolve_all(store, {"law": "宪法"}))
    assert len(cli.rows) == len(_bindings(by_alias))
    unknown = _regions_citing(bench, "不存在的法")
    assert unknown.status_code == 400 and "no law named" in unknown.text


def test_a_missing_prefix_is_explained_in_plain_words(bench):
    query = "SELECT ?law WHERE { ?law a pk:Law ; skos:prefLabel ?l ; ex:x ?y }"
    both = requests.get(bench + "/sparql", params={"query": query})
    assert both.status_code == 400
    assert "前缀 pk: 未声明；请在查询开头加上 PREFIX pk: <https://w3id.org/policykg/ontology#>" in both.text
    assert "the prefix pk: is not declared; add PREFIX pk: <https://w3id.org/policykg/ontology#>" in both.text
    assert "the prefix skos: is not declared; add PREFIX skos: <http://www.w3.org/2004/02/skos/core#>" in both.text
    assert "the prefix ex: is not declared; declare it with PREFIX ex: <namespace IRI>" in both.text
    english = requests.get(bench + "/sparql", params={"query": query}, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "the prefix pk:" in english.text and "前缀" not in english.text
    other = requests.get(bench + "/sparql", params={"query": "SELECT ?x WHERE {"})
    assert other.status_code == 400 and "syntax error" in other.text and "prefix" not in other.text


def test_undeclared_prefixes_are_read_from_tokens():
    from policykg.serve.sparql_text import undeclared_prefixes

    assert undeclared_prefixes("PREFIX pk: <urn:pk#> SELECT * { ?s a pk:Law ; skos:x _:b ; <urn:a> 'ex:no' }") == ["skos"]
    assert undeclared_prefixes("PREFIX : <urn:x#> SELECT * { ?s :p ?o } # dc:title") == []
    assert undeclared_prefixes("SELECT * { ?s rdfs:label ?o ; rdfs:comment ?c ; owl:x ?y }") == ["rdfs", "owl"]


def test_cors_answers_one_configured_origin_exactly(seeds_build):
    from policykg.serve.guard import parse_origin

    assert parse_origin("HTTPS://Example.org:443") == "https://example.org"
    assert parse_origin("http://localhost:5173") == "http://localhost:5173"
    for bad in ("https://example.org/", "example.org", "https://example.org/app", "ftp://example.org"):
        with pytest.raises(ValueError):
            parse_origin(bad)
    form = {"query": "ASK {}"}
    with serving(seeds_build, workers=1, short_workers=0, cors_origins=("https://Example.org",)) as (_, base):
        ok = requests.post(base + "/sparql", data=form, headers={"Origin": "https://example.org"})
        assert ok.status_code == 200 and ok.headers["Access-Control-Allow-Origin"] == "https://example.org"
        assert "X-Policykg-Parameters" in ok.headers["Access-Control-Expose-Headers"]
        pre = requests.options(base + "/sparql", headers={"Origin": "https://example.org",
                                                          "Access-Control-Request-Method": "POST"})
        assert pre.status_code == 204 and pre.headers["Access-Control-Allow-Origin"] == "https://example.org"
        for other in ("https://example.org.evil.test", "http://example.org", "https://sub.example.org"):
            r = requests.post(base + "/sparql", data=form, headers={"Origin": other})
            assert r.status_code == 403 and "Access-Control-Allow-Origin" not in r.headers, other
    with serving(seeds_build, workers=1, short_workers=0) as (_, base):  # default: no origin
        r = requests.get(base + "/sparql", params=form, headers={"Origin": "https://example.org"})
        assert "Access-Control-Allow-Origin" not in r.headers


def test_the_serve_command_refuses_a_url_for_an_origin(seeds_build):
    from click.testing import CliRunner

    from policykg.cli import cli

    result = CliRunner().invoke(cli, ["serve", str(seeds_build), "--port", "0", "--cors-origin", "https://example.org/"])
    assert result.exit_code != 0 and "is not an origin" in result.output


def test_the_vendored_editor_is_served_with_its_licences(bench):
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSE", "THIRD-PARTY-LICENSES.txt"):
        r = requests.get(bench + "/static/vendor/yasgui/" + name)
        assert r.status_code == 200 and r.content, name
    assert "MIT" in requests.get(bench + "/static/vendor/yasgui/LICENSE").text
    for bad in ("vendor/yasgui/../../app.py", "vendor/.x/y.js", "vendor/yasgui", "a/b.js"):
        assert requests.get(bench + "/static/" + bad).status_code == 404, bad


# --- the page in a browser ------------------------------------------------------------------

def _wait(page, expression, timeout=15.0):
    """Poll ``expression`` (page.evaluate: the page's CSP refuses wait_for_function's eval)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.05)


def _open(page, url):
    requests_made = []
    page.on("request", lambda r: requests_made.append(r.url))
    page.goto(url)
    _wait(page, "window.pkq && window.pkq.ready === true")
    return requests_made


def _run(page):
    page.click("#run")
    _wait(page, "!document.querySelector('#status').classList.contains('running') && "
                "document.querySelector('#status').textContent !== ''")


def _column(page, name):
    """The texts of one column of the results table, top to bottom, as shown."""
    return page.evaluate("""name => {
        var ths = Array.from(document.querySelectorAll('.yasr thead th'));
        var i = ths.findIndex(function (th) { return th.textContent.trim() === name; });
        return Array.from(document.querySelectorAll('.yasr tbody tr')).map(function (tr) {
            return tr.children[i].textContent.trim(); }); }""", name)


def _sort_by(page, name, direction):
    """Click a column's header and wait until the table says it is sorted by it.

    The table redraws after the click returns (DataTables runs the sort in a timeout)."""
    page.click(f".yasr thead th:has-text('{name}')")
    _wait(page, "Array.from(document.querySelectorAll('.yasr thead th.dt-ordering-%s'))"
                ".some(function (th) { return th.textContent.trim() === '%s'; })" % (direction, name))


def test_the_editor_highlights_and_completes_prefixes(bench, page, tmp_path):
    made = _open(page, bench + "/")
    assert page.locator(".CodeMirror .cm-keyword", has_text="SELECT").count() >= 1
    assert page.locator(".CodeMirror .cm-string-2").count() >= 1  # prefixed names pk:Law, skos:prefLabel
    page.evaluate("pkq.yasqe.setValue('')")
    page.click(".CodeMirror-code")
    page.keyboard.type("PREFIX sk")
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.locator(".CodeMirror-hints li").all_inner_texts()
    assert "skos: <http://www.w3.org/2004/02/skos/core#>" in hints
    page.screenshot(path=str(screenshot_path(tmp_path, "query-completion")))
    page.keyboard.press("Enter")
    assert page.evaluate("pkq.yasqe.getValue()").startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>")
    # a prefix the query uses but does not declare is added from the server's table as one types
    page.keyboard.press("Enter")
    page.keyboard.type("SELECT * WHERE { ?s a pk:")
    _wait(page, "pkq.yasqe.getValue().indexOf('PREFIX pk: <https://w3id.org/policykg/ontology#>') >= 0")
    # Ctrl+Enter in the editor runs the query here
    page.evaluate("pkq.yasqe.setValue(pkq.data.defaultQuery)")
    page.click(".CodeMirror-code")
    page.keyboard.press("Control+Enter")
    _wait(page, "document.querySelectorAll('.yasr tbody tr').length > 0")
    # nothing was asked of any host but this server (no prefix.cc, no LOV, no CDN)
    assert made and all(u.startswith(bench) for u in made), [u for u in made if not u.startswith(bench)]
    assert page.errors == []


def test_a_named_query_takes_an_alias_and_sorts_and_charts(bench, page, tmp_path):
    _open(page, bench + "/")
    page.click("button.named[data-name='regions-citing']")
    page.locator("#param-law").press_sequentially("宪")
    # the answer for 宪 (the field asked for every name on focus, before the key)
    _wait(page, "document.querySelectorAll('#param-law-names li[role=option]').length === 1")
    option = page.locator("#param-law-names li[role=option]").first
    assert option.inner_text().startswith(CONSTITUTION) and "宪法" in option.inner_text()
    page.fill("#param-law", "宪法")  # typed as a person would, not picked
    _run(page)
    expected = _bindings(_regions_citing(bench, CONSTITUTION))
    assert page.locator(".yasr tbody tr").count() == len(expected) > 0
    assert f"law = {CONSTITUTION}" in page.inner_text("#status")
    assert sorted(_column(page, "regionLabel")) == sorted(b["regionLabel"]["value"] for b in expected)
    page.screenshot(path=str(screenshot_path(tmp_path, "query-parameter")))

    # a column header sorts, numbers as numbers (as text, 11 < 2089245.42 < 757)
    page.click("button.named[data-name='enforcement-figures']")
    _run(page)
    page.select_option(".yasr .tableSizer", "-1")  # every row on one page
    _sort_by(page, "value", "asc")
    values = [float(x) for x in _column(page, "value")]
    assert values == sorted(values) and values[0] < values[-1]
    _sort_by(page, "value", "desc")
    assert [float(x) for x in _column(page, "value")] == sorted(values, reverse=True)
    _sort_by(page, "regionLabel", "asc")
    labels = _column(page, "regionLabel")
    assert labels == sorted(labels) and len(set(labels)) > 1
    page.screenshot(path=str(screenshot_path(tmp_path, "query-table")))

    # the chart: reports summed per region, the largest first
    rows = _bindings(requests.post(bench + "/sparql", data={"query": load_named_query("laws-by-region")},
                                   headers=ACCEPT_JSON))
    sums: dict[str, int] = {}
    for b in rows:
        sums[b["regionLabel"]["value"]] = sums.get(b["regionLabel"]["value"], 0) + int(b["reports"]["value"])
    page.click("button.named[data-name='laws-by-region']")
    _run(page)
    page.click(".yasr .select_chart")
    page.wait_for_selector("svg.pk-chart g.bar")
    bars = page.evaluate("""Array.from(document.querySelectorAll('svg.pk-chart g.bar')).map(function (g) {
        var t = g.querySelectorAll('text'); return [t[0].querySelector('title').textContent, Number(t[1].textContent)]; })""")
    assert [tuple(b) for b in bars] == sorted(sums.items(), key=lambda kv: -kv[1])
    page.screenshot(path=str(screenshot_path(tmp_path, "query-chart")))
    assert page.errors == []


def test_history_share_links_and_clearing(bench, page, tmp_path):
    _open(page, bench + "/")
    page.evaluate("localStorage.removeItem('policykg-query-history')")
    page.reload()
    _wait(page, "window.pkq && window.pkq.ready === true")
    assert page.locator("#history li").count() == 0 and page.is_visible("#no-history")
    page.click("button.named[data-name='laws-by-role']")
    _run(page)
    assert page.locator(".yasr tbody tr").count() > 0
    entry = page.locator("#history li").first
    assert "laws-by-role" in entry.inner_text()
    # another query: the old results go at once
    page.click("button.named[data-name='local-laws']")
    assert page.locator(".yasr tbody tr").count() == 0 and page.locator(".yasr table").count() == 0
    assert "行" not in page.inner_text("#status")
    # the history puts the query back (not run: no stale result either)
    page.locator("#history li button").first.click()
    assert page.evaluate("pkq.yasqe.getValue()") == load_named_query("laws-by-role")
    assert page.locator(".yasr tbody tr").count() == 0
    # it survives a reload (localStorage)
    page.reload()
    _wait(page, "window.pkq && window.pkq.ready === true")
    assert "laws-by-role" in page.locator("#history li").first.inner_text()

    # a share link of a named query with its parameter opens and runs it
    page.click("button.named[data-name='regions-citing']")
    page.fill("#param-law", "宪法")
    page.press("#param-law", "Escape")  # close the name suggestions
    assert page.is_hidden("#param-law-names")
    page.click("#share")
    shared = page.url
    assert "name=regions-citing" in shared and "param.law=" in shared
    page.goto(bench + "/")
    _wait(page, "window.pkq && window.pkq.ready === true")
    page.goto(shared)
    _wait(page, "window.pkq && window.pkq.ready === true && document.querySelectorAll('.yasr tbody tr').length > 0")
    assert page.input_value("#param-law") == "宪法" and CONSTITUTION in page.inner_text("#status")
    # and one of a query written by hand
    text = "PREFIX pk: <https://w3id.org/policykg/ontology#>\nSELECT (COUNT(*) AS ?n) WHERE { ?r a pk:Report }"
    page.goto(bench + "/?" + urllib.parse.urlencode({"query": text}))
    _wait(page, "window.pkq && window.pkq.ready === true && document.querySelectorAll('.yasr tbody tr').length > 0")
    assert page.evaluate("pkq.yasqe.getValue()") == text
    assert _column(page, "n") == ["5"]
    assert page.errors == []


def test_errors_are_shown_in_plain_words(bench, page):
    _open(page, bench + "/")
    page.evaluate("pkq.yasqe.setValue('SELECT ?law WHERE { ?law a pk:Law }')")
    _run(page)
    assert page.is_visible("#status.error")
    assert "前缀 pk: 未声明；请在查询开头加上 PREFIX pk: <https://w3id.org/policykg/ontology#>" in page.inner_text("#status")
    page.click("[data-lang-switch]")
    _run(page)
    assert "the prefix pk: is not declared" in page.inner_text("#status")
    page.click("[data-lang-switch]")  # back to Chinese for the other tests
    assert all("400" in e for e in page.errors)


def test_the_page_is_chinese_with_an_english_switch(bench, page, tmp_path):
    _open(page, bench + "/")
    assert page.evaluate("document.documentElement.lang") == "zh"
    assert page.inner_text("h1") == "查询知识图谱"
    page.click("button.named[data-name='laws-by-region']")
    _run(page)
    assert "行" in page.inner_text("#status")
    assert page.locator(".yasr .select_table", has_text="表格").count() == 1
    assert "共" in page.inner_text(".yasr .dt-info, .yasr .dataTables_info")
    page.screenshot(path=str(screenshot_path(tmp_path, "query-zh")))
    page.click("[data-lang-switch]")
    assert page.inner_text("h1") == "Query the graph"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "rows" in page.inner_text("#status")
    assert page.locator(".yasr .select_table", has_text="Table").count() == 1
    assert "of" in page.inner_text(".yasr .dt-info, .yasr .dataTables_info")
    assert page.inner_text("button.named[data-name='laws-by-region'] + span").startswith("The laws each region cites")
    page.screenshot(path=str(screenshot_path(tmp_path, "query-en")))
    page.reload()  # the choice is remembered
    _wait(page, "window.pkq && window.pkq.ready === true")
    assert page.inner_text("h1") == "Query the graph"
    page.click("[data-lang-switch]")
    assert page.inner_text("h1") == "查询知识图谱"
    # the entity pages too, with the ontology's labels for classes and properties
    page.goto(bench + "/entity?iri=" + urllib.parse.quote("https://w3id.org/policykg/id/law/" + CONSTITUTION, safe=""))
    assert "法律法规和规范性文件" in page.inner_text(".iri")
    page.click("[data-lang-switch]")
    assert "Law or normative document" in page.inner_text(".iri")
    assert page.inner_text("#relations-out th >> nth=0") == "property"
    page.click("[data-lang-switch]")
    assert page.errors == []
