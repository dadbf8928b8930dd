"""pk_citation_roles: how each law is cited — studied, publicised, enforced, drafted or reviewed —
from the trigger words of its sentence (``ontology/data/citation_roles.yaml``). The triggers
that decided are kept on the mention, so that a researcher can see why."""
from __future__ import annotations

import ahocorasick
from spacy.language import Language
from spacy.tokens import Doc

from ..records import LAW
from ..datafiles import read_yaml
from .base import DataComponent, document, spans

OTHER = "其他"
CLAUSE_MARKS = "，；：,;:"
# distances, in characters, added to a trigger's: one per clause mark between it and the law, and
# for a verb that only describes the law (新修订的《…》)
CLAUSE_PENALTY = 30
MODIFIER_PENALTY = 60


class RoleClassifier(DataComponent):
    """Roles and their trigger words (role → triggers, in order of priority) are its data."""

    files = {"roles": "citation_roles.yaml"}

    def __init__(self, roles: str | None = None, clause_penalty: int = CLAUSE_PENALTY,
                 modifier_penalty: int = MODIFIER_PENALTY):
        super().__init__(roles=roles)
        self.clause_penalty = clause_penalty
        self.modifier_penalty = modifier_penalty

    def load(self, files) -> None:
        roles: dict[str, list[str]] = read_yaml(files["roles"])
        self.priority = {role: i for i, role in enumerate(roles)}
        self.automaton = ahocorasick.Automaton()
        words: dict[str, list[str]] = {}
        for role, triggers in roles.items():
            for t in triggers:
                words.setdefault(t, []).append(role)
        for w, rs in words.items():
            self.automaton.add_word(w, (w, rs))
        self.automaton.make_automaton()

    def classify(self, sentence: str, start: int, end: int,
                 titles: list[tuple[int, int]] = ()) -> tuple[str, list[str]]:
        """Role of a citation at [start, end) of ``sentence`` and the triggers that decided it.
        ``titles`` are the spans of every title cited in the sentence: words inside a title
        (…管理办法 contains 管理, 《…普法项目清单》 contains 普法) are not triggers."""
        self.ensure_data()
        best = None
        found: list[tuple[str, list[str]]] = []
        blocked = [(start, end), *titles]
        for e, (word, roles) in self.automaton.iter(sentence):
            s = e - len(word) + 1
            if any(b0 <= s < b1 for b0, b1 in blocked):
                continue
            found.append((word, roles))
            # distance in characters outside the other titles: an enumeration of laws after one
            # verb (学习《A》《B》《C》) keeps them all close to it
            if e < start:
                between = _outside(sentence, e + 1, start, blocked)
                dist = len(between)
                # 新修订的《…》, 新出台的《A》、《B》: the verb describes the laws, it is not the
                # report's action
                if between.strip("《》、和及与") == "的":
                    dist += self.modifier_penalty
            else:
                between = _outside(sentence, end, s, blocked)
                dist = len(between) + 2
            # a trigger in another clause speaks about another action
            dist += self.clause_penalty * sum(between.count(c) for c in CLAUSE_MARKS)
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
        laws = []  # (span, raw start, raw end, sentence)
        for span in spans(doc, LAW):
            start, end = d.to_raw(span.start_char, span.end_char)
            sent = d.sentence_at(start)
            if sent is not None:
                laws.append((span, start, end, sent))
        by_sentence: dict[int, list] = {}
        for law in laws:
            by_sentence.setdefault(law[3].index, []).append(law)
        for span, start, end, sent in laws:
            # the sentence text is normalised; locate the mention in it through raw offsets
            raw_sentence = d.raw[sent.start:sent.end]
            # the spans of the other laws cited in the sentence (with their 《》 when written)
            titles = [(o[1] - sent.start, o[2] - sent.start) for o in by_sentence[sent.index] if o[0] is not span]
            span._.role, span._.triggers = self.classify(raw_sentence, start - sent.start, end - sent.start, titles)
        return doc


def _outside(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> str:
    """text[a:b] without the characters inside any of ``spans`` (the other cited titles)."""
    pieces, pos = [], a
    for s0, s1 in sorted(spans):
        s0, s1 = max(s0, pos), min(s1, b)
        if s0 < s1:
            pieces.append(text[pos:s0])
            pos = s1
    pieces.append(text[pos:b])
    return "".join(pieces)


@Language.factory(
    "pk_citation_roles",
    default_config={"roles": None, "clause_penalty": CLAUSE_PENALTY, "modifier_penalty": MODIFIER_PENALTY},
    requires=["span._.in_registry"],  # the laws (pk_laws)
    assigns=["span._.role", "span._.triggers"],
)
def make_role_classifier(nlp: Language, name: str, roles: str | None, clause_penalty: int,
                         modifier_penalty: int) -> RoleClassifier:
    """``roles``: a YAML file of role → trigger words (default: the package's citation_roles.yaml)."""
    return RoleClassifier(roles, clause_penalty, modifier_penalty)
