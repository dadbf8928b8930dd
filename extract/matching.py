"""Finding many names in a text at once, with a Rust Aho-Corasick automaton (ahocorasick-rs).

pyahocorasick's automaton walks a node's children one by one; with the thousands of first
characters of the gazetteer's or the law registry's names at its root, it read some 4 MB of text
per CPU-second, and every match then went through Python. ahocorasick-rs reads some ten times
faster, and keeps the leftmost-longest matches itself where that is what is wanted.

>>> NameMatcher(["北碚", "北碚区", "碚区司法局"]).every_match("北碚区司法局")
[(0, 2, '北碚'), (0, 3, '北碚区'), (1, 6, '碚区司法局')]
>>> NameMatcher(["北碚", "北碚区", "碚区司法局"], leftmost_longest=True).every_match("北碚区司法局")
[(0, 3, '北碚区')]
"""
from __future__ import annotations

from typing import Iterable

import ahocorasick_rs


class NameMatcher:
    """The places of ``names`` in a text: every match, overlapping ones too (ordered by end, the
    longest first at one end: pyahocorasick's ``Automaton.iter`` order), or with
    ``leftmost_longest`` only the leftmost-longest matches that do not overlap."""

    def __init__(self, names: Iterable[str], *, leftmost_longest: bool = False):
        self.names = list(dict.fromkeys(names))
        self.leftmost_longest = leftmost_longest
        self._build()

    def _build(self) -> None:
        kind = ahocorasick_rs.MatchKind.LeftmostLongest if self.leftmost_longest else ahocorasick_rs.MatchKind.Standard
        self._automaton = ahocorasick_rs.AhoCorasick(self.names, matchkind=kind)

    def every_match(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of the matches in ``text`` (character offsets)."""
        names = self.names
        if self.leftmost_longest:
            return [(s, e, names[i]) for i, s, e in self._automaton.find_matches_as_indexes(text)]
        found = self._automaton.find_matches_as_indexes(text, overlapping=True)
        found.sort(key=lambda m: (m[2], m[1]))
        return [(s, e, names[i]) for i, s, e in found]

    def __len__(self) -> int:
        return len(self.names)

    # the automaton does not pickle (a spawned worker gets the pipeline pickled): it is rebuilt
    def __getstate__(self) -> dict:
        return {"names": self.names, "leftmost_longest": self.leftmost_longest}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._build()
