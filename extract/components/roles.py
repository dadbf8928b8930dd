"""pk_citation_roles: how each law is cited — studied, publicised, enforced, drafted or reviewed —
from the trigger words of its sentence (``ontology/data/citation_roles.yaml``). The triggers
that decided are kept on the mention, so that a researcher can see why."""
from __future__ import annotations

import functools
from importlib import resources

import ahocorasick
import yaml
from spacy.language import Language
from spacy.tokens import Doc

from ..records import LAW
from .base import document, of_label

OTHER = "其他"


@functools.lru_cache(maxsize=1)
def load_roles() -> dict[str, list[str]]:
    with resources.files("policykg.ontology").joinpath("data/citation_roles.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


class RoleClassifier:
    def __init__(self):
        roles = load_roles()
        self.priority = {role: i for i, role in enumerate(roles)}
        self.automaton = ahocorasick.Automaton()
        words: dict[str, list[str]] = {}
        for role, triggers in roles.items():
            for t in triggers:
                words.setdefault(t, []).append(role)
        for w, rs in words.items():
            self.automaton.add_word(w, (w, rs))
        self.automaton.make_automaton()

    def classify(self, sentence: str, start: int, end: int) -> tuple[str, list[str]]:
        """Role of a citation at [start, end) of ``sentence`` and the triggers that decided it."""
        best = None
        found: list[tuple[str, list[str]]] = []
        for e, (word, roles) in self.automaton.iter(sentence):
            s = e - len(word) + 1
            if start <= s < end:
                continue  # a word inside the title itself (…管理办法 contains 管理) is not a trigger
            found.append((word, roles))
            # distance to the citation; triggers before the title weigh a little more
            dist = start - (e + 1) if e < start else (s - end) + 2
            for role in roles:
                key = (max(dist, 0), self.priority[role])
                if best is None or key < best[0]:
                    best = (key, role, word)
        if best is None:
            return OTHER, []
        role = best[1]
        # every trigger of the winning role in the sentence, the deciding one first
        triggers = [best[2]] + sorted({w for w, rs in found if role in rs} - {best[2]})
        return role, triggers

    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        for m in of_label(doc, LAW):
            if m.sentence < 0:
                continue
            sent = d.sentences[m.sentence]
            # the sentence text is normalised; locate the mention in it through raw offsets
            raw_sentence = d.raw[sent.start:sent.end]
            rs, re_ = m.start - sent.start, m.end - sent.start
            role, triggers = self.classify(raw_sentence, rs, re_)
            m.attrs["role"], m.attrs["triggers"] = role, triggers
        return doc


@Language.factory("pk_citation_roles")
def make_role_classifier(nlp: Language, name: str) -> RoleClassifier:
    return RoleClassifier()
