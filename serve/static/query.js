// The query page: named queries into the editor, parameters as form fields, results as a
// table built with textContent (nothing from the graph is ever parsed as HTML).
(function () {
  "use strict";
  var named = JSON.parse(document.getElementById("named-data").textContent);
  // page settings come as JSON data, not an inline script, which the page's CSP refuses
  var settings = JSON.parse(document.getElementById("page-data").textContent);
  var byName = {};
  named.forEach(function (q) { byName[q.name] = q; });
  var editor = document.getElementById("query");
  var paramsBox = document.getElementById("params");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var current = null;  // the named query loaded in the editor, if any

  function showParams(q) {
    paramsBox.textContent = "";
    (q ? q.params : []).forEach(function (p) {
      var label = document.createElement("label");
      label.textContent = p.name + " ";
      var input = document.createElement("input");
      input.name = "param." + p.name;
      input.required = true;
      input.placeholder = p.help;
      input.className = "param";
      label.appendChild(input);
      paramsBox.appendChild(label);
    });
  }

  function load(name) {
    var q = byName[name];
    if (!q) return;
    current = q;
    editor.value = q.text;
    showParams(q);
    status.textContent = q.description;
    history.replaceState(null, "", "#" + encodeURIComponent(name));
  }

  document.querySelectorAll("button.named").forEach(function (b) {
    b.addEventListener("click", function () { load(b.dataset.name); });
  });
  editor.addEventListener("input", function () {
    // edited away from the named query: its parameters no longer apply unless still declared
    if (current && editor.value.indexOf("# param:") < 0) { current = null; showParams(null); }
  });

  function formBody(format) {
    var body = new URLSearchParams();
    body.set("query", editor.value);
    paramsBox.querySelectorAll("input.param").forEach(function (i) { body.set(i.name, i.value); });
    if (format) body.set("format", format);
    return body;
  }

  function entityLink(iri) {
    var a = document.createElement("a");
    a.href = "/entity?iri=" + encodeURIComponent(iri);
    a.className = "entity-link";
    a.textContent = shortIri(iri);
    a.title = iri;
    return a;
  }

  // the prefix table is the server's (policykg.graph.vocab.PREFIXES), sent with the page data
  var PREFIXES = settings.prefixes || {};
  function shortIri(iri) {
    for (var prefix in PREFIXES) {
      var ns = PREFIXES[prefix];
      if (iri.indexOf(ns) === 0) return prefix + ":" + decodeURIComponent(iri.slice(ns.length));
    }
    return iri;
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      td.appendChild(entityLink(term.value));
      if (settings.hasGraph && term.value.indexOf(PREFIXES.id) === 0) {
        var g = document.createElement("a");
        g.href = "/graph#" + encodeURIComponent(term.value);
        g.className = "graph-link";
        g.textContent = "graph";
        td.appendChild(g);
      }
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.lang = term["xml:lang"];
    }
    return td;
  }

  function render(doc, started, truncated) {
    results.textContent = "";
    var ms = Math.round(performance.now() - started);
    if (typeof doc.boolean === "boolean") {
      status.textContent = "ASK → " + doc.boolean + " (" + ms + " ms)";
      return;
    }
    var vars = doc.head.vars, rows = doc.results.bindings;
    var table = document.createElement("table");
    table.id = "results-table";
    var tr = document.createElement("tr");
    vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; tr.appendChild(th); });
    var thead = document.createElement("thead");
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = document.createElement("tbody");
    rows.forEach(function (b) {
      var row = document.createElement("tr");
      vars.forEach(function (v) { row.appendChild(cell(b[v])); });
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    results.appendChild(table);
    status.textContent = rows.length + " rows" + (truncated ? " (cut off at the row limit)" : "") + " in " + ms + " ms";
  }

  function renderGraph(text, started) {
    results.textContent = "";
    var pre = document.createElement("pre");
    pre.id = "results-graph";
    pre.textContent = text;
    results.appendChild(pre);
    status.textContent = "graph result in " + Math.round(performance.now() - started) + " ms";
  }

  function run(ev) {
    if (ev) ev.preventDefault();
    var started = performance.now();
    status.textContent = "running…";
    status.className = "";
    fetch("/sparql", {method: "POST", body: formBody(null),
                      headers: {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}})
      .then(function (resp) {
        return resp.text().then(function (text) {
          if (!resp.ok) throw new Error(resp.status + " " + text);
          var ctype = resp.headers.get("Content-Type") || "";
          if (ctype.indexOf("json") >= 0) render(JSON.parse(text), started, resp.headers.has("X-Result-Truncated"));
          else renderGraph(text, started);
        });
      })
      .catch(function (err) {
        results.textContent = "";
        status.className = "error";
        status.textContent = String(err.message || err);
      });
  }

  document.getElementById("query-form").addEventListener("submit", run);
  editor.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(e);
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
  var start = decodeURIComponent(location.hash.slice(1));
  if (start && byName[start]) load(start);
})();
