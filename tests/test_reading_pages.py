"""Reading pages on the real seed reports: one per report, written by `policykg viz` from a build
folder and answered by `policykg serve` at /report/<id>; the text exactly as read, every mention
a <mark> with its label, nested where mentions overlap, linked to its entity; the views' evidence
and the entity pages link to the sentence.

The browser tests (Chromium, offline) also cover the views' picker, table, CSV and PNG downloads,
year slider, label size and the language switch. Screenshots go to $POLICYKG_SCREENSHOTS when set.
"""
from __future__ import annotations

import json
import os
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from page_helpers import EXTERNAL, page_data
from policykg.viz import reading as R
from policykg.viz import views as V

CRBFZ = "中华人民共和国传染病防治法"
LABELS = set(R.LABELS.values())


# --------------------------------------------------------------------------- a build folder

@pytest.fixture(scope="module")
def build(seed_records, seed_documents, tmp_path_factory) -> Path:
    """A build folder as `policykg build` writes it (texts/, extraction.jsonl, store/, graph.ttl),
    from the session's records, so that the reports are extracted only once."""
    from policykg.builder import write_graph_outputs, write_jsonl
    from policykg.graph.build import build_graph

    out = tmp_path_factory.mktemp("reading_build")
    (out / "texts").mkdir()
    records = []
    for document, record in zip(seed_documents.values(), seed_records):
        (out / "texts" / f"{record['id']}.txt").write_text(document.raw, encoding="utf-8", newline="")
        records.append(dict(record, text_file=f"texts/{record['id']}.txt"))
    write_jsonl(records, out / "extraction.jsonl")
    write_graph_outputs(build_graph(records), out, html=False)
    return out


@pytest.fixture(scope="module")
def records(build) -> list[dict]:
    return list(R.iter_records(build / "extraction.jsonl"))


