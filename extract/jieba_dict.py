"""jieba's bundled dictionary (jieba/dict.txt: word, frequency, part-of-speech tag) as two
lookups, read straight from the file.

The components ask the dictionary whether a string is a word and what kind of word it is (城区 is a
noun, 和 a conjunction). Python jieba answers from tables it builds for segmenting (a prefix
dictionary with every word's prefixes, then the tag table of jieba.posseg): a second or two of
start-up in every process, and the segmenting itself is done by jieba-rs (tokenizer.py).

    >>> word_frequencies()["法治"] > 0, word_tags()["和"]
    (True, 'c')
"""
from __future__ import annotations

import functools
import re

# one line of dict.txt: word, frequency, and the tag (optional in a user dictionary)
_ENTRY = re.compile(r"^[ \t]*(\S+) (\d+)(?: (\S+))?[ \t\r]*$", re.M)


@functools.lru_cache(maxsize=1)
def _entries() -> tuple[dict[str, int], dict[str, str]]:
    import jieba

    with jieba.dt.get_dict_file() as f:  # the default dictionary (the project adds no user words)
        entries = _ENTRY.findall(f.read().decode("utf-8"))
    return {w: int(n) for w, n, _t in entries}, {w: t for w, _n, t in entries if t}


def word_frequencies() -> dict[str, int]:
    """word → its frequency in jieba's dictionary (jieba.dt.FREQ without the prefixes of words)."""
    return _entries()[0]


def word_tags() -> dict[str, str]:
    """word → its part-of-speech tag in jieba's dictionary (jieba.posseg's word_tag_tab)."""
    return _entries()[1]
