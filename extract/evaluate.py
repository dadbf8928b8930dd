"""Compare extraction records with a gold annotation (the format of
``shared/corpus/gold/seeds.jsonl``): precision, recall and F1 per field, micro-averaged over
the documents, with strings normalised as the gold's README prescribes."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

# Set-valued fields, and the optional gold field whose items are neither rewarded nor penalised.
LIST_FIELDS = ("laws", "doc_numbers", "agencies", "regions", "regions_cooperation", "programs")
OPTIONAL = {"laws": "laws_optional"}
# Single-valued fields, scored as one-item sets (an empty value is no item).
SCALAR_FIELDS = ("agency", "province", "city", "county", "year", "date")

_DROP = re.compile(r"[\s《》〈〉“”\"'‘’「」『』]")
# Inside programs, punctuation is not significant (双随机、一公开 = 双随机一公开).
_PROGRAM_PUNCT = re.compile(r"[、，,·・.。:：;；!！?？\-—–()（）\[\]【】]")


def normalise(value: Any, field_name: str = "") -> str:
    s = unicodedata.normalize("NFKC", str(value))
    s = _DROP.sub("", s).replace("〔", "[").replace("〕", "]")
    if field_name == "programs":
        s = _PROGRAM_PUNCT.sub("", s)
    return s


def _items(record: dict, name: str) -> set[str]:
    value = record.get(name)
    if value in (None, "", []):
        return set()
    values = value if isinstance(value, list) else [value]
    return {normalise(v, name) for v in values if str(v).strip()}


@dataclass
class FieldScore:
    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[tuple[str, list[str], list[str]]] = field(default_factory=list)  # doc, missed, spurious

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.name, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Evaluation:
    fields: dict[str, FieldScore]
    documents: int
    missing: list[str]  # gold documents with no prediction

    def f1(self, name: str) -> float:
        return self.fields[name].f1


def evaluate(gold: Iterable[dict], predicted: Iterable[dict], fields: Iterable[str] | None = None) -> Evaluation:
    """Score predicted records against gold records, matched by their ``doc`` key."""
    names = list(fields) if fields else [*SCALAR_FIELDS, *LIST_FIELDS]
    scores = {n: FieldScore(n) for n in names}
    pred_by_doc = {r["doc"]: r for r in predicted}
    missing, n_docs = [], 0
    for g in gold:
        p = pred_by_doc.get(g["doc"])
        if p is None:
            missing.append(g["doc"])
            p = {}
        n_docs += 1
        for n in names:
            gs, ps = _items(g, n), _items(p, n)
            optional = _items(g, OPTIONAL[n]) if n in OPTIONAL else set()
            ps_scored = {x for x in ps if x in gs or x not in optional}
            s = scores[n]
            s.tp += len(gs & ps_scored)
            s.fp += len(ps_scored - gs)
            s.fn += len(gs - ps_scored)
            if gs != ps_scored:
                s.errors.append((g["doc"], sorted(gs - ps_scored), sorted(ps_scored - gs)))
    return Evaluation(scores, n_docs, missing)
