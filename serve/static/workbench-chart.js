// A YASR plugin drawing a result as horizontal bars: one numeric column summed per value of a
// label column (e.g. citations per region), the largest first. Plain SVG built with DOM calls
// (no chart library, nothing fetched); labels and values are text nodes, never parsed as HTML.
(function () {
  "use strict";
  var pkq = window.pkq;
  var SVG = "http://www.w3.org/2000/svg";
  var MAX_BARS = 40, BAR = 22, LABEL_WIDTH = 280, PLOT_WIDTH = 560, VALUE_WIDTH = 80;
  var NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;

  function isNumber(term) {
    return !!term && term.type !== "uri" && NUMERIC.test(term.datatype || "") && isFinite(parseFloat(term.value));
  }

  // numeric columns (every bound value a number) and the others, which can label the bars
  function columnsOf(results) {
    var vars = results.getVariables(), rows = results.getBindings();
    var numeric = vars.filter(function (v) {
      var bound = rows.filter(function (b) { return b[v]; });
      return bound.length > 0 && bound.every(function (b) { return isNumber(b[v]); });
    });
    return {numeric: numeric, labels: vars.filter(function (v) { return numeric.indexOf(v) < 0; }), rows: rows};
  }

  function labelOf(term) {
    if (!term) return "—";
    return term.type === "uri" ? pkq.shortIri(term.value) : term.value;
  }

  function totals(rows, valueVar, labelVar) {
    var sums = {}, order = [];
    rows.forEach(function (b) {
      if (!b[valueVar]) return;
      var key = labelVar ? labelOf(b[labelVar]) : String(order.length + 1);
      if (!(key in sums)) { sums[key] = 0; order.push(key); }
      sums[key] += parseFloat(b[valueVar].value);
    });
    return order.map(function (k) { return {label: k, value: sums[k]}; })
      .sort(function (a, b) { return b.value - a.value; });
  }

  function el(name, attrs, parent, ns) {
    var e = ns ? document.createElementNS(SVG, name) : document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }

  function drawBars(bars) {
    var height = bars.length * BAR + 10;
    var svg = el("svg", {xmlns: SVG, width: LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, height: height,
                         viewBox: "0 0 " + (LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH) + " " + height,
                         "class": "pk-chart", role: "img"}, null, true);
    var max = Math.max.apply(null, bars.map(function (b) { return b.value; }).concat([0])) || 1;
    bars.forEach(function (b, i) {
      var y = 5 + i * BAR, w = Math.max(1, Math.round(PLOT_WIDTH * b.value / max));
      var g = el("g", {"class": "bar"}, svg, true);
      var label = el("text", {x: LABEL_WIDTH - 8, y: y + BAR * 0.68, "text-anchor": "end", "font-size": 13}, g, true);
      label.textContent = b.label.length > 24 ? b.label.slice(0, 23) + "…" : b.label;
      el("title", {}, label, true).textContent = b.label;
      el("rect", {x: LABEL_WIDTH, y: y + 3, width: w, height: BAR - 6, fill: "#3b6ea5"}, g, true);
      var value = el("text", {x: LABEL_WIDTH + w + 6, y: y + BAR * 0.68, "font-size": 12, fill: "#333"}, g, true);
      value.textContent = String(Math.round(b.value * 100) / 100);
    });
    return svg;
  }

  function Chart(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
    this.svg = null;
    this.choice = {};  // the columns picked for the current result
  }

  Chart.prototype.canHandleResults = function () {
    var r = this.yasr.results;
    if (!r || !r.getVariables || !r.getVariables() || !r.getVariables().length) return false;
    var cols = columnsOf(r);
    return cols.numeric.length > 0 && cols.rows.length > 0;
  };

  Chart.prototype.getIcon = function () {
    var div = document.createElement("div");
    var svg = el("svg", {viewBox: "0 0 16 16", width: 15, height: 15}, div, true);
    [[1, 3, 10], [1, 7, 14], [1, 11, 6]].forEach(function (b) {
      el("rect", {x: b[0], y: b[1], width: b[2], height: 3, fill: "currentColor"}, svg, true);
    });
    return div;
  };

  function picker(labelKey, options, selected, onChange) {
    var label = el("label", {"class": "pk-chart-pick"});
    label.appendChild(document.createTextNode(pkq.tr(labelKey) + " "));
    var select = el("select", {}, label);
    options.forEach(function (v) {
      var o = el("option", {value: v}, select);
      o.textContent = v;
      o.selected = v === selected;
    });
    select.addEventListener("change", function () { onChange(select.value); });
    return label;
  }

  Chart.prototype.draw = function () {
    var self = this, cols = columnsOf(this.yasr.results);
    var valueVar = cols.numeric.indexOf(this.choice.value) >= 0 ? this.choice.value : cols.numeric[0];
    var labelVar = cols.labels.indexOf(this.choice.label) >= 0 ? this.choice.label :
      // a label column of literals (regionLabel) reads better than one of IRIs (region)
      (cols.labels.filter(function (v) {
        return cols.rows.some(function (b) { return b[v] && b[v].type !== "uri"; });
      })[0] || cols.labels[0]);
    var box = el("div", {"class": "pk-chart-box"});
    var controls = el("div", {"class": "pk-chart-controls"}, box);
    controls.appendChild(picker("chart_value", cols.numeric, valueVar, function (v) { self.choice.value = v; self.redraw(); }));
    if (cols.labels.length) {
      controls.appendChild(picker("chart_label", cols.labels, labelVar, function (v) { self.choice.label = v; self.redraw(); }));
    }
    var bars = totals(cols.rows, valueVar, labelVar);
    var note = el("span", {"class": "muted"}, controls);
    note.textContent = pkq.tr("chart_shown", {n: Math.min(MAX_BARS, bars.length), total: bars.length});
    this.svg = drawBars(bars.slice(0, MAX_BARS));
    box.appendChild(this.svg);
    this.yasr.resultsEl.appendChild(box);
  };

  Chart.prototype.redraw = function () {
    this.yasr.resultsEl.textContent = "";
    this.draw();
  };

  Chart.prototype.download = function () {
    var svg = this.svg;
    return {
      getData: function () { return svg ? new XMLSerializer().serializeToString(svg) : ""; },
      contentType: "image/svg+xml",
      title: pkq.tr("download_svg"),
      filename: "chart.svg",
    };
  };

  Chart.prototype.destroy = function () { this.svg = null; };

  // a new result gets the default columns again
  Chart.prototype.reset = function () { this.choice = {}; };

  pkq.Chart = Chart;
  pkq.columnsOf = columnsOf;
  pkq.isNumber = isNumber;
})();
