"""The policykg web service (WSGI, werkzeug): the SPARQL 1.1 Protocol at /sparql, a query
workbench for people at / (YASQE editor, YASR results, parameter forms fed by /names), a page per
entity at /entity, and the HTML graph at /graph. Pages are in Chinese, with an English switch.

Everything the pages need is served from this package: no CDN, works offline."""
from __future__ import annotations

import json
import mimetypes
from importlib import resources
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from policykg.graph.store import bind_parameters, list_named_queries, load_named_query, query_parameters
from policykg.graph.vocab import PREFIXES, short_iri, sparql_prefixes
from policykg.viz.i18n import SWITCH_JS, ontology_labels, switch_button, t, text

from . import texts
from .description import describe, serialize_description
from .executor import MB, QueryError, QueryExecutor
from .guard import CSP, Guard, csp_allowing_inline_scripts
from .names import KINDS, NameIndex
from .results import FORMAT_ALIASES, GRAPH_FORMATS, SOLUTION_FORMATS
from .sparql_text import undeclared_prefixes

JSON_TYPE = "application/sparql-results+json"
TEXT_TYPES = ("text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples")
QUERY_TYPES = ("application/x-www-form-urlencoded", "application/sparql-query")
_BAD_IRI_CHARS = frozenset('<>"{}|\\^` \n\t\r')
_PREFIXES = sparql_prefixes("pk", "prov", "skos", "rdfs", "dcterms")  # of the entity page's queries
DEFAULT_QUERY = "SELECT ?law ?label WHERE { ?law a pk:Law ; skos:prefLabel ?label } ORDER BY ?label LIMIT 50"
# the workbench: YASQE/YASR set element styles and DataTables writes style attributes, so its page
# allows inline styles (never inline scripts)
WORKBENCH_CSP = CSP + "; style-src 'self' 'unsafe-inline'"


def _content_type(mime: str) -> str:
    return f"{mime}; charset=utf-8" if mime in TEXT_TYPES or mime.endswith(("+json", "+xml", "/json")) else mime


def negotiate(request: Request) -> tuple[str, str]:
    """The media types for solutions and for graphs, from ?format= or else the Accept header."""
    fmt = request.values.get("format") or request.values.get("output")
    if fmt:
        mime = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if mime in SOLUTION_FORMATS:
            return mime, "text/turtle"
        if mime in GRAPH_FORMATS:
            return JSON_TYPE, mime
        raise QueryError(406, f"unknown format {fmt!r}; use one of: " + ", ".join(sorted(
            {s for s, _ in SOLUTION_FORMATS.values()} | {s for s, _ in GRAPH_FORMATS.values()})))
    accept = request.accept_mimetypes
    solutions = accept.best_match(list(SOLUTION_FORMATS) + ["application/json"], default=JSON_TYPE)
    graph = accept.best_match(list(GRAPH_FORMATS), default="text/turtle")
    return (JSON_TYPE if solutions == "application/json" else solutions), graph


def _error(status: int, message: str, retry_after: int | None = None) -> Response:
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8", headers=headers)


def _term_name(iri: str):
    """An ontology class or property by its zh label (en on the switch), its short IRI on hover
    (what a query writes); any other IRI shortened."""
    if iri.startswith(PREFIXES["pk"]):
        labels = ontology_labels().get(iri[len(PREFIXES["pk"]):])
        if labels:
            return Markup('<span class="term" title="{}">{}</span>').format(short_iri(iri), text(*labels))
    return short_iri(iri)


def _graph_iris(request: Request, name: str) -> list[str] | None:
    """The IRIs of a protocol dataset parameter (default-graph-uri, named-graph-uri), or None."""
    values = request.values.getlist(name)
    for iri in values:
        if not iri or ":" not in iri or _BAD_IRI_CHARS & set(iri):
            raise QueryError(400, f"{name} takes an absolute IRI, not {iri!r}")
    return values or None


