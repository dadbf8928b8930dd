"""Reading pages: one report's text as it was read, every mention marked and linked to its entity.

The text is ``OUT/texts/<id>.txt`` (the record's ``text_file``, the report's ``pk:textFile``);
the mentions and their offsets come from ``OUT/extraction.jsonl`` (every label: laws, agencies,
regions, programs, document numbers; the store keeps offsets of citations and program mentions
only), read one record at a time; the title, agency, region, year, source URL and date come from
the store (one query for all reports). ``policykg viz`` writes ``reports/<id>.html`` for every
report (:func:`write_reading_pages`); ``policykg serve`` renders ``/report/<id>`` with the same
:func:`render_reading_page`.

Each mention is a ``<mark data-label="law|agency|region|program|docnum">`` whose own text is a
link to its entity; the first mark starting at offset ``s`` has ``id="c<s>"`` (others
``c<s>-<e>``), so ``reports/<id>.html#c<start>`` points at a citation. Overlapping mentions nest:
one inside another is a child mark; one that crosses another's end is split at that end (the
second piece carries ``data-cont``). Every piece of text is HTML-escaped.

>>> m = [{"label": "AGENCY", "start": 0, "end": 8, "canonical": "北碚区卫生健康委"},
...      {"label": "REGION", "start": 0, "end": 3, "code": "500109"}]
>>> str(render_marks("北碚区卫生健康委<开展>", m, lambda label, m: None))
'<mark data-label="agency" id="c0"><mark data-label="region" id="c0-3">北碚区</mark>卫生健康委</mark>&lt;开展&gt;'
"""
from __future__ import annotations

import heapq
import json
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

from markupsafe import Markup, escape

from policykg.graph import iris
from policykg.graph.vocab import ROLE_ORDER

from .i18n import SWITCH_JS, concept_names, ontology_labels, switch_button, text
from .style import ROLE_COLORS, role_color
from .templating import template

#: extraction labels → the mark's data-label, in the legend's order
LABELS = {"LAW": "law", "DOCNUM": "docnum", "AGENCY": "agency", "REGION": "region", "PROGRAM": "program"}
#: the ontology class whose zh/en label names each kind in the legend
LABEL_CLASSES = {"law": "Law", "docnum": "DocumentNumber", "agency": "Agency", "region": "Region",
                 "program": "Program"}
LABEL_COLORS = {"law": "#fde2c4", "docnum": "#e8dcef", "agency": "#d6e4f2", "region": "#efdcea", "program": "#d9efd5"}

#: an href for a mention (label, mention) or None
Linker = Callable[[str, dict], "str | None"]

STRINGS = {
    "source": ("来源", "Source"),
    "issued": ("发布日期", "Published"),
    "agency": ("报告机关", "Agency"),
    "region": ("地区", "Region"),
    "year": ("年度", "Year"),
    "text_file": ("文本文件", "Text file"),
    "legend": ("图例", "Legend"),
    "kinds": ("实体", "Entities"),
    "roles": ("引用角色（法规的底色）", "Citation roles (colour of a law)"),
    "mentions": ("处标注", "mentions marked"),
    "text": ("报告全文（按读取时的文本）", "Full text (as read)"),
    "views": ("视图", "Views"),
    "none": ("无", "none"),
}


# --------------------------------------------------------------------------- marks

@dataclass
class _Piece:
    """A mention's span (or the part of it after a split) and the pieces nested in it."""
    start: int
    end: int
    mention: dict
    first: bool = True
    children: list["_Piece"] = field(default_factory=list)


