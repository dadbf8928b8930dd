"""The pipeline's tokenizer: jieba's words, cut by jieba-rs (the ``rjieba`` binding) when it is
installed, by Python jieba otherwise.

spaCy's own Chinese tokenizer (``segmenter = "jieba"``) runs Python jieba, which segments about
0.4 MB of text per CPU-second; jieba-rs cuts with the same dictionary and the same HMM some
twenty times faster. Its words are Python jieba's except in two places, which are put right
here so that the tokens, and so every mention's edges, stay those of Python jieba:

- an ASCII run that is no word of the dictionary stays one token in jieba-rs (2021-2025,
  2024-03-01, 1.2.3); Python jieba splits it like its HMM does (2021 / - / 2025):

  >>> as_python_jieba("2021-2025")
  ['2021', '-', '2025']
  >>> as_python_jieba("3.5%")
  ['3.5%']

- jieba-rs counts the rarer CJK blocks (extension A and beyond, U+9FD6-U+9FFF, compatibility
  ideographs) as Chinese; Python jieba does not and gives each such character alone, and the
  text on either side of it is cut on its own: the text is cut in pieces at those characters.

The tokenizer is registered (``policykg.JiebaTokenizer.v1``) and configured in the pipeline's
config, so that a saved pipeline (``nlp.to_disk``) loads with it in a fresh process
(``spacy.load``, through the spacy_tokenizers entry point). It keeps no state of its own: the
dictionary is jieba's bundled one, the same for both cutters (the project adds no user words).
"""
from __future__ import annotations

import re
from typing import Callable

from spacy.tokens import Doc
from spacy.util import DummyTokenizer, get_words_and_spaces, registry
from spacy.vocab import Vocab

from .components.base import remember_text

BACKENDS = ("auto", "rjieba", "jieba")

# the characters of Python jieba's Chinese blocks that are no Chinese character (jieba.re_han_default)
_ASCII_IN_BLOCK = re.compile(r"[a-zA-Z0-9+#&._%\-]+")
# how Python jieba's HMM cuts such a run that is no dictionary word (jieba.finalseg.re_skip)
_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# CJK characters jieba-rs cuts as Chinese and Python jieba (U+4E00-U+9FD5) as single symbols
_RARE_HAN = re.compile(r"([\u3400-\u4DBF\u9FD6-\u9FFF\uF900-\uFAFF\U00020000-\U0003134F])")


def rjieba_available() -> bool:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


def python_jieba_words(text: str) -> list[str]:
    """Python jieba's words, as spaCy's own zh tokenizer takes them."""
    import jieba

    return [w for w in jieba.cut(text, cut_all=False) if w]


def as_python_jieba(word: str) -> list[str]:
    """A word of jieba-rs as Python jieba's words: an ASCII run that is no dictionary word is cut
    like Python jieba's HMM cuts it; any other word is kept."""
    import rjieba

    if (len(word) > 1 and word.isascii() and _ASCII_IN_BLOCK.fullmatch(word) and not _HMM_SKIP.fullmatch(word)
            and not rjieba.has_word(word)):
        return [w for w in _HMM_SKIP.split(word) if w]
    return [word]


def rjieba_words(text: str) -> list[str]:
    """Python jieba's words, cut by jieba-rs.

    >>> rjieba_words("《法治政府建设实施纲要（2021-2025年）》")
    ['《', '法治', '政府', '建设', '实施', '纲要', '（', '2021', '-', '2025', '年', '）', '》']
    """
    import rjieba

    if _RARE_HAN.search(text):
        words: list[str] = []
        for piece in _RARE_HAN.split(text):
            if len(piece) == 1 and _RARE_HAN.match(piece):
                words.append(piece)
            elif piece:
                words += rjieba_words(piece)
        return words
    words = rjieba.cut(text)
    # only an ASCII run may need cutting again: find those first, then copy the rest in slices
    ascii_runs = [i for i, w in enumerate(words) if w.isascii() and len(w) > 1]
    if not ascii_runs:
        return words
    out: list[str] = []
    copied = 0
    for i in ascii_runs:
        out += words[copied:i]
        out += as_python_jieba(words[i])
        copied = i + 1
    out += words[copied:]
    return out


