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


@functools.lru_cache(maxsize=1)
def _entries() -> tuple[dict[str, int], dict[str, str]]:
    import jieba

    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    with jieba.dt.get_dict_file() as f:  # the default dictionary (the project adds no user words)
        for line in f.read().decode("utf-8").splitlines():
            parts = line.strip().split(" ")
            if len(parts) >= 2:
                freq[parts[0]] = int(parts[1])
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return freq, tags


def word_frequencies() -> dict[str, int]:
    """word → its frequency in jieba's dictionary (jieba.dt.FREQ without the prefixes of words)."""
    return _entries()[0]


def word_tags() -> dict[str, str]:
    """word → its part-of-speech tag in jieba's dictionary (jieba.posseg's word_tag_tab)."""
    return _entries()[1]