def nest(mentions: list[dict], length: int) -> list[_Piece]:
    """The mentions as a forest of properly nested pieces (sorted, inside ``[0, length)``)."""
    queue = []
    for i, m in enumerate(mentions):
        s, e = int(m["start"]), int(m["end"])
        s, e = max(0, s), min(length, e)
        if s < e and m.get("label") in LABELS:
            heapq.heappush(queue, (s, -e, i, True))
    roots: list[_Piece] = []
    stack: list[_Piece] = []
    while queue:
        s, neg_e, i, first = heapq.heappop(queue)
        e = -neg_e
        while stack and stack[-1].end <= s:
            stack.pop()
        if stack and e > stack[-1].end:  # crosses its parent's end: split there
            heapq.heappush(queue, (stack[-1].end, -e, i, False))
            e = stack[-1].end
        piece = _Piece(s, e, mentions[i], first)
        (stack[-1].children if stack else roots).append(piece)
        stack.append(piece)
    return roots


def _escape(s: str) -> str:
    """``str(markupsafe.escape(s))`` of a plain string, without a Markup object made per piece of
    text (a report has thousands of pieces)."""
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
            .replace('"', "&#34;"))


def _mark(text_: str, piece: _Piece, link: Linker, ids: set) -> str:
    m = piece.mention
    label = LABELS[m["label"]]
    attrs = [f'data-label="{label}"']
    if label == "law" and m.get("role"):
        attrs.append(f'data-role="{_escape(str(m["role"]))}"')
    if piece.first:
        mid = f"c{piece.start}" if f"c{piece.start}" not in ids else f"c{piece.start}-{int(m['end'])}"
        if mid not in ids:
            ids.add(mid)
            attrs.append(f'id="{mid}"')
    else:
        attrs.append("data-cont")
    title = m.get("canonical") or m.get("surface") or ""
    if title and title != text_[piece.start:piece.end]:
        attrs.append(f'title="{_escape(str(title))}"')
    href = link(label, m)
    out = [f"<mark {' '.join(attrs)}>"]
    out.append(_span(text_, piece.start, piece.end, piece.children, link, ids, href))
    out.append("</mark>")
    return "".join(out)


def _span(text_: str, start: int, end: int, pieces: list[_Piece], link: Linker, ids: set,
          href: str | None = None) -> str:
    """Text from start to end with its pieces marked; the text outside them linked to ``href``."""
    out, at = [], start
    link_open = f'<a href="{_escape(href)}">' if href else ""

    def plain(a: int, b: int) -> None:
        if a < b:
            s = _escape(text_[a:b])
            out.append(f'{link_open}{s}</a>' if href else s)

    for p in pieces:
        plain(at, p.start)
        out.append(_mark(text_, p, link, ids))
        at = p.end
    plain(at, end)
    return "".join(out)


def render_marks(text_: str, mentions: list[dict], link: Linker) -> Markup:
    """The whole text, escaped, with every mention a (nested) ``<mark>``."""
    return Markup(_span(text_, 0, len(text_), nest(mentions, len(text_)), link, set()))


def mention_iri(label: str, m: dict) -> str | None:
    """The IRI of the entity a mention names, as graph.build mints it (None: no entity)."""
    if label == "law":
        return str(iris.law(m["canonical"]))
    if label == "agency":
        return str(iris.agency(m["canonical"])) if not m.get("pronoun") else None
    if label == "region":
        return str(iris.region(m["code"])) if m.get("code") else None
    if label == "program":
        return str(iris.program(m["canonical"]))
    if label == "docnum":  # the document number names a law: link to it
        return str(iris.law(m["law"])) if m.get("law") else None
    return None


#: which view picks each kind of entity in static output (programs: the overview has them)
VIEW_OF = {"law": "law", "docnum": "law", "agency": "agency", "region": "region", "program": "overview"}


def static_linker(views_href: str = "../") -> Linker:
    """Links from a static reading page to the view page that picks the entity (``law.html#IRI``)."""
    @lru_cache(maxsize=65536)  # a report names the same few hundred entities again and again
    def href(view: str, iri: str) -> str:
        return f"{views_href}{view}.html#{quote(iri, safe='')}"

    def link(label: str, m: dict) -> str | None:
        iri = mention_iri(label, m)
        return href(VIEW_OF[label], iri) if iri else None
    return link


def serve_linker(label: str, m: dict) -> str | None:
    """Links from a served reading page to ``policykg serve``'s entity pages."""
    iri = mention_iri(label, m)
    return "/entity?iri=" + quote(iri, safe="") if iri else None