@pytest.fixture(scope="module")
def site(build, tmp_path_factory):
    """`policykg viz BUILD -o SITE`: the views, their picker scripts and reports/<id>.html."""
    from click.testing import CliRunner

    from policykg.cli import cli as main

    out = tmp_path_factory.mktemp("reading_site") / "site"
    r = CliRunner().invoke(main, ["viz", str(build), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "wrote 5 reading pages" in r.output
    return out


class Marks(HTMLParser):
    """The marks of a reading page (label, id, own href, text, depth) and its text, checking that
    every element closes in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.marks: list[dict] = []
        self.text: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and a.get("id") == "report-text":
            self.in_body = True
            self.stack = []
            return
        if not self.in_body:
            return
        self.stack.append((tag, a))
        if tag == "mark":
            self.marks.append(dict(a, text="", depth=sum(1 for t, _ in self.stack if t == "mark"), links=[]))
            a["_mark"] = self.marks[-1]
        elif tag == "a":
            mark = next((x["_mark"] for t, x in reversed(self.stack) if t == "mark"), None)
            if mark is not None:
                mark["links"].append(a["href"])

    def handle_endtag(self, tag):
        if not self.in_body:
            return
        if not self.stack:
            self.in_body = False
            return
        open_tag, _ = self.stack.pop()
        assert open_tag == tag, (open_tag, tag)

    def handle_data(self, data):
        if self.in_body:
            self.text.append(data)
            for t, a in self.stack:
                if t == "mark":
                    a["_mark"]["text"] += data


def parse(html: str) -> Marks:
    p = Marks()
    p.feed(html)
    return p


# --------------------------------------------------------------------------- the pages

def test_every_report_has_a_page_with_its_text_and_every_mention_marked(site, build, records):
    pages = sorted((site / "reports").glob("*.html"))
    assert len(pages) == len(records) == 5
    index = (site / "index.html").read_text(encoding="utf-8")
    for record in records:
        path = site / "reports" / f"{record['id']}.html"
        html = path.read_text(encoding="utf-8")
        assert not EXTERNAL.search(html.replace('href="http', 'href="X'))  # only the source URL may be absolute
        assert f'href="reports/{record["id"]}.html"' in index
        text = R.read_text(build, record["text_file"])
        p = parse(html)
        assert "".join(p.text) == text  # the text as read, every character, nothing added
        mentions = [m for m in record["mentions"] if m["label"] in R.LABELS]
        ids = {m.get("id") for m in p.marks}
        for m in mentions:
            assert f"c{m['start']}" in ids or f"c{m['start']}-{m['end']}" in ids, m
        first = [m for m in p.marks if "data-cont" not in m]
        assert len(first) == len(mentions)  # one mark per mention (and its continuations)
        assert {m["data-label"] for m in p.marks} == {R.LABELS[m["label"]] for m in mentions}
        # each mark's text is what its mention's offsets select
        by_id = {m["id"]: m for m in p.marks if "id" in m}
        for m in mentions:
            mark = by_id.get(f"c{m['start']}-{m['end']}") or by_id[f"c{m['start']}"]
            assert text[m["start"]:m["end"]].startswith(mark["text"])  # the whole of it, unless split
        assert any(m["depth"] > 1 for m in p.marks)  # overlapping mentions nest (a region inside an agency)
    seen = {m["data-label"] for path in pages for m in parse(path.read_text(encoding="utf-8")).marks}
    assert seen == LABELS


def test_marks_link_to_the_view_that_picks_their_entity(site, build, seeds_nx):
    """Each mark's own text links to the view page picking its entity (law.html#IRI ...), a file
    that exists and knows that entity; citations carry their role."""
    picker = {name: {it[4] for it in page_data((site / f"{name}.html").read_text(encoding="utf-8"))["picker"]["items"]}
              for name in V.PICKERS}
    overview = {n["iri"] for n in page_data((site / "overview.html").read_text(encoding="utf-8"))["nodes"] if "iri" in n}
    checked = set()
    for path in sorted((site / "reports").glob("*.html")):
        for m in parse(path.read_text(encoding="utf-8")).marks:
            for href in set(m["links"]):
                page, _, iri = href.partition("#")
                assert page.startswith("../") and (path.parent / page).is_file(), href
                view = Path(page).stem
                assert unquote(iri) in (picker[view] if view in picker else overview), href
                checked.add(m["data-label"])
            if m["data-label"] == "law":
                assert m.get("data-role"), m
    assert checked == LABELS


def test_views_evidence_links_to_the_sentence_in_its_reading_page(site):
    data = page_data((site / "law.html").read_text(encoding="utf-8"))
    evidence = [ev for e in data["edges"] for ev in e.get("ev", [])]
    assert evidence and all("d" in ev for ev in evidence)
    for ev in evidence:
        html = (site / "reports" / f"{ev['d']}.html").read_text(encoding="utf-8")
        assert f'id="c{ev["s"]}"' in html
    # the scripts the picker loads carry the links too
    law = next(it for it in data["picker"]["items"] if it[1] == CRBFZ)
    script = (site / "law" / f"{law[0]}.js").read_text(encoding="utf-8")
    picked = json.loads(script.removeprefix("window.policykg.load(").rstrip().removesuffix(");"))
    assert any(ev.get("d") for e in picked["edges"] for ev in e.get("ev", []))


def test_overlapping_mentions_nest_or_split_and_text_is_escaped():
    """A mention crossing another's end is split at that end; a document's markup stays text."""
    text = "依据《<b>中华人民共和国传染病防治法</b>》&北碚区卫生健康委"
    law_start = text.index("《")
    mentions = [
        {"label": "LAW", "start": law_start, "end": text.index("》") + 1, "canonical": CRBFZ, "role": "执法依据"},
        {"label": "REGION", "start": text.index("北碚区"), "end": text.index("北碚区") + 3, "code": "500109"},
        {"label": "AGENCY", "start": text.index("北碚区"), "end": len(text), "canonical": "重庆市北碚区卫生健康委员会"},
        # crosses the law's end: split into a piece inside the law and one after it
        {"label": "PROGRAM", "start": text.index("防治法"), "end": text.index("&") + 1, "canonical": "X"},
    ]
    html = str(R.render_marks(text, mentions, R.serve_linker))
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html
    p = parse(f'<div id="report-text">{html}</div>')
    assert "".join(p.text) == text
    program = [m for m in p.marks if m["data-label"] == "program"]
    assert len(program) == 2 and "data-cont" in program[1] and "data-cont" not in program[0]
    assert program[0]["depth"] == 2 and program[1]["depth"] == 1
    assert program[0]["text"] + program[1]["text"] == text[mentions[3]["start"]:mentions[3]["end"]]
    region = next(m for m in p.marks if m["data-label"] == "region")
    assert region["depth"] == 2 and region["id"] == f"c{mentions[1]['start']}-{mentions[1]['end']}"
    assert next(m for m in p.marks if m["data-label"] == "agency")["id"] == f"c{mentions[1]['start']}"
    assert region["links"] == ["/entity?iri=" + quote("https://w3id.org/policykg/id/region/500109", safe="")]


# --------------------------------------------------------------------------- policykg serve

@pytest.fixture(scope="module")
def served(build):
    from test_serve import serving

    with serving(build, workers=1) as (_app, base):
        yield base


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def test_serve_answers_report_pages_linked_to_entity_pages(served, records, build):
    record = max(records, key=lambda r: len(r["mentions"]))
    status, html = get(f"{served}/report/{record['id']}")
    assert status == 200
    p = parse(html)
    assert "".join(p.text) == R.read_text(build, record["text_file"])
    assert {m["data-label"] for m in p.marks} == {R.LABELS[m["label"]] for m in record["mentions"]}
    # one link of each label leads to an entity page that exists
    for label in sorted({m["data-label"] for m in p.marks}):
        href = next(h for m in p.marks if m["data-label"] == label for h in m["links"])
        assert href.startswith("/entity?iri=")
        assert get(served + href)[0] == 200, href
    # the page links to its report's entity page, which links back to the page
    import re

    entity = re.search(r'<a href="([^"]+)" id="report-node">', html).group(1).replace("&amp;", "&")
    status, entity_html = get(served + entity)
    assert status == 200 and f'id="reading-link" href="/report/{record["id"]}"' in entity_html
    assert get(f"{served}/report/0000000000000000")[0] == 404
    assert get(f"{served}/report/..%2Fgraph")[0] == 404


def test_entity_page_evidence_links_to_the_sentence(served):
    law = "https://w3id.org/policykg/id/law/" + CRBFZ
    status, html = get(f"{served}/entity?iri={quote(law, safe='')}")
    assert status == 200
    links = [h for h in _hrefs(html) if h.startswith("/report/")]
    assert links
    for href in links[:5]:
        page, _, anchor = href.partition("#")
        status, report = get(served + page)
        assert status == 200 and f'id="{anchor}"' in report
        mark = next(m for m in parse(report).marks if m.get("id") == anchor)
        assert mark["data-label"] == "law"


def test_query_results_link_to_the_sentence(served):
    """A citation's IRI in a query result leads (/sentence) to its mark in the reading page."""
    rows = json.loads(get(f"{served}/sparql?" + urllib.parse.urlencode({"query": (
        "PREFIX pk: <https://w3id.org/policykg/ontology#> SELECT ?c ?s WHERE { ?r pk:hasCitation ?c . "
        "?c pk:startOffset ?s } ORDER BY ?c LIMIT 3")}))[1])["results"]["bindings"]
    assert rows
    for row in rows:
        req = urllib.request.Request(f"{served}/sentence?iri={quote(row['c']['value'], safe='')}")
        opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                                  {"redirect_request": lambda *a, **k: None}))
        try:
            opener.open(req, timeout=30)
            raise AssertionError("no redirect")
        except urllib.error.HTTPError as e:
            assert e.code == 303
            page, _, anchor = e.headers["Location"].partition("#")
        assert anchor == f"c{row['s']['value']}"
        status, report = get(served + page)
        assert status == 200 and f'id="{anchor}"' in report
    assert get(f"{served}/sentence?iri=" + quote("https://w3id.org/policykg/id/nothing", safe=""))[0] == 404


