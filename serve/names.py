"""Names for the query page's parameter fields, from the served store: suggestions as a person
types (``/names?type=law&q=宪``) and a named query's parameter values turned into the canonical
names the queries match on (宪法 → 中华人民共和国宪法).

Both go through :mod:`policykg.resolve` (the matching of ``graph.names.find_node``), so the page,
``policykg query -p law=宪法`` and the Python API accept the same names. The store is opened
read-only in the serving process, next to the query workers' own copies; it never changes while
served, so each kind's names are read once.

>>> index = NameIndex("out/store")                       # doctest: +SKIP
>>> index.suggest("law", "宪")[0]["label"]                # doctest: +SKIP
'中华人民共和国宪法'
>>> index.resolve({"law": "宪法"})                        # doctest: +SKIP
{'law': '中华人民共和国宪法'}
"""
from __future__ import annotations

import threading
from pathlib import Path

from policykg.resolve import KINDS, ParameterError, entities_of_kind, resolve_all

__all__ = ["KINDS", "NameIndex", "ParameterError"]


def _spellings(node: dict) -> list[str]:
    """A node's names in the order a suggestion prefers to show them: label, aliases, code."""
    return [s for s in dict.fromkeys([node["label"], *node["aliases"], node.get("code") or ""]) if s]


def _rank(query: str, spelling: str) -> int | None:
    """0 for the same name, 1 for a name starting with the query, 2 for one containing it."""
    q, s = query.casefold(), spelling.casefold()
    if s == q:
        return 0
    if s.startswith(q):
        return 1
    return 2 if q in s else None


class NameIndex:
    def __init__(self, store_path: str | Path):
        self.store_path = str(store_path)
        self._store = None
        self._entities: dict[str, list[dict]] = {}
        self._lock = threading.Lock()

    def _open(self):
        if self._store is None:
            import pyoxigraph as ox

            self._store = ox.Store.read_only(self.store_path)
        return self._store

    def entities(self, param: str) -> list[dict]:
        """The entities a parameter named ``param`` (law, region, agency, program) takes, each
        {iri, label, aliases, code}; read from the store once."""
        kind = KINDS[param]
        with self._lock:
            if kind not in self._entities:
                G = entities_of_kind(self._open(), kind)
                self._entities[kind] = [{"iri": n, **{k: d.get(k) for k in ("label", "aliases", "code")}}
                                        for n, d in G.nodes(data=True)]
            return self._entities[kind]

    def suggest(self, param: str, query: str, limit: int = 20) -> list[dict]:
        """The entities whose label, alias or code contains ``query``: the same name first, then
        names starting with it, then the rest; shorter labels first within each. Each is
        {value, label, match, iri}: ``value`` is what the field takes (the label, or the code when
        several entities share that label), ``match`` the alias the query found, if not the label."""
        query = query.strip()
        entities = self.entities(param)
        shared = _shared_labels(entities)
        scored = []
        for e in entities:
            hits = [(r, s) for s in _spellings(e) if (r := _rank(query, s)) is not None] if query else [(3, e["label"])]
            if hits:
                rank, spelling = min(hits, key=lambda h: h[0])
                scored.append(((rank, len(e["label"]), e["label"]), e, spelling))
        scored.sort(key=lambda x: x[0])
        return [{"value": e["code"] if e["label"] in shared and e.get("code") else e["label"],
                 "label": e["label"], "match": "" if spelling == e["label"] else spelling, "iri": e["iri"]}
                for _, e, spelling in scored[:limit]]

    def resolve(self, params: dict[str, str]) -> dict[str, str]:
        """``params`` with each value of a known kind replaced by its entity's canonical name.
        Raises :class:`ParameterError` naming candidates or close matches."""
        with self._lock:
            return resolve_all(self._open(), params)


def _shared_labels(entities: list[dict]) -> set[str]:
    seen: set[str] = set()
    shared: set[str] = set()
    for e in entities:
        (shared if e["label"] in seen else seen).add(e["label"])
    return shared