# --------------------------------------------------------------------------- what the store says

REPORTS_QUERY = """PREFIX pk: <https://w3id.org/policykg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?report ?textFile ?title ?label ?agency ?agencyLabel ?region ?regionLabel ?year ?source ?issued WHERE {
  ?report a pk:Report ; pk:textFile ?textFile .
  %s
  OPTIONAL { ?report dcterms:title ?title }
  OPTIONAL { ?report rdfs:label ?label }
  OPTIONAL { ?report pk:year ?year }
  OPTIONAL { ?report dcterms:source ?source }
  OPTIONAL { ?report dcterms:issued ?issued }
  OPTIONAL { ?report pk:issuedBy ?agency . OPTIONAL { ?agency skos:prefLabel ?agencyLabel }
             OPTIONAL { ?agency pk:locatedIn ?region . ?region skos:prefLabel ?regionLabel } }
}"""


def reports_query(text_file: str | None = None) -> str:
    """The query of every report's metadata, or of the report whose text is ``text_file``."""
    one = f"FILTER(STR(?textFile) = {json.dumps(text_file)})" if text_file else ""
    return REPORTS_QUERY % one


@dataclass
class ReportInfo:
    iri: str
    text_file: str
    title: str = ""
    label: str = ""
    agency: str = ""
    agency_label: str = ""
    region: str = ""
    region_label: str = ""
    year: str = ""
    source: str = ""
    issued: str = ""

    @property
    def id(self) -> str:
        """``texts/0332972320eb4044.txt`` → ``0332972320eb4044``: the page's name."""
        return Path(self.text_file).stem

    @classmethod
    def from_row(cls, row: dict[str, str]) -> "ReportInfo":
        keys = {"report": "iri", "textFile": "text_file", "agencyLabel": "agency_label",
                "regionLabel": "region_label"}
        return cls(**{keys.get(k, k): v for k, v in row.items() if v is not None})


def _rows(store, text: str) -> Iterator[dict[str, str | None]]:
    result = store.query(text)
    names = [v.value for v in result.variables]
    for sol in result:
        yield {n: (sol[n].value if sol[n] is not None else None) for n in names}


def report_infos(store) -> dict[str, ReportInfo]:
    """text_file → ReportInfo of every report in a pyoxigraph store (one query)."""
    out: dict[str, ReportInfo] = {}
    for row in _rows(store, reports_query()):
        info = ReportInfo.from_row(row)
        out.setdefault(info.text_file, info)
    return out


# --------------------------------------------------------------------------- records

def iter_records(path: Path, shard: int = 0, shards: int = 1) -> Iterator[dict]:
    """The records of an extraction.jsonl, one at a time (with ``shards``: those on the lines
    whose number modulo ``shards`` is ``shard``; the others are not even decoded)."""
    with open(path, "rb") as f:
        for k, line in enumerate(f):
            if k % shards == shard and line.strip():
                yield json.loads(line)


_TEXT_FILE = re.compile(rb'"text_file":\s*"([^"\\]+)"')


class RecordIndex:
    """Finds one report's record in an extraction.jsonl without parsing the others: the first
    lookup reads the file once for each line's offset and ``text_file`` (thread-safe)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._offsets: dict[str, int] | None = None
        self._lock = threading.Lock()

    def _index(self) -> dict[str, int]:
        with self._lock:
            if self._offsets is None:
                offsets, at = {}, 0
                with open(self.path, "rb") as f:
                    for line in f:
                        for m in _TEXT_FILE.finditer(line):
                            offsets.setdefault(m.group(1).decode("utf-8"), at)
                        at += len(line)
                self._offsets = offsets
            return self._offsets

    def get(self, text_file: str) -> dict | None:
        at = self._index().get(text_file)
        if at is None:
            return None
        with open(self.path, "rb") as f:
            f.seek(at)
            record = json.loads(f.readline().decode("utf-8"))
        return record if record.get("text_file") == text_file else None


def read_text(build_dir: Path, text_file: str) -> str:
    """A report's text exactly as written by the build (offsets count every character, \\r too)."""
    with open(Path(build_dir) / text_file, encoding="utf-8", newline="") as f:
        return f.read()