def _iri_arg(request: Request) -> str:
    """The ``?iri=`` of a request, or "" when it is missing or could break out of ``<…>`` in a query."""
    iri = request.args.get("iri", "")
    return "" if any(c in iri for c in '<>"{}|\\^` \n') else iri


class App:
    def __init__(self, executor: QueryExecutor, graph_page: Callable[[], Path | None] | None = None,
                 title: str = "policykg", guard: Guard | None = None, max_request_bytes: int = 1 * MB,
                 names: NameIndex | None = None, build_dir: Path | None = None):
        self.executor = executor
        self.names = names  # without it, parameter values are bound as given
        # a build folder (extraction.jsonl, texts/) gives every report a reading page
        self.build_dir = Path(build_dir) if build_dir else None
        self._records = None
        self.graph_page = graph_page or (lambda: None)
        self.title = title
        self.guard = guard or Guard()
        self.max_request_bytes = max_request_bytes
        self.env = Environment(loader=PackageLoader("policykg.serve", "templates"),
                               autoescape=select_autoescape(default=True, default_for_string=True))
        self.env.filters["entity_url"] = lambda iri: "/entity?iri=" + quote(iri, safe="")
        self.env.filters["term_name"] = _term_name
        self.env.globals.update(t=lambda key: t(texts.PAGE, key), switch_button=switch_button)
        self.url_map = Map([
            Rule("/", endpoint="index"),
            Rule("/sparql", endpoint="sparql"),
            Rule("/queries", endpoint="queries"),
            Rule("/names", endpoint="names"),
            Rule("/lang.js", endpoint="lang_js"),
            Rule("/entity", endpoint="entity"),
            Rule("/graph", endpoint="graph"),
            Rule("/report/<report_id>", endpoint="report"),
            Rule("/sentence", endpoint="sentence"),
            Rule("/static/<path:name>", endpoint="static"),
            Rule("/favicon.ico", endpoint="favicon"),
        ])

    # --- WSGI ---------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        request.max_content_length = self.max_request_bytes
        request.max_form_memory_size = self.max_request_bytes
        response = self.guard.refusal(request) or self.guard.preflight(request) or self._dispatch(request)
        return self.guard.decorate(request, response)(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
            return getattr(self, "on_" + endpoint)(request, **args)
        except QueryError as e:
            return _error(e.status, e.message, e.retry_after)
        except RequestEntityTooLarge:
            return _error(413, f"request larger than the limit of {self.max_request_bytes:,} bytes")
        except HTTPException as e:
            return e.get_response(request.environ)

    # --- the SPARQL 1.1 Protocol ----------------------------------------------------------
    def on_sparql(self, request: Request) -> Response:
        if request.method not in ("GET", "POST", "HEAD"):
            raise MethodNotAllowed(["GET", "POST"])
        ctype = request.mimetype
        if ctype == "application/sparql-update" or "update" in request.values:
            raise QueryError(403, "this endpoint is read-only: SPARQL Update is refused")
        if request.method == "POST" and ctype not in QUERY_TYPES:
            raise QueryError(415, "POST a query as application/x-www-form-urlencoded (query=…) "
                                  "or as an application/sparql-query body")
        if request.content_length and request.content_length > self.max_request_bytes:
            raise RequestEntityTooLarge()
        queries = request.values.getlist("query")
        if request.method == "POST" and ctype == "application/sparql-query":
            if (request.mimetype_params.get("charset") or "utf-8").lower() not in ("utf-8", "utf8"):
                raise QueryError(415, "a query body must be UTF-8 (charset=utf-8)")
            if queries:
                raise QueryError(400, "give the query once: as the body or as the query parameter, not both")
            queries = [request.get_data(as_text=True)]
        if len(queries) > 1:
            raise QueryError(400, f"{len(queries)} query parameters in one request; give exactly one")
        text = queries[0] if queries else ""
        if len(text.encode("utf-8")) > self.max_request_bytes:
            raise RequestEntityTooLarge()
        if not text.strip():
            if request.method in ("GET", "HEAD") and not request.args:
                return self._service_description(request)
            return _error(400, "no query: send ?query=… (GET), a form field query=… or an "
                               "application/sparql-query body (POST)")
        # policykg extension: param.NAME=VALUE binds a named query's declared parameter
        params = {k[6:]: v for k, v in request.values.items() if k.startswith("param.")}
        if params or query_parameters(text):
            try:
                # a person's name for a law, region, agency or program → its canonical name
                params = self.names.resolve(params) if self.names and params else params
                text = bind_parameters(text, params)
            except ValueError as e:  # ParameterError included
                raise QueryError(400, str(e))
        solution_type, graph_type = negotiate(request)
        try:
            answer = self.executor.run(text, solution_type, graph_type,
                                       default_graphs=_graph_iris(request, "default-graph-uri"),
                                       named_graphs=_graph_iris(request, "named-graph-uri"), base_iri=request.base_url)
        except QueryError as e:
            missing = undeclared_prefixes(text) if e.status == 400 and e.message.startswith("SPARQL syntax") else []
            if missing:
                lang = request.accept_languages.best_match(["zh", "en"])
                raise QueryError(400, texts.missing_prefix_message(missing, lang)) from None
            raise
        headers = {"X-Result-Rows": str(answer.rows), "X-Policykg-Store": answer.store, "Cache-Control": "no-store"}
        if params:  # the values the query ran with, after name resolution (percent-encoded JSON)
            headers["X-Policykg-Parameters"] = quote(json.dumps(params, ensure_ascii=False), safe="")
        if answer.truncated:
            headers["X-Result-Truncated"] = (f"true; limited to {self.executor.limit} rows and "
                                             f"{self.executor.max_response_bytes:,} bytes")
        return Response(answer.body, content_type=_content_type(answer.content_type), headers=headers)

    def _service_description(self, request: Request) -> Response:
        """The SPARQL 1.1 Service Description, for a GET of the endpoint without a query."""
        media_type = request.accept_mimetypes.best_match(list(GRAPH_FORMATS), default="text/turtle")
        try:
            graphs = [b["g"]["value"] for b in self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } } LIMIT 1000")]
        except QueryError:  # busy: describe the service without its list of graphs
            graphs = []
        triples = describe(request.base_url, self.title, graphs, federated=bool(self.executor.services))
        return Response(serialize_description(triples, media_type), content_type=_content_type(media_type),
                        headers={"Vary": "Accept"})

    def _select(self, text: str) -> list[dict]:
        answer = self.executor.run(text, JSON_TYPE, "text/turtle")
        doc = json.loads(answer.body)
        return doc["results"]["bindings"]

    # --- pages ----------------------------------------------------------------------------
    def on_queries(self, request: Request) -> Response:
        return Response(json.dumps(self._named_queries(), ensure_ascii=False), content_type="application/json; charset=utf-8")

    def _named_queries(self) -> list[dict]:
        out = []
        for name, (_path, description) in list_named_queries().items():
            text = load_named_query(name)
            out.append({"name": name, "description": description, "text": text,
                        "params": [{"name": k, "help": v} for k, v in query_parameters(text).items()]})
        return out

    def on_names(self, request: Request) -> Response:
        """Entities a named-query parameter may name, matching ?q= (label, alias or code):
        /names?type=law&q=宪 → [{value, label, match, iri}, …], best first."""
        kind = request.args.get("type", "")
        if kind not in KINDS:
            raise QueryError(400, f"give ?type= one of: {', '.join(KINDS)}")
        if self.names is None:
            raise NotFound("this server has no name index")
        limit = min(max(request.args.get("limit", 20, type=int) or 20, 1), 100)
        found = self.names.suggest(kind, request.args.get("q", ""), limit)
        return Response(json.dumps(found, ensure_ascii=False), content_type="application/json; charset=utf-8")

    def on_lang_js(self, request: Request) -> Response:
        # the language switch every page shares, as a script file: the pages' CSP runs no inline script
        return Response(SWITCH_JS, content_type="text/javascript; charset=utf-8", headers={"Cache-Control": "max-age=300"})

    def on_index(self, request: Request) -> Response:
        queries = self._named_queries()
        for q in queries:
            q["title"] = texts.QUERY_TITLES.get(q["name"], q["description"])
        data = {"hasGraph": self.graph_page() is not None, "prefixes": PREFIXES, "kinds": sorted(KINDS),
                "defaultQuery": sparql_prefixes("skos", "pk") + DEFAULT_QUERY,
                "strings": texts.pick(texts.SCRIPT), "yasr": texts.YASR, "datatables": texts.DATATABLES}
        intro = texts.PAGE["intro"]
        page = self.env.get_template("index.html").render(
            title=self.title, queries=queries, has_graph=data["hasGraph"], data=data,
            intro=text(*(s.format(timeout=f"{self.executor.timeout:g}", limit=f"{self.executor.limit:,}") for s in intro)))
        return Response(page, content_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": WORKBENCH_CSP})

    def on_entity(self, request: Request) -> Response:
        iri = _iri_arg(request)
        if not iri:
            return _error(400, "give ?iri= with the IRI of an entity")
        node = f"<{iri}>"
        labels = self._select(_PREFIXES + f"""SELECT ?p ?l WHERE {{
            VALUES ?p {{ skos:prefLabel skos:altLabel rdfs:label dcterms:title }} {node} ?p ?l }}""")
        out_rel = self._select(_PREFIXES + f"""SELECT ?p ?o ?ol WHERE {{ {node} ?p ?o .
            OPTIONAL {{ ?o skos:prefLabel|rdfs:label ?ol FILTER(LANG(?ol) IN ("zh", "")) }} }}
            ORDER BY ?p ?o LIMIT 2000""")
        in_rel = self._select(_PREFIXES + f"""SELECT ?s ?p ?sl WHERE {{ ?s ?p {node} .
            OPTIONAL {{ ?s skos:prefLabel|rdfs:label ?sl FILTER(LANG(?sl) IN ("zh", "")) }} }}
            ORDER BY ?p ?s LIMIT 2000""")
        # sentences that support facts about this entity: evidence nodes next to it, and for a
        # report or an agency the citations made in its reports
        evidence = self._select(_PREFIXES + f"""
            SELECT DISTINCT ?ev ?text ?start ?end ?report ?reportLabel ?textFile ?role ?lawLabel WHERE {{
              {{ ?ev ?p {node} }} UNION {{ {node} ?p ?ev }} UNION {{ {node} pk:hasCitation ?ev }}
              UNION {{ ?r pk:issuedBy {node} ; pk:hasCitation ?ev }}
              ?ev pk:evidenceText ?text ; pk:startOffset ?start ; pk:endOffset ?end ; prov:wasDerivedFrom ?report .
              OPTIONAL {{ ?report rdfs:label ?reportLabel }}
              OPTIONAL {{ ?report pk:textFile ?textFile }}
              OPTIONAL {{ ?ev pk:role/skos:prefLabel ?role FILTER(LANG(?role) = "zh") }}
              OPTIONAL {{ ?ev pk:citedLaw/skos:prefLabel ?lawLabel }}
            }} ORDER BY ?reportLabel ?start LIMIT 500""")
        if not (labels or out_rel or in_rel):
            raise NotFound(f"no entity {iri} in this graph")

        def v(b, k):
            return b[k]["value"] if k in b else ""

        rank = {str(SKOS.prefLabel): 0, str(RDFS.label): 1, str(DCTERMS.title): 2}
        ranked = sorted(labels, key=lambda b: (rank.get(v(b, "p"), 3), b["l"].get("xml:lang") != "zh", v(b, "l")))
        name = v(ranked[0], "l") if ranked else iri.rsplit("/", 1)[-1]
        types = sorted({v(b, "o") for b in out_rel if v(b, "p") == str(RDF.type)})
        page = self.env.get_template("entity.html").render(
            title=self.title, iri=iri, name=name, types=types,
            aliases=sorted({v(b, "l") for b in labels} - {name}),
            out_rel=[(v(b, "p"), b["o"], v(b, "ol")) for b in out_rel
                     if v(b, "p") != str(RDF.type)],
            in_rel=[(b["s"], v(b, "p"), v(b, "sl")) for b in in_rel],
            evidence=[dict({k: v(b, k) for k in ("ev", "text", "start", "end", "report", "reportLabel", "role",
                                                  "lawLabel")}, reading=self._reading_href(v(b, "textFile"), v(b, "start")))
                      for b in evidence],
            has_graph=self.graph_page() is not None, short=short_iri, reading_of=self._reading_href)
        return Response(page, content_type="text/html; charset=utf-8")

    def _reading_href(self, text_file: str, start: str = "") -> str:
        """The reading page of the report whose text is ``text_file``, at a mention's offset."""
        if not text_file or self.build_dir is None:
            return ""
        return f"/report/{quote(Path(text_file).stem)}" + (f"#c{start}" if start else "")

    def on_sentence(self, request: Request) -> Response:
        """``/sentence?iri=`` of a citation, program mention or observation: a redirect to its
        sentence in the report's reading page (query results link here)."""
        iri = _iri_arg(request)
        if not iri:
            return _error(400, "give ?iri= with the IRI of a citation, program mention or observation")
        rows = self._select(_PREFIXES + f"""SELECT ?textFile ?start WHERE {{
            <{iri}> pk:startOffset ?start ; prov:wasDerivedFrom ?report . ?report pk:textFile ?textFile }} LIMIT 1""")
        href = self._reading_href(rows[0]["textFile"]["value"], rows[0]["start"]["value"]) if rows else ""
        if not href:
            raise NotFound(f"no sentence of {iri} in a report's text here")
        return redirect(href, code=303)

    def on_report(self, request: Request, report_id: str) -> Response:
        """A report's text as read, its mentions marked and linked to their entity pages."""
        from policykg.viz.reading import RecordIndex, ReportInfo, read_text, render_reading_page, reports_query, serve_linker

        if self.build_dir is None:
            raise NotFound("reading pages need a build folder (extraction.jsonl and texts/), not an RDF file")
        if not report_id.isalnum():
            raise NotFound(f"no report {report_id}")
        text_file = f"texts/{report_id}.txt"
        rows = self._select(reports_query(text_file))
        if not rows:
            raise NotFound(f"no report {report_id} in this graph")
        info = ReportInfo.from_row({k: b["value"] for k, b in rows[0].items()})
        if self._records is None:
            self._records = RecordIndex(self.build_dir / "extraction.jsonl")
        record = self._records.get(text_file)
        if record is None or not (self.build_dir / text_file).is_file():
            raise NotFound(f"the text of report {report_id} is not in {self.build_dir}")
        html = render_reading_page(record, read_text(self.build_dir, text_file), info, serve_linker,
                                   home_href="/", report_href=self.env.filters["entity_url"](info.iri))
        return Response(html, content_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": csp_allowing_inline_scripts(html)})

    def on_graph(self, request: Request) -> Response:
        path = self.graph_page()
        if path is None:
            raise NotFound("this graph has no HTML page (build with --html, or serve a build folder)")
        html = Path(path).read_text(encoding="utf-8")
        # the page is one self-contained file: its own inline scripts may run, by hash
        return Response(html, content_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": csp_allowing_inline_scripts(html)})

    def on_favicon(self, request: Request) -> Response:
        return self.on_static(request, "favicon.svg")

    def on_static(self, request: Request, name: str) -> Response:
        parts = name.split("/")
        # a file of static/, or of a vendored library's folder (static/vendor/<library>/)
        if not (len(parts) == 1 or (len(parts) == 3 and parts[0] == "vendor")) or \
                any(not p or p.startswith(".") for p in parts):
            raise NotFound()
        f = resources.files("policykg.serve").joinpath("static", *parts)
        if not f.is_file():
            raise NotFound()
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return Response(f.read_bytes(), content_type=_content_type(ctype) if ctype.startswith("text/") else ctype,
                        headers={"Cache-Control": "max-age=300"})