def _hrefs(html: str) -> list[str]:
    import re

    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


# --------------------------------------------------------------------------- in Chromium

def _shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ["POLICYKG_SCREENSHOTS"]) if os.environ.get("POLICYKG_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def test_reading_page_in_chromium_marks_links_and_language(page, site, records, tmp_path):
    record = next(r for r in records if {m["label"] for m in r["mentions"]} >= set(R.LABELS))
    page.goto((site / "reports" / f"{record['id']}.html").as_uri())
    for label in LABELS:
        assert page.locator(f'#report-text mark[data-label="{label}"]').count() > 0, label
    assert page.inner_text("dl#report-meta dt >> nth=0") == "报告机关"
    page.click("[data-lang-switch]")
    assert page.inner_text("dl#report-meta dt >> nth=0") == "Agency"
    # a law's link opens the law view on that law
    law = next(m for m in record["mentions"] if m["label"] == "LAW" and m["canonical"] != "中华人民共和国宪法")
    mark = page.locator(f'mark[data-label="law"]#c{law["start"]} > a').first
    mark.click()
    page.wait_for_function("t => document.getElementById('page-title').textContent.indexOf(t) === 0",
                           arg=law["canonical"], timeout=30000)
    page.wait_for_function("window.policykg.ready === true", timeout=30000)
    assert page.errors == []


def test_law_view_picker_table_csv_png_slider_and_language(page, site, tmp_path):
    page.goto((site / "law.html").as_uri())
    page.wait_for_function("window.policykg && window.policykg.ready === true", timeout=30000)
    first = page.evaluate("window.policykg.data.nodes.filter(function (n) { return n.focus; })[0].full || "
                          "window.policykg.data.nodes.filter(function (n) { return n.focus; })[0].label")
    rows_before = page.locator("#drawn tbody tr").count()
    assert rows_before == page.evaluate("window.policykg.data.nodes.length")
    # labels readable at the zoom that fits the drawing
    assert page.evaluate("window.policykg.labelPx") >= 12
    # the Chinese interface: the table's headings, then English on the switch
    assert page.inner_text("#drawn thead th >> nth=1") == "名称"
    assert page.inner_text('fieldset[data-facet="type"] legend span >> nth=0') == "类型"

    # pick another law by its alias: the graph and the table change
    page.fill("#picker", "传染病防治法")
    page.press("#picker", "Enter")
    page.wait_for_function("t => window.policykg.ready === true && "
                           "document.getElementById('page-title').textContent.indexOf(t) === 0", arg=CRBFZ, timeout=30000)
    assert first != CRBFZ
    names = page.locator("#drawn tbody tr td:nth-child(2)").all_inner_texts()
    assert CRBFZ in names and first not in names
    assert len(names) == page.evaluate("window.policykg.data.nodes.length")
    assert page.evaluate("window.policykg.labelPx") >= 12
    assert page.locator('input.filter[data-facet="type"]').count() >= 3  # filters rebuilt for the picked law

    # the CSV download is the table
    with page.expect_download() as d:
        page.click("#download-csv")
    csv = Path(d.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert csv[0] == "类型,名称,年份,效力层级,引用方式,引用数,连接数"
    assert len(csv) == 1 + len(names) and any(CRBFZ in line for line in csv)
    assert d.value.suggested_filename.endswith(".csv")
    with page.expect_download() as d:
        page.click("#download-png")
    png = Path(d.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000

    # year by year: one year shows only what belongs to it
    years = page.evaluate("window.policykg.data.facets.year.map(function (y) { return y.value; })")
    if len(years) > 1:
        assert page.is_visible("#year-slider")
        total = page.evaluate("window.policykg.data.nodes.length")
        shown = page.evaluate(f"window.policykg.showYear({years[0]}).nodes")
        assert shown < total and page.locator("#drawn tbody tr").count() == shown
        page.click("#year-all")
        assert page.evaluate("window.policykg.visible.nodes") == total

    page.click("#panel-close")  # the picture shows the graph and the table, not the reports' sentences
    _shot(page, tmp_path, "law-picker")
    page.click("[data-lang-switch]")
    assert page.inner_text("#drawn thead th >> nth=1") == "Name"
    assert page.inner_text('fieldset[data-facet="type"] legend span >> nth=0') == "Type"
    assert page.inner_text("#page-title").startswith(f"{CRBFZ} — law focus")
    assert page.errors == []


def test_region_view_hash_picks_the_region(page, site, seeds_nx):
    region = V.find_node(seeds_nx, "北碚区", ("Region",))
    page.goto((site / "region.html").as_uri() + "#" + quote(region, safe=""))
    page.wait_for_function("iri => window.policykg && window.policykg.ready === true && "
                           "window.policykg.data.nodes.some(function (n) { return n.focus && n.iri === iri; })",
                           arg=region, timeout=30000)
    assert "北碚区" in page.inner_text("#page-title")
    assert page.errors == []


def test_reading_page_of_a_sample_report_in_chromium(page, nlp, examples_dir, tmp_path):
    """A reading page of the bundled (synthetic) sample, the one in docs/screenshots/reading.png:
    the seeds' text stays in ../shared."""
    from policykg.builder import write_graph_outputs, write_jsonl
    from policykg.extract.ingest import read_document
    from policykg.extract.pipeline import doc_to_record, run
    from policykg.graph.build import build_graph
    from policykg.graph.store import open_store

    build = tmp_path / "sample"
    (build / "texts").mkdir(parents=True)
    records = []
    for path in sorted(examples_dir.glob("*.txt")):
        document = read_document(path)
        record = doc_to_record(run(nlp, document))
        (build / "texts" / f"{record['id']}.txt").write_text(document.raw, encoding="utf-8", newline="")
        records.append(dict(record, text_file=f"texts/{record['id']}.txt"))
    write_jsonl(records, build / "extraction.jsonl")
    write_graph_outputs(build_graph(records), build, html=False)
    pages = R.write_reading_pages(build, tmp_path / "site" / "reports", R.report_infos(open_store(build)))
    assert len(pages) == len(records)
    record = max(records, key=lambda r: len({m["label"] for m in r["mentions"]}))
    page.goto((tmp_path / "site" / "reports" / f"{record['id']}.html").as_uri())
    for label in {R.LABELS[m["label"]] for m in record["mentions"]}:
        assert page.locator(f'#report-text mark[data-label="{label}"]').count() > 0, label
    _shot(page, tmp_path, "reading")
    assert page.errors == []


def test_worker_processes_write_the_same_site(build, tmp_path):
    """The reading pages and the pickers' scripts written by two forked processes (each its shard)
    are the files one process writes, byte for byte, and none is missing."""
    from policykg.graph.project import to_networkx
    from policykg.graph.store import open_store
    from policykg.viz import views as V

    G = to_networkx(open_store(build))
    sites = {}
    for workers in (1, 2):
        out = tmp_path / f"site{workers}"
        V.write_views(G, out, build_dir=build, diffusion=False, workers=workers)
        sites[workers] = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    one, two = sites[1], sites[2]
    assert len([p for p in one if p.parts[0] == "reports"]) == len(R.report_infos(open_store(build)))
    assert any(p.parts[0] == "agency" for p in one)
    assert one.keys() == two.keys() and all(one[p] == two[p] for p in one)


def _site(out: Path) -> dict:
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_the_reading_pages_are_written_while_the_graph_is_projected(build, tmp_path):
    """Given the projection to make, write_views starts the reading pages first: they are on disk
    before the projection returns, and the site is the one written from the graph itself (the
    views, made and written by the workers too, included)."""
    from policykg.graph.project import to_networkx
    from policykg.graph.store import open_store

    n_reports = len(R.report_infos(open_store(build)))
    seen = []

    def project():
        deadline = time.monotonic() + 120
        while len(seen_now := list((tmp_path / "early" / "reports").glob("*.html"))) < n_reports:
            assert time.monotonic() < deadline, "the reading pages were not written while projecting"
            time.sleep(0.05)
        seen.append(len(seen_now))
        return to_networkx(open_store(build))

    written = V.write_views(project, tmp_path / "early", build_dir=build, workers=2)
    assert seen == [n_reports]
    assert [v.name for v, _ in written] == list(V.VIEWS)
    V.write_views(to_networkx(open_store(build)), tmp_path / "given", build_dir=build, workers=2)
    early, given = _site(tmp_path / "early"), _site(tmp_path / "given")
    assert early.keys() == given.keys() and all(early[p] == given[p] for p in early)


def test_a_failed_projection_stops_the_reading_pages(build, tmp_path):
    """An error while projecting reaches the caller at once; the workers writing the reading
    pages are stopped, not waited for."""
    def project():
        raise RuntimeError("no store")

    with pytest.raises(RuntimeError, match="no store"):
        V.write_views(project, tmp_path / "site", build_dir=build, workers=2)
    assert not (tmp_path / "site" / "index.html").exists()


def test_with_a_name_to_resolve_nothing_is_written_before_it_is(build, tmp_path):
    """A name is resolved in the graph: given the projection to make and a name that matches
    nothing, no reading page is started, and nothing is written."""
    from policykg.graph.project import to_networkx
    from policykg.graph.store import open_store

    with pytest.raises(V.ViewError):
        V.write_views(lambda: to_networkx(open_store(build)), tmp_path / "site", region="没有这个地区",
                      build_dir=build, workers=2)
    assert not (tmp_path / "site").exists()
