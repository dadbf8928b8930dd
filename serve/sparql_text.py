"""What a SPARQL request is, told from its tokens in one linear pass: a query or an update,
and which SERVICE endpoints it would call.

The endpoint must know both before a query reaches a worker: an update is refused with 403,
and a SERVICE call is an outbound HTTP request made by pyoxigraph (to loopback, to this very
server, to anything), which the installed pyoxigraph offers no option to turn off. A regular
expression over the whole text backtracks on crafted input and sees SERVICE inside strings,
comments and IRIs; this lexer walks the SPARQL 1.1 terminals instead (strings, IRIs, comments,
variables, prefixed names and keywords), each token matched once, so that a keyword is only
counted where the grammar could read it as one. pyoxigraph still parses the query itself."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Only the tokens that matter are matched; finditer skips punctuation and numbers in C. Each
# alternative starts with its own character, its repetitions are disjoint and its end never
# fails (an unterminated string runs to the end of its line, or of the text, as the grammar
# would read it), so no match backtracks and no text is scanned twice.
_TOKENS = re.compile(r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\\?$) | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\\?$)
              | '(?:[^'\\\n\r]|\\.)*'? | "(?:[^"\\\n\r]|\\.)*"?)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<name>[^\W\d][\w.\-]*(?::[\w.\-:%\\]*)?|:[\w.\-:%\\]*)
""", re.X | re.S)
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
QUERY_KEYWORDS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass
class Request:
    """The SPARQL text's operation ("query", "update", or None when neither keyword starts it;
    pyoxigraph then reports the syntax error) and the SERVICE targets it names: absolute IRIs,
    or None for a variable, a relative IRI or anything that cannot be checked."""
    operation: str | None = None
    services: list[str | None] = field(default_factory=list)


def inspect(text: str) -> Request:
    out = Request()
    prefixes: dict[str, str] = {}
    expect = None            # what the grammar reads next: "prefix-name", "prefix-iri", "service"
    pending_prefix = ""
    for kind, token in _tokens(text):
        upper = token.upper() if kind == "name" else ""
        if expect == "service":
            if upper == "SILENT":
                continue
            out.services.append(_service_iri(kind, token, prefixes))
            expect = None
            continue
        if expect == "prefix-name":
            pending_prefix, expect = (token[:-1], "prefix-iri") if kind == "name" and token.endswith(":") else ("", None)
            continue
        if expect == "prefix-iri":
            if kind == "iri":
                prefixes[pending_prefix] = token[1:-1]
            expect = None
            continue
        if kind != "name":
            continue
        if upper == "PREFIX" and out.operation is None:
            expect = "prefix-name"
        elif upper == "SERVICE":
            expect = "service"
        elif out.operation is None and upper != "BASE":
            if upper in UPDATE_KEYWORDS:
                out.operation = "update"
            elif upper in QUERY_KEYWORDS:
                out.operation = "query"
    if expect == "service":  # SERVICE at the very end: a syntax error, but never let it through
        out.services.append(None)
    return out


def _tokens(text: str):
    """(kind, text) of the tokens that matter. A run of letters and dots without a colon is
    split at the dots: ``true.SERVICE`` is the keyword true, a dot and the keyword SERVICE."""
    for m in _TOKENS.finditer(text):
        kind, token = m.lastgroup, m.group()
        if kind in ("comment", "lang"):
            continue
        if kind == "name" and ":" not in token and "." in token:
            yield from (("name", part) for part in token.split(".") if part)
        else:
            yield kind, token


def _service_iri(kind: str, token: str, prefixes: dict[str, str]) -> str | None:
    if kind == "iri":
        iri = token[1:-1]
    elif kind == "name" and ":" in token:
        prefix, _, local = token.partition(":")
        if prefix not in prefixes:
            return None
        iri = prefixes[prefix] + local
    else:
        return None
    return iri if _ABSOLUTE_IRI.match(iri) else None



def undeclared_prefixes(text: str) -> list[str]:
    """The prefixes that prefixed names of ``text`` use without a PREFIX declaration, in order
    of first use: ``undeclared_prefixes("SELECT * { ?s a pk:Law }") == ["pk"]``."""
    declared: set[str] = set()
    missing: dict[str, None] = {}
    expect_prefix = False
    for kind, token in _tokens(text):
        if kind != "name":
            expect_prefix = False
            continue
        if expect_prefix and token.endswith(":"):
            declared.add(token[:-1])
        elif ":" in token and not token.startswith("_:"):
            prefix = token.partition(":")[0]
            if prefix not in declared:
                missing.setdefault(prefix)
        expect_prefix = token.upper() == "PREFIX"
    return [p for p in missing if p not in declared]
