// The query workbench: YASQE (SPARQL editor: highlighting, prefix completion from the server's
// prefix table) and YASR (sortable, paged table; bar chart; raw response), named queries with
// parameter forms, a history, and links that share a query. Everything is served by this
// package: YASQE's network helpers (prefix.cc, LOV, URL shortener, its own query call) stay off.
(function () {
  "use strict";
  var pkq = window.pkq, data = pkq.data;
  var Yasqe = Yasgui.Yasqe, Yasr = Yasgui.Yasr;
  var named = JSON.parse(document.getElementById("named-data").textContent);
  var byName = {};
  named.forEach(function (q) { byName[q.name] = q; });
  var status = document.getElementById("status");
  var statusText = null;  // makes the status line's text, again after a language switch

  function setStatus(make, className) {
    statusText = make;
    status.className = className || "";
    status.textContent = make ? make() : "";
  }
  var resultsBox = document.getElementById("results");

  // --- the editor ---------------------------------------------------------------------------
  // prefix completion from policykg.graph.vocab.PREFIXES (a fixed list: never prefix.cc)
  var prefixList = Object.keys(data.prefixes).sort().map(function (p) { return p + ": <" + data.prefixes[p] + ">"; });
  Yasqe.registerAutocompleter(Object.assign({}, Yasqe.Autocompleters.prefixes, {get: prefixList}), false);
  // "property" and "class" ask the LOV web service: gone from the defaults (YASQE merges a page's
  // list into the defaults' index by index, so leaving them out of the config is not enough)
  delete Yasqe.Autocompleters.property;
  delete Yasqe.Autocompleters["class"];
  Yasqe.defaults.autocompleters = ["variables", "prefixes"];

  var yasqe = new Yasqe(document.getElementById("editor"), {
    value: data.defaultQuery,
    persistenceId: null,          // the history keeps queries; the editor starts clean
    consumeShareLink: null,       // this page reads its own links (?query=, ?name=&param.x=)
    createShareableLink: null,    // no share button (its short links need a web service)
    showQueryButton: false,       // the page's Run button posts to this server
    requestConfig: {endpoint: "/sparql"},  // were YASQE's own query() ever called: here, not dbpedia
    resizeable: true,
    editorHeight: "260px",
  });
  yasqe.on("change", function () {
    // edited away from a named query whose parameters no longer appear: drop the form
    var text = yasqe.getValue();
    if (current && text !== current.text && text.indexOf("# param:") < 0) { current = null; params.show([]); }
  });

  // --- results --------------------------------------------------------------------------------
  // IRIs open their entity page (not the IRI on the web); numbers sort as numbers
  var BaseTable = Yasr.plugins.table;  // YASR reads its settings from here, also for a subclass
  BaseTable.defaults.openIriInNewWindow = false;
  class PkTable extends BaseTable {
    constructor(yasr) {
      super(yasr);
      this.helpReference = undefined;  // YASR's help is a page on the web
    }
    getUriLinkFromBinding(binding) {
      var iri = binding.value, html = '<a class="iri entity-link" href="/entity?iri=' + encodeURIComponent(iri) +
        '" title="' + pkq.escapeHtml(iri) + '">' + pkq.escapeHtml(pkq.shortIri(iri)) + "</a>";
      if (/\/(citation|program|observation)\/\d+-\d+$/.test(iri)) {  // evidence: its sentence in the report
        html += ' <a class="sentence-link" href="/sentence?iri=' + encodeURIComponent(iri) + '">' +
          pkq.escapeHtml(pkq.lang() === "en" ? "sentence" : "原句") + "</a>";
      }
      if (data.hasGraph && iri.indexOf(data.prefixes.id) === 0) {
        html += ' <a class="graph-link" href="/graph#' + encodeURIComponent(iri) + '">graph</a>';
      }
      return html;
    }
    getColumns() {
      return super.getColumns().map(function (column, i) {
        if (i === 0) return column;
        var render = column.render;
        column.render = function (term, type, row, meta) {
          if ((type === "sort" || type === "type") && pkq.isNumber(term)) return parseFloat(term.value);
          return render(term, type, row, meta);
        };
        return column;
      });
    }
  }
  Yasr.registerPlugin("table", PkTable);
  Yasr.registerPlugin("chart", pkq.Chart);

  var tableConfig = BaseTable.defaults.tableConfig;
  function yasrConfig() {
    BaseTable.defaults.tableConfig = Object.assign({}, tableConfig, {language: pkq.datatablesLanguage()});
    var plugins = {};
    Object.keys(Yasr.plugins).forEach(function (name) { plugins[name] = {enabled: true}; });
    // values without quotes and datatypes; whole cells (an ellipsed cell takes the first click on a link)
    plugins.table.dynamicConfig = {compact: true, isEllipsed: false};
    return {persistenceId: null, prefixes: data.prefixes, pluginOrder: ["table", "chart", "response"],
            defaultPlugin: "table", plugins: plugins};
  }

  var yasr = null, lastResponse = null;
  function newYasr() {
    if (yasr) yasr.destroy();
    resultsBox.textContent = "";
    yasr = new Yasr(resultsBox, yasrConfig());
    if (yasr.documentationLink) yasr.documentationLink.remove();  // a link to YASR's web documentation
    yasr.on("drawn", function () { pkq.translateYasr(resultsBox); });
    pkq.translateYasr(resultsBox);
    return yasr;
  }
  newYasr();

  // a result that belongs to another query never stays on screen
  function clearResults() {
    lastResponse = null;
    newYasr();
    setStatus(null);
  }

  // --- named queries, parameters, history -------------------------------------------------
  var params = new pkq.Params(document.getElementById("params"));
  var current = null;  // the named query in the editor, if any

  function load(query, name, values) {
    clearResults();
    current = name && byName[name] ? byName[name] : null;
    yasqe.setValue(query);
    params.show(current ? current.params : [], values);
    if (current) {
      var q = current;
      setStatus(function () { return pkq.lang() === "en" ? q.description : q.title; });
      document.querySelectorAll("button.named").forEach(function (b) {
        b.classList.toggle("active", b.dataset.name === name);
      });
    }
  }
  document.querySelectorAll("button.named").forEach(function (b) {
    b.addEventListener("click", function () { load(byName[b.dataset.name].text, b.dataset.name); });
  });

  var history = new pkq.History(document.getElementById("history"), document.getElementById("no-history"),
                                function (e) { load(e.query, e.name, e.params); });
  history.render();
  document.getElementById("clear-history").addEventListener("click", function () { history.clear(); });

  // --- running --------------------------------------------------------------------------------
  function formBody(format) {
    var body = new URLSearchParams();
    body.set("query", yasqe.getValue());
    var values = params.values();
    Object.keys(values).forEach(function (k) { body.set("param." + k, values[k]); });
    if (format) body.set("format", format);
    return body;
  }

  function showError(message) {
    newYasr();
    setStatus(function () { return pkq.tr("failed") + message; }, "error");
  }

  function describeParameters(header) {
    if (!header) return "";
    var bound = JSON.parse(decodeURIComponent(header));
    return " · " + pkq.tr("resolved", {pairs: Object.keys(bound).map(function (k) { return k + " = " + bound[k]; }).join(", ")});
  }

  // the status line of an answer: rows, time, the parameter values after name resolution
  function summary(resp, ms) {
    var rows = resp.headers.get("X-Result-Rows"), truncated = resp.headers.has("X-Result-Truncated");
    var bound = resp.headers.get("X-Policykg-Parameters");
    return function () {
      return pkq.tr("rows", {n: rows}) + (truncated ? pkq.tr("truncated") : "") + pkq.tr("in_ms", {ms: ms}) +
        describeParameters(bound);
    };
  }

  function run() {
    var text = yasqe.getValue(), started = performance.now();
    var ran = {query: text, name: current && text === current.text ? current.name : "",
               params: current ? params.values() : {}};
    setStatus(function () { return pkq.tr("running"); }, "running");
    return fetch("/sparql", {method: "POST", body: formBody(null),
                             headers: {"Accept": "application/sparql-results+json, text/turtle;q=0.9",
                                       "Accept-Language": pkq.lang()}})
      .then(function (resp) {
        return resp.text().then(function (text) {
          if (!resp.ok) { showError(text.trim()); return; }
          var ms = Math.round(performance.now() - started);
          lastResponse = {data: text, contentType: resp.headers.get("Content-Type") || "", status: resp.status,
                          executionTime: ms};
          newYasr().setResponse(lastResponse);
          var json = lastResponse.contentType.indexOf("json") >= 0;
          var ask = json && /"boolean"\s*:/.test(text.slice(0, 200)) ? JSON.parse(text).boolean : null;
          setStatus(ask !== null ? function () { return pkq.tr("ask", {value: ask, ms: ms}); }
                    : json ? summary(resp, ms) : function () { return pkq.tr("graph_result", {ms: ms}); });
          ran.rows = Number(resp.headers.get("X-Result-Rows") || 0);
          ran.ms = ms;
          history.add(ran);
        });
      })
      .catch(function (err) { showError(String(err.message || err)); });
  }

  document.getElementById("run").addEventListener("click", run);
  yasqe.addKeyMap({"Ctrl-Enter": run, "Cmd-Enter": run});
  document.getElementById("params").addEventListener("keydown", function (e) {
    // Enter in a field runs the query (picking a suggestion with Enter stops before this)
    if (e.key === "Enter") { e.preventDefault(); run(); }
  });

  // --- sharing and downloading ----------------------------------------------------------------
  function shareUrl() {
    var q = new URLSearchParams();
    var text = yasqe.getValue();
    if (current && text === current.text) {
      q.set("name", current.name);
      var values = params.values();
      Object.keys(values).forEach(function (k) { q.set("param." + k, values[k]); });
    } else {
      q.set("query", text);
    }
    return location.origin + location.pathname + "?" + q.toString();
  }
  document.getElementById("share").addEventListener("click", function () {
    var url = shareUrl();
    window.history.replaceState(null, "", url);
    var done = function () { setStatus(function () { return pkq.tr("copied"); }); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, done);
    else done();
  });

  document.getElementById("download").addEventListener("click", function () {
    // a real form POST, so the browser saves the answer as a file
    var form = document.createElement("form");
    form.method = "POST";
    form.action = "/sparql";
    formBody(document.getElementById("download-format").value).forEach(function (value, key) {
      var i = document.createElement("input");
      i.type = "hidden"; i.name = key; i.value = value;
      form.appendChild(i);
    });
    document.body.appendChild(form);
    form.submit();
    form.remove();
  });

  // --- language switch: YASR's words and DataTables' are redrawn in the new language ----------
  document.addEventListener("pk-lang", function () {
    var response = lastResponse;
    newYasr();
    if (response) yasr.setResponse(response);
    history.render();
    if (current) params.show(current.params, params.values());  // placeholders in the new language
    if (statusText) status.textContent = statusText();
  });

  // --- a shared link: ?query=… or ?name=…&param.law=…, run at once ---------------------------
  var url = new URLSearchParams(location.search);
  var startName = url.get("name") || decodeURIComponent(location.hash.slice(1));
  var values = {};
  url.forEach(function (v, k) { if (k.indexOf("param.") === 0) values[k.slice(6)] = v; });
  if (url.get("query")) {
    load(url.get("query"), "", {});
    run();
  } else if (startName && byName[startName]) {
    load(byName[startName].text, startName, values);
    var q = byName[startName];
    if (q.params.every(function (p) { return values[p.name]; })) run();
  }
  window.pkq.yasqe = yasqe;
  window.pkq.yasr = function () { return yasr; };
  window.pkq.readyAt = performance.now();  // ms since navigation started (bench/query_page.py)
  window.pkq.ready = true;
})();
