"""The pipeline's tokenizer (extract/tokenizer.py): jieba's words cut by jieba-rs, the same tokens
as spaCy's own jieba segmenter on every real report, registered so that a saved pipeline loads
with it, and Python jieba when rjieba is missing."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import spacy
from spacy.util import get_words_and_spaces

from policykg.extract.ingest import read_document
from policykg.extract.pipeline import build_nlp
from policykg.extract.tokenizer import JiebaTokenizer, python_jieba_words, rjieba_words, words_and_spaces

DEVSET_TEXTS = Path(__file__).parent / "gold" / "devset" / "texts"


@pytest.fixture(scope="module")
def report_texts(seed_paths) -> dict[str, str]:
    """The normalised text of every seed and dev-set report (what the pipeline segments)."""
    paths = [*seed_paths, *sorted(DEVSET_TEXTS.glob("*.txt"))]
    assert len(paths) >= 50
    return {p.name: read_document(p).text for p in paths}


@pytest.fixture(scope="module")
def spacy_jieba():
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def tokens(doc) -> list[tuple[str, str]]:
    return [(t.text, t.whitespace_) for t in doc]


def test_jieba_rs_cuts_every_report_into_python_jiebas_words(report_texts):
    for name, text in report_texts.items():
        assert rjieba_words(text) == python_jieba_words(text), name


def test_the_tokenizer_gives_the_tokens_of_spacys_jieba_segmenter(report_texts, spacy_jieba):
    nlp = build_nlp()
    assert isinstance(nlp.tokenizer, JiebaTokenizer) and nlp.tokenizer.backend == "rjieba"
    for name, text in report_texts.items():
        doc = nlp.make_doc(text)
        assert doc.text == text
        assert tokens(doc) == tokens(spacy_jieba.make_doc(text)), name


@pytest.mark.parametrize("text, words", [
    # jieba-rs keeps an ASCII run whole; Python jieba's HMM cuts it
    ("《法治政府建设实施纲要（2021-2025年）》", ["《", "法治", "政府", "建设", "实施", "纲要", "（", "2021", "-", "2025",
                                           "年", "）", "》"]),
    ("发布时间：2024-03-01", ["发布", "时间", "：", "2024", "-", "03", "-", "01"]),
    ("增长3.5%，版本1.2.3", ["增长", "3.5%", "，", "版本", "1.2", ".", "3"]),
    # characters beyond U+9FD5 and in CJK extension B are single symbols to Python jieba
    ("鿖鿿文字𠀀𠀁汉字", ["鿖", "鿿", "文字", "𠀀", "𠀁", "汉字"]),
])
def test_the_places_where_jieba_rs_and_python_jieba_differ(text, words):
    assert python_jieba_words(text) == words
    assert rjieba_words(text) == words


def test_words_and_spaces_is_spacys_alignment(report_texts):
    for name, text in list(report_texts.items())[:10]:
        words = rjieba_words(text)
        assert words_and_spaces(words, text) == get_words_and_spaces(words, text), name
    text = " 我 们  好\n \n"
    words = python_jieba_words(text)
    assert words_and_spaces(words, text) == get_words_and_spaces(words, text)


def test_python_jieba_is_the_fallback_without_rjieba(monkeypatch, spacy_jieba):
    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba raises ImportError
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "policykg.JiebaTokenizer.v1"}}})
    assert nlp.tokenizer.backend == "jieba"
    text = "《法治政府建设实施纲要（2021-2025年）》印发后"
    assert tokens(nlp.make_doc(text)) == tokens(spacy_jieba.make_doc(text))
    with pytest.raises(ImportError):
        JiebaTokenizer(nlp.vocab, backend="rjieba")


def test_a_saved_pipeline_names_its_tokenizer_and_loads_it_in_a_fresh_process(tmp_path):
    nlp = build_nlp()
    assert nlp.config["nlp"]["tokenizer"] == {"@tokenizers": "policykg.JiebaTokenizer.v1", "backend": "auto"}
    nlp.to_disk(tmp_path / "pipeline")
    text = "《法治政府建设实施纲要（2021-2025年）》"
    # the fresh process imports nothing of policykg: spacy.load finds the tokenizer by its entry point
    script = textwrap.dedent(f"""
        import json, spacy
        nlp = spacy.load({str(tmp_path / "pipeline")!r})
        print(json.dumps([type(nlp.tokenizer).__name__, nlp.tokenizer.backend,
                          [t.text for t in nlp.make_doc({text!r})]], ensure_ascii=False))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        "JiebaTokenizer", "rjieba", [t.text for t in nlp.make_doc(text)]]


def test_the_dictionary_lookups_are_python_jiebas():
    """The components' word lookups, read from jieba's dict.txt, answer as Python jieba's tables."""
    import jieba
    import jieba.posseg

    from policykg.extract.jieba_dict import word_frequencies, word_tags

    jieba.initialize()
    jieba.posseg.dt.initialize()
    assert word_tags() == jieba.posseg.dt.word_tag_tab
    freq = word_frequencies()
    assert {w for w, f in jieba.dt.FREQ.items() if f} == {w for w, f in freq.items() if f}
    assert word_tags()["城区"] == "n" and freq["和"] > 0 and not freq.get("和县司")


@pytest.mark.parametrize("words", [
    ["我", " ", " ", "们", "\u3000", " ", "好", " "],  # runs of whitespace words, a full-width space
    [" ", "甲", "\n", " ", "乙", "  ", "丙"],  # whitespace first; a space after a newline
    ["甲", " ", "\n", "\n", " ", " ", "乙", "\t"],
    ["甲", "乙", "丙"],  # no whitespace at all
    ["\n", " "],  # nothing but whitespace
])
def test_words_and_spaces_copies_the_words_between_whitespace_runs_as_spacy_aligns_them(words):
    text = "".join(words)
    assert words_and_spaces(words, text) == get_words_and_spaces(words, text)


def test_a_doc_made_of_remembered_hashes_is_the_doc_made_of_the_words(report_texts):
    from spacy.tokens import Doc

    tokenizer = JiebaTokenizer(spacy.blank("zh").vocab, "rjieba")
    for text in list(report_texts.values())[:10]:
        tokenizer(text)  # the words are remembered now
        words, spaces = words_and_spaces(rjieba_words(text), text)
        assert tokenizer(text).to_bytes() == Doc(tokenizer.vocab, words=words, spaces=spaces).to_bytes()


def test_words_forgotten_by_a_memory_zone_are_hashed_again():
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "policykg.JiebaTokenizer.v1",
                                                            "backend": "rjieba"}}})
    text = "甲乙丙丁戊己庚辛壬癸 xyzzy 法治政府"
    with nlp.memory_zone():
        inside = tokens(nlp.make_doc(text))
    assert tokens(nlp.make_doc(text)) == inside
