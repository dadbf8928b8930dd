// A named query's parameters as form fields. A field for a law, region, agency or program
// suggests the graph's names as one types (GET /names?type=law&q=宪), aliases included; any
// name is accepted and resolved by the server (宪法 → 中华人民共和国宪法).
(function () {
  "use strict";
  var pkq = window.pkq;
  var DELAY = 120;  // ms after the last key before asking for names
  var EXAMPLES = {law: "宪法", region: "北碚区", agency: "卫生健康委员会", program: "双随机、一公开"};

  function Params(form) {
    this.form = form;
    this.kinds = pkq.data.kinds;  // parameter names with suggestions
  }

  Params.prototype.show = function (params, values) {
    var self = this;
    this.form.textContent = "";
    (params || []).forEach(function (p) { self.form.appendChild(self.field(p, (values || {})[p.name] || "")); });
  };

  Params.prototype.values = function () {
    var out = {};
    this.form.querySelectorAll("input.param").forEach(function (i) { out[i.dataset.param] = i.value; });
    return out;
  };

  Params.prototype.field = function (p, value) {
    var wrap = document.createElement("div");
    wrap.className = "param-field";
    var label = document.createElement("label");
    var input = document.createElement("input");
    input.id = "param-" + p.name;
    input.name = "param." + p.name;
    input.dataset.param = p.name;
    input.className = "param";
    input.required = true;
    input.value = value;
    label.htmlFor = input.id;
    label.textContent = p.name + " ";
    var help = document.createElement("span");
    help.className = "muted";
    help.textContent = p.help;
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(help);
    if (this.kinds.indexOf(p.name) >= 0) {
      input.placeholder = pkq.tr("param_placeholder", {example: EXAMPLES[p.name] || ""});
      this.suggest(wrap, input, p.name);
    }
    return wrap;
  };

  Params.prototype.suggest = function (wrap, input, kind) {
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.id = input.id + "-names";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrap.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var timer = null, active = -1, asked = 0;

    function close() {
      clearTimeout(timer);
      asked++;  // an answer still on its way is not shown
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
    }
    function pick(option) {
      input.value = option.dataset.value;
      close();
      input.dispatchEvent(new Event("change", {bubbles: true}));
    }
    function highlight(i) {
      var items = list.querySelectorAll("li[role=option]");
      if (!items.length) return;
      active = (i + items.length) % items.length;
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === active ? "true" : "false"); });
      items[active].scrollIntoView({block: "nearest"});
    }
    function render(found) {
      list.textContent = "";
      active = -1;
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = pkq.tr("no_match");
        list.appendChild(none);
      }
      found.forEach(function (f) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.dataset.value = f.value;
        li.dataset.iri = f.iri;
        li.textContent = f.label;
        if (f.match) {  // the alias the typed text found
          var m = document.createElement("span");
          m.className = "muted";
          m.textContent = " ← " + f.match;
          li.appendChild(m);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(li); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function ask() {
      var q = input.value.trim(), ticket = ++asked;
      fetch("/names?type=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) { if (ticket === asked && document.activeElement === input) render(found); })
        .catch(function () { /* suggestions are a help; the server still resolves what is typed */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("focus", ask);
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { close(); return; }  // also the list still on its way
      if (list.hidden) return;
      if (e.key === "ArrowDown") { highlight(active + 1); e.preventDefault(); }
      else if (e.key === "ArrowUp") { highlight(active - 1); e.preventDefault(); }
      else if (e.key === "Enter" && !e.ctrlKey && !e.metaKey && active >= 0) {
        pick(list.querySelectorAll("li[role=option]")[active]);
        e.preventDefault();
        e.stopPropagation();
      }
    });
  };

  pkq.Params = Params;
})();