# --------------------------------------------------------------------------- the page

def _legend(mentions: list[dict]) -> tuple[list[dict], list[dict]]:
    labels = ontology_labels()
    counts: dict[str, int] = {}
    roles: dict[str, int] = {}
    for m in mentions:
        label = LABELS.get(m.get("label"))
        if label:
            counts[label] = counts.get(label, 0) + 1
            if label == "law":
                r = m.get("role") or "其他"
                roles[r] = roles.get(r, 0) + 1
    kinds = [{"label": k, "name": text(*labels.get(LABEL_CLASSES[k], (k, k))), "count": counts[k],
              "color": LABEL_COLORS[k]} for k in LABELS.values() if k in counts]
    role_names = concept_names()
    order = {r: i for i, r in enumerate(ROLE_ORDER)}
    role_items = [{"role": r, "name": text(r, role_names.get(r, r)), "count": roles[r], "color": role_color(r)}
                  for r in sorted(roles, key=lambda r: (order.get(r, len(order)), r))]
    return kinds, role_items


def render_reading_page(record: dict, text_: str, info: ReportInfo | None, link: Linker,
                        home_href: str | None = None, report_href: str | None = None) -> str:
    """The HTML of one report's reading page."""
    mentions = [m for m in record.get("mentions", []) if m.get("label") in LABELS]
    kinds, roles = _legend(mentions)
    meta = record.get("meta") or {}
    source = record.get("source") or {}
    info = info or ReportInfo(iri="", text_file=record.get("text_file", ""))
    title = info.title or meta.get("title") or record.get("doc", "")
    role_css = "\n".join(f' mark[data-label="law"][data-role="{escape(r)}"] {{ background: {c}33; '
                         f'border-bottom: 2px solid {c}; }}' for r, c in ROLE_COLORS.items())
    return template("reading.html").render(
        generator="policykg", title=title, heading=info.label or title, info=info, record=record,
        agency=info.agency_label or record.get("agency") or meta.get("agency") or "",
        region=info.region_label or meta.get("county") or meta.get("city") or meta.get("province") or "",
        year=info.year or record.get("year") or "",
        source=info.source or source.get("url") or "", issued=info.issued or source.get("published") or "",
        body=render_marks(text_, mentions, link), n_mentions=len(mentions), kinds=kinds, roles=roles,
        label_colors=LABEL_COLORS, role_css=Markup(role_css), home_href=home_href, report_href=report_href,
        strings={k: text(*v) for k, v in STRINGS.items()}, switch=switch_button(), switch_js=Markup(SWITCH_JS))


def write_reading_pages(build_dir: Path, out_dir: Path, infos: dict[str, ReportInfo],
                        views_href: str = "../", shard: int = 0, shards: int = 1) -> list[Path]:
    """``out_dir/<id>.html`` for every record of ``build_dir/extraction.jsonl`` whose report is in
    the graph (``infos``, by text file), streamed: one record and one text in memory at a time.
    With ``shards`` > 1, only the records whose line number modulo ``shards`` is ``shard`` (the
    others are not even parsed): one process's part (:mod:`policykg.viz.workers`)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    link = static_linker(views_href)
    written = []
    for record in iter_records(Path(build_dir) / "extraction.jsonl", shard, shards):
        info = infos.get(record.get("text_file", ""))
        if info is None:  # left out of the graph (failed, or a duplicate)
            continue
        html = render_reading_page(record, read_text(build_dir, info.text_file), info, link, home_href=f"{views_href}index.html",
                                   report_href=f"{views_href}overview.html#{quote(info.iri, safe='')}")
        path = out_dir / f"{info.id}.html"
        path.write_text(html, encoding="utf-8", newline="\n")
        written.append(path)
    return written