class JiebaTokenizer(DummyTokenizer):
    """Segments with jieba (jieba-rs when ``backend`` is "rjieba", or "auto" and rjieba is
    installed; Python jieba otherwise): the tokens of spaCy's ``segmenter = "jieba"``."""

    def __init__(self, vocab: Vocab, backend: str = "auto"):
        if backend not in BACKENDS:
            raise ValueError(f"backend {backend!r}: one of {', '.join(BACKENDS)}")
        if backend == "rjieba" and not rjieba_available():
            raise ImportError("backend 'rjieba' needs the rjieba package (pip install rjieba)")
        self.vocab = vocab
        self.backend = "rjieba" if backend == "rjieba" or backend == "auto" and rjieba_available() else "jieba"
        self.words: Callable[[str], list[str]] = rjieba_words if self.backend == "rjieba" else python_jieba_words
        self._orths: dict[str, int] = {}  # word → its hash in the vocab's strings

    def __call__(self, text: str) -> Doc:
        words, spaces = words_and_spaces(self.words(text), text)
        try:
            doc = Doc(self.vocab, words=self.orths(words), spaces=spaces)
        except KeyError:  # a string gone from the vocab (a spaCy memory zone ended): hash afresh
            self._orths.clear()
            doc = Doc(self.vocab, words=words, spaces=spaces)
        remember_text(doc, text)
        return doc

    def orths(self, words: list[str]) -> list[int]:
        """The words' hashes, from a dictionary of the words met so far: a Doc made of hashes looks
        each word up once in the vocab, a Doc made of strings hashes each word and looks it up in
        the vocab's strings too (about twice as long)."""
        known = self._orths
        try:
            return [known[w] for w in words]
        except KeyError:
            add = self.vocab.strings.add
            for w in words:
                if w not in known:
                    known[w] = add(w)
            return [known[w] for w in words]


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's words and trailing spaces of jieba's words, which cover ``text`` exactly: one space
    after a word is the word's trailing space, any other whitespace is a token of its own. The
    same as ``spacy.util.get_words_and_spaces`` in one pass (that one searches the rest of the
    text for each word, quadratic in a long report).

    >>> words_and_spaces(["我", " ", "们", " ", " ", "好", "\\n"], "我 们  好\\n")
    (['我', '们', ' ', '好', '\\n'], [True, True, False, False, False])
    """
    if "".join(words) != text:
        return get_words_and_spaces(words, text)
    # only the whitespace words change anything: find them first, then copy the rest in slices
    blanks = [i for i, w in enumerate(words) if w.isspace()]
    out: list[str] = []
    spaces: list[bool] = []
    copied = 0
    k = 0
    while k < len(blanks):
        first = last = blanks[k]
        while k + 1 < len(blanks) and blanks[k + 1] == last + 1:
            k += 1
            last = blanks[k]
        k += 1
        out += words[copied:first]
        spaces += [False] * (first - copied)
        gap = "".join(words[first:last + 1])  # a run of whitespace words
        if out and not spaces[-1] and gap[0] == " " and not out[-1].isspace():
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            out.append(gap)
            spaces.append(False)
        copied = last + 1
    out += words[copied:]
    spaces += [False] * (len(words) - copied)
    return out, spaces


@registry.tokenizers("policykg.JiebaTokenizer.v1")
def create_jieba_tokenizer(backend: str = "auto") -> Callable:
    """``backend``: "auto" (jieba-rs if rjieba is installed, else Python jieba), "rjieba" or "jieba"."""
    def make(nlp) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, backend)

    return make
