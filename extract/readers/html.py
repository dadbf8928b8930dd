"""Web pages (.html/.htm/.shtml): the article body only, with the page's own provenance.

trafilatura finds the main content, so menus, breadcrumbs, sidebars, footers and share bars
(which name other agencies) stay out of the text. Government sites declare their publication
date in meta tags (PubDate, ArticleTime …) or print it (发布时间：2022-01-20); both are read.
"""
from __future__ import annotations

import re
from pathlib import Path

from .base import IngestError, Limits, ReadResult, check_chars, version_of

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}
# meta tags Chinese government CMSs (TRS, 大汉, 政府网站集约化平台) put the publication date in
_DATE_META = ("pubdate", "articletime", "publishdate", "firstpublishedtime", "article:published_time",
              "dc.date", "dcterms.issued", "date")
_TITLE_META = ("articletitle", "og:title", "dc.title")
_VISIBLE_DATE = re.compile(r"(?:发布|发表|成文)(?:时间|日期)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ISO_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def decode_page(data: bytes, path: str) -> str:
    """The page as text: its declared charset (GB2312/GBK widened to GB18030), else detected."""
    declared = _DECLARED_CHARSET.search(data[:4096])
    if declared:
        enc = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(_SUPERSETS.get(enc, enc))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall back to detection
    from .text import decode

    return decode(data, path)[0]


def _iso(match) -> str:
    y, m, d = (int(g) for g in match.groups())
    return f"{y:04d}-{m:02d}-{d:02d}" if 1990 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31 else ""


def _meta(tree, names: tuple[str, ...]) -> str:
    found = {}
    for el in tree.iter("meta"):
        name = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        if name in names and el.get("content", "").strip():
            found.setdefault(name, el.get("content").strip())
    return next((found[n] for n in names if n in found), "")


def _published(tree, page_text: str, fallback: str) -> str:
    meta = _meta(tree, _DATE_META)
    if meta and (m := _ISO_DATE.search(meta)) and _iso(m):
        return _iso(m)
    if (m := _VISIBLE_DATE.search(page_text)) and _iso(m):
        return _iso(m)
    return fallback or ""


def _canonical_url(tree) -> str:
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            return el.get("href").strip()
    return _meta(tree, ("og:url",))


def read_html(path: Path, limits: Limits) -> ReadResult:
    import lxml.html
    import trafilatura

    # lxml refuses str input that still carries an XML encoding declaration (XHTML pages)
    page = _XML_DECLARATION.sub("", decode_page(path.read_bytes(), str(path)), count=1)
    try:
        tree = lxml.html.document_fromstring(page)
    except Exception as e:  # lxml raises several types for broken markup
        raise IngestError(str(path), f"not a readable web page ({e})")
    visible = " ".join(tree.text_content().split())
    found = trafilatura.bare_extraction(tree, include_tables=True, include_comments=False, with_metadata=True)
    body = (found.text or "").strip() if found else ""
    if not body:
        raise IngestError(str(path), "web page without an article body (no main content found)")
    title = (_meta(tree, _TITLE_META) or (found.title or "")).strip()
    text = body if not title or body.lstrip().startswith(title) else f"{title}\n{body}"
    return ReadResult(
        text=check_chars(path, text, limits) + "\n",
        format="html",
        reader=version_of("trafilatura"),
        title=title,
        published=_published(tree, visible, found.date or ""),
        url=_canonical_url(tree) or (found.url or ""),
    )
