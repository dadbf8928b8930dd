// The query workbench's words at run time: its own strings ({key: [zh, en]} from the server's
// serve/texts.py) in the page's language (window.pkLang, from /lang.js), and YASR's English UI
// words swapped for Chinese in place. Sets up window.pkq, the namespace of the workbench scripts.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var pkq = window.pkq = {data: data};

  pkq.lang = function () { return window.pkLang ? window.pkLang() : "zh"; };

  // pkq.tr("rows", {n: 3}) → "3 行" (or "3 rows")
  pkq.tr = function (key, vars) {
    var pair = data.strings[key];
    var s = pair ? pair[pkq.lang() === "en" ? 1 : 0] : key;
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); });
    return s;
  };

  var ATTRIBUTES = ["placeholder", "title", "aria-label"];
  // YASR writes its controls in English; each known word is put in the page's language, both ways
  pkq.translateYasr = function (root) {
    var toZh = data.yasr, toEn = {};
    Object.keys(toZh).forEach(function (en) { toEn[toZh[en]] = en; });
    var map = pkq.lang() === "en" ? toEn : toZh;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), node;
    while ((node = walker.nextNode())) {
      if (Object.prototype.hasOwnProperty.call(map, node.nodeValue)) node.nodeValue = map[node.nodeValue];
      var info = /^(\d+) results? in ([\d.]+) seconds?$/.exec(node.nodeValue);  // the result count chip
      if (info && pkq.lang() !== "en") node.nodeValue = pkq.tr("yasr_info", {n: info[1], s: info[2]});
    }
    root.querySelectorAll("[placeholder], [title], [aria-label]").forEach(function (el) {
      ATTRIBUTES.forEach(function (a) {
        var v = el.getAttribute(a);
        if (v && Object.prototype.hasOwnProperty.call(map, v)) el.setAttribute(a, map[v]);
      });
    });
  };

  // DataTables' own words (row counts, paging), by its language option
  pkq.datatablesLanguage = function () { return data.datatables[pkq.lang()] || data.datatables.zh; };

  pkq.escapeHtml = function (s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  };

  // the server's prefix table (policykg.graph.vocab.PREFIXES): shortens IRIs in results
  pkq.shortIri = function (iri) {
    for (var prefix in data.prefixes) {
      var ns = data.prefixes[prefix];
      if (iri.indexOf(ns) === 0) {
        var local = iri.slice(ns.length);
        try { local = decodeURIComponent(local); } catch (e) { /* keep it encoded */ }
        return prefix + ":" + local;
      }
    }
    return iri;
  };
})();
