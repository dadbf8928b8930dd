"""The extraction's fast lookups find what their plain definitions find, on the real reports
(seeds and dev set): the speed-ups (issue 13) change no match."""
from __future__ import annotations

import pickle
from pathlib import Path

import ahocorasick
import pytest

from policykg.extract.gazetteer import load_gazetteer
from policykg.extract.ingest import read_document
from policykg.extract.organs import load_organs, region_prefix

DEVSET = Path(__file__).parent / "gold" / "devset" / "texts"


@pytest.fixture(scope="module")
def texts(seed_paths) -> list[str]:
    return [read_document(p).text for p in [*seed_paths, *sorted(DEVSET.glob("*.txt"))]]


def every_match_then_leftmost_longest(gaz, text):
    """Gazetteer.find's definition: all overlapping matches, then the leftmost-longest that do not overlap."""
    automaton = ahocorasick.Automaton()
    for key, codes in [*gaz.by_name.items(), *gaz.prefecture_forms.items()]:
        automaton.add_word(key, (key, tuple(codes)))
    automaton.make_automaton()
    matches = sorted(((end - len(key) + 1, end + 1, key, codes) for end, (key, codes) in automaton.iter(text)),
                     key=lambda m: (m[0], -(m[1] - m[0])))
    out, last_end = [], -1
    for m in matches:
        if m[0] >= last_end:
            out.append(m)
            last_end = m[1]
    return out


def test_gazetteer_find_keeps_the_leftmost_longest_of_every_match(texts):
    gaz = load_gazetteer()
    for text in texts:
        assert list(gaz.find(text)) == every_match_then_leftmost_longest(gaz, text)


def test_a_pickled_gazetteer_finds_the_same_names(texts):
    gaz = load_gazetteer()
    copy = pickle.loads(pickle.dumps(gaz))
    assert list(copy.find(texts[0])) == list(gaz.find(texts[0]))


def region_prefix_at_every_length(gaz, text, end):
    """region_prefix's candidates by a lookup at every length, longest first."""
    out = []
    for k in range(min(12, end), 1, -1):
        name = text[end - k:end]
        if gaz.by_name.get(name) or (name.endswith("州") and k >= 3 and gaz.prefecture_forms.get(name)):
            out.append(k)
    return out


def test_region_name_lengths_are_those_a_lookup_at_every_length_finds(texts):
    gaz = load_gazetteer()
    for text in texts[:20]:
        for end in range(len(text) + 1):
            candidates = region_prefix_at_every_length(gaz, text, end)
            assert [k for k in reversed(gaz.name_lengths_ending_at(text, end, 12)) if k in candidates] == candidates
    assert region_prefix(gaz, "四川省达州市司法局", 6) == (3, "达州市", ("511700",))


def test_the_unit_after_an_organ_is_the_first_unit_name_it_starts_with(texts):
    lex = load_organs()
    for text in texts:
        for i in range(len(text)):
            rest = text[i:i + 12]
            assert lex.unit_at_start(rest) == next((u for u in lex.unit_names if rest.startswith(u)), None)


def every_match_by_pyahocorasick(names, text):
    automaton = ahocorasick.Automaton()
    for name in names:
        automaton.add_word(name, name)
    automaton.make_automaton()
    return [(end - len(name) + 1, end + 1, name) for end, name in automaton.iter(text)]


def test_every_match_is_pyahocorasicks_in_its_order(nlp, texts):
    organ_names = load_organs().matcher
    law_names = nlp.get_pipe("pk_laws").bare
    for matcher in (organ_names, law_names):
        for text in texts:
            assert matcher.every_match(text) == every_match_by_pyahocorasick(matcher.names, text)
    assert pickle.loads(pickle.dumps(law_names)).every_match(texts[0]) == law_names.every_match(texts[0])


def test_flat_asdict_is_asdict_for_the_records_written_on_a_doc(nlp, seed_documents):
    from dataclasses import asdict

    from policykg.extract.components.base import meta
    from policykg.extract.pipeline import run
    from policykg.extract.records import Observation, flat_asdict

    for d in seed_documents.values():
        m = meta(run(nlp, d))
        assert flat_asdict(m) == asdict(m) and flat_asdict(d.source) == asdict(d.source)
        plain = flat_asdict(m)
        assert plain["addressed_to"] is not m.addressed_to  # a copy, as asdict's
    o = Observation("罚款", 1.5, "万元", 0, 4, 0, "罚款1.5万元")
    assert flat_asdict(o) == asdict(o)


def test_a_title_is_described_once_and_each_mention_gets_its_own_copy(nlp, monkeypatch):
    import policykg.extract.components.laws as laws

    finder = nlp.get_pipe("pk_laws")
    calls = []
    monkeypatch.setattr(laws, "describe", lambda *a: calls.append(a) or laws.LawInfo("甲法", "法律", aliases=["甲"]))
    finder.described.clear()
    first = finder.describe("甲法", "", ("500000",))
    second = finder.describe("甲法", "", ("500000",))
    assert first == second and len(calls) == 1
    first.aliases.append("乙")
    assert finder.describe("甲法", "", ("500000",)).aliases == ["甲"]
    finder.describe("甲法", "", ())  # another context: described again
    assert len(calls) == 2
    finder.described.clear()
