// The queries run on this browser, newest first, kept in localStorage: each with its named
// query and parameters, row count and time; a click puts it back in the editor.
(function () {
  "use strict";
  var pkq = window.pkq;
  var KEY = "policykg-query-history", MAX = 30;

  function History(list, empty, onPick) {
    this.list = list;
    this.empty = empty;
    this.onPick = onPick;
  }

  History.prototype.entries = function () {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  };

  History.prototype.save = function (entries) {
    try { localStorage.setItem(KEY, JSON.stringify(entries.slice(0, MAX))); } catch (e) { /* full or off */ }
    this.render();
  };

  // {query, name, params, rows, ms}; the same query with the same parameters moves to the top
  History.prototype.add = function (entry) {
    entry.time = new Date().toISOString();
    var same = JSON.stringify([entry.query, entry.params || {}]);
    this.save([entry].concat(this.entries().filter(function (e) {
      return JSON.stringify([e.query, e.params || {}]) !== same;
    })));
  };

  History.prototype.clear = function () { this.save([]); };

  // what a person recognises a query by: its name, or its first line past the prefixes
  function title(e) {
    if (e.name) return e.name;
    var lines = e.query.split("\n").map(function (l) { return l.trim(); }).filter(function (l) {
      return l && !/^(PREFIX|BASE)\b/i.test(l) && l.charAt(0) !== "#";
    });
    var line = lines[0] || e.query.trim();
    return line.length > 70 ? line.slice(0, 69) + "…" : line;
  }

  History.prototype.render = function () {
    var self = this, entries = this.entries();
    this.list.textContent = "";
    this.empty.hidden = entries.length > 0;
    entries.forEach(function (e) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "history-entry";
      b.textContent = title(e);
      b.title = e.query;
      b.addEventListener("click", function () { self.onPick(e); });
      li.appendChild(b);
      var params = Object.keys(e.params || {}).map(function (k) { return k + "=" + e.params[k]; }).join(", ");
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = " " + [params, e.rows === undefined ? "" : pkq.tr("rows_short", {n: e.rows}),
                               new Date(e.time).toLocaleString()].filter(Boolean).join(" · ");
      li.appendChild(meta);
      self.list.appendChild(li);
    });
  };

  pkq.History = History;
})();
