"""Finding an entity of the networkx projection by the name a person writes: its label, an alias,
a region's full name or code, or its IRI. Shared by the views' pickers and the API's named-query
parameters (宪法 → 中华人民共和国宪法)."""
from __future__ import annotations

import difflib
from typing import Any, Iterable

import networkx as nx

from .analytics import region_name


class NameLookupError(ValueError):
    """A name that matches no entity, or several; the message names candidates or close matches."""


def nodes_of_type(G: nx.MultiDiGraph, *types: str) -> list:
    return sorted((n for n, t in G.nodes(data="type") if t in types), key=str)


def node_label(G: nx.MultiDiGraph, n: Any) -> str:
    """A node's label; a region's most specific name (its full name)."""
    d = G.nodes[n]
    if d.get("type") == "Region":
        return region_name(G, n)
    return str(d.get("label") or n)


def _names(G: nx.MultiDiGraph, n: Any) -> list[str]:
    d = G.nodes[n]
    names = [str(d.get("label") or ""), *map(str, d.get("aliases") or [])]
    if d.get("type") == "Region":
        names += [region_name(G, n), str(d.get("code") or "")]
    return [s for s in dict.fromkeys(names) if s]


def find_node(G: nx.MultiDiGraph, name: str, types: Iterable[str]) -> Any:
    """The node of one of ``types`` named ``name``: its label, an alias, a region's full name or
    code, or its IRI; exact (case-insensitive) first, then a unique substring. Raises
    :class:`NameLookupError` naming the candidates (ambiguous) or close matches (unknown)."""
    types = tuple(types)
    kind = "/".join(t.lower() for t in types)
    q = name.strip()
    ql = q.casefold()
    cands = [n for n in nodes_of_type(G, *types)]
    if not q:
        raise NameLookupError(f"an empty {kind} name")

    def describe(n):
        d = G.nodes[n]
        code = f" ({d['code']})" if d.get("code") else ""
        return f"{node_label(G, n)}{code}"

    exact = [n for n in cands if str(n) == q or ql in {s.casefold() for s in _names(G, n)}]
    if len(exact) == 1:
        return exact[0]
    subs = exact or [n for n in cands if any(ql in s.casefold() for s in _names(G, n))]
    if len(subs) == 1:
        return subs[0]
    if subs:
        shown = "; ".join(describe(n) for n in subs[:12]) + ("; …" if len(subs) > 12 else "")
        raise NameLookupError(f"{kind} {name!r} is ambiguous: {len(subs)} match ({shown}); give a full name"
                        + (" or a code" if "Region" in types else ""))
    everything = sorted({s for n in cands for s in _names(G, n)})
    close = difflib.get_close_matches(q, everything, n=8, cutoff=0.4)
    if not close:  # short queries against long names: rank by the ratio on each name
        scored = sorted(everything, key=lambda s: -difflib.SequenceMatcher(None, q, s).ratio())
        close = [s for s in scored[:5] if difflib.SequenceMatcher(None, q, s).ratio() > 0.2]
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise NameLookupError(f"no {kind} named {name!r} in the graph ({len(cands)} {kind} nodes){hint}")
