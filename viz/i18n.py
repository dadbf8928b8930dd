"""The interface language of every page: Chinese by default, English on a switch.

Each page module keeps its own strings as ``{key: (zh, en)}`` and renders them through
:func:`text` (the Chinese, with the English in ``data-en``), so the page reads in Chinese
without any script. :data:`SWITCH_JS` (inlined once per page) swaps every ``[data-i18n]``
element's text between the two, remembers the choice (``localStorage``) and honours ``?lang=en``.
Page scripts that make text at run time read ``window.pkLang()`` and their own strings.

Names of classes and properties come from the ontology's ``rdfs:label`` in both languages
(:func:`ontology_labels`), so a page never spells "Law" differently from the ontology.

>>> str(text("法律", "Law"))
'<span data-i18n data-zh="法律" data-en="Law">法律</span>'
"""
from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

DEFAULT_LANG = "zh"

COMMON = {  # strings every page shows
    "language": ("English", "中文"),  # the switch names the other language
    "search": ("搜索", "Search"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_png": ("下载 PNG", "Download PNG"),
    "download_svg": ("下载 SVG", "Download SVG"),
    "year": ("年份", "Year"),
    "reports": ("报告", "Reports"),
    "evidence": ("证据", "Evidence"),
    "no_results": ("没有结果", "No results"),
}


def text(zh: str, en: str, tag: str = "span") -> Markup:
    """An element showing ``zh``, switchable to ``en``; both escaped."""
    return Markup(f'<{tag} data-i18n data-zh="{escape(zh)}" data-en="{escape(en)}">{escape(zh)}</{tag}>')


def t(strings: dict[str, tuple[str, str]], key: str) -> Markup:
    """``text`` for one key of a page's strings (or of :data:`COMMON`)."""
    zh, en = strings.get(key) or COMMON[key]
    return text(zh, en)


@lru_cache(maxsize=1)
def ontology_labels() -> dict[str, tuple[str, str]]:
    """Local name of every ontology term → its (zh, en) ``rdfs:label``:
    ``ontology_labels()["Law"] == ("法律法规和规范性文件", "Law or normative document")``."""
    from importlib import resources

    import pyoxigraph as ox

    ttl = resources.files("policykg.ontology").joinpath("policykg.ttl").read_bytes()
    zh: dict[str, str] = {}
    en: dict[str, str] = {}
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for triple in ox.parse(ttl, ox.RdfFormat.TURTLE):
        if triple.predicate == label and isinstance(triple.object, ox.Literal):
            name = triple.subject.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            {"zh": zh, "en": en}.get(triple.object.language or "", {})[name] = triple.object.value
    return {name: (zh[name], en.get(name, zh[name])) for name in zh}


@lru_cache(maxsize=1)
def concept_names() -> dict[str, str]:
    """The English ``skos:prefLabel`` of each law level and citation role, by its Chinese one:
    ``concept_names()["执法依据"] == "enforced"`` (the graph and the pages show the Chinese)."""
    from importlib import resources

    import pyoxigraph as ox

    ttl = resources.files("policykg.ontology").joinpath("policykg.ttl").read_bytes()
    pref = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    by_lang: dict[str, dict[str, str]] = {"zh": {}, "en": {}}
    for triple in ox.parse(ttl, ox.RdfFormat.TURTLE):
        if triple.predicate == pref and isinstance(triple.object, ox.Literal) and triple.object.language in by_lang:
            by_lang[triple.object.language][triple.subject.value] = triple.object.value
    return {zh: by_lang["en"].get(s, zh) for s, zh in by_lang["zh"].items()}


SWITCH_JS = """
(function () {
  var KEY = "policykg-lang";
  function current() {
    var q = new URLSearchParams(location.search).get("lang");
    if (q === "en" || q === "zh") return q;
    try { return localStorage.getItem(KEY) || "zh"; } catch (e) { return "zh"; }
  }
  function apply(lang) {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) {
      var s = el.getAttribute("data-" + lang);
      if (s !== null) el.textContent = s;
    });
    document.dispatchEvent(new CustomEvent("pk-lang", {detail: lang}));
  }
  window.pkLang = current;
  window.pkSetLang = function (lang) {
    try { localStorage.setItem(KEY, lang); } catch (e) {}
    apply(lang);
  };
  document.addEventListener("DOMContentLoaded", function () {
    var lang = current();
    if (lang !== "zh") apply(lang);
    document.querySelectorAll("[data-lang-switch]").forEach(function (b) {
      b.addEventListener("click", function () { window.pkSetLang(current() === "zh" ? "en" : "zh"); });
    });
  });
})();
"""


def switch_button() -> Markup:
    """The button that switches the page's language (it names the other language)."""
    zh, en = COMMON["language"]
    return Markup(f'<button type="button" data-lang-switch data-i18n data-zh="{zh}" data-en="{en}">{zh}</button>')
